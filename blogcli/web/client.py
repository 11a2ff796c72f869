"""A small HTTP/1.1 client on asyncio streams: what a link check needs, and no more.

Why not httpx: under httpx's transport a request went through httpcore's pool, anyio's
stream wrappers, sniffio and h11, about 1 ms of CPU each here; a link check asks the status,
a few headers and at most a peek at the body. This client keeps idle connections per host
(keep-alive), reads the head, and reads only as much body as the caller wants (a connection
whose body was not read to its end is closed, never reused, so an enormous page costs
nothing). Failures keep the ``OSError`` behind them as ``__cause__`` (refused, TLS, DNS),
and a connect timeout is told apart from a read timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import os
import re
import ssl
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from blogcli.web.urls import quick_split

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HOST = re.compile(r"[a-z0-9_.-]+|\[[0-9a-f:.]+(?:%[\w.-]+)?\]")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~?"


class ConnectTimeout(TimeoutError):
    """No connection within ``connect_timeout`` (worth another try)."""


class ReadTimeout(TimeoutError):
    """Connected, but the answer did not come within ``timeout``."""


class TransportError(Exception):
    """The network failed (refused, reset, TLS, DNS, a garbled answer); ``__cause__`` says how."""


class InvalidURL(ValueError):
    """Not a URL a request can be made for (bad scheme, host, or characters)."""


@dataclass(slots=True)
class Response:
    status: int
    headers: dict[str, str]                 # names lower-cased; repeated ones joined by ", "
    set_cookies: list[str] = field(default_factory=list)
    body: bytes = b""                       # what was asked for (decompressed for anchors)


class Cookies:
    """A redirect chain's cookies, as a browser would keep them (host-only or per Domain)."""

    def __init__(self) -> None:
        self.jar: dict[tuple[str, str], str] = {}   # (domain, name) -> value

    def __bool__(self) -> bool:
        return bool(self.jar)

    def extract(self, host: str, set_cookies: list[str]) -> None:
        for line in set_cookies:
            pair, *attributes = line.split(";")
            name, eq, value = pair.partition("=")
            if not eq or not name.strip():
                continue
            domain, expired = host, False
            for attribute in attributes:
                key, _, val = attribute.partition("=")
                key, val = key.strip().lower(), val.strip()
                if key == "domain" and val:
                    wanted = val.lstrip(".").lower()
                    if host != wanted and not host.endswith("." + wanted):
                        break  # a cookie for another site: refused, as browsers do
                    domain = "." + wanted
                elif key == "max-age" and val.lstrip("-").isdigit() and int(val) <= 0:
                    expired = True
            else:
                if expired:
                    self.jar.pop((domain, name.strip()), None)
                else:
                    self.jar[(domain, name.strip())] = value.strip()

    def header(self, host: str) -> str:
        return "; ".join(f"{name}={value}" for (domain, name), value in self.jar.items()
                         if domain == host or (domain.startswith(".") and
                                               (host == domain[1:] or host.endswith(domain))))

    def state(self) -> str:
        """The jar as text: a redirect back to a URL is a loop unless this changed."""
        return ";".join(sorted(f"{d}:{n}={v}" for (d, n), v in self.jar.items()))


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    def usable(self) -> bool:
        return not (self.reader.at_eof() or self.writer.is_closing())

    def close(self) -> None:
        # abort, not close: nothing is left to send, and a TLS close would wait for the
        # peer's close_notify, past the end of the run (an unclosed socket).
        self.writer.transport.abort()


class Client:
    """Requests over kept-alive connections, pooled per (scheme, host, port)."""

    def __init__(self, connect_timeout: float, timeout: float) -> None:
        self.connect_timeout, self.timeout = connect_timeout, timeout
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None
        self._closed = False

    def tls(self) -> ssl.SSLContext:
        """One TLS context for the run (loading the CA bundle costs ~15 ms), trusting what
        httpx trusted: $SSL_CERT_FILE or $SSL_CERT_DIR when set, else certifi's bundle, else
        the system's."""
        if self._tls is None:
            cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
            if not (cafile and os.path.isfile(cafile)):
                cafile = None
            if not (capath and os.path.isdir(capath)):
                capath = None
            if cafile is None and capath is None:
                with contextlib.suppress(ImportError):
                    import certifi

                    cafile = certifi.where()
            self._tls = ssl.create_default_context(cafile=cafile, capath=capath)
        return self._tls

    async def request(self, method: str, url: str, headers: dict[str, str], *,
                      peek: int = 0, page_cap: int = 0, cookies: Cookies | None = None,
                      deadline: float = math.inf) -> Response:
        """Send one request. Of the body, read at most ``peek`` bytes and keep none; or, with
        ``page_cap``, keep up to that much of a successful HTML page (decompressed).

        ``deadline`` (event-loop time) bounds the whole request besides the client's own
        timeouts: past it a plain TimeoutError, as a read timeout would end. One timer per
        step rather than one more around the request (a tenth of the per-request CPU).
        """
        scheme, host, port, target = _parse(url)
        key = (scheme, host, port)
        lines = [f"{method} {target} HTTP/1.1", f"Host: {_host_header(host, port, scheme)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if cookies:
            jar = cookies.header(host)
            if jar:
                lines.append(f"Cookie: {jar}")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        for fresh in (False, True):
            conn = None if fresh else self._pop_idle(key)
            reused = conn is not None
            if conn is None:
                conn = await self._connect(scheme, host, port, deadline)
            try:
                response, reusable = await self._exchange(conn, data, method, peek, page_cap,
                                                          deadline)
            except _Dropped as err:
                conn.close()
                if reused:
                    continue  # the server closed a kept-alive connection: once more, anew
                raise TransportError("the server closed the connection without an answer") \
                    from err.__cause__
            except BaseException:
                conn.close()
                raise
            if reusable and not self._closed:
                self._idle.setdefault(key, []).append(conn)
            else:
                conn.close()
            if cookies is not None and response.set_cookies:
                cookies.extract(host, response.set_cookies)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _pop_idle(self, key: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            conn = idle.pop()
            if conn.usable():
                return conn
            conn.close()
        return None

    async def _connect(self, scheme: str, host: str, port: int, deadline: float) -> _Connection:
        tls = self.tls() if scheme == "https" else None
        own = asyncio.get_running_loop().time() + self.connect_timeout
        try:
            async with asyncio.timeout_at(min(own, deadline)):
                reader, writer = await asyncio.open_connection(
                    host.strip("[]"), port, ssl=tls, server_hostname=host if tls else None,
                    limit=256 * 1024)
        except TimeoutError:
            if deadline < own:
                raise  # the caller's deadline, not a connect timeout (not worth a retry)
            raise ConnectTimeout(f"connecting to {host}:{port}") from None
        except (OSError, UnicodeError) as err:
            raise TransportError(f"{type(err).__name__}: {err}") from err
        return _Connection(reader, writer)

    async def _exchange(self, conn: _Connection, data: bytes, method: str, peek: int,
                        page_cap: int, deadline: float) -> tuple[Response, bool]:
        """Send, read the head and the body asked for; whether the connection can be reused."""
        loop = asyncio.get_running_loop()
        try:
            conn.writer.write(data)
            async with asyncio.timeout_at(min(loop.time() + self.timeout, deadline)):
                await conn.writer.drain()
                status, headers, set_cookies, keep = await _read_head(conn.reader)
        except TimeoutError:
            raise ReadTimeout("waiting for an answer") from None
        except asyncio.IncompleteReadError as err:
            if not err.partial:
                raise _Dropped from err
            raise TransportError("the answer ended inside its headers") from err
        except (OSError, asyncio.LimitOverrunError, ValueError) as err:
            if isinstance(err, ConnectionError | BrokenPipeError):
                raise _Dropped from err
            raise TransportError(f"{type(err).__name__}: {err}") from err
        response = Response(status, headers, set_cookies)
        if method == "HEAD" or status in (204, 304):
            return response, keep
        page = bool(page_cap) and status < 300 and "html" in headers.get("content-type", "")
        body = _Body(conn.reader, headers)
        try:
            async with asyncio.timeout_at(min(loop.time() + self.timeout, deadline)):
                if page:
                    response.body = await _page(body, headers.get("content-encoding", ""),
                                                page_cap)
                else:
                    await _peek(body, peek)
        except TimeoutError:
            raise ReadTimeout("reading the answer") from None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError) as err:
            raise TransportError(f"{type(err).__name__}: {err}") from err
        return response, keep and body.whole

    async def close_host(self, host: str) -> None:
        """Close the idle connections to ``host`` (its links are done)."""
        for key in [k for k in self._idle if k[1] == host]:
            for conn in self._idle.pop(key):
                conn.close()
        await asyncio.sleep(0)  # the aborted transports let go of their sockets

    async def aclose(self) -> None:
        """Close every connection; one finishing after this is closed, not kept."""
        self._closed = True
        for idle in self._idle.values():
            for conn in idle:
                conn.close()
        self._idle.clear()
        await asyncio.sleep(0)


class _Dropped(Exception):
    """The connection ended before any byte of an answer."""


@functools.lru_cache(maxsize=4096)  # HEAD then GET, retries, redirects: the same URLs again
def _parse(url: str) -> tuple[str, str, int, str]:
    quick = quick_split(url)
    if quick is not None:
        scheme, host, port, path, query, _ = quick
        target = (path or "/") + (f"?{query}" if query else "")
        return scheme, host, port or (443 if scheme == "https" else 80), target
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise InvalidURL(str(err)) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidURL(f"unsupported scheme {scheme!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidURL("no host")
    if ":" in host:
        host = f"[{host}]"
    elif not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as err:
            raise InvalidURL(f"host {host!r}: {err}") from None
    if not _HOST.fullmatch(host):
        raise InvalidURL(f"host {host!r} is not a host name")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if any(c in target for c in " \t\r\n\x00") or not target.isprintable():
        raise InvalidURL("whitespace or control characters in the path")
    if not target.isascii():
        target = quote(target, safe=_PATH_SAFE)
    return scheme, host, port or (443 if scheme == "https" else 80), target


def _host_header(host: str, port: int, scheme: str) -> str:
    default = 443 if scheme == "https" else 80
    return host if port == default else f"{host}:{port}"


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], list[str], bool]:
    while True:
        raw = await reader.readuntil(b"\r\n\r\n")
        try:  # as httpx read headers: UTF-8 (a Location with non-ASCII path), else Latin-1
            lines = raw.decode("utf-8").split("\r\n")
        except UnicodeDecodeError:
            lines = raw.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/") or len(code) != 3 or not code.isdigit():
            raise ValueError(f"not an HTTP answer: {lines[0][:60]!r}")
        status = int(code)
        if 100 <= status < 200 and status != 101:
            continue  # 100 Continue and other interim answers: the real one follows
        headers: dict[str, str] = {}
        cookies: list[str] = []
        unfolded: list[str] = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and unfolded:
                unfolded[-1] += " " + line.strip()  # obsolete line folding: one value
            elif line:
                unfolded.append(line)
        for line in unfolded:
            name, colon, value = line.partition(":")
            if not colon or not _TOKEN.fullmatch(name):
                raise ValueError(f"malformed header line {line[:60]!r}")
            name, value = name.lower(), value.strip()
            if name == "set-cookie":
                cookies.append(value)
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        connection = headers.get("connection", "").lower()
        keep = "close" not in connection and (version != "HTTP/1.0" or "keep-alive" in connection)
        return status, headers, cookies, keep


class _Body:
    """A body's raw bytes as they come, framed by its headers; ``whole`` once read to its end
    (only then is the connection fit to reuse)."""

    def __init__(self, reader: asyncio.StreamReader, headers: dict[str, str]) -> None:
        self.reader, self.whole = reader, False
        self.chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length = headers.get("content-length", "").strip()
        self.left = int(length) if length.isdigit() and not self.chunked else None

    async def pieces(self) -> AsyncIterator[bytes]:
        reader = self.reader
        if self.chunked:
            while True:
                line = await reader.readuntil(b"\r\n")
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while (await reader.readuntil(b"\r\n")) != b"\r\n":
                        pass  # trailers
                    self.whole = True
                    return
                while size:
                    piece = await reader.read(min(size, 65536))
                    if not piece:
                        raise asyncio.IncompleteReadError(b"", size)
                    size -= len(piece)
                    yield piece
                await reader.readexactly(2)
        while self.left is None or self.left > 0:
            piece = await reader.read(65536 if self.left is None else min(self.left, 65536))
            if not piece:
                if self.left is not None:
                    raise asyncio.IncompleteReadError(b"", self.left)
                return  # no length: the body ran to the end of the connection
            if self.left is not None:
                self.left -= len(piece)
            yield piece
        self.whole = True


async def _peek(body: _Body, cap: int) -> None:
    """Read and drop at most ``cap`` bytes (so a short body leaves the connection reusable)."""
    size = 0
    async for piece in body.pieces():
        size += len(piece)
        if size > cap:
            break


async def _page(body: _Body, encoding: str, cap: int) -> bytes:
    """At most ``cap`` bytes of the decompressed body (identity, gzip or deflate): a gzip bomb
    is neither downloaded nor inflated past the cap."""
    encoding = encoding.strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        return b""  # not one we asked for: no anchors rather than a guess
    out, decoder = bytearray(), None
    async for piece in body.pieces():
        if encoding in ("", "identity"):
            out += piece
        else:
            if decoder is None:
                decoder = zlib.decompressobj(_wbits(encoding, piece))
            try:
                out += decoder.decompress(piece, cap + 1 - len(out))
            except zlib.error:
                break
        if len(out) > cap:
            break
    return bytes(out[:cap])


def _wbits(encoding: str, first: bytes) -> int:
    """gzip; or deflate, which servers send with a zlib header or, wrongly, as raw deflate."""
    if encoding != "deflate":
        return 31
    zlib_header = len(first) >= 2 and first[0] & 0x0F == 8 and \
        (first[0] * 256 + first[1]) % 31 == 0
    return 15 if zlib_header else -15
