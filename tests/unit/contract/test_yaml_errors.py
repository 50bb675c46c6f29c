"""What a user reads for a bad YAML contract file: ``file:line:column: message``, exactly.

The same steps as the collector (``CorsYamlFile.parse``: decode, load, expand ``${VAR}``, validate
every contract), without a pytest run, so that each case costs milliseconds: this is the contract
package's mutation-test selection (scripts/mutate.py); tests/reliability/test_validation.py checks
the same errors end to end through collection.
"""

from __future__ import annotations

from typing import Dict, Optional

import pytest

from pytest_cors.contract.environment import EnvironmentReferenceError, expand_document
from pytest_cors.contract.model import ContractError
from pytest_cors.contract.yaml_loader import YamlFileError, decode_yaml_bytes, load_document, locate
from pytest_cors.plugin.collect import _FileParser

NAME = "cors_api.yaml"
HEAD = "contracts:\n  - name: api\n    path: /api\n"
ORIGIN = "    origins: [https://a.example.com]\n"
KEYS = "name, path, origins, deny_origins, methods, request_headers, credentials, expose_headers, max_age, vary, body, cookies, audit"
UNSAFE = "contract files are loaded safely and never create Python objects or run code; remove the tag"


def error_of(text: str, environ: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None) -> str:
    """The collection error of a file with this text, as the user reads it."""
    with pytest.raises((YamlFileError, ContractError, EnvironmentReferenceError)) as info:
        data, root = load_document(decode_yaml_bytes(raw if raw is not None else text.encode(), NAME), NAME)
        data, _ = expand_document(data, environ or {}, lambda parent, path: locate(parent, path, NAME))
        _FileParser(NAME).parse(data, root)
    return str(info.value)


CASES = [
    ("unknown-key", HEAD + "    orgins: [https://app.example.com]\n",
     f"4:5: unknown key 'orgins'; did you mean 'origins'? (valid keys: {KEYS})"),
    ("unknown-top-level", "contract:\n  - path: /a\n",
     "1:1: unknown top-level key 'contract'; did you mean 'contracts'? (valid: target, defaults, contracts)"),
    ("wrong-type", HEAD + ORIGIN + "    credentials: 'yes'\n", "5:18: credentials must be true or false, got string 'yes'"),
    ("no-scheme", HEAD + "    origins: [app.example.com]\n",
     "4:15: origins: invalid origin 'app.example.com': missing scheme (an origin is scheme://host[:port]); "
     "did you mean 'https://app.example.com'?"),
    ("scheme", HEAD + "    deny_origins: [wss://app.example.com]\n",
     "4:20: deny_origins: invalid origin 'wss://app.example.com': unsupported scheme 'wss' (CORS origins here are http or "
     "https); did you mean 'https://app.example.com'?"),
    ("several-in-one", HEAD + "    origins: 'https://a.example.com, https://b.example.com'\n",
     "4:14: origins: 'https://a.example.com, https://b.example.com' is several origins in one string; "
     "write a list: [https://a.example.com, https://b.example.com]"),
    ("bare-null", HEAD + "    deny_origins: [null]\n",
     '4:20: deny_origins[0] must be a string, got null None (the opaque origin is the string "null": in YAML quote it, '
     "a bare null means no value)"),
    ("yaml-boolean", HEAD + ORIGIN + "    methods: [GET, yes]\n",
     "5:20: methods[1] must be a string, got boolean True (in YAML, unquoted yes/no/on/off/true/false are booleans: quote the value)"),
    ("method-token", HEAD + ORIGIN + "    methods: [GET, 'PO ST']\n", "5:20: methods: 'PO ST' is not a valid HTTP method token"),
    ("header-name", HEAD + ORIGIN + "    request_headers: ['X Token']\n", "5:23: request_headers: 'X Token' is not a valid header name"),
    ("header-value", HEAD + ORIGIN + "    request_headers: {X-Token: [1]}\n",
     "5:32: request_headers: the value of 'X-Token' must be a string, got list [1]"),
    ("max-age-negative", HEAD + ORIGIN + "    max_age: -5\n", "5:14: max_age must not be negative, got -5"),
    ("max-age-huge", HEAD + ORIGIN + "    max_age: 99999999999\n",
     "5:14: max_age 99999999999 is out of range (at most 2147483647 seconds; browsers cap it anyway: Chromium at 7200, Firefox at 86400)"),
    ("max-age-range", HEAD + ORIGIN + "    max_age: {min: 600, max: 60}\n", "5:14: max_age: min (600) is greater than max (60)"),
    ("max-age-min", HEAD + ORIGIN + "    max_age: {min: x}\n", "5:20: max_age.min must be a whole number of seconds, got string 'x'"),
    ("max-age-unknown", HEAD + ORIGIN + "    max_age: {min: 1, most: 2}\n", "5:29: max_age: unknown key 'most'; use min and/or max"),
    ("duplicate-name", HEAD + ORIGIN + "  - name: api\n    path: /b\n" + ORIGIN,
     "5:11: duplicate contract name 'api' (first at cors_api.yaml:2:11); names identify test items, give each contract its own"),
    ("duplicate-key", HEAD + ORIGIN + "    path: /b\n", "5:5: duplicate key 'path' (first at line 3); YAML would silently keep only the last one"),
    ("allowed-and-denied", HEAD + ORIGIN + "    deny_origins: [https://a.example.com]\n",
     "5:19: origin 'https://a.example.com' is both allowed (origins) and denied (deny_origins)"),
    ("empty-methods", HEAD + ORIGIN + "    methods: []\n", "5:14: methods is empty: list at least one method (or drop the key for GET)"),
    ("nothing-to-check", HEAD,
     "2:5: contract 'api' has nothing to check: give origins (that must be allowed) and/or deny_origins (that must be blocked)"),
    ("missing-path", "contracts:\n  - origins: [https://a.example.com]\n",
     "2:5: the contract with origins is missing the required key 'path' (e.g. path: /api/users)"),
    ("cookies-no-credentials", HEAD + ORIGIN + "    cookies: {sid: abc}\n",
     "5:14: cookies are given but credentials is false: browsers send cookies only on credentialed requests "
     "(fetch(..., {credentials: 'include'})); set credentials: true"),
    ("cookie-samesite", HEAD + ORIGIN + "    credentials: true\n    cookies: {sid: {value: x, samesite: lacks}}\n",
     "6:41: cookies: sid.samesite must be Strict, Lax or None, got 'lacks'"),
    ("audit-skip", HEAD + ORIGIN + "    audit: {skip: [null-origin, 7]}\n", "5:33: audit.skip[1] must be a string, got integer 7"),
    ("defaults", "defaults:\n  methods: [GET, 'B@D']\ncontracts:\n  - path: /a\n" + ORIGIN,
     "2:18: methods: 'B@D' is not a valid HTTP method token"),
    ("defaults-unknown-key", "defaults:\n  orgins: [x]\ncontracts:\n  - path: /a\n" + ORIGIN,
     f"2:3: unknown key 'orgins'; did you mean 'origins'? (valid keys: {KEYS})"),
    ("merged-unknown-key", "contracts:\n  - <<: {orgins: [x]}\n    path: /a\n",
     f"2:10: unknown key 'orgins'; did you mean 'origins'? (valid keys: {KEYS})"),
    ("unknown-top-level-below", "contracts:\n  - path: /a\n" + ORIGIN + "extra: 1\n",
     "4:1: unknown top-level key 'extra' (valid: target, defaults, contracts)"),
    # the file's target:, defaults: and contracts:
    ("target-number", "target: 5\n" + HEAD + ORIGIN,
     "1:9: target must be a URL string (https://staging.example.com) or module:attribute, got integer 5"),
    ("target-blank", HEAD + ORIGIN + "target: '  '\n",
     "5:9: target must be a URL string (https://staging.example.com) or module:attribute, got string '  '"),
    ("target-no-app", HEAD + ORIGIN + "target: myapp\n",
     "5:9: target: 'myapp' must be an http(s) URL or a WSGI or ASGI app as module:attribute"),
    ("target-no-scheme", HEAD + ORIGIN + "target: ' staging.example.com '\n",
     "5:9: target: 'staging.example.com' looks like a URL without a scheme, not module:attribute; "
     "did you mean 'https://staging.example.com'?"),
    ("defaults-list", "defaults: [GET]\n" + HEAD + ORIGIN, "1:11: defaults must be a mapping of contract keys, got list ['GET']"),
    ("defaults-path", "defaults:\n  methods: [GET]\n  path: /a\n" + HEAD + ORIGIN, "3:3: 'path' cannot be a default; set it per contract"),
    ("defaults-name", "defaults:\n  name: x\n" + HEAD + ORIGIN, "2:3: 'name' cannot be a default; set it per contract"),
    ("no-contracts", "defaults:\n  methods: [GET]\n", "1:1: missing 'contracts:' (a list of contracts)"),
    ("own-cookies-no-credentials", "defaults:\n  cookies: {sid: a}\n" + HEAD + ORIGIN + "    cookies: {sid: b}\n",
     "7:14: cookies are given but credentials is false: browsers send cookies only on credentialed requests "
     "(fetch(..., {credentials: 'include'})); set credentials: true"),
    # the loader
    ("invalid-yaml", "contracts:\n  - path: /a\n   origins: [x\n",
     "3:4: invalid YAML: while parsing a block collection did not find expected '-' indicator"),
    ("tab", "contracts:\n\t- path: /a\n", "2:1: invalid YAML: while scanning for the next token found character that cannot start any token"),
    ("two-documents", "---\ncontracts: []\n---\ncontracts: []\n",
     "3:1: invalid YAML: expected a single document in the stream but found another document"),
    ("undefined-alias", "contracts: *nope\n", "1:12: invalid YAML: found undefined alias"),
    ("python-tag", "contracts:\n  - path: !!python/object/apply:os.system ['true']\n" + ORIGIN,
     f"2:11: unsupported YAML tag '!!python/object/apply:os.system': {UNSAFE}"),
    ("set-tag", "contracts: !!set {a: null}\n", f"1:12: unsupported YAML tag '!!set': {UNSAFE}"),
    ("omap-tag", "contracts:\n  - !!omap [a: 1]\n", f"2:5: unsupported YAML tag '!!omap': {UNSAFE}"),
    ("custom-tag", "contracts:\n  - path: !custom /a\n", f"2:11: unsupported YAML tag '!custom': {UNSAFE}"),
    ("merge-scalar", "contracts:\n  - <<: 1\n    path: /a\n", "2:9: a merge key (<<) needs a mapping or a list of mappings"),
    ("merge-list-of-scalars", "contracts:\n  - <<: [{}, 1]\n    path: /a\n", "2:14: a merge key (<<) needs a mapping or a list of mappings"),
    ("complex-key", HEAD + ORIGIN + "    ? [complex, key]\n    : 1\n", "5:7: mapping keys must be plain scalars"),
    ("int-tag", HEAD + ORIGIN + "    max_age: !!int abc\n", "5:14: invalid value: 'abc' is not a valid !!int"),
    ("bool-tag", HEAD + ORIGIN + "    vary: !!bool maybe\n", "5:11: invalid value: 'maybe' is not a valid !!bool"),
    ("timestamp-tag", HEAD + ORIGIN + "    body: !!timestamp 2020-13-01\n", "5:11: invalid value: '2020-13-01' is not a valid !!timestamp"),
    ("binary-tag", HEAD + ORIGIN + "    body: !!binary 'a'\n",
     "5:11: invalid value: failed to decode base64 data: Invalid base64-encoded string: number of data characters (1) "
     "cannot be 1 more than a multiple of 4"),
    ("top-level-list", "- path: /a\n", "1:1: the top level must be a mapping with a 'contracts:' list, got list [{'path': '/a'}]"),
    ("empty-contracts", "contracts: []\n", "1:12: 'contracts' must be a non-empty list of mappings, got list []"),
    ("scalar-entry", "contracts:\n  - /a\n", "2:5: each contract must be a mapping (path:, origins:, ...); contract #1 is string '/a'"),
    # ${VAR}
    ("unset-variable", HEAD + ORIGIN + "    request_headers: {X-Token: '${TOKEN}'}\n",
     "5:32: environment variable TOKEN is not set (used as ${TOKEN}); set it, or give a default: ${TOKEN:-value}"),
    ("not-a-reference", HEAD + "    origins: ['${1X}']\n",
     "4:15: ${1X} is not a variable reference: write ${NAME} or ${NAME:-default} (letters, digits and _; $${ for a literal ${)"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_bad_file_is_one_error_at_file_line_column(text, message):
    assert error_of(text) == f"{NAME}:{message}"


@pytest.mark.parametrize("text", ["", "# TODO\n"])
def test_an_empty_file_says_what_to_add(text):
    assert error_of(text) == f"{NAME}: the contract file is empty; add a 'contracts:' list (see README, YAML contracts)"


def test_a_recursive_anchor_is_refused_without_a_position():
    assert error_of("contracts: &a [*a]\n") == (
        f"{NAME}: the document refers to itself through an alias (a recursive anchor); refusing to load it"
    )


def test_a_bom_and_crlf_line_ends_keep_the_positions():
    text = "contracts:\r\n  - name: api\r\n    path: /api\r\n    orgins: [https://app.example.com]\r\n"
    assert error_of("", raw=b"\xef\xbb\xbf" + text.encode()).startswith(f"{NAME}:4:5: unknown key 'orgins'")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("contracts:\n  - path: /caf\xe9\n".encode("latin-1"), "2:15: the file is not valid UTF-8 (byte 0xe9 at offset 25); save it as UTF-8"),
        ("contracts: []\n".encode("utf-16"), "1:1: the file is not valid UTF-8 (byte 0xff at offset 0); save it as UTF-8"),
        (b"contracts:\n  - path: /a\n\xc3", "3:1: the file is not valid UTF-8 (byte 0xc3 at offset 24); save it as UTF-8"),
        (b"\xef\xbb\xbfa\n\xff", "2:1: the file is not valid UTF-8 (byte 0xff at offset 2); save it as UTF-8"),
        (b"\n\xff", "2:1: the file is not valid UTF-8 (byte 0xff at offset 1); save it as UTF-8"),
        (b"ab\xff", "1:3: the file is not valid UTF-8 (byte 0xff at offset 2); save it as UTF-8"),
    ],
    ids=["latin-1", "utf-16", "truncated", "after-a-bom", "second-line", "first-line"],
)
def test_bytes_that_are_not_utf8_name_the_line_column_and_offset(raw, message):
    assert error_of("", raw=raw) == f"{NAME}:{message}"


def test_variables_are_expanded_before_validation():
    """A value from the environment is validated like a written one, at the position of the ``${...}``."""
    assert error_of(HEAD + "    origins: ['${ORIGIN}']\n", {"ORIGIN": "app.example.com"}) == (
        f"{NAME}:4:15: origins: invalid origin 'app.example.com': missing scheme (an origin is scheme://host[:port]); "
        "did you mean 'https://app.example.com'?"
    )


def parsed(text: str) -> tuple:
    data, root = load_document(decode_yaml_bytes(text.encode(), NAME), NAME)
    return _FileParser(NAME).parse(data, root)


def test_a_valid_file_gives_its_target_stripped_with_where_it_was_written_and_every_contract():
    target, contracts = parsed(HEAD + ORIGIN + "  - name: b\n    path: /b\n" + ORIGIN + "target: ' http://127.0.0.1:8000 '\n")
    assert target == ("http://127.0.0.1:8000", f"{NAME}:8:9: target")
    assert [(c.name, c.path, str(c.where)) for c in contracts] == [("api", "/api", f"{NAME}:2:5"), ("b", "/b", f"{NAME}:5:5")]
    assert parsed(HEAD + ORIGIN)[0] is None


def test_default_cookies_go_with_the_credentialed_contracts_only():
    text = (
        "defaults:\n  origins: [https://a.example.com]\n  cookies: {sid: s3}\ncontracts:\n"
        "  - {name: plain, path: /a}\n  - {name: denied, path: /b, credentials: false}\n"
        "  - {name: allowed, path: /c, credentials: true}\n  - {name: own, path: /d, credentials: true, cookies: {t: 1}}\n"
    )
    assert [(c.name, [(k.name, k.value) for k in c.cookies]) for c in parsed(text)[1]] == [
        ("plain", []), ("denied", []), ("allowed", [("sid", "s3")]), ("own", [("t", "1")])
    ]
