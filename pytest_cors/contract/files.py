"""Which files are YAML contract files, by name (shared by the collector and ``pytest-cors record``).

No YAML and no pytest import here: the recorder warns when it writes a name
the collector would skip, using the same patterns.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

FILE_PATTERNS = ("cors_*.yaml", "cors_*.yml", "*.cors.yaml", "*.cors.yml")


def is_contract_file(path: Path) -> bool:
    """Whether pytest-cors collects this file (``cors_*.yaml``, ``*.cors.yaml``, ``.yml`` too)."""
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in FILE_PATTERNS)
