"""A real HTTP server on 127.0.0.1 (werkzeug, threaded) that logs what arrives and counts connections."""

import importlib.util
import io
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

POLICY_APP_PATH = Path(__file__).parent.parent / "plugin" / "policy_app.py"
QUIET_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark")


def _load_policy_app():
    spec = importlib.util.spec_from_file_location("live_policy_app", POLICY_APP_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_policy_app = _load_policy_app().make_app


class _KeepAliveServer(ThreadingHTTPServer):
    daemon_threads = True


def _keepalive_handler(server, wsgi):
    """An HTTP/1.1 handler that keeps connections open (werkzeug's dev server closes every one)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            server.connections += 1
            super().setup()

        def log_message(self, *args):
            pass

        def __getattr__(self, name):
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def _serve(self):
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            environ = {
                "REQUEST_METHOD": self.command,
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": str(self.server.server_port),
                "SERVER_PROTOCOL": self.request_version,
                "wsgi.version": (1, 0),
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(self.rfile.read(length)),
                "wsgi.errors": sys.stderr,
                "wsgi.multithread": True,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
                "CONTENT_LENGTH": str(length),
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            }
            for name, value in self.headers.items():
                key = "HTTP_" + name.upper().replace("-", "_")
                if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                    environ[key] = value
            started = {}

            def start_response(status, headers, exc_info=None):
                started["status"], started["headers"] = status, headers

            body = b"".join(wsgi(environ, start_response))
            code, _, reason = started["status"].partition(" ")
            self.send_response(int(code), reason)
            for name, value in started["headers"]:
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler


class LiveServer:
    """``keepalive=False``: werkzeug's make_server (threaded). ``keepalive=True``: an HTTP/1.1 server
    from the standard library that keeps connections open, to observe connection reuse."""

    def __init__(self, policy=None, *, slow_seconds=1.0, keepalive=False):
        self.app = make_policy_app(policy)
        self.connections = 0
        self.slow_seconds = slow_seconds
        server = self

        class Handler(WSGIRequestHandler):
            def setup(self):
                server.connections += 1
                super().setup()

            def log_request(self, *args, **kwargs):
                pass

            def log(self, *args, **kwargs):
                pass

        def wsgi(environ, start_response):
            if environ.get("PATH_INFO", "").startswith("/slow"):
                time.sleep(self.slow_seconds)
            return self.app(environ, start_response)

        if keepalive:
            self.server = _KeepAliveServer(("127.0.0.1", 0), _keepalive_handler(self, wsgi))
        else:
            self.server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def log(self):
        return self.app.log

    def requests(self):
        """(method, path) of every request that arrived, in order."""
        return [(method, path) for method, path, *_ in self.log]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def policy_server():
    servers = []

    def start(policy=None, **kwargs):
        server = LiveServer(policy, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def run(pytester):
    def run(*args):
        return pytester.runpytest(*QUIET_PLUGINS, "--cors-audit", "off", *args)

    return run
