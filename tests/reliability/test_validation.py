"""Contract validation at collection time: one schema for YAML and markers, errors that say where and how.

A bad contract is a collection error of its file (or test) with the message and no plugin traceback.
"""

from __future__ import annotations

import pytest

HEAD = "contracts:\n  - name: api\n    path: /api\n"


def collect_error(pytester, run, text: str, *args: str) -> pytest.RunResult:
    pytester.makefile(".yaml", cors_api=text)
    result = run("--collect-only", "-q", *args)
    assert result.ret == pytest.ExitCode.INTERRUPTED, result.stdout.str()
    result.stdout.fnmatch_lines(["*ERROR collecting cors_api.yaml*"])
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*pytest_cors/*")
    return result


YAML_CASES = [
    ("unknown-key", HEAD + "    orgins: [https://app.example.com]\n",
     "cors_api.yaml:4:5: unknown key 'orgins'; did you mean 'origins'? (valid keys: name, path, origins, *"),
    ("unknown-top-level", "contract:\n  - path: /a\n", "cors_api.yaml:1:1: unknown top-level key 'contract'; did you mean 'contracts'?*"),
    ("wrong-type", HEAD + "    origins: [https://app.example.com]\n    credentials: 'yes'\n",
     "cors_api.yaml:5:18: credentials must be true or false, got string 'yes'"),
    ("no-scheme", HEAD + "    origins: [app.example.com]\n",
     "cors_api.yaml:4:15: origins: invalid origin 'app.example.com': missing scheme*; did you mean 'https://app.example.com'?"),
    ("path", HEAD + "    origins: [https://app.example.com/login]\n",
     "cors_api.yaml:4:15: origins: invalid origin 'https://app.example.com/login': *path*; did you mean 'https://app.example.com'?"),
    ("trailing-slash", HEAD + "    origins: [https://app.example.com/]\n",
     "cors_api.yaml:4:15: origins: invalid origin 'https://app.example.com/': trailing slash*; did you mean 'https://app.example.com'?"),
    ("userinfo", HEAD + "    origins: ['https://bob:pw@app.example.com']\n",
     "cors_api.yaml:4:15: origins: invalid origin 'https://bob:pw@app.example.com': *userinfo*; did you mean 'https://app.example.com'?"),
    ("scheme", HEAD + "    deny_origins: [wss://app.example.com]\n",
     "cors_api.yaml:4:20: deny_origins: invalid origin 'wss://app.example.com': unsupported scheme 'wss'*; did you mean 'https://app.example.com'?"),
    ("several-in-one", HEAD + "    origins: 'https://a.example.com, https://b.example.com'\n",
     "cors_api.yaml:4:14: origins: * is several origins in one string; write a list: [[]https://a.example.com, https://b.example.com]"),
    ("bare-null", HEAD + "    deny_origins: [null]\n",
     "cors_api.yaml:4:20: deny_origins[[]0] must be a string, got null None (the opaque origin is the string \"null\": in YAML quote it*"),
    ("method-token", HEAD + "    origins: [https://app.example.com]\n    methods: [GET, 'PO ST']\n",
     "cors_api.yaml:5:20: methods: 'PO ST' is not a valid HTTP method token"),
    ("header-name", HEAD + "    origins: [https://app.example.com]\n    request_headers: ['X Token']\n",
     "cors_api.yaml:5:23: request_headers: 'X Token' is not a valid header name"),
    ("max-age-negative", HEAD + "    origins: [https://app.example.com]\n    max_age: -5\n",
     "cors_api.yaml:5:14: max_age must not be negative, got -5"),
    ("max-age-huge", HEAD + "    origins: [https://app.example.com]\n    max_age: 99999999999\n",
     "cors_api.yaml:5:14: max_age 99999999999 is out of range*"),
    ("max-age-range", HEAD + "    origins: [https://app.example.com]\n    max_age: {min: 600, max: 60}\n",
     "cors_api.yaml:5:14: max_age: min (600) is greater than max (60)"),
    ("max-age-type", HEAD + "    origins: [https://app.example.com]\n    max_age: '600'\n",
     "cors_api.yaml:5:14: max_age must be a whole number of seconds, got string '600'"),
    ("duplicate-name", HEAD + "    origins: [https://a.example.com]\n  - name: api\n    path: /b\n    origins: [https://a.example.com]\n",
     "cors_api.yaml:5:11: duplicate contract name 'api' (first at cors_api.yaml:2:11)*"),
    ("duplicate-key", HEAD + "    origins: [https://a.example.com]\n    path: /b\n",
     "cors_api.yaml:5:5: duplicate key 'path' (first at line 3); YAML would silently keep only the last one"),
    ("allowed-and-denied", HEAD + "    origins: [https://a.example.com]\n    deny_origins: [https://a.example.com]\n",
     "cors_api.yaml:5:19: origin 'https://a.example.com' is both allowed (origins) and denied (deny_origins)"),
    ("empty-methods", HEAD + "    origins: [https://a.example.com]\n    methods: []\n",
     "cors_api.yaml:5:14: methods is empty*"),
    ("nothing-to-check", HEAD, "cors_api.yaml:2:5: contract 'api' has nothing to check*"),
    ("empty-file", "", "cors_api.yaml: the contract file is empty*"),
    ("only-comments", "# TODO\n", "cors_api.yaml: the contract file is empty*"),
    ("missing-path", "contracts:\n  - origins: [https://a.example.com]\n", "cors_api.yaml:2:5: the contract with origins is missing the required key 'path'*"),
    ("invalid-yaml", "contracts:\n  - path: /a\n   origins: [x\n", "cors_api.yaml:3:*: invalid YAML:*"),
]


@pytest.mark.parametrize("text, message", [c[1:] for c in YAML_CASES], ids=[c[0] for c in YAML_CASES])
def test_yaml_errors_are_collection_errors_with_file_line_column(pytester, run, text, message):
    result = collect_error(pytester, run, text)
    result.stdout.fnmatch_lines([message])


def test_errors_in_defaults_point_at_the_defaults(pytester, run):
    result = collect_error(
        pytester, run, "defaults:\n  methods: [GET, 'B@D']\ncontracts:\n  - path: /a\n    origins: [https://a.example.com]\n"
    )
    result.stdout.fnmatch_lines(["cors_api.yaml:2:18: methods: 'B@D' is not a valid HTTP method token"])


def test_a_bad_file_does_not_stop_good_files(pytester, run):
    pytester.makefile(".yaml", cors_good=HEAD + "    origins: [https://a.example.com]\n")
    pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef cors_app():\n    return lambda e, s: (s('200 OK', [('Access-Control-Allow-Origin', '*')]), [b''])[1]\n")
    result = collect_error(pytester, run, HEAD + "    orgins: [x]\n")
    result.stdout.fnmatch_lines(["*1 test collected, 1 error*"])


def test_strict_markers_and_warnings_as_errors_stay_clean(pytester, run):
    pytester.makefile(".yaml", cors_api=HEAD + "    origins: [https://a.example.com]\n")
    pytester.makepyfile(test_m='import pytest\n\n@pytest.mark.cors("/a", origins=["https://a.example.com"])\ndef test_m():\n    pass\n')
    result = run("--collect-only", "-q", "--strict-markers", "-W", "error")
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["2 tests collected*"])


MARKER_CASES = [
    ('origins=["https://app.example.com"], orgins=["x"]',
     "test_m.py::test_m: @pytest.mark.cors argument 'orgins': unknown key 'orgins'; did you mean 'origins'?*"),
    ('origins=["app.example.com"]',
     "test_m.py::test_m: @pytest.mark.cors argument 'origins': origins: invalid origin 'app.example.com': *; did you mean 'https://app.example.com'?"),
    ('origins=["https://a.example.com"], methods=[]',
     "test_m.py::test_m: @pytest.mark.cors argument 'methods': methods is empty*"),
    ('origins=["https://a.example.com"], max_age=-1',
     "test_m.py::test_m: @pytest.mark.cors argument 'max_age': max_age must not be negative, got -1"),
    ('origins=["https://a.example.com"], credentials="yes"',
     "test_m.py::test_m: @pytest.mark.cors argument 'credentials': credentials must be true or false, got string 'yes'"),
    ('origins=["https://a.example.com"], deny_origins=["https://a.example.com"]',
     "test_m.py::test_m: @pytest.mark.cors argument 'deny_origins': origin 'https://a.example.com' is both allowed*"),
    ("", "test_m.py::test_m: @pytest.mark.cors: contract 'test_m' has nothing to check*"),
]


@pytest.mark.parametrize("args, message", MARKER_CASES, ids=["unknown", "origin", "methods", "max-age", "type", "both", "nothing"])
def test_marker_errors_name_the_test_and_the_argument(pytester, run, args, message):
    sep = ", " if args else ""
    pytester.makepyfile(test_m=f'import pytest\n\n@pytest.mark.cors("/a"{sep}{args})\ndef test_m():\n    pass\n')
    result = run("--collect-only", "-q")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*ERROR collecting test_m.py*", message])
    result.stdout.no_fnmatch_line("*Traceback*")


@pytest.mark.parametrize(
    "where, args, ini, message",
    [
        ("flag", ("--cors-timeout", "soon"), "", "*pytest-cors: --cors-timeout: 'soon' is not a number of seconds*"),
        ("ini", (), "cors_timeout = soon", "*pytest-cors: ini cors_timeout: 'soon' is not a number of seconds*"),
        ("flag", ("--cors-retries", "-1"), "", "*pytest-cors: --cors-retries: '-1' is not a whole number from 0 to 10*"),
        ("ini", (), "cors_retries = many", "*pytest-cors: ini cors_retries: 'many' is not a whole number*"),
        ("flag", ("--cors-url", "staging.example.com"), "", "*--cors-url: 'staging.example.com' is not an http(s) URL; did you mean 'https://staging.example.com'?*"),
        ("ini", (), "cors_app_origin = https://app.example.com/", "*ini cors_app_origin: invalid origin 'https://app.example.com/': trailing slash*"),
        ("flag", ("--cors-browser", "chrom"), "", "*--cors-browser: *chrom*"),
        ("ini", (), "cors_ca_bundle = /nonexistent/ca.pem", "*ini cors_ca_bundle: CA bundle file '/nonexistent/ca.pem' does not exist*"),
    ],
)
def test_bad_settings_name_the_flag_or_the_ini_key(pytester, run, where, args, ini, message):
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(test_a="def test_a():\n    pass\n")
    result = run(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    (result.stderr if result.stderr.lines else result.stdout).fnmatch_lines([message])
