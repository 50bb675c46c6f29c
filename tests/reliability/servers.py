"""Real misbehaving servers on 127.0.0.1 for reliability tests.

Every server listens on port 0 (the OS picks a free port), serves each
connection in a daemon thread, and stops on ``close()`` or after
``lifetime`` seconds, whichever comes first, so a forgotten server can never
hang the suite. Fixtures in ``conftest.py`` close them after each test.

Behaviours are plain functions ``handler(conn, server)`` on a connected socket:

* :func:`silent`: accepts and never answers (a hung upstream)
* :func:`reset`: reads the request and resets the connection (RST)
* :func:`hang_up`: reads the request and closes without a byte
* :func:`raw_reply`: answers every request with fixed raw bytes (malformed HTTP, header tricks)
* :func:`cors_reply`: a minimal CORS server; its ``respond`` callback decides each answer
* :func:`huge_body`: valid CORS headers, then an endless body; counts bytes it managed to send
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

Handler = Callable[[socket.socket, "FaultServer"], None]

MAX_REQUEST = 1 << 16


@dataclass
class Request:
    method: str
    path: str
    headers: Dict[str, str]
    raw: bytes

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())


def read_request(conn: socket.socket) -> Optional[Request]:
    """Read one request head (and a Content-Length body); ``None`` if the client went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = conn.recv(4096)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
        if len(data) > MAX_REQUEST:
            return None
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, *_ = lines[0].split(" ") + ["", ""]
    headers: Dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length") or 0)
    while len(rest) < length:
        try:
            chunk = conn.recv(4096)
        except OSError:
            return None
        if not chunk:
            break
        rest += chunk
    # raw: the head and the whole body, however the client split them into TCP segments
    return Request(method, path, headers, head + b"\r\n\r\n" + rest)


class FaultServer:
    """A threaded TCP (optionally TLS) server with one behaviour for every connection."""

    def __init__(self, handler: Handler, *, lifetime: float = 30.0, tls: Optional[ssl.SSLContext] = None) -> None:
        self.handler = handler
        self.tls = tls
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.requests: List[Request] = []
        self.sent_bytes = 0
        self.state: Dict[str, object] = {}
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._deadline = time.monotonic() + lifetime
        self._open: List[socket.socket] = []
        self._threads: List[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept_loop, name=f"fault-server-{self.port}", daemon=True)
        self._acceptor.start()

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def stopping(self) -> bool:
        return self._stop.is_set() or time.monotonic() > self._deadline

    def _accept_loop(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            with self.lock:
                self.connections += 1
                self._open.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()
        self._shutdown()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5.0)
        try:
            if self.tls is not None:
                try:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # the client refused our certificate: exactly what a TLS test wants
                with self.lock:
                    self._open.append(conn)
            self.handler(conn, self)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:  # pragma: no cover
                pass

    def record(self, request: Request) -> None:
        with self.lock:
            self.requests.append(request)

    def wait_until(self, condition: Callable[[FaultServer], bool], limit: float = 5.0) -> bool:
        """Poll ``condition(self)`` until it holds or ``limit`` seconds pass (a hang guard, never a measurement).

        The acceptor runs in its own thread: a client can be done before the
        server has counted its connection, so counts are read once they settle.
        """
        give_up_at = time.monotonic() + limit
        while not condition(self) and time.monotonic() < give_up_at:
            time.sleep(0.01)
        return condition(self)

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``, returning early when the server stops."""
        self._stop.wait(max(0.0, min(seconds, self._deadline - time.monotonic())))

    def _shutdown(self) -> None:
        try:
            self.listener.close()
        except OSError:  # pragma: no cover
            pass
        with self.lock:
            conns, self._open = self._open, []
        for conn in conns:
            try:
                conn.close()
            except OSError:  # pragma: no cover
                pass

    def close(self) -> None:
        self._stop.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the acceptor's accept() at once (not after 0.1 s)
        except OSError:
            pass
        self._acceptor.join(2)
        self._shutdown()
        for thread in self._threads:
            thread.join(2)

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connection refused)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# --- behaviours --------------------------------------------------------------------------------


def silent(conn: socket.socket, server: FaultServer) -> None:
    """Accept, read the request, never answer (until the server stops)."""
    request = read_request(conn)
    if request is not None:
        server.record(request)
    server.wait(60)


def reset(conn: socket.socket, server: FaultServer) -> None:
    """Read the request, then reset the connection (SO_LINGER 0 turns close() into RST)."""
    request = read_request(conn)
    if request is not None:
        server.record(request)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def hang_up(conn: socket.socket, server: FaultServer) -> None:
    """Read the request, then close the connection without answering."""
    request = read_request(conn)
    if request is not None:
        server.record(request)
    conn.close()


def raw_reply(data: bytes) -> Handler:
    """Answer every request on the connection with exactly ``data``, then close."""

    def handler(conn: socket.socket, server: FaultServer) -> None:
        request = read_request(conn)
        if request is None:
            return
        server.record(request)
        conn.sendall(data)
        with server.lock:
            server.sent_bytes += len(data)
        conn.shutdown(socket.SHUT_WR)
        server.wait(0.2)

    return handler


Reply = Tuple[int, List[Tuple[str, str]], bytes]


def http_response(status: int, headers: List[Tuple[str, str]], body: bytes = b"", reason: str = "X") -> bytes:
    head = [f"HTTP/1.1 {status} {reason}"]
    head += [f"{name}: {value}" for name, value in headers]
    if not any(name.lower() in ("content-length", "transfer-encoding") for name, _ in headers):
        head.append(f"Content-Length: {len(body)}")
    head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def cors_headers(request: Request) -> List[Tuple[str, str]]:
    """What a correct CORS server answers for ``request`` (echoes the origin and what was asked)."""
    origin = request.header("origin") or "*"
    headers = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    if request.method == "OPTIONS":
        headers.append(("Access-Control-Allow-Methods", request.header("access-control-request-method") or "GET"))
        if request.header("access-control-request-headers"):
            headers.append(("Access-Control-Allow-Headers", request.header("access-control-request-headers") or ""))
    return headers


def cors_reply(respond: Optional[Callable[[Request, FaultServer], Reply]] = None) -> Handler:
    """One request per connection; ``respond(request, server)`` returns (status, headers, body)."""

    def handler(conn: socket.socket, server: FaultServer) -> None:
        request = read_request(conn)
        if request is None:
            return
        server.record(request)
        if respond is None:
            status, headers, body = 200, cors_headers(request), b"ok"
        else:
            status, headers, body = respond(request, server)
        data = http_response(status, headers, body)
        conn.sendall(data)
        with server.lock:
            server.sent_bytes += len(data)

    return handler


def flaky(failures: int, fault: Handler = reset) -> Handler:
    """The first ``failures`` connections get ``fault``; later ones a correct CORS answer."""
    good = cors_reply()

    def handler(conn: socket.socket, server: FaultServer) -> None:
        with server.lock:
            count = int(server.state.get("flaky", 0))  # type: ignore[arg-type]
            server.state["flaky"] = count + 1
        (fault if count < failures else good)(conn, server)

    return handler


def huge_body(total: int) -> Handler:
    """Correct CORS headers announcing ``total`` body bytes, then stream zeros until the client stops reading."""

    def handler(conn: socket.socket, server: FaultServer) -> None:
        request = read_request(conn)
        if request is None:
            return
        server.record(request)
        head = http_response(200, cors_headers(request) + [("Content-Length", str(total))])
        conn.sendall(head)
        chunk = b"\0" * 65536
        sent = 0
        conn.settimeout(2.0)
        try:
            while sent < total and not server.stopping:
                sent += conn.send(chunk[: min(len(chunk), total - sent)])
        except OSError:
            pass  # the client closed the connection: it stopped reading, as it should
        finally:
            with server.lock:
                server.sent_bytes += sent

    return handler


# --- TLS ---------------------------------------------------------------------------------------


@dataclass
class Certificate:
    cert_file: str
    key_file: str

    def context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        return ctx


def make_self_signed(directory: str) -> Optional[Certificate]:
    """A self-signed certificate for 127.0.0.1, made with ``cryptography`` or the openssl CLI (None if neither)."""
    import os
    import shutil
    import subprocess

    cert_file = os.path.join(directory, "cert.pem")
    key_file = os.path.join(directory, "key.pem")
    try:
        import datetime
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            return None
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key_file, "-out", cert_file, "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "basicConstraints=critical,CA:TRUE"],
            check=True, capture_output=True, timeout=30,
        )
        return Certificate(cert_file, key_file)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    with open(cert_file, "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_file, "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return Certificate(cert_file, key_file)


class FullBacklog:
    """A listener whose accept queue is full and never drained: new connections hang in SYN (connect timeout)."""

    def __init__(self, fillers: int = 4) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._fillers: List[socket.socket] = []
        for _ in range(fillers):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            try:
                sock.connect(("127.0.0.1", self.port))
            except (BlockingIOError, OSError):
                pass
            self._fillers.append(sock)
        time.sleep(0.1)

    def close(self) -> None:
        for sock in self._fillers + [self.listener]:
            try:
                sock.close()
            except OSError:  # pragma: no cover
                pass
