"""HTTPS certificates are verified by default: a local HTTPS server with a self-signed
certificate is refused, and accepted only when that certificate is trusted: passed as
``ca_cert_pem`` (added to the default roots, never replacing them) or placed in the system's
trust store, here named by ``SSL_CERT_FILE``."""

from __future__ import annotations

import http.server
import json
import pathlib
import os
import ssl
import subprocess
import sys
import threading
from typing import Iterator

import pytest

import twin

DATA = pathlib.Path(__file__).parent / "data"


class Me(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"user_id": "user_tls"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def https_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Me)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(DATA / "selfsigned-cert.pem", DATA / "selfsigned-key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_self_signed_certificates_are_refused_unless_trusted(https_url: str) -> None:
    with twin.Client(api_key="k", base_url=https_url, max_retries=0) as untrusting:
        with pytest.raises(twin.APIConnectionError):
            untrusting.me()
    pem = (DATA / "selfsigned-cert.pem").read_text()
    with twin.Client(api_key="k", base_url=https_url, ca_cert_pem=pem) as trusting:
        assert trusting.me().user_id == "user_tls"
    with twin.Client(api_key="k", base_url=https_url, ca_cert_pem=pem.encode()) as trusting:
        assert trusting.me().user_id == "user_tls"
    with pytest.raises(ValueError):
        twin.Client(api_key="k", base_url=https_url, ca_cert_pem="not a certificate")


def test_the_system_trust_store_is_used_and_ssl_cert_file_honoured(https_url: str) -> None:
    # The store is read once per process, so each setting runs in a fresh interpreter.
    program = (
        "import sys, twin\n"
        "c = twin.Client(api_key='k', base_url=sys.argv[1], max_retries=0)\n"
        "try:\n"
        "    print(c.me().user_id)\n"
        "except twin.APIConnectionError as e:\n"
        "    print('refused:', e)\n"
    )

    def me_with(env_extra: dict[str, str]) -> str:
        env = {**os.environ, **env_extra}
        result = subprocess.run(
            [sys.executable, "-c", program, https_url],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert me_with({"SSL_CERT_FILE": str(DATA / "selfsigned-cert.pem")}) == "user_tls"
    assert me_with({"SSL_CERT_FILE": "/nonexistent/bundle.pem"}).startswith("refused:")
    # system_roots=False leaves the system store out: Mozilla's roots alone refuse it.
    program = program.replace("max_retries=0", "max_retries=0, system_roots=False")
    assert me_with({"SSL_CERT_FILE": str(DATA / "selfsigned-cert.pem")}).startswith("refused:")

