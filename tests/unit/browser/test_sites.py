"""Sites from the shipped Public Suffix List: registrable domains, sections, schemeful same-site."""

import pytest

from pytest_cors.browser.sites import (
    PublicSuffix,
    public_suffix,
    registrable_domain,
    site_of,
    suffix_rules,
)


@pytest.mark.parametrize(
    "host,registrable",
    [
        ("api.example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("alice.github.io", "alice.github.io"),  # github.io is a private-section suffix
        ("x.alice.github.io", "alice.github.io"),
        ("www.city.kawasaki.jp", "city.kawasaki.jp"),  # exception rule !city.kawasaki.jp
        ("a.b.c.kawasaki.jp", "b.c.kawasaki.jp"),  # wildcard rule *.kawasaki.jp
        ("localhost", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
        ("::1", "::1"),
        ("app.testserver", "app.testserver"),  # unlisted TLD: the implicit * rule
        ("API.Example.COM.", "example.com"),
    ],
)
def test_registrable_domain(host, registrable):
    assert registrable_domain(host) == registrable


def test_private_section_is_known():
    for suffix in ("github.io", "vercel.app", "herokuapp.com", "netlify.app", "pages.dev"):
        found = public_suffix("someone." + suffix)
        assert found is not None and found.suffix == suffix and found.private, suffix
        assert public_suffix(suffix) == found  # the suffix is itself listed
    assert public_suffix("example.com") == PublicSuffix("com", private=False, listed=True)
    assert public_suffix("testserver") == PublicSuffix("testserver", private=False, listed=False)  # the implicit * rule


def test_snapshot_is_dated_and_complete():
    rules = suffix_rules()
    assert "Public Suffix List snapshot of" in rules.snapshot
    assert len(rules.rules) > 9000


def test_schemeful_sites():
    assert site_of("https://app.example.com") == site_of("https://api.example.com:8443/x")
    assert site_of("http://app.example.com") != site_of("https://api.example.com")
    assert site_of("https://alice.github.io") != site_of("https://bob.github.io")
    assert site_of("http://localhost:1") != site_of("http://127.0.0.1:2")
    assert site_of("http://127.0.0.1:1") == site_of("http://127.0.0.1:2")
    assert str(site_of("https://a.b.example.co.uk/path")) == "https://example.co.uk"
