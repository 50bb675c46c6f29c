"""Hints that name a framework's own setting, when a response shows which CORS layer answered.

Starlette's ``CORSMiddleware`` (FastAPI, Starlette) refuses a preflight it does not
allow with ``400 Disallowed CORS method`` / ``headers`` / ``origin`` while still
listing what it allows in ``Access-Control-Allow-Methods`` / ``-Headers``. The generic
hint for a 400 preflight ("auth, routing or a redirect rejects the preflight")
would send users looking in the wrong place; the real fix is a keyword argument.
"""

from __future__ import annotations

from typing import List, Optional

from pytest_cors.browser import rules
from pytest_cors.browser.exchange import Exchange
from pytest_cors.browser.fetch import BrowserVerdict


def _listed(value: Optional[str]) -> List[str]:
    return [item.strip().lower() for item in (value or "").split(",") if item.strip()]


def _starlette_refusal(preflight: Exchange) -> bool:
    """A 400 preflight answer that still lists the allowed methods: Starlette's CORSMiddleware."""
    response = preflight.response
    return response.status == 400 and response.has_header("Access-Control-Allow-Methods")


def starlette_preflight_hint(verdict: BrowserVerdict) -> str:
    """The allow_methods / allow_headers / allow_origins fix for Starlette's 400 preflight, or ''."""
    failure, preflight = verdict.failure, verdict.preflight
    if failure is None or failure.code != rules.PREFLIGHT_STATUS or preflight is None or not _starlette_refusal(preflight):
        return ""
    request, response = preflight.request, preflight.response
    method = request.header("Access-Control-Request-Method") or ""
    allowed_methods = _listed(response.header("Access-Control-Allow-Methods"))
    fixes = []
    if method.lower() not in allowed_methods and "*" not in allowed_methods:
        fixes.append(f"add {method!r} to CORSMiddleware(allow_methods=[...]) (it allows {', '.join(m.upper() for m in allowed_methods)})")
    allowed_headers = _listed(response.header("Access-Control-Allow-Headers"))
    missing = [h for h in _listed(request.header("Access-Control-Request-Headers")) if h not in allowed_headers]
    if missing and "*" not in allowed_headers:
        fixes.append(f"add {', '.join(repr(h) for h in missing)} to CORSMiddleware(allow_headers=[...])")
    if not fixes:
        origin = request.header("Origin") or ""
        fixes.append(
            f"allow {origin!r} in CORSMiddleware(allow_origins=[...]) or allow_origin_regex (matched against the "
            "whole origin)"
        )
    return ("the preflight got Starlette's 400 'Disallowed CORS ...' answer (FastAPI/Starlette CORSMiddleware): "
            + "; ".join(fixes))
