"""The audit catalogue: one row per probe id, each with its prose, severities and one registered function."""

from __future__ import annotations

import dataclasses

import pytest

from pytest_cors.audit.catalogue import (
    CATALOGUE,
    HEADER_PROBES,
    ORIGIN_PROBES,
    PROBE_IDS,
    PROBES,
    SEVERITIES,
    Family,
    at_or_above,
    check_catalogue,
    registrar,
    require_functions,
)
from pytest_cors.audit.derive import DERIVATIONS
from pytest_cors.audit.header_checks import HEADER_CHECKS
from pytest_cors.contract.schema import ContractError, parse_contract


def test_one_row_per_probe_id_in_vocabulary_order():
    assert tuple(row.id for row in CATALOGUE) == PROBE_IDS
    assert set(ORIGIN_PROBES) | set(HEADER_PROBES) == set(PROBE_IDS)
    assert not set(ORIGIN_PROBES) & set(HEADER_PROBES)


def test_every_probe_has_exactly_its_function():
    assert set(DERIVATIONS) == set(ORIGIN_PROBES)
    assert set(HEADER_CHECKS) == set(HEADER_PROBES)


@pytest.mark.parametrize("row", CATALOGUE, ids=lambda row: row.id)
def test_every_row_says_why_and_how_to_fix(row):
    assert row.why and row.fix and row.severity in SEVERITIES
    assert row.lesser_severity is None or at_or_above(row.severity, row.lesser_severity)
    # a broader probe is a different, known probe (the catalogue refuses cycles at import)
    assert all(p in PROBES and p != row.id for p in row.covered_by)


def test_origin_probes_are_critical_with_credentials():
    assert {PROBES[p].severity for p in ORIGIN_PROBES} == {"critical"}
    assert PROBES["null-origin"].lesser_severity == "medium"
    assert PROBES["reflect-any-origin"].family is Family.ORIGIN


def test_registering_an_unknown_probe_id_is_refused():
    with pytest.raises(RuntimeError, match="not a catalogue probe id"):
        registrar({})("no-such-probe")  # type: ignore[arg-type]


def test_contract_skip_is_validated_against_the_catalogue():
    data = {"path": "/x", "origins": ["https://app.example.com"], "audit": {"skip": ["null-orgin"]}}
    with pytest.raises(ContractError, match="did you mean 'null-origin'"):
        parse_contract(data)
    data["audit"] = {"skip": list(PROBE_IDS)}
    assert parse_contract(data).audit.skip == PROBE_IDS


def test_severity_order():
    assert at_or_above("critical", "medium") and at_or_above("medium", "medium")
    assert not at_or_above("low", "medium") and not at_or_above("info", "low")
    assert at_or_above("info", "info")


def with_covered_by(**changes):
    """The catalogue with some rows' ``covered_by`` replaced (keys: probe ids with '_' for '-')."""
    return [dataclasses.replace(row, covered_by=changes.get(row.id.replace("-", "_"), row.covered_by)) for row in CATALOGUE]


@pytest.mark.parametrize(
    "rows, message",
    [
        (CATALOGUE[1:], "audit catalogue: one row per ProbeId, in the vocabulary's order"),
        ((CATALOGUE[1], CATALOGUE[0], *CATALOGUE[2:]), "audit catalogue: one row per ProbeId, in the vocabulary's order"),
        (with_covered_by(null_origin=("null-origin",)), "audit catalogue: null-origin is covered by 'null-origin' (unknown or a cycle)"),
        (with_covered_by(null_origin=("no-such-probe",)), "audit catalogue: null-origin is covered by 'no-such-probe' (unknown or a cycle)"),
        # a cycle two steps up: reflect-any-origin -> wildcard-with-credentials -> reflect-any-origin
        (with_covered_by(wildcard_with_credentials=("reflect-any-origin",)),
         "audit catalogue: reflect-any-origin is covered by 'reflect-any-origin' (unknown or a cycle)"),
        # three steps: prefix -> suffix -> unescaped-dot -> prefix (found from the first row of the cycle)
        (with_covered_by(prefix_lookalike=("suffix-lookalike",), suffix_lookalike=("unescaped-dot",), unescaped_dot=("prefix-lookalike",)),
         "audit catalogue: prefix-lookalike is covered by 'prefix-lookalike' (unknown or a cycle)"),
        # an earlier row leads into a cycle it is not part of: the walk stops, the cycle's own row is refused
        (with_covered_by(null_origin=("prefix-lookalike",), prefix_lookalike=("suffix-lookalike",), suffix_lookalike=("prefix-lookalike",)),
         "audit catalogue: prefix-lookalike is covered by 'prefix-lookalike' (unknown or a cycle)"),
    ],
    # short ids instead of the messages (readable in a mutmut report)
    ids=["row-missing", "rows-swapped", "covers-itself", "unknown-probe", "two-step-cycle", "three-step-cycle", "leads-into-a-cycle"],
)
def test_a_broken_catalogue_is_refused_at_import(rows, message):
    with pytest.raises(RuntimeError) as error:
        check_catalogue(rows)
    assert str(error.value) == message


def test_the_catalogue_and_a_diamond_of_broader_probes_are_accepted():
    check_catalogue(CATALOGUE)
    # prefix -> (reflect, wildcard) and reflect -> wildcard: wildcard is reached twice, no cycle
    check_catalogue(with_covered_by(prefix_lookalike=("reflect-any-origin", "wildcard-with-credentials", "reflect-any-origin")))


def test_every_probe_of_a_family_needs_its_function():
    table = {probe: print for probe in ORIGIN_PROBES if probe != "null-origin" and probe != "port-confusion"}
    with pytest.raises(RuntimeError) as error:
        require_functions(table, Family.ORIGIN)  # type: ignore[arg-type]
    assert str(error.value) == "origin probes without a function: ['null-origin', 'port-confusion']"
    require_functions({**table, "null-origin": print, "port-confusion": print}, Family.ORIGIN)  # type: ignore[dict-item]
    with pytest.raises(RuntimeError, match=r"^header probes without a function: \['wildcard-with-credentials', "):
        require_functions(table, Family.HEADER)  # type: ignore[arg-type]


def test_registering_files_the_function_under_its_id():
    table: dict = {}

    def derivation():
        pass

    assert registrar(table)("null-origin")(derivation) is derivation
    assert table == {"null-origin": derivation}
