"""Import the in-process app named as ``module:attribute``, for the plugin and the CLI alike.

Kept outside :mod:`pytest_cors.plugin` so that ``pytest-cors record --app`` (which
never imports pytest) resolves apps exactly as ``--cors-app`` does.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

from pytest_cors.errors import CorsConfigurationError


def import_app(spec: str, source: str) -> Callable[..., Any]:
    """Import ``module:attribute`` (attribute may be dotted, or a factory call ``create_app()``)."""
    if ":" not in spec:
        raise CorsConfigurationError(f"{source}: {spec!r} must be module:attribute, e.g. myproject.wsgi:application")
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise CorsConfigurationError(
            f"{source}: cannot import module {module_name!r}: {type(exc).__name__}: {exc} "
            "(is it on sys.path? set pythonpath in the ini file or install the project)"
        ) from None
    call = attr.endswith("()")
    obj: Any = module
    for part in attr.rstrip("()").split("."):
        if not hasattr(obj, part):
            raise CorsConfigurationError(f"{source}: module {module_name!r} has no attribute {attr.rstrip('()')!r}")
        obj = getattr(obj, part)
    if call:
        obj = obj()
    if not callable(obj):
        raise CorsConfigurationError(f"{source}: {spec!r} is not a WSGI or ASGI app (not callable)")
    app: Callable[..., Any] = obj
    return app
