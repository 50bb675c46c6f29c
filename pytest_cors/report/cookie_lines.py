"""The "Cookies" section of a failure report: one line per browser that kept a cookie back.

A cookie a browser does not send changes what the server sees in that browser
only (often a 401 without CORS headers, which DevTools shows as a CORS error),
so the report says which browser kept which cookie, why, and the usual fix.
"""

from __future__ import annotations

from typing import List, Sequence

from pytest_cors.browser.fetch import BrowserVerdict
from pytest_cors.browser.profiles import PROFILES


def cookie_lines(verdicts: Sequence[BrowserVerdict]) -> List[str]:
    """``Cookies not sent:`` and one line per (browser, cookie); empty when every cookie went out."""
    lines: List[str] = []
    for verdict in verdicts:
        seen = set()
        for refusal in verdict.cookie_refusals:
            if refusal.cookie.name in seen:
                continue  # a later redirect hop refused it too; one line per browser and cookie
            seen.add(refusal.cookie.name)
            lines.append("  " + refusal.line(PROFILES[verdict.profile].display_name))
    return ["Cookies not sent:"] + lines if lines else []


def cookie_hint(verdicts: Sequence[BrowserVerdict]) -> str:
    """The first hint when a browser kept a cookie back and then blocked: the cookie is the cause.

    An API that authenticates before CORS answers a request without its session cookie
    with 401/403 and no CORS headers; the console then shows a CORS error. Empty when no
    blocking browser kept a cookie back.
    """
    blocked = [v for v in verdicts if not v.allowed and v.cookie_refusals]
    if not blocked:
        return ""
    names = ", ".join(PROFILES[v.profile].display_name for v in blocked)
    return (
        f"{names} did not send the cookie (see 'Cookies not sent'), so the server answered without it: "
        "the missing cookie is the cause, the CORS error its symptom"
    )
