"""pytest start-up stays cheap: the plugin imports requests, werkzeug and PyYAML only when needed.

Every pytest run in a project with pytest-cors installed imports the pytest11 entry point,
whether or not it checks CORS. In a fresh interpreter (as hypothesis' test_lazy_import.py does),
importing the entry point must leave the HTTP client, the WSGI toolkit and the YAML parser out
of ``sys.modules``; they load when a live URL, an in-process app or a contract file needs them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

HEAVY = ("requests", "urllib3", "werkzeug", "yaml")

SCRIPT = textwrap.dedent(
    """
    import sys
    import {module}
    heavy = sorted({{name.split(".")[0] for name in sys.modules}} & set({heavy!r}))
    print(",".join(heavy))
    """
)


def imported_by(module: str) -> set:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(module=module, heavy=HEAVY)], capture_output=True, text=True, timeout=60, check=True
    )
    return {name for name in out.stdout.strip().split(",") if name}


def test_the_entry_point_imports_no_http_wsgi_or_yaml_library():
    assert imported_by("pytest_cors.plugin.hooks") == set()


def test_the_package_root_imports_none_either():
    assert imported_by("pytest_cors") == set()


def test_the_transports_do_import_them_when_used():
    # the check above must be able to fail: the transports themselves need the libraries
    assert {"requests", "urllib3"} <= imported_by("pytest_cors.transport.live")
    assert "yaml" in imported_by("pytest_cors.contract.yaml_loader")


def test_the_wsgi_transport_needs_werkzeug_only_for_unusual_requests():
    # it builds werkzeug's environ itself for what browsers send (tests/unit/transport/test_wsgi_environ.py)
    assert "werkzeug" not in imported_by("pytest_cors.transport.wsgi")
