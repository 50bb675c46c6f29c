"""Refresh the Public Suffix List snapshot shipped in pytest_cors/browser/data/.

Usage (from the repository root):

    python scripts/refresh_public_suffix_list.py                 # download from publicsuffix.org
    python scripts/refresh_public_suffix_list.py path/to/public_suffix_list.dat [--date YYYY-MM-DD]

The snapshot is compacted: comments and blank lines are dropped, rules are kept
in order (IDN rules in their punycode form, as browsers compare hosts), and one
``PRIVATE`` line separates the ICANN section from the private section (hosting
suffixes such as github.io). The list is MPL-2.0; its licence is shipped beside it.
"""

from __future__ import annotations

import argparse
import datetime
import pathlib
import urllib.request

SOURCE_URL = "https://publicsuffix.org/list/public_suffix_list.dat"
TARGET = pathlib.Path(__file__).resolve().parent.parent / "pytest_cors" / "browser" / "data" / "public_suffix_list.dat"


def ascii_rule(rule: str) -> str:
    """A rule with every label in punycode (``*`` and ``!`` kept)."""
    prefix = "!" if rule.startswith("!") else ""
    labels = rule[len(prefix):].split(".")
    out = []
    for label in labels:
        try:
            out.append(label if label.isascii() else "xn--" + label.lower().encode("punycode").decode("ascii"))
        except UnicodeError:
            out.append(label)
    return prefix + ".".join(out).lower()


def compact(text: str, date: str, source: str) -> str:
    """The list without comments and blank lines; ``PRIVATE`` starts the private section."""
    lines = [
        f"// Public Suffix List snapshot of {date} from {source}",
        "// Mozilla Public License 2.0 (see PUBLIC_SUFFIX_LIST_LICENSE); compacted by scripts/refresh_public_suffix_list.py",
    ]
    for raw in text.splitlines():
        line = raw.strip()
        if line == "// ===BEGIN PRIVATE DOMAINS===":
            lines.append("PRIVATE")
        elif line and not line.startswith("//"):
            lines.append(ascii_rule(line.split()[0]))
    return "\n".join(lines) + "\n"


def main() -> int:
    """Read (or download) the list and write the compact snapshot."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", help="a local public_suffix_list.dat (default: download)")
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="date of the snapshot")
    args = parser.parse_args()
    if args.source:
        text = pathlib.Path(args.source).read_text(encoding="utf-8")
        source = args.source
    else:
        with urllib.request.urlopen(SOURCE_URL, timeout=60) as response:  # noqa: S310 - fixed https URL
            text = response.read().decode("utf-8")
        source = SOURCE_URL
    if "===BEGIN PRIVATE DOMAINS===" not in text:
        raise SystemExit("that does not look like the Public Suffix List (no private section)")
    TARGET.write_text(compact(text, args.date, source), encoding="utf-8")
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
