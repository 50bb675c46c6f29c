"""The audit's catalogue: one row per probe, and the vocabularies they use.

Every probe is a row of :data:`CATALOGUE`: its id, its family (an attacker
origin sent through the browser model, or a check of the headers the audit
saw), its severities, why it matters, the usual fix, which contracts it
applies to, and which broader probes cover it (one root cause, one finding: a
server that reflects any origin lets every lookalike in too, so the lookalikes
are reported under ``reflect-any-origin`` and their items skipped). The code
that runs a probe is one function registered under its id: a derivation in
:mod:`pytest_cors.audit.derive` for origin probes, a check in
:mod:`pytest_cors.audit.header_checks` for header-level ones. Adding a probe is
one row here plus one such function.

Pure data, no I/O: :mod:`pytest_cors.contract.schema` imports the probe ids
from here to validate ``audit: {skip: [...]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Dict, Literal, Optional, Sequence, Tuple, TypeVar, get_args

from pytest_cors.browser.safelist import needs_preflight

if TYPE_CHECKING:  # the contract model imports this module for the probe ids
    from pytest_cors.contract.model import CorsContract

#: Finding severities, most severe first (``--cors-audit-severity`` takes one).
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: Tuple[Severity, ...] = get_args(Severity)
#: Rank of each severity: 0 is the most severe.
SEVERITY_RANK: Dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}

#: The probe ids, in the order items are generated and findings listed.
ProbeId = Literal[
    "reflect-any-origin",
    "null-origin",
    "prefix-lookalike",
    "suffix-lookalike",
    "unescaped-dot",
    "untrusted-subdomain",
    "scheme-downgrade",
    "port-confusion",
    "special-characters",
    "wildcard-with-credentials",
    "missing-vary",
    "credentials-on-refused-origin",
    "private-network",
    "max-age-over-cap",
    "sensitive-exposed-header",
    "missing-max-age",
    "csrf-exposure",
    "registrable-by-anyone",
]
PROBE_IDS: Tuple[ProbeId, ...] = get_args(ProbeId)


def at_or_above(severity: str, threshold: str) -> bool:
    """Whether ``severity`` is as severe as ``threshold`` or more (``critical`` is the most)."""
    return SEVERITY_RANK[severity] <= SEVERITY_RANK[threshold]


class Family(Enum):
    """How a probe finds its weakness."""

    #: Sends an attacker origin through every browser profile and asks whether it can read the response.
    ORIGIN = "origin"
    #: Reads the headers of the responses the audit saw (and may send one request of its own).
    HEADER = "header"


class Explains(Enum):
    """When a broader probe's finding explains a narrower probe's finding (see :attr:`ProbeSpec.covered_by`)."""

    #: The broad finding is at least as severe: the same read (any origin is read, so every lookalike is too).
    AS_SEVERE = "as-severe"
    #: The narrower finding's evidence was answered with ``Access-Control-Allow-Origin: *`` (a wildcard answers everyone).
    WILDCARD_ANSWER = "wildcard-answer"


def _always(contract: CorsContract) -> bool:
    return True


def _private(contract: CorsContract) -> bool:
    return not contract.is_public


def _private_post(contract: CorsContract) -> bool:
    return not contract.is_public and "POST" in contract.methods


def _open_registration(contract: CorsContract) -> bool:
    from pytest_cors.audit.registrable import registrable_by_anyone  # the Public Suffix List, read on first use

    return bool(registrable_by_anyone(contract))


def _preflighted(contract: CorsContract) -> bool:
    return bool(contract.origins) and any(needs_preflight(m, contract.request_headers) for m in contract.methods)


@dataclass(frozen=True)
class ProbeSpec:
    """One probe: what it looks for, how bad it is, and what to do about it."""

    id: ProbeId
    family: Family
    #: Severity of the finding in its full form (an origin probe: a read with the user's credentials).
    severity: Severity
    why: str
    fix: str
    #: Whether a contract gets an item for this probe (origin probes also need a derived origin).
    applies_to: Callable[[CorsContract], bool] = _always
    #: Severity of the weaker form (a read without credentials, a gap on refused origins only, an unusable grant).
    lesser_severity: Optional[Severity] = None
    #: Broader probes, in order of preference, whose finding can explain this probe's: when one explains every
    #: finding of this probe, they are reported under it and this probe's item is skipped as "covered by" it.
    covered_by: Tuple[ProbeId, ...] = ()
    #: How this probe's finding explains the narrower findings that name it in ``covered_by``.
    explains: Explains = Explains.AS_SEVERE

    def severity_of(self, *, lesser: bool = False) -> Severity:
        """The finding's severity: the full form, or the weaker one when ``lesser``."""
        if lesser and self.lesser_severity is not None:
            return self.lesser_severity
        return self.severity


_ALLOWLIST_FIX = (
    "set an explicit allowlist instead of reflecting the Origin header: flask-cors origins=[...] (never the default "
    "'*' with supports_credentials=True), django-cors-headers CORS_ALLOWED_ORIGINS instead of CORS_ALLOW_ALL_ORIGINS, "
    "Starlette CORSMiddleware(allow_origins=[...]) instead of allow_origin_regex='.*'"
)
_ANCHOR_FIX = (
    "anchor and escape origin regexes: r'^https://app\\.example\\.com$' (flask-cors origins and django-cors-headers "
    "CORS_ALLOWED_ORIGIN_REGEXES use re.match, which anchors only the start; Starlette allow_origin_regex), or list "
    "exact origins instead"
)
def _origin_probe(probe_id: ProbeId, why: str, fix: str, **extra: object) -> ProbeSpec:
    """An origin probe: critical when read with credentials, high without (unless ``lesser_severity`` says).

    Unless told otherwise it is covered by ``reflect-any-origin`` (a server that lets any origin read lets this
    one read too) and by ``wildcard-with-credentials`` (a ``*`` answer lets everyone read).
    """
    options: Dict[str, object] = {
        "lesser_severity": "high",
        "covered_by": ("reflect-any-origin", "wildcard-with-credentials"),
        **extra,
    }
    return ProbeSpec(probe_id, Family.ORIGIN, "critical", why, fix, **options)  # type: ignore[arg-type]


CATALOGUE: Tuple[ProbeSpec, ...] = (
    _origin_probe(
        "reflect-any-origin",
        "any website the user visits can read this response, with the user's session if credentials are allowed",
        _ALLOWLIST_FIX,
        covered_by=("wildcard-with-credentials",),
    ),
    _origin_probe(
        "null-origin",
        "sandboxed iframes, data: URLs and local files all send 'Origin: null', so any website can read the response through one",
        "remove 'null' from the allowed origins (flask-cors origins, django-cors-headers CORS_ALLOWED_ORIGINS, "
        "Starlette allow_origins); serve the calling page from a real origin instead",
        lesser_severity="medium",
    ),
    _origin_probe(
        "prefix-lookalike",
        "an attacker registers a domain that starts with the trusted name and reads the response from it",
        _ANCHOR_FIX,
    ),
    _origin_probe(
        "suffix-lookalike",
        "an attacker registers a domain that ends with the trusted name and reads the response from it",
        "compare whole origins; for subdomains match a leading dot (host == 'example.com' or host.endswith('.example.com')), "
        "never endswith('example.com'); in a regex anchor the start and escape dots: r'^https://([a-z0-9-]+\\.)*example\\.com$'",
    ),
    _origin_probe(
        "unescaped-dot",
        "an unescaped '.' in an origin regex matches any character, so an attacker can register the lookalike domain",
        "escape every dot in origin regexes (r'^https://app\\.example\\.com$'): flask-cors origins, "
        "django-cors-headers CORS_ALLOWED_ORIGIN_REGEXES, Starlette allow_origin_regex",
    ),
    _origin_probe(
        "untrusted-subdomain",
        "any subdomain (a forgotten staging host, user content, a taken-over DNS record) can read the response",
        "list the subdomains you trust instead of a regex like r'^https://.*\\.example\\.com$'; if every subdomain "
        "really is trusted, say so in the contract with the pattern https://*.example.com",
    ),
    _origin_probe(
        "scheme-downgrade",
        "a plain-http page can be rewritten by anyone on the network path, who then reads what the https app can",
        "allow https origins only: drop http:// entries from flask-cors origins / CORS_ALLOWED_ORIGINS / allow_origins, "
        "and write 'https://' rather than 'https?://' in origin regexes",
    ),
    _origin_probe(
        "port-confusion",
        "another service on the same host (any port) can read the response",
        "list exact origins (scheme://host[:port]) instead of a regex with '(:\\d+)?' or a host-only check",
    ),
    _origin_probe(
        "special-characters",
        "some browsers accept characters like _ ! $ & ' ( ) * + , ; = ~ ` in host names, so an attacker-controlled "
        "host that starts with the trusted name passes a loose check",
        _ANCHOR_FIX + "; in hand-written code parse the origin and compare scheme, host and port exactly",
    ),
    ProbeSpec(
        "wildcard-with-credentials",
        Family.HEADER,
        "medium",
        "browsers refuse '*' with credentials, so credentialed callers break, and it shows a policy meant to share "
        "credentialed data with everyone",
        "for a public endpoint drop Access-Control-Allow-Credentials; otherwise echo the validated origin instead of '*' "
        "(flask-cors: origins=[...] with supports_credentials=True; django-cors-headers: CORS_ALLOWED_ORIGINS with "
        "CORS_ALLOW_CREDENTIALS; Starlette: allow_origins=[...] with allow_credentials=True)",
        explains=Explains.WILDCARD_ANSWER,
    ),
    ProbeSpec(
        "missing-vary",
        Family.HEADER,
        "medium",
        "a shared cache (CDN, proxy, the browser's HTTP cache) can serve one origin's CORS answer to another, which "
        "then breaks or leaks",
        "send 'Vary: Origin' on every response whose CORS headers depend on Origin, refusals and Origin-less requests "
        "included (django-cors-headers and Starlette do; flask-cors only with several origins or a regex, so list "
        "them or add the header yourself)",
        lesser_severity="low",
    ),
    ProbeSpec(
        "credentials-on-refused-origin",
        Family.HEADER,
        "low",
        "credentials are granted without the origin check, one small change away from handing sessions to any website",
        "send Access-Control-Allow-Credentials only together with an allowed Access-Control-Allow-Origin (in "
        "hand-written middleware set both inside the same allowlist branch)",
    ),
    ProbeSpec(
        "private-network",
        Family.HEADER,
        "high",
        "Private Network Access lets a public website reach this server on the user's private network only if the "
        "server opts in; granting it to an untrusted origin exposes an internal service to the internet "
        "(CVE-2024-6221 in flask-cors)",
        "grant private network access only to trusted origins: flask-cors allow_private_network=False (upgrade past "
        "4.0.1), django-cors-headers CORS_ALLOW_PRIVATE_NETWORK only with a strict CORS_ALLOWED_ORIGINS",
        applies_to=_private,
        lesser_severity="low",
    ),
    ProbeSpec(
        "max-age-over-cap",
        Family.HEADER,
        "low",
        "browsers silently cap Access-Control-Max-Age, so the declared caching never happens",
        "declare a Max-Age at or below the caps that matter (Safari 600, Chromium 7200): flask-cors max_age, "
        "django-cors-headers CORS_PREFLIGHT_MAX_AGE (default 86400), Starlette max_age",
        applies_to=_preflighted,
    ),
    ProbeSpec(
        "sensitive-exposed-header",
        Family.HEADER,
        "medium",
        "exposing Authorization, Set-Cookie or '*' on credentialed responses hands tokens to every origin allowed to read them",
        "expose only the headers the frontend reads, by name: flask-cors expose_headers, django-cors-headers "
        "CORS_EXPOSE_HEADERS, Starlette expose_headers; never Authorization, Set-Cookie or '*'",
    ),
    ProbeSpec(
        "missing-max-age",
        Family.HEADER,
        "low",
        "without Access-Control-Max-Age browsers cache a preflight for 5 s only, so almost every such call costs two round trips",
        "set Access-Control-Max-Age on preflight answers (e.g. 600): flask-cors max_age=600, django-cors-headers "
        "CORS_PREFLIGHT_MAX_AGE, Starlette max_age",
        applies_to=_preflighted,
    ),
    ProbeSpec(
        "csrf-exposure",
        Family.HEADER,
        "info",
        "CORS only hides the response from the page: the refused origin's request reached the handler and its side "
        "effect happened (CORS is not CSRF protection)",
        "protect state-changing endpoints with CSRF tokens and SameSite cookies (Django's CsrfViewMiddleware, "
        "Flask-WTF CSRFProtect), or accept only non-simple requests (e.g. require Content-Type: application/json) so "
        "browsers preflight them",
        applies_to=_private_post,
    ),
    ProbeSpec(
        "registrable-by-anyone",
        Family.HEADER,
        "high",
        "the allowlist trusts a site that anyone can register or take over (a public suffix such as github.io, "
        "vercel.app, herokuapp.com, netlify.app, pages.dev), so anyone can host a page there and pass it",
        "trust only origins on a domain you own (e.g. app.example.com); for previews on a hosting service list each "
        "exact origin you deploy to and remove it when the deployment goes, never a pattern such as https://*.github.io",
        applies_to=_open_registration,
        lesser_severity="medium",
    ),
)

#: The rows by id.
PROBES: Dict[str, ProbeSpec] = {row.id: row for row in CATALOGUE}
ORIGIN_PROBES: Tuple[ProbeId, ...] = tuple(row.id for row in CATALOGUE if row.family is Family.ORIGIN)
HEADER_PROBES: Tuple[ProbeId, ...] = tuple(row.id for row in CATALOGUE if row.family is Family.HEADER)


def check_catalogue(rows: Sequence[ProbeSpec]) -> None:
    """One row per id, in the vocabulary's order; ``covered_by`` names other probes and has no cycle."""
    if tuple(row.id for row in rows) != PROBE_IDS:
        raise RuntimeError("audit catalogue: one row per ProbeId, in the vocabulary's order")
    by_id = {row.id: row for row in rows}
    for row in rows:
        seen = {row.id}
        broader = list(row.covered_by)
        while broader:  # walk up: reaching the row itself is a cycle
            probe = broader.pop()
            if probe == row.id or probe not in by_id:
                raise RuntimeError(f"audit catalogue: {row.id} is covered by {probe!r} (unknown or a cycle)")
            if probe not in seen:
                seen.add(probe)
                broader.extend(by_id[probe].covered_by)


check_catalogue(CATALOGUE)

#: A function registered for a probe id (a derivation or a header check).
F = TypeVar("F", bound=Callable[..., Any])


def registrar(table: Dict[ProbeId, F]) -> Callable[[ProbeId], Callable[[F], F]]:
    """A decorator factory that files a probe's function in ``table`` under its catalogue id."""

    def under(probe_id: ProbeId) -> Callable[[F], F]:
        if probe_id not in PROBES:
            raise RuntimeError(f"{probe_id!r} is not a catalogue probe id")

        def register(function: F) -> F:
            table[probe_id] = function
            return function

        return register

    return under


def require_functions(table: Dict[ProbeId, Any], family: Family) -> None:
    """Every probe of ``family`` has its function in ``table`` (checked when the module is imported)."""
    missing = [row.id for row in CATALOGUE if row.family is family and row.id not in table]
    if missing:
        raise RuntimeError(f"{family.value} probes without a function: {missing}")
