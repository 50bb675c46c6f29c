"""Under pytest-xdist (-n 2) the reports, the matrix and the lockfile are those of a serial run (issue 10)."""

import pytest

from .lock_project import BASE_POLICY, make_project

pytest.importorskip("xdist")

FILES = ("cors.json", "cors.md", "cors.html")


def run(project, out, *args):
    reports = [arg for name in FILES for arg in ("--cors-report", f"{out}/{name}")]
    return project.pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *reports, *args)


def matrix(result):
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "CORS matrix" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("cors: ") and i > start)
    return lines[start:end + 1]


def outputs(project, out):
    return {name: (project.pytester.path / out / name).read_bytes() for name in FILES}


def test_two_workers_write_what_a_serial_run_writes(project):
    make_project(project)
    lock = project.pytester.path / "cors.lock.yaml"
    run(project, "serial", "--cors-snapshot-update").assert_outcomes(passed=36)
    serial_lock = lock.read_bytes()
    lock.unlink()
    run(project, "workers", "-n", "2", "--cors-snapshot-update").assert_outcomes(passed=36)
    assert lock.read_bytes() == serial_lock
    assert outputs(project, "workers") == outputs(project, "serial")

    project.app({**BASE_POLICY, "methods": "GET, PUT, DELETE", "max_age": 60})  # loosened and tightened at once
    serial = run(project, "serial", "-v")
    workers = run(project, "workers", "-v", "-n", "2")
    serial.assert_outcomes(failed=2, passed=34)
    workers.assert_outcomes(failed=2, passed=34)
    assert outputs(project, "workers") == outputs(project, "serial")
    assert matrix(workers) == matrix(serial)
    assert b"loosened" in outputs(project, "serial")["cors.md"]
    assert lock.read_bytes() == serial_lock  # compare runs never write
