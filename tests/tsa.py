"""A small RFC 3161 timestamp server for the tests: HTTP on 127.0.0.1, answering each
TimeStampReq with a token that pyHanko's test TSA signs with the test PKI's timestamp
certificate. The build reaches it over HTTP exactly as it would reach a public one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from pki import Pki


@contextmanager
def timestamp_server(pki: Pki) -> Iterator[tuple[str, list[int]]]:
    """The server's URL, and a list that grows by one for every request it answers."""
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(_der(pki.tsa_cert.read_bytes())),
        tsa_key=keys.PrivateKeyInfo.load(_der(pki.tsa_key.read_bytes())))
    answered: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            answered.append(len(body))

        def log_message(self, *args: object) -> None:
            """Quiet: pytest shows what matters."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/tsa", answered
    finally:
        server.shutdown()
        server.server_close()


def _der(pem: bytes) -> bytes:
    from asn1crypto import pem as asn1_pem

    return asn1_pem.unarmor(pem)[2]
