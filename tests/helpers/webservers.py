"""Loopback servers for web.py tests where pytest-httpserver gives too little control.

A scripted HTTP/1.1 server (per-request function, in-flight count, bytes sent),
a socket that accepts connections and never answers, and a self-signed TLS
server whose certificate is made with ``openssl`` at test time.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b"ok\n"
    delay: float = 0.0


Route = Callable[[str, str], Reply]  # (method, path) -> Reply


@dataclass
class Scripted:
    """Counters the tests look at after a run."""

    url: str
    log: list[tuple[str, str]] = field(default_factory=list)
    inflight: int = 0
    max_inflight: int = 0
    bytes_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(route: Route, state: Scripted, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep pytest output clean

        def _answer(self) -> None:
            with state.lock:
                state.log.append((self.command, self.path))
                state.inflight += 1
                state.max_inflight = max(state.max_inflight, state.inflight)
            try:
                reply = route(self.command, self.path)
                if reply.delay:
                    stop.wait(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                body = reply.body
                if isinstance(body, bytes):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    for chunk in [body] if isinstance(body, bytes) else body:
                        self.wfile.write(chunk)
                        with state.lock:
                            state.bytes_sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            finally:
                with state.lock:
                    state.inflight -= 1

        do_GET = do_HEAD = _answer

    return Handler


@contextmanager
def serving(server: socketserver.BaseServer,
            stop: threading.Event | None = None) -> Iterator[None]:
    """Run ``server`` in a thread until the block ends; then stop, close and join it."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield
    finally:
        if stop is not None:
            stop.set()  # handlers waiting on it (slow replies) return at once
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def scripted_server(route: Route, tls: ssl.SSLContext | None = None) -> Iterator[Scripted]:
    """Serve ``route`` on 127.0.0.1 in a thread; stopped and closed on exit."""
    stop = threading.Event()
    state = Scripted(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(route, state, stop))
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    scheme = "https" if tls else "http"
    state.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    with serving(server, stop):
        yield state


@contextmanager
def silent_server() -> Iterator[str]:
    """A port that accepts connections (the kernel does) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def self_signed_context(folder: Path) -> ssl.SSLContext:
    """A server TLS context with a throw-away self-signed certificate."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True, timeout=30,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def trusted_certificate(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and its certificate, to trust through SSL_CERT_FILE."""
    key, cert = folder / "ip-key.pem", folder / "ip-cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=30,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


@contextmanager
def dual_server(route: Route, tls: ssl.SSLContext) -> Iterator[Scripted]:
    """http and https on one 127.0.0.1 port (a TLS hello starts with byte 0x16), as a site
    answers both at the same address. ``route`` sees https paths as ``"https:" + path``."""
    stop = threading.Event()
    state = Scripted(url="")

    class Dual(ThreadingHTTPServer):
        daemon_threads = True

        def get_request(self) -> tuple[socket.socket, object]:
            sock, address = self.socket.accept()
            sock.settimeout(5)
            if sock.recv(1, socket.MSG_PEEK) == b"\x16":
                sock = tls.wrap_socket(sock, server_side=True)
            return sock, address

    handler = _handler(route, state, stop)

    class Handler(handler):  # type: ignore[misc, valid-type]
        def _answer(self) -> None:
            if isinstance(self.connection, ssl.SSLSocket):
                self.path = "https:" + self.path
            super()._answer()

        do_GET = do_HEAD = _answer

    server = Dual(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    with serving(server, stop):
        yield state
