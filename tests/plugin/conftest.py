"""Helpers for pytester-driven plugin tests."""

from pathlib import Path
from typing import Any, Dict, Optional

import pytest

#: Plugins that slow every in-process run down and have nothing to do with pytest-cors.
QUIET_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark")

POLICY_APP = (Path(__file__).parent / "policy_app.py").read_text(encoding="utf-8")


class Project:
    """A pytester directory with the policy app and a conftest that serves it."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        pytester.makepyfile(policy_app=POLICY_APP)

    def app(self, policy: Optional[Dict[str, Any]] = None, *, fixture: bool = True) -> "Project":
        """Serve ``make_app(policy)`` through the cors_app fixture (and as ``myapp:app``)."""
        self.pytester.makepyfile(myapp=f"from policy_app import make_app\napp = make_app({policy or {}!r})\n")
        if fixture:
            self.pytester.makeconftest(
                """
                import pytest
                import myapp

                @pytest.fixture
                def cors_app():
                    return myapp.app
                """
            )
        return self

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest(*QUIET_PLUGINS, "--cors-audit", "off", *args)


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Project:
    # app modules are rewritten between runs of one test: never reuse a stale .pyc
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    return Project(pytester)
