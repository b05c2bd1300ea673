"""Production behind a real TLS reverse proxy (Debian's nginx on loopback): login works, HSTS is sent, the
audit trail records the client's address from the proxy, and nobody else's forwarded headers are believed.
Control: HIPAA 45 CFR 164.312(e)(1) transmission security; OWASP ASVS 4.0 V9.1.1, V14.4.5 (issue 16, item 5).

nginx and openssl come from Debian (``scripts/test`` installs them); where ``CI`` is set a missing one is a
failure, not a skip.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from ._proc import app_env, free_port, run_python, seed
from ._server import running_server

PASSWORD = "proxy-test-password-2026"  # nosec B105 - test fixture
CLIENT = "127.0.0.5"  # the browser's own loopback address, distinct from the proxy's 127.0.0.1
SPOOFED = "203.0.113.7"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.slow

NGINX_CONF = """
worker_processes 1;
{user}
error_log {tmp}/error.log;
pid {tmp}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {tmp}/cert.pem;
        ssl_certificate_key {tmp}/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Host $http_host;
        }}
    }}
}}
"""

AUDIT_IPS = """
import json, django
django.setup()
from ketamine_trd.clinic.audit.models import AuditEvent
print(json.dumps([[e.action, e.ip, e.detail] for e in AuditEvent.objects.filter(action__startswith="login")]))
"""


def _tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if found is None:
        message = f"{name} not found (apt-get install nginx-light openssl; scripts/test installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


class _Client:
    """HTTP(S) requests from ``CLIENT`` with a cookie jar; no redirect following."""

    def __init__(self, port: int, context: ssl.SSLContext | None) -> None:
        self.port, self.context, self.cookies = port, context, {}  # type: ignore[var-annotated]
        self.scheme = "https" if context else "http"

    def request(self, method: str, path: str, form: dict[str, str] | None = None, **headers: str) -> tuple:  # type: ignore[type-arg]
        if self.context is not None:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=20, context=self.context, source_address=(CLIENT, 0)
            )
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20, source_address=(CLIENT, 0))
        sent = {"Host": f"127.0.0.1:{self.port}", **{k.replace("_", "-"): v for k, v in headers.items()}}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            origin = f"{self.scheme}://127.0.0.1:{self.port}"
            sent |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + path}
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            raw_cookies = response.headers.get_all("Set-Cookie") or []
            for value in raw_cookies:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text, raw_cookies
        finally:
            conn.close()

    def login(self, username: str, password: str, **headers: str) -> tuple:  # type: ignore[type-arg]
        status, _, page, _ = self.request("GET", "/accounts/login/", **headers)
        assert status == 200, page[:500]
        token = _CSRF.search(page)
        assert token is not None
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        return self.request("POST", "/accounts/login/", form, **headers)


def _certificate(tmp: Path) -> None:
    done = subprocess.run(
        [_tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _start_nginx(tmp: Path, tls_port: int, app_port: int) -> subprocess.Popen[bytes]:
    nginx = _tool("nginx")
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / folder).mkdir()
    user = "user root;" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, tls_port=tls_port, app_port=app_port, user=user), encoding="utf-8")
    process = subprocess.Popen(
        [nginx, "-e", str(tmp / "error.log"), "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(100):
        if process.poll() is not None:
            raise AssertionError((tmp / "error.log").read_text(errors="replace")[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", tls_port), timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("nginx did not start")


def test_login_over_tls_behind_nginx_with_hsts_and_the_forwarded_client_address(tmp_path: Path) -> None:
    _certificate(tmp_path)
    app_port, tls_port = free_port(), free_port()
    env = app_env(
        tmp_path / "data",
        KTRD_ENV="production",
        KTRD_SECRET_KEY="proxy-test-secret-key-0123456789-abcdefghij",
        KTRD_ALLOWED_HOSTS="127.0.0.1",
    )
    seed(env, PASSWORD, patients=1)
    nginx = _start_nginx(tmp_path, tls_port, app_port)
    try:
        with running_server(env, app_port, tmp_path / "server.log", "--trusted-proxy", "127.0.0.1", "--threads", "2"):
            tls = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
            browser = _Client(tls_port, tls)
            status, headers, _, cookies = browser.login("nurse-1", PASSWORD)
            assert status == 302, (status, headers)
            assert headers["location"] == "/"
            assert headers["strict-transport-security"].startswith("max-age=31536000")
            session = next(c for c in cookies if c.startswith("__Host-sessionid="))
            assert "Secure" in session and "HttpOnly" in session
            status, headers, _, _ = browser.request("GET", "/")
            assert status == 200 and "strict-transport-security" in headers

            # straight to the server, not through the proxy: forwarded headers are dropped, not believed
            direct = _Client(app_port, None)
            status, headers, _, _ = direct.request(
                "GET", "/accounts/login/", X_Forwarded_Proto="https", X_Forwarded_For=SPOOFED
            )
            assert status == 200 and "strict-transport-security" not in headers
            status, _, _, _ = direct.login("nurse-1", "a-wrong-password-1", X_Forwarded_For=SPOOFED)
            assert status == 401
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    done = run_python(AUDIT_IPS, env)
    assert done.returncode == 0, done.stderr[-2000:]
    events = json.loads(done.stdout.strip().splitlines()[-1])
    assert ["login", CLIENT] in [e[:2] for e in events], events  # the browser's address, from the proxy
    failed = [e for e in events if e[0] == "login_failed"]
    assert failed and all(e[1] == CLIENT for e in failed), events  # never the spoofed one
    assert SPOOFED not in json.dumps(events)


def test_a_trusted_proxy_must_be_an_address_and_origins_https(capsys: pytest.CaptureFixture[str]) -> None:
    from ketamine_trd.cli import main
    from ketamine_trd.clinic.checks import production_problems

    assert main(["serve", "--trusted-proxy", "proxy.example.org", "--port", "8000"]) == 2
    assert "--trusted-proxy" in capsys.readouterr().err

    class Settings:
        KTRD_ENV, SECRET_KEY, DEBUG, ALLOWED_HOSTS = "production", "k" * 40, False, ["clinic.example.org"]
        SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
        PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
        CSRF_TRUSTED_ORIGINS = ["http://clinic.example.org"]

    assert any("https://" in p.msg for p in production_problems(Settings))
    Settings.CSRF_TRUSTED_ORIGINS = ["https://clinic.example.org"]
    assert production_problems(Settings) == []
