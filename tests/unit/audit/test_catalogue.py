"""The audit catalogue: one row per probe id, each with its prose, severities and one registered function."""

from __future__ import annotations

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
    registrar,
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
