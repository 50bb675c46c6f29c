"""${VAR} expansion as a parser: properties over arbitrary text and environments."""

import pytest
from hypothesis import given, strategies as st

from pytest_cors.contract.environment import EnvironmentReferenceError, expand_document, expand_text
from pytest_cors.contract.yaml_loader import load_document

NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
VALUES = st.text(alphabet=st.characters(blacklist_characters="$", blacklist_categories=("Cs",)), max_size=12)


@given(st.text(alphabet=st.characters(blacklist_characters="$", blacklist_categories=("Cs",))))
def test_text_without_a_dollar_is_unchanged(text):
    found = set()
    assert expand_text(text, {}, "f:1:1", found) == text and not found


@given(st.dictionaries(NAMES, VALUES, max_size=4), NAMES, VALUES, VALUES, VALUES)
def test_references_expand_to_the_value_or_the_default(environ, name, default, before, after):
    found = set()
    text = f"{before}${{{name}:-{default.replace('}', '')}}}{after}"
    value = environ.get(name) or default.replace("}", "")
    assert expand_text(text, environ, "f:1:1", found) == f"{before}{value}{after}"
    assert found <= set(environ.values())


@given(NAMES)
def test_an_unset_variable_without_default_always_names_itself(name):
    with pytest.raises(EnvironmentReferenceError, match=f"environment variable {name} is not set"):
        expand_text(f"x${{{name}}}", {}, "f:1:1", set())


def test_documents_keep_their_marks_and_contract_names():
    data, _ = load_document("contracts:\n  - name: ${KEEP}\n    path: /a/${TOKEN}\n", "f.yaml")
    expanded, expansion = expand_document(data, {"TOKEN": "tok-1234"}, lambda parent, path: "f.yaml")
    entry = expanded["contracts"][0]
    assert entry["name"] == "${KEEP}" and entry["path"] == "/a/tok-1234"
    assert entry.marks == data["contracts"][0].marks
    assert expansion.secrets == {"tok-1234"}
