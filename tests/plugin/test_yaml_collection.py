"""Collecting YAML contract files through pytest: what each file's errors and items say (small in-process runs).

The file parser's every message is checked in-process (tests/unit/contract/test_yaml_errors.py);
these runs check what only the collector does: the name shown in errors, the environment it
expands ``${VAR}`` from, and where an error is when the file is outside the rootdir.
"""

from __future__ import annotations

from .lock_project import APP


def test_each_broken_file_is_one_collection_error_naming_it(project, monkeypatch):
    monkeypatch.delenv("CORS_UNSET_FOR_THIS_TEST", raising=False)
    project.pytester.makefile(".yaml", cors_empty="# nothing yet\n")
    (project.pytester.path / "cors_latin.yaml").write_bytes("contracts:\n  - path: /caf\xe9\n".encode("latin-1"))
    project.pytester.makefile(
        ".yaml", cors_env="contracts:\n  - path: /a\n    origins: ['${CORS_UNSET_FOR_THIS_TEST}']\n"
    )
    result = project.run()
    assert result.ret == 2
    result.stdout.fnmatch_lines([
        "_* ERROR collecting cors_empty.yaml _*",
        "cors_empty.yaml: the contract file is empty; add a 'contracts:' list (see README, YAML contracts)",
        "_* ERROR collecting cors_env.yaml _*",
        "cors_env.yaml:3:15: environment variable CORS_UNSET_FOR_THIS_TEST is not set (used as ${CORS_UNSET_FOR_THIS_TEST}); "
        "set it, or give a default: ${CORS_UNSET_FOR_THIS_TEST:-value}",
        "_* ERROR collecting cors_latin.yaml _*",
        "cors_latin.yaml:2:15: the file is not valid UTF-8 (byte 0xe9 at offset 25); save it as UTF-8",
    ])


def test_variables_come_from_the_environment(project, monkeypatch):
    monkeypatch.setenv("CORS_TEST_ORIGIN", APP)
    project.app({"origins": [APP]})
    project.pytester.makefile(".yaml", cors_api="contracts:\n  - name: api\n    path: /api\n    origins: ['${CORS_TEST_ORIGIN}']\n")
    result = project.run("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"cors_api.yaml::api[[]GET-{APP}[]] PASSED*"])


def test_a_file_outside_the_rootdir_is_named_by_its_full_path(project):
    (project.pytester.path / "root").mkdir()
    bad = project.pytester.makefile(".yaml", cors_out="contracts: []\n")
    result = project.run("--rootdir", str(project.pytester.path / "root"), str(bad))
    assert result.ret == 2
    result.stdout.fnmatch_lines([f"{bad}:1:12: 'contracts' must be a non-empty list of mappings, got list []"])


def test_the_audit_items_of_a_file_check_the_files_target_too(project):
    project.app({"origins": [APP]}, fixture=False)  # no cors_app fixture: only the file's target: serves the app
    project.pytester.makefile(
        ".yaml", cors_api="target: myapp:app\ncontracts:\n  - name: api\n    path: /api\n    origins: [https://app.example.com]\n"
    )
    project.pytester.makeini("[pytest]\npythonpath = .\n")
    result = project.run("--cors-audit", "fail", "-v", "-k", "GET or reflect-any-origin")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["cors_api.yaml::api[[]audit:reflect-any-origin[]] PASSED*"])


def test_a_spec_warning_turned_into_an_error_fails_the_yaml_item_without_its_body_in_the_traceback(project):
    project.app({"origins": [APP], "headers": "*"})
    project.pytester.makefile(
        ".yaml", cors_api="contracts:\n  - name: c\n    path: /api\n    origins: [https://app.example.com]\n"
        "    request_headers: [Authorization]\n",
    )
    result = project.run("-W", "error::pytest.PytestWarning")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E *CorsSpecWarning: c [[]GET https://app.example.com[]]: allowed by every selected browser*"])
    assert "_check_yaml_case" not in result.stdout.str()  # the item's body is hidden (__tracebackhide__)
