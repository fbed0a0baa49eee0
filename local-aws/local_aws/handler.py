"""The HTTP request handler: moto's (keeps x-amz-meta-* header names with underscores),
without the default per-request log line (which would print query strings, i.e.
presigned signatures and session tokens) and without the automatic Server/Date
headers (the app sets Date itself)."""

from __future__ import annotations

from moto.moto_server.werkzeug_app import MotoRequestHandler


class RequestHandler(MotoRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        pass

    def send_response(self, code, message=None) -> None:
        self.send_response_only(code, message)
