"""Creates the development resources from config.json through our own endpoint.

Seeding goes through boto3, signed with the development key, so every start also
proves that real AWS signing passes our verifier (a rejected signature stops the
server with an error instead of printing the ready line).
"""

from __future__ import annotations

import boto3
from botocore.config import Config


def seed(endpoint: str, config: dict) -> dict:
    """Creates the user pool, app client, identity pool, bucket and table; returns the state dict."""
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
    pool_id = idp.create_user_pool(
        PoolName=pool_config["name"],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": False,
                "RequireLowercase": False,
                "RequireNumbers": False,
                "RequireSymbols": False,
            }
        },
        AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=pool_config["clientName"],
        GenerateSecret=False,
        ExplicitAuthFlows=pool_config["explicitAuthFlows"],
    )["UserPoolClient"]["ClientId"]
    users = []
    for user in pool_config.get("users", []):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=user["username"],
            UserAttributes=[{"Name": n, "Value": v} for n, v in user.get("attributes", {}).items()],
            MessageAction="SUPPRESS",
        )
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=user["username"], Password=user["password"], Permanent=True
        )
        users.append({"username": user["username"], "password": user["password"]})

    identity_config = config["identityPool"]
    identity_pool_id = client("cognito-identity").create_identity_pool(
        IdentityPoolName=identity_config["name"],
        AllowUnauthenticatedIdentities=identity_config.get("allowUnauthenticatedIdentities", True),
        CognitoIdentityProviders=[
            {
                "ProviderName": f"cognito-idp.{region}.amazonaws.com/{pool_id}",
                "ClientId": client_id,
                "ServerSideTokenCheck": False,
            }
        ],
    )["IdentityPoolId"]

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

    return {
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
