"""IAM policies enforced end to end: role credentials (as the identity pool hands out)
signed by boto3 against the real server, checked against config.json's role policies."""

from __future__ import annotations

import copy
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import botocore.exceptions
import pytest

from conftest import LOCAL_AWS, boto_client, dynamodb_headers, run_server, s3_error, send, signed_headers

ME = "us-east-1:11111111-1111-1111-1111-111111111111"
OTHER = "us-east-1:22222222-2222-2222-2222-222222222222"
GUEST = "us-east-1:33333333-3333-3333-3333-333333333333"
ACCOUNT = "123456789012"


def _role_key(n: int, role_arn: str, identity_id: str | None) -> dict:
    key = {
        "accessKeyId": f"ASIAROLETEST{n:08d}",
        "secretAccessKey": f"RoleSecretKeyForTests/{n:018d}",
        "sessionToken": f"role-session-token-{n}",
        "expiration": time.time() + 3600,
        "roleArn": role_arn,
    }
    if identity_id is not None:
        key["identityId"] = identity_id
    return key


@pytest.fixture(scope="module")
def roles(tmp_path_factory):
    """A server whose config.json adds role credentials: two authenticated identities, a
    guest, and a role without a policy. The authenticated role also gets an explicit Deny."""
    config = json.loads((LOCAL_AWS / "config.json").read_text())
    pool = config["identityPool"]
    auth, guest = pool["authenticatedRole"]["arn"], pool["unauthenticatedRole"]["arn"]
    pool["authenticatedRole"] = copy.deepcopy(pool["authenticatedRole"])
    pool["authenticatedRole"]["policy"]["Statement"].append(
        {
            "Effect": "Deny",
            "Action": "s3:DeleteObject",
            "Resource": "arn:aws:s3:::cognito-fetch-local/private/${cognito-identity.amazonaws.com:sub}/keep/*",
        }
    )
    keys = {
        "me": _role_key(1, auth, ME),
        "other": _role_key(2, auth, OTHER),
        "guest": _role_key(3, guest, GUEST),
        "nobody": _role_key(4, f"arn:aws:iam::{ACCOUNT}:role/no-such-role", ME),
    }
    config["extraCredentials"] = list(keys.values())
    for state in run_server(tmp_path_factory.mktemp("local-aws-iam"), config):
        state["_keys"] = keys
        state["_roles"] = {"auth": auth, "guest": guest}
        yield state


def _principal(role_arn: str) -> str:
    return f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_arn.rsplit('/', 1)[1]}/CognitoIdentityCredentials"


def _client(state: dict, service: str, who: str):
    return boto_client(state, service, key=state["_keys"][who])


def _code(caught) -> str:
    return caught.value.response["Error"]["Code"]


# --------------------------------------------------------------------------------------
# S3


def test_own_prefix_read_write_delete(roles):
    s3 = _client(roles, "s3", "me")
    key = f"private/{ME}/notes/a b+c.txt"
    s3.put_object(Bucket=roles["bucket"], Key=key, Body=b"0123456789")
    assert s3.get_object(Bucket=roles["bucket"], Key=key)["Body"].read() == b"0123456789"
    assert s3.get_object(Bucket=roles["bucket"], Key=key, Range="bytes=2-4")["Body"].read() == b"234"
    assert s3.head_object(Bucket=roles["bucket"], Key=key)["ContentLength"] == 10
    s3.delete_object(Bucket=roles["bucket"], Key=key)


def test_other_identity_prefix_is_access_denied(roles):
    _client(roles, "s3", "other").put_object(Bucket=roles["bucket"], Key=f"private/{OTHER}/secret.txt", Body=b"x")
    s3 = _client(roles, "s3", "me")
    for call in (
        lambda: s3.get_object(Bucket=roles["bucket"], Key=f"private/{OTHER}/secret.txt"),
        lambda: s3.put_object(Bucket=roles["bucket"], Key=f"private/{OTHER}/mine-now.txt", Body=b"x"),
        lambda: s3.delete_object(Bucket=roles["bucket"], Key=f"private/{OTHER}/secret.txt"),
        lambda: s3.put_object(Bucket=roles["bucket"], Key="elsewhere.txt", Body=b"x"),
    ):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            call()
        assert _code(caught) == "AccessDenied"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    key = roles["_keys"]["me"]
    path = quote(f"/{roles['bucket']}/private/{OTHER}/secret.txt")  # ":" -> %3A, as SDKs send it
    resp = send(roles, "GET", path, signed_headers(roles, "s3", "GET", path, key=key))
    assert resp.status == 403, resp
    assert resp.headers["Content-Type"] == "application/xml"
    error = s3_error(resp)
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == (
        f"User: {_principal(roles['_roles']['auth'])} is not authorized to perform: s3:GetObject on resource: "
        f'"arn:aws:s3:::{roles["bucket"]}/private/{OTHER}/secret.txt" because no identity-based policy allows the s3:GetObject action'
    )
    assert error["RequestId"] == resp.headers["x-amz-request-id"]
    assert resp.headers["Access-Control-Allow-Origin"] and resp.headers["Date"]
    # The object is still there, untouched.
    assert _client(roles, "s3", "other").get_object(Bucket=roles["bucket"], Key=f"private/{OTHER}/secret.txt")["Body"].read() == b"x"


def test_list_needs_an_allowed_prefix(roles):
    s3 = _client(roles, "s3", "me")
    s3.put_object(Bucket=roles["bucket"], Key=f"private/{ME}/list/one.txt", Body=b"1")
    listed = s3.list_objects_v2(Bucket=roles["bucket"], Prefix=f"private/{ME}/")
    assert [o["Key"] for o in listed["Contents"]] == [f"private/{ME}/list/one.txt"]
    assert s3.list_objects(Bucket=roles["bucket"], Prefix="public/")["ResponseMetadata"]["HTTPStatusCode"] == 200
    for prefix in (None, "", "private/", f"private/{OTHER}/", f"private/{ME}"):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            s3.list_objects_v2(Bucket=roles["bucket"], **({} if prefix is None else {"Prefix": prefix}))
        assert _code(caught) == "AccessDenied", prefix
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.head_bucket(Bucket=roles["bucket"])
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.list_buckets()
    assert _code(caught) == "AccessDenied"


def test_missing_object_without_list_bucket_is_403_not_404(roles):
    s3 = _client(roles, "s3", "me")
    key = f"private/{ME}/does-not-exist.txt"
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.get_object(Bucket=roles["bucket"], Key=key)
    assert _code(caught) == "AccessDenied"
    assert "s3:ListBucket" in caught.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.head_object(Bucket=roles["bucket"], Key=key)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # The dev key (full access) still gets S3's 404.
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        boto_client(roles, "s3").get_object(Bucket=roles["bucket"], Key=key)
    assert _code(caught) == "NoSuchKey"


def test_multipart_upload_in_own_prefix(roles):
    s3 = _client(roles, "s3", "me")
    key = f"private/{ME}/big.bin"
    upload = s3.create_multipart_upload(Bucket=roles["bucket"], Key=key)["UploadId"]
    part = s3.upload_part(Bucket=roles["bucket"], Key=key, UploadId=upload, PartNumber=1, Body=b"a" * 10)
    assert [p["PartNumber"] for p in s3.list_parts(Bucket=roles["bucket"], Key=key, UploadId=upload)["Parts"]] == [1]
    s3.complete_multipart_upload(
        Bucket=roles["bucket"], Key=key, UploadId=upload, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
    )
    assert s3.get_object(Bucket=roles["bucket"], Key=key)["Body"].read() == b"a" * 10
    aborted = s3.create_multipart_upload(Bucket=roles["bucket"], Key=key)["UploadId"]
    s3.abort_multipart_upload(Bucket=roles["bucket"], Key=key, UploadId=aborted)

    theirs = f"private/{OTHER}/big.bin"
    upload = _client(roles, "s3", "other").create_multipart_upload(Bucket=roles["bucket"], Key=theirs)["UploadId"]
    for call in (
        lambda: s3.create_multipart_upload(Bucket=roles["bucket"], Key=theirs),
        lambda: s3.upload_part(Bucket=roles["bucket"], Key=theirs, UploadId=upload, PartNumber=1, Body=b"b"),
        lambda: s3.list_parts(Bucket=roles["bucket"], Key=theirs, UploadId=upload),
        lambda: s3.abort_multipart_upload(Bucket=roles["bucket"], Key=theirs, UploadId=upload),
        lambda: s3.list_multipart_uploads(Bucket=roles["bucket"]),
    ):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            call()
        assert _code(caught) == "AccessDenied"


def test_presigned_urls_are_evaluated_too(roles):
    s3 = _client(roles, "s3", "me")
    s3.put_object(Bucket=roles["bucket"], Key=f"private/{ME}/p.txt", Body=b"presigned")
    _client(roles, "s3", "other").put_object(Bucket=roles["bucket"], Key=f"private/{OTHER}/p.txt", Body=b"no")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": roles["bucket"], "Key": f"private/{ME}/p.txt"}, ExpiresIn=60)
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == b"presigned"
    url = s3.generate_presigned_url("get_object", Params={"Bucket": roles["bucket"], "Key": f"private/{OTHER}/p.txt"}, ExpiresIn=60)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url)
    assert caught.value.code == 403
    assert b"<Code>AccessDenied</Code>" in caught.value.read()


def test_copy_needs_read_on_the_source(roles):
    s3 = _client(roles, "s3", "me")
    _client(roles, "s3", "other").put_object(Bucket=roles["bucket"], Key=f"private/{OTHER}/c.txt", Body=b"c")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.copy_object(Bucket=roles["bucket"], Key=f"private/{ME}/c.txt", CopySource={"Bucket": roles["bucket"], "Key": f"private/{OTHER}/c.txt"})
    assert _code(caught) == "AccessDenied"
    s3.put_object(Bucket=roles["bucket"], Key=f"private/{ME}/src.txt", Body=b"s")
    s3.copy_object(Bucket=roles["bucket"], Key=f"private/{ME}/dst.txt", CopySource={"Bucket": roles["bucket"], "Key": f"private/{ME}/src.txt"})
    assert s3.get_object(Bucket=roles["bucket"], Key=f"private/{ME}/dst.txt")["Body"].read() == b"s"


def test_explicit_deny_wins_and_says_so(roles):
    s3 = _client(roles, "s3", "me")
    key = f"private/{ME}/keep/important.txt"
    s3.put_object(Bucket=roles["bucket"], Key=key, Body=b"k")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        s3.delete_object(Bucket=roles["bucket"], Key=key)
    assert _code(caught) == "AccessDenied"
    assert caught.value.response["Error"]["Message"].endswith("with an explicit deny in an identity-based policy")


def test_delete_objects_reports_denied_keys_per_key(roles):
    s3 = _client(roles, "s3", "me")
    mine = [f"private/{ME}/batch/{n}.txt" for n in range(2)]
    theirs = f"private/{OTHER}/batch/x.txt"
    for key in mine:
        s3.put_object(Bucket=roles["bucket"], Key=key, Body=b"d")
    _client(roles, "s3", "other").put_object(Bucket=roles["bucket"], Key=theirs, Body=b"d")
    result = s3.delete_objects(Bucket=roles["bucket"], Delete={"Objects": [{"Key": k} for k in [*mine, theirs]]})
    assert sorted(d["Key"] for d in result["Deleted"]) == mine
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [(theirs, "AccessDenied")]
    result = s3.delete_objects(Bucket=roles["bucket"], Delete={"Objects": [{"Key": theirs}], "Quiet": True})
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [(theirs, "AccessDenied")]
    s3.put_object(Bucket=roles["bucket"], Key=mine[0], Body=b"d")
    result = s3.delete_objects(Bucket=roles["bucket"], Delete={"Objects": [{"Key": mine[0]}, {"Key": theirs}], "Quiet": True})
    # (moto ignores Quiet and lists Deleted anyway.)
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [(theirs, "AccessDenied")]
    dev = boto_client(roles, "s3")
    assert dev.get_object(Bucket=roles["bucket"], Key=theirs)["Body"].read() == b"d"
    for key in mine:
        with pytest.raises(botocore.exceptions.ClientError):
            dev.head_object(Bucket=roles["bucket"], Key=key)


def test_guest_role_reads_public_only(roles):
    dev = boto_client(roles, "s3")
    dev.put_object(Bucket=roles["bucket"], Key="public/hello.txt", Body=b"hello")
    s3 = _client(roles, "s3", "guest")
    assert s3.get_object(Bucket=roles["bucket"], Key="public/hello.txt")["Body"].read() == b"hello"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=roles["bucket"], Prefix="public/")["Contents"]] == ["public/hello.txt"]
    for call in (
        lambda: s3.put_object(Bucket=roles["bucket"], Key="public/new.txt", Body=b"x"),
        lambda: s3.delete_object(Bucket=roles["bucket"], Key="public/hello.txt"),
        lambda: s3.get_object(Bucket=roles["bucket"], Key=f"private/{GUEST}/x.txt"),
        lambda: s3.list_objects_v2(Bucket=roles["bucket"], Prefix=f"private/{GUEST}/"),
    ):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            call()
        assert _code(caught) == "AccessDenied"
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        _client(roles, "dynamodb", "guest").get_item(TableName=roles["table"], Key={"pk": {"S": GUEST}, "sk": {"S": "x"}})
    assert _code(caught) == "AccessDeniedException"


def test_role_without_policy_gets_nothing(roles):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        _client(roles, "s3", "nobody").get_object(Bucket=roles["bucket"], Key="public/hello.txt")
    assert _code(caught) == "AccessDenied"


# --------------------------------------------------------------------------------------
# DynamoDB


def _item(pk: str, sk: str = "item", **extra) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}, **extra}


def _key(pk: str, sk: str = "item") -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def test_leading_keys_own_items(roles):
    ddb = _client(roles, "dynamodb", "me")
    table = roles["table"]
    ddb.put_item(TableName=table, Item=_item(ME, n={"N": "1"}))
    assert ddb.get_item(TableName=table, Key=_key(ME))["Item"]["n"] == {"N": "1"}
    ddb.update_item(TableName=table, Key=_key(ME), UpdateExpression="SET n = :two", ExpressionAttributeValues={":two": {"N": "2"}})
    queried = ddb.query(
        TableName=table,
        KeyConditionExpression="#p = :me AND begins_with(sk, :s)",
        ExpressionAttributeNames={"#p": "pk"},
        ExpressionAttributeValues={":me": {"S": ME}, ":s": {"S": "it"}},
    )["Items"]
    assert [i["n"] for i in queried] == [{"N": "2"}]
    ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": _item(ME, "b1")}}, {"PutRequest": {"Item": _item(ME, "b2")}}]})
    got = ddb.batch_get_item(RequestItems={table: {"Keys": [_key(ME, "b1"), _key(ME, "b2")]}})["Responses"][table]
    assert sorted(i["sk"]["S"] for i in got) == ["b1", "b2"]
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": _item(ME, "t1")}},
            {"ConditionCheck": {"TableName": table, "Key": _key(ME), "ConditionExpression": "attribute_exists(pk)"}},
        ]
    )
    ddb.delete_item(TableName=table, Key=_key(ME, "t1"))


def test_leading_keys_other_identity_is_denied(roles):
    ddb = _client(roles, "dynamodb", "me")
    table = roles["table"]
    _client(roles, "dynamodb", "other").put_item(TableName=table, Item=_item(OTHER))
    calls = {
        "GetItem": lambda: ddb.get_item(TableName=table, Key=_key(OTHER)),
        "PutItem": lambda: ddb.put_item(TableName=table, Item=_item(OTHER, "x")),
        "DeleteItem": lambda: ddb.delete_item(TableName=table, Key=_key(OTHER)),
        "UpdateItem": lambda: ddb.update_item(TableName=table, Key=_key(OTHER), UpdateExpression="SET n = :n", ExpressionAttributeValues={":n": {"N": "9"}}),
        "Query": lambda: ddb.query(TableName=table, KeyConditionExpression="pk = :v", ExpressionAttributeValues={":v": {"S": OTHER}}),
        "Scan": lambda: ddb.scan(TableName=table),
        "DescribeTable": lambda: ddb.describe_table(TableName=table),
    }
    for action, call in calls.items():
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            call()
        assert _code(caught) == "AccessDeniedException", action
        assert f"dynamodb:{action} on resource: arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table}" in caught.value.response["Error"]["Message"]
    # Still there.
    assert _client(roles, "dynamodb", "other").get_item(TableName=table, Key=_key(OTHER))["Item"]["pk"] == {"S": OTHER}


def test_dynamodb_denial_wire_format(roles):
    body = json.dumps({"TableName": roles["table"], "Key": _key(OTHER)}).encode()
    headers = signed_headers(roles, "dynamodb", "POST", "/", headers=dynamodb_headers("GetItem"), body=body, key=roles["_keys"]["me"])
    resp = send(roles, "POST", "/", headers, body)
    assert resp.status == 400, resp
    assert resp.json() == {
        "__type": "com.amazon.coral.service#AccessDeniedException",
        "message": (
            f"User: {_principal(roles['_roles']['auth'])} is not authorized to perform: dynamodb:GetItem on resource: "
            f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{roles['table']} because no identity-based policy allows the dynamodb:GetItem action"
        ),
    }
    assert resp.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert resp.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert resp.headers["x-amzn-RequestId"] and resp.headers["Date"] and resp.headers["Access-Control-Allow-Origin"]


def test_batch_and_transactions_mixing_keys_are_denied_whole(roles):
    ddb = _client(roles, "dynamodb", "me")
    table = roles["table"]
    for call in (
        lambda: ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": _item(ME, "m1")}}, {"PutRequest": {"Item": _item(OTHER, "m1")}}]}),
        lambda: ddb.batch_get_item(RequestItems={table: {"Keys": [_key(ME), _key(OTHER)]}}),
        lambda: ddb.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": _item(ME, "m2")}}, {"Delete": {"TableName": table, "Key": _key(OTHER)}}]
        ),
        lambda: ddb.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": _key(OTHER)}}]),
    ):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            call()
        assert _code(caught) == "AccessDeniedException"
    # Nothing of the denied batch was written.
    dev = boto_client(roles, "dynamodb")
    assert "Item" not in dev.get_item(TableName=table, Key=_key(ME, "m1"))
    assert "Item" not in dev.get_item(TableName=table, Key=_key(ME, "m2"))


def test_transact_get_own_items(roles):
    ddb = _client(roles, "dynamodb", "me")
    ddb.put_item(TableName=roles["table"], Item=_item(ME, "tg"))
    got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": roles["table"], "Key": _key(ME, "tg")}}])
    assert got["Responses"][0]["Item"]["sk"] == {"S": "tg"}


# --------------------------------------------------------------------------------------
# Other services


def test_other_services_are_denied_unless_allowed(roles):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        _client(roles, "cognito-idp", "me").list_users(UserPoolId=roles["userPoolId"])
    assert _code(caught) == "AccessDeniedException"
    assert f"cognito-idp:ListUsers on resource: arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/{roles['userPoolId']}" in (
        caught.value.response["Error"]["Message"]
    )
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        _client(roles, "cognito-identity", "me").list_identity_pools(MaxResults=5)
    assert _code(caught) == "AccessDeniedException"
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        _client(roles, "sts", "me").get_session_token()
    assert _code(caught) == "AccessDenied"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
