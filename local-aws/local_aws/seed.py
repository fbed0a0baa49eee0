"""Creates the development resources from config.json through our own endpoint.

Seeding goes through boto3, signed with the development key, so every start also
proves that real AWS signing passes our verifier (a rejected signature stops the
server with an error instead of printing the ready line).
"""

from __future__ import annotations

import json

import boto3
from botocore.config import Config

import time

from .cognito import totp
from .identity import oidc


def seed(
    endpoint: str, config: dict, *, hosted_ui_port: int | None = None, idp_issuer: str | None = None, saml_metadata: str | None = None
) -> dict:
    """Creates the user pools and app clients (with their domains, identity providers and OAuth
    settings), identity pool, bucket and table; returns the state dict. ``idp_issuer``: the local
    OpenID provider (idp.py) that the pools' identity providers federate to."""
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
    main = _seed_user_pool(idp, pool_config, config, idp_issuer, saml_metadata)
    pool_id, client_id, users = main["poolId"], main["clientId"], main["users"]
    mfa = _seed_user_pool(idp, config["mfaUserPool"], config, idp_issuer, saml_metadata) if config.get("mfaUserPool") else None

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
        **({"DeveloperProviderName": identity_config["developerProviderName"]} if identity_config.get("developerProviderName") else {}),
    )["IdentityPoolId"]
    roles = {
        "authenticated": identity_config["authenticatedRole"]["arn"],
        "unauthenticated": identity_config["unauthenticatedRole"]["arn"],
    }
    # Role mappings are keyed "userPool" (the main pool's app client) and "oidc" (the local OIDC
    # provider) in config.json; AWS keys them by provider name (API_SetIdentityPoolRoles).
    provider_keys = {
        "userPool": f"cognito-idp.{region}.amazonaws.com/{pool_id}:{client_id}",
        "oidc": oidc.provider_name(endpoint),
    }
    mappings = {provider_keys.get(name, name): mapping for name, mapping in (identity_config.get("roleMappings") or {}).items()}
    identity.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles=roles, **({"RoleMappings": mappings} if mappings else {}))

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
    if main.get("domain") and hosted_ui_port:
        hosted = {
            "domain": f"http://{main['domain']}.auth.localhost:{hosted_ui_port}",
            "userPoolId": pool_id,
            "clientId": client_id,
        }
        if main.get("secretOAuth"):
            hosted["clientSecretClientId"] = main["secretClientId"]
            hosted["clientSecret"] = main["clientSecret"]
        providers = {p["type"]: p["name"] for p in pool_config.get("identityProviders") or []}
        hosted["providers"] = {"social": providers.get("Google"), "oidc": providers.get("OIDC")}
        if saml_metadata and providers.get("SAML"):
            hosted["providers"]["saml"] = providers["SAML"]
        hosted["callbackUrls"] = (pool_config.get("oauth") or {}).get("callbackURLs") or []
        hosted["logoutUrls"] = (pool_config.get("oauth") or {}).get("logoutURLs") or []
        idp_config = (config.get("hostedUi") or {}).get("idp") or {}
        if idp_issuer:
            hosted["idp"] = {
                "issuer": idp_issuer,
                "users": [
                    {"login": u["login"], "password": u["password"], "sub": u["sub"], "email": (u.get("claims") or {}).get("email")}
                    for u in idp_config.get("users") or []
                ],
            }
        if main.get("totpUsers"):
            hosted["mfa"] = main["totpUsers"][0]
        state["hostedUi"] = hosted
    if identity_config.get("developerProviderName"):
        state["developerProviderName"] = identity_config["developerProviderName"]
    # Roles by name (authenticated, unauthenticated and identityPool.extraRoles), and the role mappings as set.
    state["roles"] = {"authenticated": roles["authenticated"], "unauthenticated": roles["unauthenticated"]}
    state["roles"].update({role["name"]: role["arn"] for role in identity_config.get("extraRoles", [])})
    state["roleMappings"] = mappings
    if iot.get("policy"):
        state["iotPolicyName"] = iot["policy"]["name"]
    return state


def _seed_user_pool(idp, pool_config: dict, config: dict, idp_issuer: str | None, saml_metadata: str | None = None) -> dict:
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

    result: dict = {}
    if pool_config.get("domain"):
        # Managed login: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain.html
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain=pool_config["domain"])
        result["domain"] = pool_config["domain"]
    idp_config = (config.get("hostedUi") or {}).get("idp") or {}
    for provider in pool_config.get("identityProviders") or []:
        if provider["type"] == "SAML":
            if not saml_metadata:
                continue
            # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-managing-saml-idp.html
            idp.create_identity_provider(
                UserPoolId=pool_id,
                ProviderName=provider["name"],
                ProviderType="SAML",
                ProviderDetails={"MetadataFile": saml_metadata, "IDPSignout": "false"},
                AttributeMapping=provider.get("attributeMapping") or {},
            )
            continue
        details = {
            "client_id": idp_config["clientId"],
            "client_secret": idp_config["clientSecret"],
            "authorize_scopes": provider["scopes"],
        }
        if provider["type"] == "OIDC":
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
            details.update(oidc_issuer=idp_issuer or "", attributes_request_method="GET")
        idp.create_identity_provider(
            UserPoolId=pool_id,
            ProviderName=provider["name"],
            ProviderType=provider["type"],
            ProviderDetails=details,
            AttributeMapping=provider.get("attributeMapping") or {"username": "sub"},
        )
    oauth = pool_config.get("oauth")

    def app_client(name: str, secret: bool, client_config: dict) -> dict:
        extra = {}
        if client_config.get("refreshTokenRotation"):
            extra["RefreshTokenRotation"] = client_config["refreshTokenRotation"]
        if oauth and client_config.get("oauth", True):
            extra.update(
                AllowedOAuthFlowsUserPoolClient=True,
                AllowedOAuthFlows=oauth["flows"],
                AllowedOAuthScopes=oauth["scopes"],
                CallbackURLs=oauth["callbackURLs"],
                LogoutURLs=oauth.get("logoutURLs") or [],
                SupportedIdentityProviders=oauth["identityProviders"],
            )
        return idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=name,
            GenerateSecret=secret,
            ExplicitAuthFlows=pool_config["explicitAuthFlows"],
            PreventUserExistenceErrors=pool_config.get("preventUserExistenceErrors", "ENABLED"),
            EnableTokenRevocation=True,
            **extra,
        )["UserPoolClient"]

    result.update(poolId=pool_id, clientId=app_client(pool_config["clientName"], False, pool_config)["ClientId"])
    if pool_config.get("secretClient"):
        secret_config = pool_config["secretClient"]
        created = app_client(secret_config["clientName"], True, secret_config)
        result["secretClientId"] = created["ClientId"]
        result["clientSecret"] = created["ClientSecret"]
        result["secretOAuth"] = bool(oauth and secret_config.get("oauth", True))

    # Groups, with the IAM role their members get from a Token role mapping (cognito:roles / cognito:preferred_role).
    for group in pool_config.get("groups", []):
        extra = {"RoleArn": group["roleArn"]} if group.get("roleArn") else {}
        if group.get("precedence") is not None:
            extra["Precedence"] = group["precedence"]
        idp.create_group(UserPoolId=pool_id, GroupName=group["name"], **extra)

    users, totp_users = [], []
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
        for group in user.get("groups", []):
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=user["username"], GroupName=group)
        entry = {"username": user["username"], "password": user["password"]}
        if temporary:
            entry["temporary"] = True
        if user.get("groups"):
            entry["groups"] = list(user["groups"])
        if user.get("totp"):
            entry["totpSecret"] = _set_up_totp(idp, pool_id, result["clientId"], user)
            totp_users.append(entry)  # not in "users": their sign-in asks for a code
            continue
        users.append(entry)
    result["users"] = users
    result["totpUsers"] = totp_users
    return result


def _set_up_totp(idp, pool_id: str, client_id: str, user: dict) -> str:
    """Gives the user an authenticator app through the API (AssociateSoftwareToken,
    VerifySoftwareToken, SetUserMFAPreference); returns the secret for the state file. The
    verifying code is the previous time step's (accepted within the +-1 step window), so a sign-in
    right after start-up can use the current step's code without it counting as a replay."""
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"]},
    )["AuthenticationResult"]
    secret = idp.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    previous = int(time.time() // totp.STEP) - 1
    idp.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=totp.code_at(secret, previous))
    idp.set_user_mfa_preference(AccessToken=tokens["AccessToken"], SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    return secret
