"""Cognito user pools done strictly: SRP, codes and an outbox, SECRET_HASH, TOTP, token
revocation and rotation, choice-based sign-in (see service.py and ../../README.md)."""

from .outbox import Outbox
from .service import CognitoError, CognitoLayer, Settings

__all__ = ["CognitoError", "CognitoLayer", "Outbox", "Settings"]
