"""Recorded values as YAML scalars: every string reads back as itself (hypothesis), quoted only when needed."""

from __future__ import annotations

import yaml
from hypothesis import given, strategies as st

from pytest_cors.record.render import scalar


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_string_reads_back_as_itself(text):
    assert yaml.safe_load(f"value: {scalar(text)}")["value"] == text


def test_plain_where_yaml_allows_it_quoted_where_it_would_change():
    assert scalar("https://app.example.com") == "https://app.example.com"
    assert scalar("/api/users") == "/api/users"
    assert scalar("null") == '"null"'
    assert scalar("yes") == '"yes"'
    assert scalar("600") == '"600"'
    assert scalar("https://a.example.com'.evil.invalid") == "\"https://a.example.com'.evil.invalid\""
    assert (scalar(True), scalar(600)) == ("true", "600")
