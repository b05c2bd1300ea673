"""A tiny HTTP client for a real server: cookies, CSRF tokens, no redirect following."""

from __future__ import annotations

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    def __init__(self, port: int, timeout: float = 15.0) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """GET the page for its CSRF token, then POST ``data`` with it."""
        status, _, page = self.get(path)
        match = _CSRF_FIELD.search(page)
        token = match.group(1) if match else self.cookies.get("csrftoken", "")
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": token})

    def login(self, username: str, password: str) -> int:
        return self.post_form("/accounts/login/", {"username": username, "password": password})[0]
