"""SAML 2.0 federation: a user pool as a SAML service provider (pysaml2 ``Saml2Client``, signatures
checked with xmlsec1), as Cognito does for a ``SAML`` identity provider.

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-saml-idp.html
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-SAML-session-initiation.html

* SP entity ID ``urn:amazon:cognito:sp:<userPoolId>``, assertion consumer service
  ``<domain>/saml2/idpresponse`` (HTTP-POST), as Cognito names them.
* ``/oauth2/authorize?identity_provider=<SAML provider>`` → an AuthnRequest (HTTP-Redirect) to the
  IdP's single sign-on service from the provider's ``MetadataFile``, with our ``RelayState``.
* ``POST /saml2/idpresponse`` → the Response must answer that request (no unsolicited responses:
  IdP-initiated sign-in is off, Cognito's default), carry a signed assertion from the IdP's
  certificate, be in time and for our audience. The user is ``<ProviderName>_<NameID>`` with the
  provider's ``AttributeMapping`` (SAML attribute names) and ``identities`` whose ``issuer`` is the
  IdP's entity ID.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..saml_idp import XMLSEC, key_pair
from .federation import federated_user
from .oauth import Answer, Authorization, HostedUi, redirect, with_query

with warnings.catch_warnings():  # pysaml2 imports a cipher mode cryptography has deprecated
    warnings.simplefilter("ignore")
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.client import Saml2Client
    from saml2.config import SPConfig
    from saml2.metadata import entity_descriptor
    from saml2.saml import NAMEID_FORMAT_PERSISTENT

PENDING_SECONDS = 600


@dataclass
class PendingSaml:
    auth: Authorization
    provider: str
    request_id: str
    origin: str
    expires: float


class SamlFederation:
    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="local-aws-saml-sp-"))
        self._key_file, self._cert_file = key_pair(self._folder, "sp")
        self.pending: dict[str, PendingSaml] = {}

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)

    @staticmethod
    def entity_id(pool_id: str) -> str:
        return f"urn:amazon:cognito:sp:{pool_id}"

    def _config(self, pool_id: str, origin: str, idp_metadata: str | None) -> SPConfig:
        config = SPConfig()
        config.load(
            {
                "entityid": self.entity_id(pool_id),
                "service": {
                    "sp": {
                        "endpoints": {"assertion_consumer_service": [(f"{origin}/saml2/idpresponse", BINDING_HTTP_POST)]},
                        "want_assertions_signed": True,
                        "want_response_signed": False,
                        "allow_unsolicited": False,
                        "authn_requests_signed": False,
                        "name_id_format": NAMEID_FORMAT_PERSISTENT,
                    }
                },
                "key_file": self._key_file,
                "cert_file": self._cert_file,
                "xmlsec_binary": XMLSEC,
                "metadata": {"inline": [idp_metadata]} if idp_metadata else {},
                "accepted_time_diff": 60,
            }
        )
        return config

    def sp_metadata(self, pool_id: str, origin: str) -> str:
        """What the IdP is given about this pool (Cognito documents the same entity ID and ACS)."""
        return str(entity_descriptor(self._config(pool_id, origin, None)))

    def _client(self, pool, provider_name: str, origin: str) -> tuple[Saml2Client, str]:
        provider = pool.identity_providers.get(provider_name)
        metadata = ((provider.extended_config.get("ProviderDetails") or {}).get("MetadataFile")) if provider else None
        if not metadata:
            raise ValueError(f"the SAML provider {provider_name} has no metadata")
        client = Saml2Client(config=self._config(pool.id, origin, metadata))
        (idp_entity,) = list(client.metadata.identity_providers())
        return client, idp_entity

    def start(self, hosted: HostedUi, auth: Authorization, prefix: str) -> Answer:
        origin = hosted.origin(prefix)
        try:
            client, idp_entity = self._client(auth.pool, auth.provider or "", origin)
            relay_state = secrets.token_urlsafe(32)
            request_id, info = client.prepare_for_authenticate(entityid=idp_entity, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT)
        except ValueError as problem:
            return hosted.error_page(str(problem))
        with hosted.cognito._lock:
            now = time.time()
            for key in [k for k, v in self.pending.items() if v.expires < now]:
                del self.pending[key]
            self.pending[relay_state] = PendingSaml(auth, auth.provider or "", request_id, origin, now + PENDING_SECONDS)
        return redirect(dict(info["headers"])["Location"])

    def idp_response(self, hosted: HostedUi, environ: dict, pool) -> Answer:
        form = hosted._form(environ)
        with hosted.cognito._lock:
            pending = self.pending.pop(form.get("RelayState") or "", None)
        if pending is None or pending.auth.pool.id != pool.id or time.time() >= pending.expires or not form.get("SAMLResponse"):
            return hosted.error_page("Invalid relayState from identity provider")
        auth = pending.auth
        try:
            client, idp_entity = self._client(pool, pending.provider, pending.origin)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                response = client.parse_authn_request_response(
                    form["SAMLResponse"], BINDING_HTTP_POST, outstanding={pending.request_id: auth.redirect_uri}
                )
            if response is None or response.assertion is None or response.name_id is None:
                raise ValueError("no assertion")
            if response.assertion.issuer is None or response.assertion.issuer.text != idp_entity:
                raise ValueError("assertion from another issuer")
        except Exception as failure:  # pysaml2 raises many kinds; none may turn into a sign-in
            pairs = [("error_description", f"Invalid SAML response received: {type(failure).__name__}"), ("error", "server_error")]
            if auth.state is not None:
                pairs.append(("state", auth.state))
            return redirect(with_query(auth.redirect_uri, pairs))
        values = response.get_identity()
        provider = pool.identity_providers[pending.provider]
        mapping = provider.extended_config.get("AttributeMapping") or {}
        attributes = []
        for pool_attribute, saml_attribute in mapping.items():
            if pool_attribute == "username":
                continue
            found = values.get(saml_attribute)
            if found:
                attributes.append({"Name": pool_attribute, "Value": str(found[0])})
        with hosted.cognito._lock:
            user = federated_user(pool, pending.provider, "SAML", response.name_id.text, attributes, idp_entity)
            return hosted.finish(auth, user.username, session_id=secrets.token_urlsafe(32), provider=pending.provider)
