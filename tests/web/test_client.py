"""web/client.py on the wire: framing, keep-alive, a dropped idle connection, cookies, errors.

A raw TCP server on 127.0.0.1 answers each request with the next scripted bytes, so every
framing (length, chunked, to the end of the connection) and misbehaviour is exactly as sent.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from blogcli.web.client import (
    Client,
    ConnectTimeout,
    Cookies,
    InvalidURL,
    ReadTimeout,
    TransportError,
)
from tests.helpers.webservers import closed_port, silent_server


@dataclass
class Raw:
    url: str
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0


@contextmanager
def raw_server(answers: list[bytes | None]) -> Iterator[Raw]:
    """Answer request n with ``answers[n]``; None closes the connection without a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    state = Raw(f"http://127.0.0.1:{listener.getsockname()[1]}")
    queue = list(answers)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            buffer = b""
            while queue and not stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                state.requests.append(head)
                answer = queue.pop(0)
                if answer is None:
                    return
                conn.sendall(answer)

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            state.connections += 1
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def test_kept_alive_connection_is_reused() -> None:
    with raw_server([OK, OK, OK]) as srv:
        async def three() -> list[int]:
            client = Client(2, 2)
            try:
                return [(await client.request("GET", f"{srv.url}/{n}", {}, peek=10)).status
                        for n in range(3)]
            finally:
                await client.aclose()
        assert run(three()) == [200, 200, 200]
    assert srv.connections == 1
    assert srv.requests[0].startswith(b"GET /0 HTTP/1.1\r\nHost: 127.0.0.1:")


def test_an_idle_connection_the_server_dropped_is_replaced_once() -> None:
    # The second request meets a connection the server closed: asked again on a new one.
    with raw_server([OK, None, OK]) as srv:
        async def two() -> int:
            client = Client(2, 2)
            try:
                await client.request("GET", srv.url + "/a", {}, peek=10)
                return (await client.request("GET", srv.url + "/b", {}, peek=10)).status
            finally:
                await client.aclose()
        assert run(two()) == 200
    assert srv.connections == 2


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n"
    b"5\r\n<p id\r\n9;ext=1\r\n=\"here\">\r\n0\r\nX-Trailer: y\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    b"Content-Length: 13\r\n\r\n<p id=\"here\">",
    b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p id=\"here\">",
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
    b"Content-Length: %d\r\n\r\n" % len(gzip.compress(b"<p id=\"here\">")) +
    gzip.compress(b"<p id=\"here\">"),
], ids=["chunked", "continue", "to-the-end", "gzip"])
def test_page_bodies_in_every_framing(answer: bytes) -> None:
    with raw_server([answer]) as srv:
        async def page() -> bytes:
            client = Client(2, 2)
            try:
                return (await client.request("GET", srv.url, {}, page_cap=1000)).body
            finally:
                await client.aclose()
        assert run(page()).startswith(b"<p id=\"here\">")


def test_a_body_bigger_than_the_peek_closes_the_connection() -> None:
    big = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100000
    with raw_server([big, OK]) as srv:
        async def two() -> None:
            client = Client(2, 2)
            try:
                await client.request("GET", srv.url + "/big", {}, peek=1000)
                await client.request("GET", srv.url + "/small", {}, peek=1000)
            finally:
                await client.aclose()
        run(two())
    assert srv.connections == 2  # not reused with 99 KB unread in it


def test_garbage_and_a_cut_answer_are_transport_errors() -> None:
    for answer in (b"SSH-2.0-OpenSSH\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"):
        with raw_server([answer]) as srv:
            async def once(url: str = srv.url) -> None:
                client = Client(2, 2)
                try:
                    await client.request("GET", url, {}, peek=100)
                finally:
                    await client.aclose()
            with pytest.raises(TransportError):
                run(once())


def test_refused_and_timeouts_are_told_apart() -> None:
    async def get(url: str, timeout: float = 2) -> None:
        client = Client(timeout, timeout)
        try:
            await client.request("GET", url, {})
        finally:
            await client.aclose()

    with pytest.raises(TransportError) as refused:
        run(get(f"http://127.0.0.1:{closed_port()}/"))
    assert isinstance(refused.value.__cause__, ConnectionRefusedError)
    with silent_server() as url, pytest.raises(ReadTimeout) as slow:
        run(get(url, 0.3))
    assert not isinstance(slow.value, ConnectTimeout)  # connected: a read timeout, not retried


@pytest.mark.parametrize("url", ["ftp://example.com/", "http:///nohost", "http://a b/",
                                 "http://example.com/a\x00b", "http://example.com:99999/"])
def test_urls_no_request_can_be_made_for_are_invalid(url: str) -> None:
    async def get() -> None:
        await Client(1, 1).request("GET", url, {})
    with pytest.raises(InvalidURL):
        run(get())


def test_cookies_go_back_to_their_host_and_domain_only() -> None:
    jar = Cookies()
    jar.extract("www.example.com", ["a=1; Path=/", "b=2; Domain=example.com",
                                    "c=3; Domain=other.org", "d=4; Max-Age=0"])
    assert jar.header("www.example.com") == "a=1; b=2"
    assert jar.header("blog.example.com") == "b=2"
    assert jar.header("other.org") == ""
    state = jar.state()
    jar.extract("www.example.com", ["a=1"])
    assert jar.state() == state  # the same cookie again: nothing changed
    jar.extract("www.example.com", ["a=; Max-Age=0"])
    assert jar.header("www.example.com") == "b=2"


def test_folded_and_utf8_headers_are_read_as_httpx_read_them() -> None:
    answer = ("HTTP/1.1 301 Moved\r\nLocation: /caf\u00e9/\r\nX-Long: a\r\n  b\r\n"
              "Content-Length: 0\r\n\r\n").encode()
    with raw_server([answer]) as srv:
        async def head() -> dict[str, str]:
            client = Client(2, 2)
            try:
                return (await client.request("HEAD", srv.url, {})).headers
            finally:
                await client.aclose()
        headers = run(head())
    assert headers["location"] == "/caf\u00e9/"
    assert headers["x-long"] == "a b"
