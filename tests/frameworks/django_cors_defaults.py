"""django-cors-headers' own defaults, laid under each test app's settings.

Django settings are configured once per process; every in-process Django app in the tests overrides
them per request, so a setting one app changed must not leak into the next. One place for the list,
read by the audit, framework and real-browser apps alike.
"""

from __future__ import annotations

from typing import Any, Dict

CORS_HEADERS_DEFAULTS: Dict[str, Any] = {
    "CORS_ALLOWED_ORIGINS": [],
    "CORS_ALLOWED_ORIGIN_REGEXES": [],
    "CORS_ALLOW_ALL_ORIGINS": False,
    "CORS_ALLOW_CREDENTIALS": False,
    "CORS_ALLOW_PRIVATE_NETWORK": False,
    "CORS_EXPOSE_HEADERS": [],
    "CORS_PREFLIGHT_MAX_AGE": 86400,
    "CORS_URLS_REGEX": r"^.*$",
}
