"""Which files are collected as YAML contracts, by name (found by mutation testing, docs/mutation/contract.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_cors.contract.files import FILE_PATTERNS, is_contract_file


@pytest.mark.parametrize("name", ["cors_api.yaml", "cors_api.yml", "api.cors.yaml", "api.cors.yml", "cors_.yaml", "x/y/cors_a.yaml"])
def test_contract_files(name):
    assert is_contract_file(Path(name))


@pytest.mark.parametrize(
    "name", ["api.yaml", "cors.yaml", "cors_api.json", "cors_api.yaml.bak", "apicors.yaml", "cors_api.txt", "cors_dir/api.yaml"]
)
def test_other_files(name):
    assert not is_contract_file(Path(name))


def test_the_patterns_are_the_documented_four():
    assert FILE_PATTERNS == ("cors_*.yaml", "cors_*.yml", "*.cors.yaml", "*.cors.yml")
