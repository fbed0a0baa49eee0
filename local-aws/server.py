#!/usr/bin/env python3
"""local-aws: a local stand-in for Cognito, STS, S3 and DynamoDB on one 127.0.0.1 port.

moto runs in-process behind our own layer, which verifies SigV4 signatures as
strictly as AWS does and answers CORS for pages on other local ports.
See README.md next to this file.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOOPBACK = "127.0.0.1"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="local-aws/server.py",
        description="Local stand-in for Cognito, STS, S3 and DynamoDB (moto behind strict SigV4 + CORS).",
    )
    parser.add_argument("--host", default=LOOPBACK, help="address to bind; only 127.0.0.1 is allowed")
    parser.add_argument("--port", type=int, default=4566, help="port to bind; 0 picks a free one (default 4566)")
    parser.add_argument("--config", type=Path, default=HERE / "config.json", help="seed configuration (JSON)")
    parser.add_argument("--state", type=Path, default=HERE / "state.json", help="where to write the state file (JSON)")
    parser.add_argument("--verbose", action="store_true", help="log one line per request to stderr")
    args = parser.parse_args(argv)
    if args.host != LOOPBACK:
        parser.error(f"refusing to bind {args.host!r}: local-aws only listens on {LOOPBACK}")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0..65535")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # moto must not authenticate on its own; our layer does (see local_aws/sigv4.py).
    os.environ.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr, format="%(message)s")
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    sys.path.insert(0, str(HERE))
    from werkzeug.serving import make_server

    from local_aws import routing
    from local_aws.app import LocalAws, MotoApps
    from local_aws.authorize import Authorizer
    from local_aws.cognito import CognitoLayer, Settings
    from local_aws.cognito.federation import Federation
    from local_aws.cognito.oauth import HostedUi
    from local_aws.idp import IdpProcess
    from local_aws.saml_idp import SamlIdp
    from local_aws.cognito.saml import SamlFederation
    from local_aws.credentials import Credential, CredentialStore
    from local_aws.identity import IdentityLayer
    from local_aws.handler import RequestHandler
    from local_aws.iot import IotCore
    from local_aws.sigv4 import Verifier
    from local_aws.seed import seed

    config = json.loads(args.config.read_text())
    store = CredentialStore(
        [Credential.from_json(config["credentials"])]
        + [Credential.from_json(extra) for extra in config.get("extraCredentials", [])]
    )
    state: dict = {}
    moto = MotoApps()
    moto.warm_up(service.name for service in routing.ALL_SERVICES)
    cognito = CognitoLayer(Settings.from_config(config.get("cognito")))
    identity = IdentityLayer.from_config(config, store)
    hosted_ui = HostedUi(cognito)  # managed login on <domain>.auth.localhost:PORT (cognito/oauth.py)
    authorizer = Authorizer.from_config(config)  # the identity pool roles' IAM policies
    verifier = Verifier(store, config["region"])
    # AWS IoT's data plane (MQTT over WebSocket) on a port of its own, in front of a Mosquitto broker.
    iot = IotCore(config, verifier, authorizer, identity)
    app = LocalAws(
        region=config["region"],
        credentials=store,
        state=lambda: state,
        moto=moto,
        cognito=cognito,
        identity=identity,
        verbose=args.verbose,
        authorizer=authorizer,
        verifier=verifier,
        iot=iot,
        hosted_ui=hosted_ui,
    )
    server = make_server(LOOPBACK, args.port, app, threaded=True, request_handler=RequestHandler)
    endpoint = f"http://{LOOPBACK}:{server.server_port}"
    identity.set_endpoint(endpoint)
    hosted_ui.set_endpoint(endpoint)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    serving = threading.Thread(target=server.serve_forever, name="local-aws", daemon=True)
    serving.start()

    idp = saml_idp = None
    try:
        iot_endpoint = iot.start() if iot.enabled else None
        idp_issuer = None
        hosted_config = config.get("hostedUi")
        if hosted_config and hosted_config.get("idp"):
            # The upstream OpenID provider (npm oidc-provider) the pools federate to, on its own port.
            domains = [p["domain"] for p in (config.get("userPool"), config.get("mfaUserPool")) if p and p.get("domain")]
            idp_config = hosted_config["idp"]
            idp = IdpProcess(
                clients=[
                    {
                        "client_id": idp_config["clientId"],
                        "client_secret": idp_config["clientSecret"],
                        "redirect_uris": [f"{hosted_ui.origin(d)}/oauth2/idpresponse" for d in domains],
                    }
                ],
                users=idp_config.get("users") or [],
            )
            idp_issuer = idp.start()
            google = hosted_config.get("googleIssuer", "local")
            hosted_ui.federation = Federation(google_issuer=idp_issuer if google == "local" else google)
        saml_metadata = None
        if hosted_config and hosted_config.get("samlIdp"):
            # A SAML 2.0 IdP (pysaml2 + xmlsec1) in this process, on a port of its own.
            saml_idp = SamlIdp(hosted_config["samlIdp"].get("users") or [])
            saml_idp.start()
            saml_metadata = saml_idp.metadata
            hosted_ui.saml = SamlFederation()
        state.update(seed(endpoint, config, hosted_ui_port=server.server_port, idp_issuer=idp_issuer, saml_metadata=saml_metadata))
        if saml_idp is not None:
            for pool_key, domain_key in (("userPoolId", "userPool"), ("mfaUserPoolId", "mfaUserPool")):
                domain = (config.get(domain_key) or {}).get("domain")
                if state.get(pool_key) and domain:
                    saml_idp.register_sp(hosted_ui.saml.sp_metadata(state[pool_key], hosted_ui.origin(domain)))
            state["hostedUi"]["samlIdp"] = {
                "entityId": saml_idp.entity_id,
                "users": [{"login": u["login"], "password": u["password"], "nameId": u["nameId"]} for u in hosted_config["samlIdp"].get("users") or []],
            }
        if iot_endpoint is not None:
            state["iotEndpoint"] = iot_endpoint
            state["iotThings"] = iot.start_devices()
        args.state.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.state.with_name(args.state.name + ".tmp")
        tmp.write_text(json.dumps(state, indent=2) + "\n")
        tmp.replace(args.state)
        print(f"local-aws ready on {endpoint}", flush=True)
        while not stop.wait(0.5):
            pass
    except Exception as exc:  # seeding failed: say why, and exit non-zero
        print(f"local-aws: start-up failed: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        iot.stop()
        server.shutdown()
        server.server_close()
        if idp is not None:
            idp.stop()
        if saml_idp is not None:
            saml_idp.stop()
        if hosted_ui.saml is not None:
            hosted_ui.saml.close()
        _remove_state(args.state, endpoint)
    return 0


def _remove_state(path: Path, endpoint: str) -> None:
    """Deletes the state file if it still describes this (now stopped) server."""
    try:
        if json.loads(path.read_text()).get("endpoint") == endpoint:
            path.unlink()
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
