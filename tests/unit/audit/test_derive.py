"""Attacker origins derived from a contract: pure, no requests."""

from __future__ import annotations

import pytest

from pytest_cors.audit.catalogue import ORIGIN_PROBES, PROBE_IDS
from pytest_cors.audit.derive import ATTACKER_ORIGIN, SPECIAL_CHARACTERS, derive_probes, scan_contract, scan_probes
from pytest_cors.audit.runner import probe_ids
from pytest_cors.contract.schema import parse_contract


def contract(**data):
    return parse_contract({"path": "/api/users", **data})


def origins_of(c, probe_id):
    return [p.origin for p in derive_probes(c) if p.id == probe_id]


APP = contract(origins=["https://app.example.com"], credentials=True)


@pytest.mark.parametrize(
    "probe_id, expected",
    [
        ("reflect-any-origin", ["https://evil.invalid"]),
        ("null-origin", ["null"]),
        ("prefix-lookalike", ["https://app.example.com.evil.invalid"]),
        ("suffix-lookalike", ["https://evilapp.example.com", "https://evil-example.com"]),
        ("unescaped-dot", ["https://appxexample.com"]),
        ("untrusted-subdomain", ["https://evil.app.example.com"]),
        ("scheme-downgrade", ["http://app.example.com"]),
        ("port-confusion", ["https://app.example.com:8443"]),
    ],
)
def test_each_probe_derives_the_documented_origin(probe_id, expected):
    assert origins_of(APP, probe_id) == expected


def test_special_characters_follow_the_trusted_name():
    origins = origins_of(APP, "special-characters")
    assert origins[0] == "https://app.example.com_.evil.invalid"
    assert origins == [f"https://app.example.com{c}.evil.invalid" for c in SPECIAL_CHARACTERS]
    for char in "`!$&'()*+,;=~":
        assert f"https://app.example.com{char}.evil.invalid" in origins


def test_no_derived_origin_is_trusted_by_the_contract():
    c = contract(
        origins=["https://app.example.com", "https://*.example.com", "http://app.example.com", "https://app.example.com:*"],
    )
    probes = derive_probes(c)
    assert probes
    assert not [p.origin for p in probes if c.allows(p.origin)]
    # the pattern allows every subdomain, plain http is listed, any port is allowed
    assert "https://evil.app.example.com" not in origins_of(c, "untrusted-subdomain")
    assert "http://evil.app.example.com" in origins_of(c, "untrusted-subdomain")  # the pattern is https only
    assert "http://app.example.com" not in origins_of(c, "scheme-downgrade")
    assert not [o for o in origins_of(c, "port-confusion") if o.startswith("https://app.example.com:")]
    assert "https://evilapp.example.com" not in origins_of(c, "suffix-lookalike")  # a subdomain of example.com
    assert "https://evil-example.com" in origins_of(c, "suffix-lookalike")


def test_null_is_not_probed_when_the_contract_allows_it():
    c = contract(origins=["https://app.example.com", "null"])
    assert origins_of(c, "null-origin") == []
    assert origins_of(c, "reflect-any-origin") == [ATTACKER_ORIGIN]


def test_scheme_downgrade_only_when_https_only():
    assert origins_of(contract(origins=["http://localhost:3000"]), "scheme-downgrade") == []
    assert origins_of(contract(origins=["https://app.example.com:8443"]), "scheme-downgrade") == ["http://app.example.com:8443"]


def test_port_confusion_picks_a_port_the_contract_does_not_allow():
    c = contract(origins=["https://app.example.com", "https://app.example.com:8443"])
    ports = origins_of(c, "port-confusion")
    assert "https://app.example.com:8443" not in ports
    assert "https://app.example.com:4443" in ports
    assert origins_of(contract(origins=["http://localhost:3000"]), "port-confusion") == ["http://localhost:8443"]


def test_pattern_probes_use_a_concrete_subdomain():
    c = contract(origins=["https://*.example.com"])
    assert origins_of(c, "prefix-lookalike") == ["https://cors-check.example.com.evil.invalid"]
    assert origins_of(c, "unescaped-dot") == ["https://cors-checkxexample.com"]
    assert origins_of(c, "scheme-downgrade") == ["http://cors-check.example.com"]
    assert origins_of(c, "untrusted-subdomain") == []


def test_ip_hosts_get_no_dns_lookalikes():
    c = contract(origins=["http://127.0.0.1:3000"])
    assert origins_of(c, "prefix-lookalike") == ["http://127.0.0.1.evil.invalid:3000"]
    assert origins_of(c, "suffix-lookalike") == []
    assert origins_of(c, "unescaped-dot") == []


def test_deny_only_contract_trusts_nothing_and_derives_nothing():
    c = contract(deny_origins=["https://evil.example.net"])
    assert derive_probes(c) == ()
    ids = probe_ids(c)
    assert not set(ids) & set(ORIGIN_PROBES)
    assert {"missing-vary", "credentials-on-refused-origin", "private-network", "wildcard-with-credentials"} <= set(ids)


def test_public_endpoint_is_probed_only_for_credentialed_reads():
    c = contract(origins=["*"])
    probes = derive_probes(c)
    assert {(p.id, p.origin) for p in probes} == {("reflect-any-origin", ATTACKER_ORIGIN), ("null-origin", "null")}
    assert all(p.credentialed_only for p in probes)
    assert "private-network" not in probe_ids(c)
    assert "csrf-exposure" not in probe_ids(c)


def test_probe_ids_depend_on_methods_and_preflights():
    simple = contract(origins=["https://app.example.com"])
    assert "csrf-exposure" not in probe_ids(simple)
    assert "missing-max-age" not in probe_ids(simple)  # a simple GET has no preflight
    posting = contract(origins=["https://app.example.com"], methods=["GET", "POST"], request_headers=["Authorization"])
    assert {"csrf-exposure", "missing-max-age", "max-age-over-cap"} <= set(probe_ids(posting))
    assert list(probe_ids(posting)) == [p for p in PROBE_IDS if p in probe_ids(posting)]


@pytest.mark.parametrize(
    "url, base, path",
    [
        ("https://staging.example.com/api/users?page=1", "https://staging.example.com", "/api/users?page=1"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000", "/"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000", "/"),
        ("https://staging.example.com?page=1", "https://staging.example.com", "/?page=1"),
        ("https://staging.example.com/login?next=https://app.example.com/x", "https://staging.example.com", "/login?next=https://app.example.com/x"),
        ("https://user@staging.example.com:8443/a/b", "https://user@staging.example.com:8443", "/a/b"),
    ],
)
def test_a_scan_checks_get_with_credentials_on_the_url(url, base, path):
    scanned_base, c = scan_contract(url, ["https://app.example.com", "https://admin.example.com", "https://app.example.com"])
    assert (scanned_base, c.path, c.name) == (base, path, url)
    assert c.methods == ("GET",) and c.credentials is True
    assert c.origins == ("https://app.example.com", "https://admin.example.com")  # each once, in order
    assert str(c.where) == f"--cors-scan {url}"


def test_scan_probes():
    _, c = scan_contract("https://staging.example.com/api/users", ["https://app.example.com"])
    assert scan_probes(c) == derive_probes(c)
    assert "https://app.example.com.evil.invalid" in [p.origin for p in scan_probes(c)]
    _, bare = scan_contract("http://127.0.0.1:8000", [])
    # no trusted origin: an unrelated origin and null, read with or without credentials
    assert [(p.id, p.origin, p.derived_from, p.credentialed_only) for p in scan_probes(bare)] == [
        ("reflect-any-origin", "https://evil.invalid", "", False),
        ("null-origin", "null", "", False),
    ]


def derived(c):
    """(probe, origin, derived from) of every derived probe but the 14 special characters."""
    return [(p.id, p.origin, p.derived_from) for p in derive_probes(c) if p.id != "special-characters"]


BASE = [("reflect-any-origin", ATTACKER_ORIGIN, ""), ("null-origin", "null", "")]


def test_a_registrable_domain_itself():
    # two labels: the suffix lookalike is the whole name with a prefix; no dot to leave unescaped
    assert derived(contract(origins=["https://example.com"])) == BASE + [
        ("prefix-lookalike", "https://example.com.evil.invalid", "https://example.com"),
        ("suffix-lookalike", "https://evilexample.com", "https://example.com"),
        ("suffix-lookalike", "https://evil-example.com", "https://example.com"),
        ("untrusted-subdomain", "https://evil.example.com", "https://example.com"),
        ("scheme-downgrade", "http://example.com", "https://example.com"),
        ("port-confusion", "https://example.com:8443", "https://example.com"),
    ]


def test_a_deep_subdomain():
    # every dot but the last can be left unescaped; the suffix lookalike drops the first label
    source = "https://a.b.example.com"
    assert derived(contract(origins=[source])) == BASE + [
        ("prefix-lookalike", "https://a.b.example.com.evil.invalid", source),
        ("suffix-lookalike", "https://evila.b.example.com", source),
        ("suffix-lookalike", "https://evil-b.example.com", source),
        ("unescaped-dot", "https://axb.example.com", source),
        ("unescaped-dot", "https://a.bxexample.com", source),
        ("untrusted-subdomain", "https://evil.a.b.example.com", source),
        ("scheme-downgrade", "http://a.b.example.com", source),
        ("port-confusion", "https://a.b.example.com:8443", source),
    ]


def test_ipv6_and_null_origins_get_no_lookalikes():
    assert derived(contract(origins=["null", "http://[::1]:3000", "https://example.com"]))[1:3] == [
        ("prefix-lookalike", "https://example.com.evil.invalid", "https://example.com"),
        ("suffix-lookalike", "https://evilexample.com", "https://example.com"),
    ]
    assert derived(contract(origins=["http://[::1]:3000", "null"])) == [("reflect-any-origin", ATTACKER_ORIGIN, "")]
    assert derived(contract(origins=["http://[::1]:3000"])) == BASE


def test_a_pattern_with_any_port_keeps_the_port_and_tries_no_other():
    source = "https://*.example.com:*"
    assert derived(contract(origins=[source])) == BASE + [
        ("prefix-lookalike", "https://cors-check.example.com.evil.invalid:8443", source),
        ("suffix-lookalike", "https://evil-example.com:8443", source),
        ("unescaped-dot", "https://cors-checkxexample.com:8443", source),
        ("scheme-downgrade", "http://cors-check.example.com:8443", source),
    ]


def test_one_probe_per_origin_however_many_trusted_origins_derive_it():
    c = contract(origins=["https://app.example.com", "https://app.example.com:8443", "https://app.example.com:4443"])
    assert [(p.origin, p.derived_from) for p in derive_probes(c) if p.id == "port-confusion"] == [
        ("https://app.example.com:8080", "https://app.example.com")  # 8443 and 4443 are trusted
    ]
    assert [p.origin for p in derive_probes(c) if p.id == "suffix-lookalike"] == [
        "https://evilapp.example.com", "https://evil-example.com",
        "https://evilapp.example.com:8443", "https://evil-example.com:8443",
        "https://evilapp.example.com:4443", "https://evil-example.com:4443",
    ]


def test_every_port_trusted_leaves_no_port_to_confuse():
    ports = ["https://app.example.com" + p for p in ("", ":8443", ":4443", ":8080", ":1337")]
    assert origins_of(contract(origins=ports), "port-confusion") == []
    assert origins_of(contract(origins=ports[:4]), "port-confusion") == ["https://app.example.com:1337"]
