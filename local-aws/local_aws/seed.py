"""Creates the development resources from config.json through our own endpoint.

Seeding goes through boto3, signed with the development key, so every start also
proves that real AWS signing passes our verifier (a rejected signature stops the
server with an error instead of printing the ready line).
"""

from __future__ import annotations

import json

import boto3
from botocore.config import Config

from .identity import oidc


def seed(endpoint: str, config: dict) -> dict:
    """Creates the user pools and app clients, identity pool, bucket and table; returns the state dict."""
    region = config["region"]
    key = config["credentials"]
    session = boto3.session.Session(
        aws_access_key_id=key["accessKeyId"],
        aws_secret_access_key=key["secretAccessKey"],
        region_name=region,
    )
    client_config = Config(
        s3={"addressing_style": "path"},
        retries={"max_attempts": 1},
        connect_timeout=5,
        read_timeout=30,
    )

    def client(name: str):
        return session.client(name, endpoint_url=endpoint, config=client_config)

    pool_config = config["userPool"]
    idp = client("cognito-idp")
    main = _seed_user_pool(idp, pool_config)
    pool_id, client_id, users = main["poolId"], main["clientId"], main["users"]
    mfa = _seed_user_pool(idp, config["mfaUserPool"]) if config.get("mfaUserPool") else None

    identity_config = config["identityPool"]
    identity = client("cognito-identity")
    identity_pool_id = identity.create_identity_pool(
        IdentityPoolName=identity_config["name"],
        AllowUnauthenticatedIdentities=identity_config.get("allowUnauthenticatedIdentities", True),
        CognitoIdentityProviders=[
            {
                "ProviderName": f"cognito-idp.{region}.amazonaws.com/{pool_id}",
                "ClientId": client_id,
                "ServerSideTokenCheck": False,
            }
        ],
        # The local OIDC provider (/__local/oidc), as an IAM OIDC provider the pool trusts.
        OpenIdConnectProviderARNs=[oidc.provider_arn(endpoint)],
    )["IdentityPoolId"]
    roles = {
        "authenticated": identity_config["authenticatedRole"]["arn"],
        "unauthenticated": identity_config["unauthenticatedRole"]["arn"],
    }
    identity.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles=roles)

    bucket = config["bucket"]
    if region == "us-east-1":  # us-east-1 takes no LocationConstraint
        client("s3").create_bucket(Bucket=bucket)
    else:
        client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})

    table = config["table"]
    client("dynamodb").create_table(
        TableName=table["name"],
        AttributeDefinitions=[
            {"AttributeName": table["partitionKey"], "AttributeType": "S"},
            {"AttributeName": table["sortKey"], "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": table["partitionKey"], "KeyType": "HASH"},
            {"AttributeName": table["sortKey"], "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )

    iot = config.get("iot") or {}
    if iot.get("policy"):
        # The AWS IoT policy an app attaches to its signed-in users' identity ids (AttachPolicy).
        client("iot").create_policy(policyName=iot["policy"]["name"], policyDocument=json.dumps(iot["policy"]["document"]))

    state = {
        "endpoint": endpoint,
        "region": region,
        "credentials": {"accessKeyId": key["accessKeyId"], "secretAccessKey": key["secretAccessKey"]},
        "userPoolId": pool_id,
        "clientId": client_id,
        "identityPoolId": identity_pool_id,
        "bucket": bucket,
        "table": table["name"],
        "tableKey": {"partitionKey": table["partitionKey"], "sortKey": table["sortKey"]},
        "users": users,
    }
    if "secretClientId" in main:
        state["clientWithSecretId"] = main["secretClientId"]
        state["clientSecret"] = main["clientSecret"]
    if mfa is not None:
        state["mfaUserPoolId"] = mfa["poolId"]
        state["mfaClientId"] = mfa["clientId"]
        state["mfaUsers"] = mfa["users"]
    state["outbox"] = f"{endpoint}/__local/outbox"
    state["credentialSeconds"] = int(identity_config.get("credentialSeconds", 3600))
    state["authenticatedRoleArn"] = roles["authenticated"]
    state["unauthenticatedRoleArn"] = roles["unauthenticated"]
    state["oidcProvider"] = oidc.provider_name(endpoint)
    state["oidcAudience"] = ((config.get("oidc") or {}).get("audiences") or ["cognito-fetch-local"])[0]
    state["oidcToken"] = f"{oidc.issuer(endpoint)}/token"
    if iot.get("policy"):
        state["iotPolicyName"] = iot["policy"]["name"]
    return state


def _seed_user_pool(idp, pool_config: dict) -> dict:
    """One user pool with its public app client (and, if configured, a client with a
    secret), MFA settings and users. Returns ids, the secret and the users for the state file."""
    policies = {
        "PasswordPolicy": {
            "MinimumLength": 8,
            "RequireUppercase": False,
            "RequireLowercase": False,
            "RequireNumbers": False,
            "RequireSymbols": False,
        }
    }
    create = {
        "PoolName": pool_config["name"],
        "AutoVerifiedAttributes": pool_config.get("autoVerifiedAttributes", ["email"]),
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}, {"Priority": 2, "Name": "verified_phone_number"}]
        },
    }
    if pool_config.get("allowedFirstAuthFactors"):
        # Choice-based sign-in (USER_AUTH) needs the Essentials tier.
        policies["SignInPolicy"] = {"AllowedFirstAuthFactors": pool_config["allowedFirstAuthFactors"]}
        create["UserPoolTier"] = "ESSENTIALS"
    pool_id = idp.create_user_pool(Policies=policies, **create)["UserPool"]["Id"]

    mfa = pool_config.get("mfa") or {}
    if mfa.get("configuration", "OFF") != "OFF":
        settings = {"UserPoolId": pool_id, "MfaConfiguration": mfa["configuration"]}
        if mfa.get("softwareToken"):
            settings["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
        if mfa.get("sms"):
            settings["SmsMfaConfiguration"] = {
                "SmsAuthenticationMessage": "Your code is {####}",
                "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/local-aws-sms", "ExternalId": "local-aws"},
            }
        if mfa.get("email"):
            settings["EmailMfaConfiguration"] = {"Message": "Your code is {####}", "Subject": "Your code"}
        idp.set_user_pool_mfa_config(**settings)

    def app_client(name: str, secret: bool, client_config: dict) -> dict:
        extra = {}
        if client_config.get("refreshTokenRotation"):
            extra["RefreshTokenRotation"] = client_config["refreshTokenRotation"]
        return idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=name,
            GenerateSecret=secret,
            ExplicitAuthFlows=pool_config["explicitAuthFlows"],
            PreventUserExistenceErrors=pool_config.get("preventUserExistenceErrors", "ENABLED"),
            EnableTokenRevocation=True,
            **extra,
        )["UserPoolClient"]

    result = {"poolId": pool_id, "clientId": app_client(pool_config["clientName"], False, pool_config)["ClientId"]}
    if pool_config.get("secretClient"):
        secret_config = pool_config["secretClient"]
        created = app_client(secret_config["clientName"], True, secret_config)
        result["secretClientId"] = created["ClientId"]
        result["clientSecret"] = created["ClientSecret"]

    users = []
    for user in pool_config.get("users", []):
        temporary = bool(user.get("temporary"))
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=user["username"],
            UserAttributes=[{"Name": n, "Value": v} for n, v in user.get("attributes", {}).items()],
            TemporaryPassword=user["password"],
            MessageAction="SUPPRESS",
        )
        if not temporary:  # a temporary password leaves the user in FORCE_CHANGE_PASSWORD
            idp.admin_set_user_password(UserPoolId=pool_id, Username=user["username"], Password=user["password"], Permanent=True)
        entry = {"username": user["username"], "password": user["password"]}
        if temporary:
            entry["temporary"] = True
        users.append(entry)
    result["users"] = users
    return result
