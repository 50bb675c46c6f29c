"""A pytester project with YAML and marker contracts against the policy app, for lockfile and report tests."""

from typing import Any, Dict, Optional

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
BASE_POLICY: Dict[str, Any] = {"origins": [APP], "methods": "GET, PUT", "max_age": 600}

CONTRACTS = """
contracts:
  - name: users
    path: /api/users
    origins: [https://app.example.com]
    deny_origins: [https://evil.example.net]
    methods: [GET, PUT]
  - name: orders
    path: /api/orders
    origins: [https://app.example.com]
"""
ORDERS_REMOVED = CONTRACTS.split("  - name: orders")[0]
MARKER_TEST = """
import pytest


@pytest.mark.cors(path="/api/items", origins=["https://app.example.com"], methods=["GET", "PUT"])
def test_items():
    pass
"""


def make_project(project: Any, policy: Optional[Dict[str, Any]] = None, contracts: str = CONTRACTS) -> Any:
    project.app(policy if policy is not None else BASE_POLICY)
    project.pytester.makefile(".yaml", cors_api=contracts)
    project.pytester.makepyfile(test_items=MARKER_TEST)
    return project
