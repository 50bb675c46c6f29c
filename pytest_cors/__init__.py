"""pytest-cors: declare the CORS contract of each endpoint and check it the way browsers do.

The package root imports no pytest: the verdict engine, the contract model and
the transports are usable from any Python code.
"""

from __future__ import annotations

__version__ = "0.1.0"

from pytest_cors.browser.exchange import (  # noqa: E402
    Exchange,
    FetchRequest,
    HttpRequest,
    HttpResponse,
)
from pytest_cors.browser.fetch import BrowserVerdict, simulate_fetch  # noqa: E402
from pytest_cors.browser.profiles import PROFILES, BrowserProfile, select_profiles  # noqa: E402
from pytest_cors.contract.model import ContractCase, ContractError, CorsContract, MaxAge
from pytest_cors.contract.schema import parse_contract

__all__ = [
    "BrowserProfile",
    "BrowserVerdict",
    "ContractCase",
    "ContractError",
    "CorsContract",
    "Exchange",
    "FetchRequest",
    "HttpRequest",
    "HttpResponse",
    "MaxAge",
    "PROFILES",
    "parse_contract",
    "select_profiles",
    "simulate_fetch",
]
