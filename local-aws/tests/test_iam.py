"""The IAM evaluator (local_aws/iam.py) and the request -> action/resource/condition-key
mapping (local_aws/authorize.py), as pure functions."""

from __future__ import annotations

import json

import pytest

from conftest import LOCAL_AWS
from local_aws import iam
from local_aws.authorize import (
    Authorizer,
    Check,
    delete_objects_request,
    denial_message,
    dynamodb_checks,
    query_partition_value,
    s3_checks,
    session_arn,
)
from local_aws.credentials import Credential

ME = "us-east-1:11111111-1111-1111-1111-111111111111"
OTHER = "us-east-1:22222222-2222-2222-2222-222222222222"
BUCKET = "cognito-fetch-local"
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/cognito-fetch-local"
CONFIG = json.loads((LOCAL_AWS / "config.json").read_text())
AUTH_ROLE = CONFIG["identityPool"]["authenticatedRole"]["arn"]
GUEST_ROLE = CONFIG["identityPool"]["unauthenticatedRole"]["arn"]


def policy(*statements, version="2012-10-17") -> iam.Policy:
    return iam.Policy.parse({"Version": version, "Statement": list(statements)})


def allowed(p: iam.Policy, action: str, resource: str, **context) -> bool:
    return iam.evaluate([p], action, resource, context).allowed


# --------------------------------------------------------------------------------------
# iam.py


def test_default_deny_and_allow():
    p = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    assert allowed(p, "s3:GetObject", "arn:aws:s3:::b/k")
    assert not allowed(p, "s3:PutObject", "arn:aws:s3:::b/k")
    assert not allowed(p, "s3:GetObject", "arn:aws:s3:::other/k")
    assert not iam.evaluate([], "s3:GetObject", "arn:aws:s3:::b/k", {}).allowed


def test_action_wildcards_are_case_insensitive():
    p = policy({"Effect": "Allow", "Action": ["S3:get*", "dynamodb:?etItem"], "Resource": "*"})
    assert allowed(p, "s3:GetObject", "arn:aws:s3:::b/k")
    assert allowed(p, "s3:GetObjectVersion", "arn:aws:s3:::b/k")
    assert allowed(p, "dynamodb:GetItem", TABLE_ARN)
    assert not allowed(p, "dynamodb:PutItem", TABLE_ARN)
    assert not allowed(p, "s3:PutObject", "arn:aws:s3:::b/k")


def test_resource_wildcards_are_case_sensitive_and_per_arn_part():
    p = policy({"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::b/a?c/*", "arn:aws:dynamodb:*:*:table/T"]})
    assert allowed(p, "s3:GetObject", "arn:aws:s3:::b/abc/x/y")
    assert not allowed(p, "s3:GetObject", "arn:aws:s3:::b/ABC/x")
    assert not allowed(p, "s3:GetObject", "arn:aws:s3:::b/abbc/x")
    assert allowed(p, "s3:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/T")
    assert not allowed(p, "s3:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/T/index/I")


def test_policy_variables_in_resource():
    p = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}/*"})
    own = f"arn:aws:s3:::b/private/{ME}/photo.jpg"
    assert allowed(p, "s3:GetObject", own, **{"cognito-identity.amazonaws.com:sub": ME})
    assert not allowed(p, "s3:GetObject", f"arn:aws:s3:::b/private/{OTHER}/photo.jpg", **{"cognito-identity.amazonaws.com:sub": ME})
    # No value for the variable: the resource matches nothing (not even the literal text).
    assert not allowed(p, "s3:GetObject", own)
    assert not allowed(p, "s3:GetObject", "arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}/x")


def test_substituted_values_are_literal_not_wildcards():
    p = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:userid}/*"})
    assert allowed(p, "s3:GetObject", "arn:aws:s3:::b/AROAX:s/k", **{"aws:userid": "AROAX:s"})
    assert not allowed(p, "s3:GetObject", "arn:aws:s3:::b/anything/k", **{"aws:userid": "*"})
    assert allowed(p, "s3:GetObject", "arn:aws:s3:::b/*/k", **{"aws:userid": "*"})


def test_variable_defaults_and_special_characters():
    p = policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username, 'guest'}/${*}"}
    )
    assert allowed(p, "s3:GetObject", "arn:aws:s3:::b/guest/*")
    assert not allowed(p, "s3:GetObject", "arn:aws:s3:::b/guest/x")
    assert allowed(p, "s3:GetObject", "arn:aws:s3:::b/ann/*", **{"aws:username": "ann"})


def test_old_policy_version_has_no_variables():
    p = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:userid}"}, version="2008-10-17")
    assert allowed(p, "s3:GetObject", "arn:aws:s3:::b/${aws:userid}", **{"aws:userid": "x"})
    assert not allowed(p, "s3:GetObject", "arn:aws:s3:::b/x", **{"aws:userid": "x"})


def test_explicit_deny_wins():
    p = policy(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/keep/*"},
    )
    assert allowed(p, "s3:DeleteObject", "arn:aws:s3:::b/tmp/x")
    decision = iam.evaluate([p], "s3:DeleteObject", "arn:aws:s3:::b/keep/x", {})
    assert decision == iam.Decision(False, explicit_deny=True)


def test_not_action_and_not_resource():
    p = policy({"Effect": "Allow", "NotAction": "s3:Delete*", "NotResource": "arn:aws:s3:::secret/*"})
    assert allowed(p, "s3:GetObject", "arn:aws:s3:::b/k")
    assert not allowed(p, "s3:DeleteObject", "arn:aws:s3:::b/k")
    assert not allowed(p, "s3:GetObject", "arn:aws:s3:::secret/k")


def test_string_like_with_variable_and_absent_key():
    p = policy(
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::b",
            "Condition": {"StringLike": {"s3:prefix": ["private/${cognito-identity.amazonaws.com:sub}/*", "public/*"]}},
        }
    )
    sub = {"cognito-identity.amazonaws.com:sub": ME}
    assert allowed(p, "s3:ListBucket", "arn:aws:s3:::b", **{"s3:prefix": f"private/{ME}/", **sub})
    assert allowed(p, "s3:ListBucket", "arn:aws:s3:::b", **{"s3:prefix": "public/", **sub})
    assert not allowed(p, "s3:ListBucket", "arn:aws:s3:::b", **{"s3:prefix": f"private/{OTHER}/", **sub})
    assert not allowed(p, "s3:ListBucket", "arn:aws:s3:::b", **{"s3:prefix": "", **sub})
    assert not allowed(p, "s3:ListBucket", "arn:aws:s3:::b", **sub)  # key absent: false


def test_string_equals_and_negated_operators():
    def cond(condition, **context):
        p = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": condition})
        return allowed(p, "s3:ListBucket", "arn:aws:s3:::b", **context)

    assert cond({"StringEquals": {"s3:prefix": ["a", "b"]}}, **{"s3:prefix": "b"})
    assert not cond({"StringEquals": {"s3:prefix": "a"}}, **{"s3:prefix": "A"})
    assert cond({"StringEqualsIgnoreCase": {"s3:prefix": "a"}}, **{"s3:prefix": "A"})
    assert cond({"StringEquals": {"S3:Prefix": "a"}}, **{"s3:prefix": "a"})  # key names are case-insensitive
    assert not cond({"StringEquals": {"s3:prefix": "a*"}}, **{"s3:prefix": "ab"})  # no wildcards in Equals
    assert cond({"StringNotEquals": {"s3:prefix": ["a", "b"]}}, **{"s3:prefix": "c"})
    assert not cond({"StringNotEquals": {"s3:prefix": ["a", "b"]}}, **{"s3:prefix": "b"})
    assert cond({"StringNotLike": {"s3:prefix": "a*"}})  # negated + absent key: true
    assert cond({"StringEqualsIfExists": {"s3:prefix": "a"}})
    assert not cond({"StringEqualsIfExists": {"s3:prefix": "a"}}, **{"s3:prefix": "b"})
    assert cond({"Null": {"s3:prefix": "true"}})
    assert not cond({"Null": {"s3:prefix": "false"}})
    assert cond({"Bool": {"aws:SecureTransport": False}}, **{"aws:SecureTransport": "false"})
    # Operators AND, keys AND.
    both = {"StringEquals": {"s3:prefix": "a"}, "StringLike": {"s3:delimiter": "/"}}
    assert cond(both, **{"s3:prefix": "a", "s3:delimiter": "/"})
    assert not cond(both, **{"s3:prefix": "a", "s3:delimiter": "-"})


def test_for_all_values_and_for_any_value():
    def leading(operator, values, keys):
        p = policy(
            {
                "Effect": "Allow",
                "Action": "dynamodb:GetItem",
                "Resource": TABLE_ARN,
                "Condition": {operator: {"dynamodb:LeadingKeys": values}},
            }
        )
        context = {"cognito-identity.amazonaws.com:sub": ME}
        if keys is not None:
            context["dynamodb:LeadingKeys"] = keys
        return allowed(p, "dynamodb:GetItem", TABLE_ARN, **context)

    own = ["${cognito-identity.amazonaws.com:sub}"]
    assert leading("ForAllValues:StringEquals", own, [ME])
    assert leading("ForAllValues:StringEquals", own, [ME, ME])
    assert not leading("ForAllValues:StringEquals", own, [ME, OTHER])
    assert not leading("ForAllValues:StringEquals", own, [OTHER])
    # AWS: ForAllValues is true when the key is absent or empty (Scan carries no LeadingKeys).
    assert leading("ForAllValues:StringEquals", own, None)
    assert leading("ForAllValues:StringEquals", own, [])
    assert leading("ForAllValues:StringLike", ["us-east-1:1*"], [ME])
    assert leading("ForAnyValue:StringEquals", own, [OTHER, ME])
    assert not leading("ForAnyValue:StringEquals", own, None)
    # A value that could not be read equals nothing.
    assert not leading("ForAllValues:StringEquals", own, [None])
    assert not leading("ForAllValues:StringLike", ["*"], [ME, None])


def test_unsupported_policies_are_refused():
    with pytest.raises(iam.PolicyError):
        policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "10"}}})
    with pytest.raises(iam.PolicyError):
        policy({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})
    with pytest.raises(iam.PolicyError):
        policy({"Effect": "Permit", "Action": "s3:*", "Resource": "*"})
    with pytest.raises(iam.PolicyError):
        policy({"Effect": "Allow", "Action": "s3:*", "Resource": "bucket/*"})
    with pytest.raises(iam.PolicyError):  # a key local-aws never sets would make conditions lie
        Authorizer(
            {"arn:aws:iam::123456789012:role/r": [{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}
            ]}]},
            "us-east-1",
            account="123456789012",
            partition_key=lambda table, index: "pk",
        )


# --------------------------------------------------------------------------------------
# authorize.py: the request mapping


def actions(checks):
    return [(c.action, c.resource, c.context) for c in checks]


def test_s3_object_mapping():
    arn = f"arn:aws:s3:::{BUCKET}/private/a b/k.txt"
    path = f"/{BUCKET}/private/a%20b/k.txt"
    assert actions(s3_checks("GET", path, {}, {})) == [("s3:GetObject", arn, {})]
    assert actions(s3_checks("HEAD", path, {}, {"range": "bytes=0-1"})) == [("s3:GetObject", arn, {})]
    assert actions(s3_checks("GET", path, {"versionId": "v"}, {})) == [("s3:GetObjectVersion", arn, {})]
    assert actions(s3_checks("PUT", path, {}, {})) == [("s3:PutObject", arn, {})]
    assert actions(s3_checks("DELETE", path, {}, {})) == [("s3:DeleteObject", arn, {})]
    assert actions(s3_checks("POST", path, {"uploads": ""}, {})) == [("s3:PutObject", arn, {})]
    assert actions(s3_checks("PUT", path, {"partNumber": "1", "uploadId": "u"}, {})) == [("s3:PutObject", arn, {})]
    assert actions(s3_checks("POST", path, {"uploadId": "u"}, {})) == [("s3:PutObject", arn, {})]
    assert actions(s3_checks("DELETE", path, {"uploadId": "u"}, {})) == [("s3:AbortMultipartUpload", arn, {})]
    assert actions(s3_checks("GET", path, {"uploadId": "u"}, {})) == [("s3:ListMultipartUploadParts", arn, {})]
    assert actions(s3_checks("GET", path, {"tagging": ""}, {})) == [("s3:GetObjectTagging", arn, {})]
    assert actions(s3_checks("PUT", path, {"acl": "", "versionId": "v"}, {})) == [("s3:PutObjectVersionAcl", arn, {})]
    copy = s3_checks("PUT", path, {}, {"x-amz-copy-source": f"/{BUCKET}/public/src%20file?versionId=3"})
    assert actions(copy) == [("s3:PutObject", arn, {}), ("s3:GetObjectVersion", f"arn:aws:s3:::{BUCKET}/public/src file", {})]
    assert s3_checks("POST", path, {}, {})[0].action is None  # not an S3 operation: never allowed


def test_s3_bucket_mapping():
    arn = f"arn:aws:s3:::{BUCKET}"
    assert actions(s3_checks("GET", f"/{BUCKET}", {"list-type": "2", "prefix": "public/"}, {})) == [
        ("s3:ListBucket", arn, {"s3:prefix": "public/"})
    ]
    assert actions(s3_checks("GET", f"/{BUCKET}/", {"prefix": "", "delimiter": "/", "max-keys": "5"}, {})) == [
        ("s3:ListBucket", arn, {"s3:prefix": "", "s3:delimiter": "/", "s3:max-keys": "5"})
    ]
    assert actions(s3_checks("GET", f"/{BUCKET}", {"list-type": "2"}, {})) == [("s3:ListBucket", arn, {})]  # no s3:prefix
    assert actions(s3_checks("HEAD", f"/{BUCKET}", {}, {})) == [("s3:ListBucket", arn, {})]
    assert actions(s3_checks("GET", f"/{BUCKET}", {"uploads": ""}, {})) == [("s3:ListBucketMultipartUploads", arn, {})]
    assert actions(s3_checks("GET", f"/{BUCKET}", {"location": ""}, {})) == [("s3:GetBucketLocation", arn, {})]
    assert actions(s3_checks("PUT", f"/{BUCKET}", {}, {})) == [("s3:CreateBucket", arn, {})]
    assert actions(s3_checks("DELETE", f"/{BUCKET}", {"cors": ""}, {})) == [("s3:PutBucketCORS", arn, {})]
    assert actions(s3_checks("GET", "/", {}, {})) == [("s3:ListAllMyBuckets", "*", {})]


def test_delete_objects_body():
    body = (
        b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>'
        b"<Object><Key>a&amp;b</Key></Object><Object><Key>c</Key><VersionId>v1</VersionId></Object></Delete>"
    )
    assert delete_objects_request(body) == (True, [{"Key": "a&b"}, {"Key": "c", "VersionId": "v1"}])
    assert delete_objects_request(b"not xml") is None


def _ddb(operation, request, pk="pk"):
    return actions(dynamodb_checks(operation, request, lambda t: t if t.startswith("arn:") else f"arn:t/{t}", lambda t, i: pk))


def test_dynamodb_item_mapping():
    key = {"pk": {"S": ME}, "sk": {"S": "a"}}
    assert _ddb("GetItem", {"TableName": "T", "Key": key}) == [("dynamodb:GetItem", "arn:t/T", {"dynamodb:LeadingKeys": [ME]})]
    assert _ddb("PutItem", {"TableName": "T", "Item": dict(key, x={"N": "1"})}) == [("dynamodb:PutItem", "arn:t/T", {"dynamodb:LeadingKeys": [ME]})]
    assert _ddb("UpdateItem", {"TableName": "T", "Key": {"pk": {"N": "12"}}}) == [("dynamodb:UpdateItem", "arn:t/T", {"dynamodb:LeadingKeys": ["12"]})]
    assert _ddb("DeleteItem", {"TableName": "T", "Key": {"sk": {"S": "a"}}}) == [("dynamodb:DeleteItem", "arn:t/T", {"dynamodb:LeadingKeys": [None]})]
    assert _ddb("GetItem", {"TableName": "arn:aws:dynamodb:us-east-1:1:table/T", "Key": key})[0][1] == "arn:aws:dynamodb:us-east-1:1:table/T"
    assert _ddb("Scan", {"TableName": "T"}) == [("dynamodb:Scan", "arn:t/T", {})]
    assert _ddb("DescribeTable", {"TableName": "T"}) == [("dynamodb:DescribeTable", "arn:t/T", {})]
    assert _ddb("ListTables", {}) == [("dynamodb:ListTables", "*", {})]


def test_dynamodb_query_partition_key():
    def value(request):
        return query_partition_value(request, "pk")

    values = {":v": {"S": ME}, ":s": {"S": "x"}}
    assert value({"KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": values}) == ME
    assert value({"KeyConditionExpression": "#p=:v AND begins_with(#s, :s)", "ExpressionAttributeNames": {"#p": "pk", "#s": "sk"}, "ExpressionAttributeValues": values}) == ME
    assert value({"KeyConditionExpression": "(:v = pk) and sk >= :s", "ExpressionAttributeValues": values}) == ME
    assert value({"KeyConditionExpression": "sk = :s AND pk = :v", "ExpressionAttributeValues": values}) == ME
    assert value({"KeyConditionExpression": "sk = :s", "ExpressionAttributeValues": values}) is None
    assert value({"KeyConditionExpression": "pk = :missing", "ExpressionAttributeValues": values}) is None
    assert value({"KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": ME}]}}}) == ME
    assert _ddb("Query", {"TableName": "T", "IndexName": "byDate", "KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": values}) == [
        ("dynamodb:Query", "arn:t/T/index/byDate", {"dynamodb:LeadingKeys": [ME]})
    ]


def test_dynamodb_batch_and_transactions():
    mine, theirs = {"pk": {"S": ME}, "sk": {"S": "1"}}, {"pk": {"S": OTHER}, "sk": {"S": "1"}}
    batch = {"RequestItems": {"T": [{"PutRequest": {"Item": mine}}, {"DeleteRequest": {"Key": theirs}}], "U": [{"PutRequest": {"Item": mine}}]}}
    assert _ddb("BatchWriteItem", batch) == [
        ("dynamodb:BatchWriteItem", "arn:t/T", {"dynamodb:LeadingKeys": [ME, OTHER]}),
        ("dynamodb:BatchWriteItem", "arn:t/U", {"dynamodb:LeadingKeys": [ME]}),
    ]
    assert _ddb("BatchGetItem", {"RequestItems": {"T": {"Keys": [mine, mine]}}}) == [
        ("dynamodb:BatchGetItem", "arn:t/T", {"dynamodb:LeadingKeys": [ME, ME]})
    ]
    transact = {
        "TransactItems": [
            {"Put": {"TableName": "T", "Item": mine}},
            {"Update": {"TableName": "T", "Key": mine}},
            {"Delete": {"TableName": "T", "Key": theirs}},
            {"ConditionCheck": {"TableName": "T", "Key": mine}},
        ]
    }
    assert [a[0] for a in _ddb("TransactWriteItems", transact)] == [
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    ]
    assert _ddb("TransactWriteItems", transact)[2][2] == {"dynamodb:LeadingKeys": [OTHER]}
    assert _ddb("TransactGetItems", {"TransactItems": [{"Get": {"TableName": "T", "Key": mine}}]}) == [
        ("dynamodb:GetItem", "arn:t/T", {"dynamodb:LeadingKeys": [ME]})
    ]
    assert _ddb("ExecuteStatement", {"Statement": "SELECT * FROM T"})[0][0] is None  # PartiQL: not mapped


def test_config_roles_against_the_mapping():
    authorizer = Authorizer.from_config(CONFIG)
    authorizer.partition_key = lambda table, index: "pk"
    me = Credential("ASIAUNITTEST00000001", "s", "t", role_arn=AUTH_ROLE, identity_id=ME)
    guest = Credential("ASIAUNITTEST00000002", "s", "t", role_arn=GUEST_ROLE, identity_id=OTHER)

    def ok(credential, checks):
        return all(authorizer.decide(credential, check).allowed for check in checks)

    def s3(credential, method, path, params=None):
        return ok(credential, s3_checks(method, path, params or {}, {}))

    def ddb(credential, operation, request):
        return ok(credential, dynamodb_checks(operation, dict(request, TableName="cognito-fetch-local"), authorizer.table_arn, authorizer.partition_key))

    assert s3(me, "PUT", f"/{BUCKET}/private/{ME}/a.txt")
    assert s3(me, "POST", f"/{BUCKET}/private/{ME}/a.txt", {"uploads": ""})
    assert s3(me, "DELETE", f"/{BUCKET}/private/{ME}/a.txt", {"uploadId": "u"})
    assert not s3(me, "GET", f"/{BUCKET}/private/{OTHER}/a.txt")
    assert not s3(me, "GET", f"/{BUCKET}/private/{ME}/a.txt", {"versionId": "v"})  # GetObjectVersion not granted
    assert s3(me, "GET", f"/{BUCKET}", {"list-type": "2", "prefix": f"private/{ME}/"})
    assert not s3(me, "GET", f"/{BUCKET}", {"list-type": "2"})
    assert not s3(me, "GET", f"/{BUCKET}", {"list-type": "2", "prefix": "private/"})
    assert s3(guest, "GET", f"/{BUCKET}/public/a.txt")
    assert not s3(guest, "PUT", f"/{BUCKET}/public/a.txt")
    assert not s3(guest, "GET", f"/{BUCKET}/private/{OTHER}/a.txt")
    assert ddb(me, "GetItem", {"Key": {"pk": {"S": ME}, "sk": {"S": "x"}}})
    assert not ddb(me, "GetItem", {"Key": {"pk": {"S": OTHER}, "sk": {"S": "x"}}})
    assert not ddb(me, "Scan", {})
    assert not ddb(guest, "GetItem", {"Key": {"pk": {"S": OTHER}, "sk": {"S": "x"}}})


def test_denial_messages():
    principal = session_arn(AUTH_ROLE)
    assert principal == "arn:aws:sts::123456789012:assumed-role/cognito-fetch-authenticated/CognitoIdentityCredentials"
    assert session_arn("arn:aws:iam::123456789012:role/path/to/r", "s") == "arn:aws:sts::123456789012:assumed-role/r/s"
    check = Check("dynamodb:GetItem", TABLE_ARN)
    assert denial_message(principal, check, False, quote_resource=False) == (
        f"User: {principal} is not authorized to perform: dynamodb:GetItem on resource: {TABLE_ARN} "
        "because no identity-based policy allows the dynamodb:GetItem action"
    )
    assert denial_message(principal, Check("s3:GetObject", "arn:aws:s3:::b/k"), True, quote_resource=True) == (
        f'User: {principal} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" '
        "with an explicit deny in an identity-based policy"
    )
    assert denial_message(principal, Check("sts:GetSessionToken", "*"), False, quote_resource=False) == (
        f"User: {principal} is not authorized to perform: sts:GetSessionToken "
        "because no identity-based policy allows the sts:GetSessionToken action"
    )
