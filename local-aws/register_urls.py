#!/usr/bin/env python3
"""Registers extra callback / sign-out URLs for managed login on a running local-aws, the way an
app's deployment does it at AWS: DescribeUserPoolClient, then UpdateUserPoolClient with the whole
configuration and the URLs added (UpdateUserPoolClient resets whatever it is not given), signed
with the development key from the state file.

    local-aws/.venv/bin/python local-aws/register_urls.py --state local-aws/state.json http://localhost:9000/www/

AWS accepts only HTTPS URLs, except http://localhost (so pages on 127.0.0.1 use localhost here).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import boto3
from botocore.config import Config


def register(state: dict, urls: list[str]) -> None:
    hosted = state["hostedUi"]
    key = state["credentials"]
    client = boto3.session.Session(
        aws_access_key_id=key["accessKeyId"], aws_secret_access_key=key["secretAccessKey"], region_name=state["region"]
    ).client("cognito-idp", endpoint_url=state["endpoint"], config=Config(retries={"max_attempts": 1}))
    accepted = set(client.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members)
    for client_id in filter(None, (hosted.get("clientId"), hosted.get("clientSecretClientId"))):
        current = client.describe_user_pool_client(UserPoolId=hosted["userPoolId"], ClientId=client_id)["UserPoolClient"]
        settings = {k: v for k, v in current.items() if k in accepted}
        for field in ("CallbackURLs", "LogoutURLs"):
            settings[field] = list(dict.fromkeys((settings.get(field) or []) + urls))
        client.update_user_pool_client(**settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="local-aws/register_urls.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--state", type=Path, default=Path(__file__).resolve().parent / "state.json")
    parser.add_argument("urls", nargs="+", help="callback and sign-out URLs to add")
    args = parser.parse_args(argv)
    register(json.loads(args.state.read_text()), args.urls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
