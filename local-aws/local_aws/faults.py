"""Injected faults for retry tests (``/__local/faults``).

``POST /__local/faults`` with ``{"service", "status", "code", "count"?, "message"?,
"method"?, "pathPrefix"?, "target"?}`` queues a fault: the next ``count`` requests that
match it (after the CORS preflight, before the signature check, as a real front door
fails first) get ``status``/``code`` in the service's own error format. Faults are
consumed in the order they were queued; ``GET`` lists the pending ones, ``DELETE`` clears.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass

from .errors import AwsError

SERVICES = ("s3", "dynamodb", "cognito-idp", "cognito-identity", "sts")
FIELDS = {"service", "status", "code", "count", "message", "method", "pathPrefix", "target"}

# What AWS says with these codes (any other code gets a generic message unless one is given).
DEFAULT_MESSAGES = {
    "SlowDown": "Please reduce your request rate.",
    "InternalError": "We encountered an internal error. Please try again.",
    "ServiceUnavailable": "Service is unable to handle request.",
    "ThrottlingException": "Rate exceeded",
    "Throttling": "Rate exceeded",
    "ProvisionedThroughputExceededException": (
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API."
    ),
    "RequestLimitExceeded": "Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase",
    "InternalServerError": "Internal server error",
    "TooManyRequestsException": "Too many requests",
    "InternalErrorException": "Internal error",
}
# DynamoDB namespaces its own errors' __type (com.amazonaws.dynamodb.v20120810#...);
# a code given with a "#" is used as the whole __type.
DYNAMODB_TYPE_PREFIX = "com.amazonaws.dynamodb.v20120810#"


@dataclass
class Fault:
    id: int
    service: str
    status: int
    code: str
    message: str
    remaining: int
    method: str | None = None
    path_prefix: str | None = None
    target: str | None = None

    def matches(self, service: str, method: str, path: str, target: str | None) -> bool:
        return (
            self.service == service
            and (self.method is None or self.method == method)
            and (self.path_prefix is None or path.startswith(self.path_prefix))
            and (self.target is None or self.target == target)
        )

    def error(self) -> tuple[AwsError, str]:
        """The error to render, and the JSON ``__type`` prefix for it."""
        prefix, _, code = self.code.rpartition("#")
        if prefix:
            return AwsError(self.status, code, self.message), prefix + "#"
        return AwsError(self.status, self.code, self.message), DYNAMODB_TYPE_PREFIX if self.service == "dynamodb" else ""

    def to_json(self) -> dict:
        data = asdict(self)
        data["pathPrefix"] = data.pop("path_prefix")
        return {name: value for name, value in data.items() if value is not None}


class FaultQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec) -> Fault:
        """Validates and queues ``spec``; raises ValueError with a message for the caller."""
        if not isinstance(spec, dict):
            raise ValueError("expected a JSON object")
        unknown = set(spec) - FIELDS
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        service = spec.get("service")
        if service not in SERVICES:
            raise ValueError(f"service must be one of {', '.join(SERVICES)}")
        status = spec.get("status")
        if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
            raise ValueError("status must be an integer from 400 to 599")
        code = spec.get("code")
        if not isinstance(code, str) or not code or any(c in code for c in "<>&\"' "):
            raise ValueError("code must be a non-empty error code such as SlowDown")
        count = spec.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError("count must be a positive integer")
        for name in ("message", "method", "pathPrefix", "target"):
            if name in spec and not isinstance(spec[name], str):
                raise ValueError(f"{name} must be a string")
        if "pathPrefix" in spec and not spec["pathPrefix"].startswith("/"):
            raise ValueError("pathPrefix must start with /")
        message = spec.get("message", DEFAULT_MESSAGES.get(code.rpartition("#")[2], "Injected fault (local-aws)"))
        with self._lock:
            fault = Fault(
                id=next(self._ids),
                service=service,
                status=status,
                code=code,
                message=message,
                remaining=count,
                method=spec["method"].upper() if "method" in spec else None,
                path_prefix=spec.get("pathPrefix"),
                target=spec.get("target"),
            )
            self._faults.append(fault)
        return fault

    def take(self, service: str, method: str, path: str, target: str | None) -> Fault | None:
        """Consumes one use of the first queued fault matching this request."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(service, method, path, target):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def list(self) -> list[dict]:
        with self._lock:
            return [fault.to_json() for fault in self._faults]

    def clear(self) -> int:
        with self._lock:
            count = len(self._faults)
            self._faults.clear()
            return count
