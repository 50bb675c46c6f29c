"""${VAR} expansion as a parser: properties over arbitrary text and environments."""

import pytest
from hypothesis import given, strategies as st

from pytest_cors.contract.environment import (
    MIN_MARKER_ENV_LENGTH,
    EnvironmentReferenceError,
    Expansion,
    environment_values_in,
    expand_document,
    expand_text,
)
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


# --- exact messages and rules (found by mutation testing, docs/mutation/contract.md) ------------


def test_each_reference_form():
    found = set()
    environ = {"A": "alpha", "EMPTY": ""}
    assert expand_text("x$${A}y", environ, "w", found) == "x${A}y" and not found
    assert expand_text("${A}-${A:-d}", environ, "w", found) == "alpha-alpha"
    assert expand_text("${EMPTY:-d}|${UNSET:-d}|${UNSET:-}", environ, "w", found) == "d|d|"
    assert found == {"alpha"}
    assert expand_text("${EMPTY}", environ, "w", found) == ""  # set but empty, no default: the empty value
    assert expand_text("$A {A} $", {"A": "1"}, "w", found) == "$A {A} $"


def test_a_reference_that_is_not_a_name_is_an_error_at_its_value():
    with pytest.raises(EnvironmentReferenceError) as info:
        expand_text("x${A-B}", {"A": "1"}, "f.yaml:4:9", set())
    error = info.value
    assert error.message == "${A-B} is not a variable reference: write ${NAME} or ${NAME:-default} (letters, digits and _; $${ for a literal ${)"
    assert error.where == "f.yaml:4:9"
    assert str(error) == f"f.yaml:4:9: {error.message}"


@pytest.mark.parametrize("body", ["", " A", "1A", "A B", "A-B:-x", "é"])
def test_only_letters_digits_and_underscores_name_a_variable(body):
    with pytest.raises(EnvironmentReferenceError, match="is not a variable reference"):
        expand_text("${" + body + "}", {}, "w", set())


@pytest.mark.parametrize("name", ["A", "_", "a_1", "Z9"])
def test_names_start_with_a_letter_or_underscore(name):
    assert expand_text("${" + name + "}", {name: "v"}, "w", set()) == "v"


def test_an_unset_variable_says_how_to_give_a_default():
    with pytest.raises(EnvironmentReferenceError) as info:
        expand_text("${TOKEN}", {}, "f.yaml:2:3", set())
    assert str(info.value) == (
        "f.yaml:2:3: environment variable TOKEN is not set (used as ${TOKEN}); set it, or give a default: ${TOKEN:-value}"
    )


def test_every_string_value_is_expanded_but_keys_names_and_other_values_are_kept():
    text = "target: ${T}\ndefaults: {name: '${N}'}\ncontracts:\n  - name: ${KEEP}\n    ${K}: ['${V}', 3]\n    max_age: 5\n"
    data, _ = load_document(text, "f.yaml")
    environ = {"T": "tt", "N": "nn", "V": "vv", "K": "kk", "KEEP": "no"}
    expanded, expansion = expand_document(data, environ, lambda parent, path: f"f.yaml {path}")
    assert expanded == {
        "target": "tt",
        "defaults": {"name": "nn"},
        "contracts": [{"name": "${KEEP}", "${K}": ["vv", 3], "max_age": 5}],
    }
    assert expansion.secrets == {"tt", "nn", "vv"}
    entry, values = expanded["contracts"][0], expanded["contracts"][0]["${K}"]
    assert (entry.mark, entry.key_marks, values.mark, values.marks) == (
        data["contracts"][0].mark, data["contracts"][0].key_marks, data["contracts"][0]["${K}"].mark, data["contracts"][0]["${K}"].marks,
    )
    assert expanded["contracts"].marks == data["contracts"].marks and expanded.mark == data.mark


def test_an_error_is_located_at_the_value_through_its_parent():
    data, _ = load_document("contracts:\n  - path: /a\n    origins: [x, '${NOPE}']\n", "f.yaml")
    calls = []

    def locate(parent, path):
        calls.append((parent, path))
        return "f.yaml:3:19"

    with pytest.raises(EnvironmentReferenceError) as info:
        expand_document(data, {}, locate)
    assert info.value.where == "f.yaml:3:19"
    assert calls[-1] == (["x", "${NOPE}"], (1,))


def test_a_document_that_is_one_string_is_expanded_without_a_location():
    assert expand_document("${A}", {"A": "v"}, lambda parent, path: "never") == ("v", Expansion({"v"}))
    with pytest.raises(EnvironmentReferenceError) as info:
        expand_document("${A}", {}, lambda parent, path: "never")
    assert info.value.where == ""


def test_environment_values_found_in_marker_strings_are_six_characters_or_more():
    environ = {"LONG": "secret", "SHORT": "abcde", "SPLIT": "abc\ndef", "JOINED": "tokval"}
    assert MIN_MARKER_ENV_LENGTH == 6
    assert environment_values_in(["Bearer secret", "abcde", "abc", "def", "tok", "val"], environ) == {"secret", "abc\ndef"}
    assert environment_values_in([], environ) == set()
