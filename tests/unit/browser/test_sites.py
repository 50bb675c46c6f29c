"""Sites from the shipped Public Suffix List: registrable domains, sections, schemeful same-site."""

import pytest

from pytest_cors.browser.sites import (
    PublicSuffix,
    open_registration,
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


@pytest.mark.parametrize(
    "host, registrable",
    [
        # the Public Suffix List's own test vectors for a wildcard with an exception (*.ck, !www.ck)
        ("www.ck", "www.ck"),
        ("www.www.ck", "www.ck"),
        ("b.test.ck", "b.test.ck"),
        ("a.b.test.ck", "b.test.ck"),
        ("test.ck", "test.ck"),  # a bare suffix is its own site
        ("ck", "ck"),
        ("com", "com"),
        ("-.example.com", "example.com"),
    ],
)
def test_wildcard_and_exception_rules(host, registrable):
    assert registrable_domain(host) == registrable


def test_a_suffix_only_the_implicit_rule_matches_is_not_listed():
    assert public_suffix("ck") == PublicSuffix("ck", private=False, listed=False)
    assert public_suffix("test.ck") == PublicSuffix("test.ck", private=False, listed=True)
    assert public_suffix("x.www.ck") == PublicSuffix("ck", private=False, listed=True)
    assert public_suffix("") is None and public_suffix("[::1]") is None


HOSTING = "a hosting domain from the Public Suffix List's private section"
SITS_ON = ("pages there belong to whoever holds that name on the hosting service "
           "(a deleted or renamed app frees the name for anyone)")


@pytest.mark.parametrize(
    "host, any_subdomain, why",
    [
        ("github.io", True, f"github.io is {HOSTING}: anyone can register a name under it"),
        ("GitHub.IO.", True, f"github.io is {HOSTING}: anyone can register a name under it"),
        ("github.io", False, f"github.io is {HOSTING}, a name shared by everyone who registers under it"),
        ("co.uk", True, "co.uk is a public suffix: anyone can register a name under it"),
        ("co.uk", False, "co.uk is a public suffix, a name shared by everyone who registers under it"),
        ("myapp.vercel.app", False, f"myapp.vercel.app sits on vercel.app, {HOSTING}: {SITS_ON}"),
        ("a.b.github.io", False, f"a.b.github.io sits on github.io, {HOSTING}: {SITS_ON}"),
        ("myapp.vercel.app", True, None),  # a pattern under a name someone holds: that holder's pages
        ("example.co.uk", False, None),
        ("example.com", True, None),
        ("testserver", True, None),  # unlisted: only the implicit rule
        ("127.0.0.1", True, None),
    ],
)
def test_open_registration_says_who_may_own_the_pages(host, any_subdomain, why):
    assert open_registration(host, any_subdomain=any_subdomain) == why


def test_a_trailing_dot_and_letter_case_do_not_change_the_suffix():
    # a fully qualified name ends in '.'; hosts compare in lower case
    assert public_suffix("someone.github.io.") == PublicSuffix("github.io", private=True, listed=True)
    assert public_suffix("SHOP.EXAMPLE.TAX") == PublicSuffix("tax", private=False, listed=True)
    assert registrable_domain("WWW.EXAMPLE.TAX") == "example.tax"
    assert open_registration("TAX", any_subdomain=True) == "tax is a public suffix: anyone can register a name under it"
