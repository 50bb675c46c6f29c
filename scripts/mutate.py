"""Mutation testing of one package (or one module) of pytest_cors with its own fast test selection.

    python scripts/mutate.py report                 # every module of pytest_cors/report/
    python scripts/mutate.py pytest_cors/report/curl.py
    python scripts/mutate.py report --results       # list the surviving mutants of the last run
    python scripts/mutate.py report NAME...         # run only these mutants again (after adding tests)
    python scripts/mutate.py audit --fresh NAME...  # each in a fresh test process (code run at import)

It runs mutmut 3 (the ``dev`` extra) with the ``[tool.mutmut]`` settings of pyproject.toml,
narrowed here to the package's modules (``only_mutate``) and to the tests that exercise them
(``PACKAGES`` below; ``MODULES`` for a module whose own tests are far faster than its package's):
mutmut then runs, for each mutant, only the selected tests that reach the
mutated function. The whole suite would take hours per package; this takes minutes.
Not part of CI. Working files: ``mutants/`` (gitignored).

mutmut forks each mutant's test process from one that imported the package already, so a mutant
of code that runs only at import time (a catalogue built by a helper, a registry check) is never
active and always "survives". ``--fresh`` runs each named mutant in a new pytest process of its
own (``MUTANT_UNDER_TEST``, mutmut's switch, set before the import) over the package's selection,
stopping at the first failure: killed when a test fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

#: The live transport's direct tests: real servers on 127.0.0.1 (tests/reliability/servers.py), no pytester runs.
LIVE_TESTS = [
    "tests/reliability/test_live_transport.py", "tests/reliability/test_live_responses.py",
    "tests/reliability/test_retries_by_method.py::test_each_idempotent_method_is_sent_again_after_a_connection_reset",
    "tests/reliability/test_retries_by_method.py::test_a_non_idempotent_method_is_sent_once_and_its_reset_reported",
    "tests/reliability/test_network_faults.py::test_a_real_resolver_failure_is_classified_as_dns",
    "tests/reliability/test_network_faults.py::test_a_hung_resolver_is_bounded_by_the_timeout",
    "tests/reliability/test_network_faults.py::test_plain_http_to_a_tls_port_is_a_named_fault",
    "tests/reliability/test_network_faults.py::test_non_idempotent_requests_are_never_retried",
    "tests/reliability/test_network_faults.py::test_backoff_is_capped",
]
#: package -> (modules to mutate, tests that exercise them)
PACKAGES: Dict[str, Tuple[List[str], List[str]]] = {
    "browser": (["pytest_cors/browser/*"], ["tests/unit/browser"]),
    "contract": (
        ["pytest_cors/contract/*"],
        # tests/unit/contract/test_yaml_errors.py reads every YAML error of tests/reliability/test_validation.py
        # (exactly, through the collector's parser, in milliseconds); the pytester runs are left out (1-2 s each)
        ["tests/unit/contract",
         "tests/reliability/test_hostile_yaml.py::test_any_non_standard_tag_is_an_error",
         "tests/reliability/test_hostile_yaml.py::test_measuring_an_alias_bomb_costs_its_text_not_its_expansion",
         "tests/reliability/test_hostile_yaml.py::test_a_recursive_alias_is_an_error_not_a_hang",
         "tests/reliability/test_hostile_yaml.py::test_utf16_is_an_encoding_error_too"],
    ),
    "report": (
        ["pytest_cors/report/*"],
        # unit tests only: the pytester tests of the plugin's reports cost 10-25 s a mutant
        ["tests/unit/report"],
    ),
    "transport": (
        ["pytest_cors/transport/*"],
        # The transports' own tests: real apps in-process, real servers on 127.0.0.1, called directly.
        # The plugin-level (pytester) runs in tests/live and tests/reliability go through the same code
        # at 10-25 s a mutant; what they check of the transport is checked here directly.
        ["tests/unit/transport", *LIVE_TESTS],
    ),
    "plugin": (["pytest_cors/plugin/*"], ["tests/unit/plugin", "tests/plugin/test_options.py"]),
    "audit": (
        ["pytest_cors/audit/*"],
        ["tests/unit/audit", "tests/audit",
         # pytester runs of the plugin (items, modes, --cors-scan): 10-25 s a mutant; they test
         # plugin/audit_items.py, the findings themselves are asserted in-process in tests/audit
         "--ignore", "tests/audit/test_plugin_audit.py", "--ignore", "tests/audit/test_scan.py",
         "--deselect", "tests/audit/test_registrable_by_anyone.py::test_a_pattern_over_github_io",
         "--deselect", "tests/audit/test_registrable_by_anyone.py::test_an_own_domain_gets_no_item"],
    ),
    "check": (
        ["pytest_cors/check/*"],
        # in-process: engine-level cases and the cors fixture's objects on real WSGI apps and a 127.0.0.1 server,
        # plus the report tests built from real checks; the pytester runs of tests/plugin are left out (10-25 s each)
        ["tests/unit/check", "tests/unit/report"],
    ),
    # the lockfile's reading, merging and diff wording, and observed policies of real checks, in-process;
    # tests/plugin/test_lockfile.py (pytester, 10-25 s a mutant) checks the plugin's use of them
    "snapshot": (["pytest_cors/snapshot/*"], ["tests/unit/snapshot"]),
    # inference, OpenAPI reading, probing and rendering on real apps in-process and a real server on 127.0.0.1
    "record": (["pytest_cors/record/*"], ["tests/unit/record"]),
    # the command in-process (main(argv) on plain WSGI apps and a 127.0.0.1 server, exact messages and exit codes);
    # left out: test_record_process.py (subprocesses) and the test_record.py tests that run pytest on the written
    # file (pytester, 2-3 s each: they test the file against the plugin, the command's output is asserted here)
    "cli": (
        ["pytest_cors/cli/*"],
        ["tests/unit/cli/test_record_command.py", "tests/unit/cli/test_summary.py", "tests/unit/cli/test_record_tls.py",
         "tests/unit/cli/test_record.py::test_usage_errors_exit_2_and_name_the_option",
         "tests/unit/cli/test_record.py::test_bad_openapi_yaml_names_file_and_line",
         "tests/unit/cli/test_record.py::test_never_overwrites_without_force",
         "tests/unit/cli/test_record.py::test_output_to_stdout",
         "tests/unit/cli/test_record.py::test_url_password_is_never_written",
         "tests/unit/cli/test_record.py::test_browsers_that_disagree_are_neither_allowed_nor_denied"],
    ),
}
#: module -> its own tests, where the package's selection is much slower than what exercises the module
MODULES: Dict[str, List[str]] = {
    # in-process pytest.Config tests (tests/unit/plugin/conftest.py), no pytester runs: ~1 s a mutant, not 10-25 s
    "pytest_cors/plugin/options.py": [
        "tests/unit/plugin/test_option_choices.py", "tests/unit/plugin/test_option_ranges.py",
        "tests/unit/plugin/test_tls_settings.py", "tests/unit/plugin/test_url_messages.py",
        "tests/unit/plugin/test_option_help.py", "tests/unit/plugin/test_option_sources.py",
    ],
    # plugin/: in-process tests (a real pytest.Config, a real TerminalReporter on a StringIO, real WSGI apps), no pytester
    "pytest_cors/plugin/secret_logging.py": ["tests/unit/plugin/test_secret_logging.py"],
    "pytest_cors/plugin/case_warnings.py": ["tests/unit/plugin/test_case_warnings.py"],
    "pytest_cors/plugin/faults.py": ["tests/unit/plugin/test_fault_summary.py"],
    # the header's conventions in-process; the Flask targets through pytester runs (the Django one, 20 s, left out)
    "pytest_cors/plugin/framework_defaults.py": [
        "tests/unit/plugin/test_framework_defaults.py", "tests/plugin/test_framework_defaults.py",
        "--deselect", "tests/plugin/test_framework_defaults.py::test_pytest_django_project_is_the_target",
    ],
    # small in-process pytester runs asserting every record, JUnit property and matrix line (about 1 s together)
    "pytest_cors/plugin/item_records.py": [
        "tests/plugin/test_item_records.py",
        "tests/plugin/test_lockfile.py::test_removed_test_and_removed_file_are_stale",
        "tests/plugin/test_lockfile.py::test_partial_run_updates_only_what_ran",
    ],
    "pytest_cors/plugin/reporting.py": [
        "tests/unit/plugin/test_report_paths.py", "tests/plugin/test_item_records.py",
        "tests/plugin/test_lockfile.py::test_update_accepts_a_change_and_the_next_run_passes",
        "tests/plugin/test_lockfile.py::test_stale_contract_is_reported_then_removed_on_update",
        "tests/plugin/test_lockfile.py::test_second_update_without_change_rewrites_nothing",
        "tests/plugin/test_reports.py::test_step_summary_is_appended",
        "tests/plugin/test_reports.py::test_ini_cors_report_writes_relative_to_the_rootdir",
    ],
    "pytest_cors/plugin/items.py": [
        # the installed plugin left out of the outer session: its collection runs items.py, and a mutant there would
        # break collection of the selection itself (mutmut refuses to run); the pytester runs load the plugin.
        # test_report_paths.py imports the plugin's modules before any pytester run (which would drop them afterwards)
        "-pno:cors", "tests/unit/plugin/test_report_paths.py", "tests/plugin/test_item_records.py",
        "tests/plugin/test_yaml_collection.py",
        "tests/plugin/test_speed_behaviour.py::test_the_marker_fixture_is_set_up_only_for_marked_items_and_in_its_autouse_place",
        "tests/plugin/test_speed_behaviour.py::test_items_sharing_a_fixture_closure_still_get_every_fixture",
        "tests/plugin/test_speed_behaviour.py::test_yaml_items_structured_ids_are_what_pytest_parses_from_their_node_ids",
        "tests/plugin/test_speed_behaviour.py::test_each_yaml_file_is_parsed_once_per_run",
    ],
    # the file parser's errors in-process (milliseconds each), then the items of a file through small pytester runs
    "pytest_cors/plugin/collect.py": [
        "tests/unit/contract/test_yaml_errors.py", "tests/plugin/test_item_records.py", "tests/plugin/test_yaml_collection.py",
        "tests/plugin/test_options.py::test_spec_warning_points_at_the_test_and_the_yaml_contract",
        "tests/plugin/test_speed_behaviour.py::test_cycle_collection_pauses_only_while_a_file_is_parsed",
        "tests/plugin/test_speed_behaviour.py::test_each_yaml_file_is_parsed_once_per_run",
        "tests/plugin/test_styles.py::test_yaml_file_names_that_are_collected",
        "tests/plugin/test_styles.py::test_yaml_errors_point_at_file_line_column",
    ],
    # the case tests judge through check_case directly (milliseconds); the report tests reach it too, slower
    "pytest_cors/check/case.py": ["tests/unit/check"],
    # the live transport is reached by its direct live tests only (tests/unit/transport runs in-process apps)
    "pytest_cors/transport/live.py": LIVE_TESTS,
}
#: Ahead of every selection: no browsers, no cache, a per-test timeout so a mutant that loops is killed.
COMMON = ["-m", "not browser", "-p", "no:cacheprovider", "-p", "no:django", "-p", "no:flask", "--timeout=60"]
CURRENT = Path("mutants") / ".pytest_cors_package"
#: Earlier selections' working directories, kept so that switching back resumes them.
PARKED = Path(".mutmut-cache")


def selection(target: str) -> Tuple[str, List[str], List[str]]:
    """(label, modules to mutate, tests) for a package name or one module's path."""
    if target in PACKAGES:
        modules, tests = PACKAGES[target]
        return target, modules, tests
    path = Path(target)
    parts = path.with_suffix("").parts
    if len(parts) >= 2 and parts[0] == "pytest_cors" and parts[1] in PACKAGES and path.suffix == ".py":
        _, tests = PACKAGES[parts[1]]
        tests = MODULES.get(path.as_posix(), tests)
        return ".".join(parts), [str(path)], tests
    raise SystemExit(f"mutate: {target!r} is neither a package ({', '.join(PACKAGES)}) nor pytest_cors/<package>/<module>.py")


def fresh(names: List[str], tests: List[str]) -> int:
    """Run each mutant in a new test process in ``mutants/`` (after a mutmut run made it); print killed/survived."""
    selection = COMMON + ["-x", "-q"] + [t for t in tests if t.startswith("-") or "::" in t or Path(t).exists()]
    survived = 0
    for name in names:
        env = {**os.environ, "MUTANT_UNDER_TEST": name}
        done = subprocess.run([sys.executable, "-m", "pytest", *selection], cwd="mutants", env=env, capture_output=True)
        status = "killed" if done.returncode != 0 else "survived"
        survived += status == "survived"
        print(f"{name}: {status} (fresh process)", flush=True)
    return 1 if survived else 0


def main(argv: List[str]) -> int:
    """Configure mutmut for the selection, then run it (or show its results)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="package (" + ", ".join(PACKAGES) + ") or pytest_cors/<package>/<module>.py")
    parser.add_argument("--results", action="store_true", help="list the mutants that survived the last run")
    parser.add_argument("mutants", nargs="*", help="only these mutant names (e.g. the survivors of the last run)")
    parser.add_argument("--fresh", action="store_true", help="run the named mutants each in a fresh test process")
    parser.add_argument("--max-children", type=int, default=2, help="parallel test processes (default 2)")
    args = parser.parse_intermixed_args(argv)  # options before, between or after the mutant names
    label, modules, tests = selection(args.target)

    from mutmut import configuration  # the dev extra
    from mutmut.__main__ import cli

    config = configuration._load_config()
    configuration._config = dataclasses.replace(
        config,
        only_mutate=modules,
        pytest_add_cli_args_test_selection=COMMON + [t for t in tests if t.startswith("-") or "::" in t or Path(t).exists()],
    )
    if args.fresh:
        if CURRENT.exists() and CURRENT.read_text() != label:
            raise SystemExit(f"mutate: mutants/ holds {CURRENT.read_text()}, not {label}: run {label} first")
        return fresh(args.mutants, tests)
    if args.results:
        if CURRENT.exists() and CURRENT.read_text() != label and (PARKED / label).exists():
            raise SystemExit(f"mutate: the last run was {CURRENT.read_text()}; {label} is parked in {PARKED / label}")
        return cli(["results"], standalone_mode=False) or 0
    # mutmut keeps one test -> function map in mutants/; each selection gets its own directory.
    if CURRENT.exists() and CURRENT.read_text() != label:
        PARKED.mkdir(exist_ok=True)
        shutil.rmtree(PARKED / CURRENT.read_text(), ignore_errors=True)
        shutil.move("mutants", str(PARKED / CURRENT.read_text()))
        if (PARKED / label).exists():
            shutil.move(str(PARKED / label), "mutants")
    os.makedirs("mutants", exist_ok=True)
    CURRENT.write_text(label)
    return cli(["run", "--max-children", str(args.max_children), *args.mutants], standalone_mode=False) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
