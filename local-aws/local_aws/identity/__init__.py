"""Cognito identity pools and STS AssumeRoleWithWebIdentity done strictly: verified logins,
stable identity ids, guest-to-signed-in linking and merging, fresh temporary credentials
registered with the SigV4 verifier, GetOpenIdToken, a local OIDC provider and run-time
settings (see service.py, sts.py, layer.py and ../../README.md)."""

from .layer import IdentityLayer
from .service import IdentityError, IdentityPools, Settings

__all__ = ["IdentityError", "IdentityLayer", "IdentityPools", "Settings"]
