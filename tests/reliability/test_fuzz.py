"""Property tests: parsers and the verdict engine never crash, are deterministic, and agree with a reference.

The ``ci`` profile (tests/conftest.py) keeps these fast; ``--hypothesis-profile=thorough`` runs 10,000 examples each.
"""

from __future__ import annotations

import string

from hypothesis import assume, given, strategies as st

from pytest_cors.browser.exchange import FetchRequest, HttpRequest, HttpResponse
from pytest_cors.browser.fetch import simulate_fetch
from pytest_cors.browser.origins import OriginError, parse_origin
from pytest_cors.browser.profiles import PROFILES
from pytest_cors.browser.rules import cors_check
from pytest_cors.browser.safelist import is_token, parse_token_list
from pytest_cors.contract.model import ContractError, CorsContract
from pytest_cors.contract.schema import KEYS, parse_contract
from pytest_cors.contract.yaml_loader import YamlFileError, load_yaml
from pytest_cors.report.redaction import Redactor, printable

TOKEN_CHARS = "!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits
ORIGIN = "https://app.example.com"

labels = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=10)
hosts = st.lists(labels, min_size=2, max_size=4).map(".".join)
schemes = st.sampled_from(["http", "https"])
ports = st.one_of(st.none(), st.integers(min_value=1, max_value=65535))
header_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=60)
header_names = st.one_of(
    st.sampled_from(["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
                     "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
                     "Vary", "Location", "Set-Cookie"]),
    st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=12),
)
responses = st.builds(
    HttpResponse,
    status=st.sampled_from([200, 204, 301, 302, 303, 307, 308, 400, 403, 404, 500, 503]) | st.integers(100, 599),
    headers=st.lists(st.tuples(header_names, header_text | st.sampled_from([ORIGIN, "*", "true", "null", "/next", "GET, PUT"])), max_size=8).map(tuple),
)


# --- origins ------------------------------------------------------------------------------------


@given(st.text(max_size=80))
def test_parse_origin_never_crashes_and_is_deterministic(text):
    outcomes = []
    for _ in range(2):
        try:
            outcomes.append(("ok", parse_origin(text)))
        except OriginError as exc:
            outcomes.append(("error", str(exc)))
    assert outcomes[0] == outcomes[1]
    if outcomes[0][0] == "ok":
        assert parse_origin(outcomes[0][1]) == outcomes[0][1]  # a serialized origin parses to itself


def reference_origin(scheme: str, host: str, port):
    default = 80 if scheme == "http" else 443
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")


@given(schemes, hosts, ports)
def test_parse_origin_matches_the_reference_on_valid_origins(scheme, host, port):
    assume(not host.replace(".", "").isdigit())  # all-numeric names are IPv4 addresses, another grammar
    text = f"{scheme}://{host}" + ("" if port is None else f":{port}")
    assert parse_origin(text) == reference_origin(scheme, host, port)
    assert parse_origin(text.upper().replace(scheme.upper() + "://", scheme + "://")) == reference_origin(scheme, host, port)


# --- token lists ----------------------------------------------------------------------------------


@given(st.one_of(st.none(), st.text(max_size=60)))
def test_parse_token_list_never_crashes(value):
    result = parse_token_list(value)
    assert result == parse_token_list(value)
    assert result is None or all(is_token(item) for item in result)


@given(st.lists(st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=10), max_size=6), st.sampled_from([",", ", ", " ,\t", ",,"]))
def test_parse_token_list_matches_the_reference_on_valid_lists(items, sep):
    assert parse_token_list(sep.join(items)) == items


# --- the verdict engine ----------------------------------------------------------------------------


@given(responses, st.booleans(), st.sampled_from(sorted(PROFILES)))
def test_cors_check_never_crashes_and_is_deterministic(response, credentials, profile):
    first = cors_check(response, ORIGIN, credentials, PROFILES[profile])
    assert first == cors_check(response, ORIGIN, credentials, PROFILES[profile])


@given(
    st.sampled_from([ORIGIN, "*", "https://evil.example.net", "null", "https://app.example.com:8443"]),
    st.one_of(st.none(), st.sampled_from(["true", "false", "TRUE", "1"])),
    st.booleans(),
    st.sampled_from(sorted(PROFILES)),
)
def test_cors_check_matches_the_reference_on_valid_responses(acao, acac, credentials, profile):
    headers = [("Access-Control-Allow-Origin", acao)] + ([("Access-Control-Allow-Credentials", acac)] if acac else [])
    response = HttpResponse(200, tuple(headers))
    reference = (acao == "*" and not credentials) or (acao == ORIGIN and (not credentials or acac == "true"))
    assert (cors_check(response, ORIGIN, credentials, PROFILES[profile]) is None) == reference


@given(
    st.lists(responses, min_size=1, max_size=3),
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "patch"]),
    st.lists(st.tuples(st.sampled_from(["X-Token", "Content-Type", "Authorization", "Accept"]), header_text), max_size=3),
    st.booleans(),
    st.sampled_from(sorted(PROFILES)),
)
def test_simulate_fetch_never_crashes_on_any_server_answer(answers, method, headers, credentials, profile):
    def run():
        calls = []

        def send(request: HttpRequest) -> HttpResponse:
            calls.append(request)
            return answers[min(len(calls) - 1, len(answers) - 1)]

        fetch = FetchRequest("https://api.example.com/x", ORIGIN, method, tuple(headers), credentials)
        verdict = simulate_fetch(fetch, PROFILES[profile], send)
        return verdict.allowed, verdict.reason, verdict.message, len(calls)

    first = run()
    assert first == run()
    assert first[3] <= 2 * 21  # at most a preflight and an actual request per hop, 20 redirects


# --- contract validation ----------------------------------------------------------------------------


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(allow_nan=False), st.text(max_size=30),
                    st.sampled_from([ORIGIN, "https://*.example.com", "*", "null", "GET", "/api", "X-Token"]))
yaml_data = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
contract_like = st.dictionaries(st.sampled_from(KEYS + ("origin", "method", "orgins")) | st.text(max_size=8), yaml_data, max_size=7)


@given(st.one_of(contract_like, yaml_data))
def test_contract_validation_gives_a_contract_or_a_contract_error(data):
    try:
        contract = parse_contract(data, where="fuzz")
    except ContractError as exc:
        assert exc.message and str(exc).startswith("fuzz")
    else:
        assert isinstance(contract, CorsContract)
        assert contract.cases()


@given(st.text(max_size=200))
def test_yaml_loading_gives_data_or_a_yaml_error(text):
    try:
        load_yaml(text, "fuzz.yaml")
    except YamlFileError as exc:
        assert str(exc).startswith("fuzz.yaml")


# --- report text ---------------------------------------------------------------------------------


@given(st.text(max_size=300))
def test_printable_report_text_has_no_control_characters(text):
    shown = printable(text)
    assert all(ch in "\n\t" or (ch.isprintable() or ch == " ") or ord(ch) > 0x9F for ch in shown if ch not in "\u2028\u2029")
    assert "\u2028" not in shown and "\u2029" not in shown


@given(st.text(alphabet=string.ascii_letters + string.digits + "-._~!$&'()*+,;=%", min_size=1, max_size=20), hosts)
def test_url_passwords_never_survive_redaction(password, host):
    text = f"see https://user:{password}@{host}/path for details"
    shown = Redactor().text(text)
    assert f":{password}@" not in shown and "user:<redacted>@" in shown
