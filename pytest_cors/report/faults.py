"""Network faults in words: the report of one failed exchange and the end-of-run summary.

A fault is never a CORS verdict: these texts say so, name the URL (password
hidden) and the cause, and point at the usual fix.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

from pytest_cors.report.redaction import Redactor
from pytest_cors.transport import TransportError

#: The usual fix for each kind of unreachable target.
FIXES = {
    "connection-refused": "start the server, or point --cors-url / cors_url at the right host and port",
    "dns-failure": "check the host name in --cors-url / cors_url / target: (typo? VPN or CI DNS?)",
    "tls-error": "pass --cors-ca-bundle PATH for a private CA, or --cors-insecure for a throw-away test server",
    "connect-timeout": "the host does not accept connections: firewall, wrong port, or raise --cors-timeout",
    "timeout": "the server accepted but did not answer in time: check it is healthy, or raise --cors-timeout",
}
#: How many withheld requests the summary lists before it counts the rest.
WITHHELD_SHOWN = 20


#: Fault kinds raised by an in-process app itself: its bug, not the network's.
APP_FAULTS = ("app-error", "app-timeout", "app-protocol-error", "app-lifespan-error")


def format_transport_error(error: TransportError, redactor: Redactor, target: str = "") -> str:
    """The fault report: what failed, where, why (secrets hidden); ``target`` names an in-process app and its interface."""
    cause = redactor.text(error.cause)
    app_fault = error.kind in APP_FAULTS
    title = "the app under test failed" if app_fault else "cannot reach the target"
    lines = [f"{title}: {error.kind}", f"  URL:   {redactor.url(error.url)}"]
    if target:
        lines.append(f"  target: {redactor.text(target)}")
    lines.append(f"  cause: {cause}")
    if error.hint:
        lines.append(f"  hint:  {redactor.text(error.hint)}")
    kind = "a fault of the app" if app_fault else "a network fault"
    lines.append(f"This is {kind}, not a CORS verdict: no browser decision was made.")
    return "\n".join(lines)


def unreachable_lines(targets: Dict[str, Tuple[TransportError, int]], redactor: Redactor) -> List[str]:
    """Each unreachable target once: its fault, how many requests were not sent, the usual fix."""
    lines: List[str] = []
    for target, (fault, skipped) in targets.items():
        shown = redactor.url(target)
        lines.append(f"{shown}: {fault.kind}: {redactor.text(fault.cause)}")
        if skipped:
            lines.append(
                f"  {skipped} later request(s) to {shown} were not sent (they fail at once instead of "
                "waiting for the same fault again)"
            )
        fix = FIXES.get(fault.kind)
        if fix:
            lines.append(f"  fix: {fix}")
    return lines


def withheld_lines(withheld: Sequence[str]) -> List[str]:
    """The actual requests held back from a live URL (their method can change data)."""
    unique = list(dict.fromkeys(withheld))
    lines = [
        f"{len(unique)} actual request(s) to the live URL were not sent (their method can change data); "
        "only their preflight was checked. Pass --cors-send-unsafe to send them."
    ]
    lines += [f"  {line}" for line in unique[:WITHHELD_SHOWN]]
    if len(unique) > WITHHELD_SHOWN:
        lines.append(f"  ... and {len(unique) - WITHHELD_SHOWN} more")
    return lines
