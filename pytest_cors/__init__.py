"""pytest-cors: declare the CORS contract of each endpoint and check it the way browsers do.

The package root imports no pytest: the verdict engine, the contract model and
the transports are usable from any Python code.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .contract import ContractCase, ContractError, CorsContract, MaxAge, parse_contract  # noqa: E402
from .exchange import Exchange, FetchRequest, HttpRequest, HttpResponse  # noqa: E402
from .profiles import PROFILES, BrowserProfile, select_profiles  # noqa: E402
from .simulation import BrowserVerdict, simulate_fetch  # noqa: E402

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
