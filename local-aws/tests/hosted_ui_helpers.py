"""A small browser for managed-login tests: raw http.client requests to 127.0.0.1 with the Host
header of the URL (``*.auth.localhost`` and ``localhost`` resolve to loopback in a browser, not
necessarily here), a cookie jar per host, no automatic redirects, and HTML form reading.
Independent of local_aws/ (stdlib only)."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit


class Page:
    def __init__(self, url: str, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def location(self) -> str | None:
        value = self.headers.get("Location")
        return urljoin(self.url, value) if value else None

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> dict:
        return json.loads(self.body)

    def forms(self) -> list[dict]:
        parser = _Forms()
        parser.feed(self.text())
        return parser.forms

    def form(self, action_contains: str = "") -> dict:
        for form in self.forms():
            if action_contains in form["action"]:
                return form
        raise AssertionError(f"no form with {action_contains!r} on {self.url}: {self.text()[:600]}")

    def __repr__(self) -> str:
        return f"<Page {self.status} {self.url} {self.headers.get('Location')} {self.body[:300]!r}>"


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "method": attrs.get("method", "get"), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


class Browser:
    def __init__(self) -> None:
        self.cookies: dict[str, dict[str, str]] = {}

    def request(self, method: str, url: str, *, form: dict | None = None, headers: dict | None = None) -> Page:
        parts = urlsplit(url)
        host = parts.hostname or ""
        connect = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") or host == "127.0.0.1" else host
        conn = http.client.HTTPConnection(connect, parts.port, timeout=30)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        all_headers = {"Host": parts.netloc, **(headers or {})}
        jar = self.cookies.get(host, {})
        if jar:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, target, body=body, headers=all_headers)
            resp = conn.getresponse()
            page = Page(url, resp.status, resp.headers, resp.read())
        finally:
            conn.close()
        for header in page.headers.get_all("Set-Cookie") or []:
            pair = header.split(";", 1)[0]
            name, _, value = pair.partition("=")
            attributes = header.lower()
            if "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes or value == "":
                self.cookies.setdefault(host, {}).pop(name.strip(), None)
            else:
                self.cookies.setdefault(host, {})[name.strip()] = value.strip()
        return page

    def get(self, url: str, **kwargs) -> Page:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, form: dict, **kwargs) -> Page:
        return self.request("POST", url, form=form, **kwargs)

    def follow(self, page: Page, stop_at: str) -> Page:
        """Follows redirects until one points at ``stop_at`` (returned unfollowed) or a page that is no redirect."""
        for _ in range(20):
            if page.status not in (301, 302, 303, 307) or page.location is None:
                return page
            if page.location.startswith(stop_at):
                return page
            page = self.get(page.location)
        raise AssertionError("too many redirects")

    def submit(self, page: Page, action_contains: str = "", **values) -> Page:
        form = page.form(action_contains)
        fields = dict(form["fields"], **values)
        return self.post(urljoin(page.url, form["action"]), fields)


def pkce() -> tuple[str, str]:
    """(verifier, S256 challenge) as RFC 7636 4.1/4.2 define them."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def query_of(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def authorize_url(hosted: dict, *, client_id: str | None = None, redirect_uri: str | None = None, **extra) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id or hosted["clientId"],
        "redirect_uri": redirect_uri or hosted["callbackUrls"][0],
        **extra,
    }
    return f"{hosted['domain']}/oauth2/authorize?{urlencode(params)}"


def token_request(browser: Browser, hosted: dict, form: dict, *, basic: tuple[str, str] | None = None, origin: str | None = None) -> Page:
    headers = {}
    if basic is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    if origin is not None:
        headers["Origin"] = origin
    return browser.post(f"{hosted['domain']}/oauth2/token", form, headers=headers)


def password_sign_in(browser: Browser, hosted: dict, username: str, password: str, **authorize) -> Page:
    """authorize -> /login form -> credentials; returns the answer to the credentials (not followed)."""
    page = browser.get(authorize_url(hosted, **authorize))
    assert page.status == 302 and "/login?" in page.location, page
    page = browser.get(page.location)
    assert page.status == 200, page
    return browser.submit(page, "/login", username=username, password=password)
