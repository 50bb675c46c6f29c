"""The harness leaves no browser process behind: when the browser exits before its helpers, and when the test run itself is killed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import List

import pytest

from .browsers import BrowserUnavailable, _kill_group, command_for, tied_to_this_process, wait_for_apt

#: Starts a helper in the same session (as a browser starts its web/network processes), prints
#: its pid, and exits at once: the helper would outlive it.
LEADER_EXITS_FIRST = (
    "import subprocess, sys, time\n"
    "helper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print(helper.pid, flush=True)\n"
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone for our purpose
        return stat.read().split(")")[-1].split()[0] != "Z"


def _wait_gone(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_helpers_of_a_browser_that_already_exited_are_killed() -> None:
    leader = subprocess.Popen([sys.executable, "-c", LEADER_EXITS_FIRST], stdout=subprocess.PIPE,
                              start_new_session=True)
    helper_pid = int(leader.stdout.readline())
    leader.wait(timeout=10)
    leader.stdout.close()
    try:
        assert _alive(helper_pid), "the helper should outlive its leader before the harness cleans up"
        _kill_group(leader)
        assert _wait_gone(helper_pid), "the helper process survived the harness's clean-up"
    finally:
        if _alive(helper_pid):
            os.kill(helper_pid, signal.SIGKILL)


def test_a_running_browser_and_its_helpers_are_stopped() -> None:
    code = "import subprocess, sys, time\n" + LEADER_EXITS_FIRST.split("\n", 1)[1] + "time.sleep(60)\n"
    leader = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, start_new_session=True)
    helper_pid = int(leader.stdout.readline())
    leader.stdout.close()
    try:
        _kill_group(leader)
        assert leader.poll() is not None
        assert _wait_gone(helper_pid)
    finally:
        for pid in (leader.pid, helper_pid):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


# --- the test run itself killed (SIGKILL: a cancelled CI job, the OOM killer) -----------------------

#: Stands for the pytest process: starts the browser as the harness does, prints its pid, waits.
TEST_RUN = (
    "import json, subprocess, sys, time\n"
    "browser = subprocess.Popen(json.loads(sys.argv[1]), env=json.loads(sys.argv[2]), cwd=sys.argv[3],\n"
    "    start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(browser.pid, flush=True)\n"
    "time.sleep(120)\n"
)


def _group(pgid: int) -> List[int]:
    """The live (non-zombie) processes of a process group."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry))
    return members


@pytest.mark.browser
@pytest.mark.parametrize("browser", ["chromium", "firefox", "cog"])
def test_a_browser_and_its_helpers_die_with_a_killed_test_run(browser: str) -> None:
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed: browsers cannot be tied to the test run")
    wait_for_apt()
    profile = tempfile.mkdtemp(prefix=f"pytest-cors-orphan-{browser}-")
    try:
        try:
            cmd, env = command_for(browser, "about:blank", profile)
        except BrowserUnavailable as exc:
            pytest.skip(str(exc))
        test_run = subprocess.Popen([sys.executable, "-c", TEST_RUN, json.dumps(tied_to_this_process(cmd)),
                                     json.dumps(env), profile], stdout=subprocess.PIPE)
        browser_pid = int(test_run.stdout.readline())
        test_run.stdout.close()
        try:
            deadline = time.monotonic() + 30
            while len(_group(browser_pid)) < 2 and time.monotonic() < deadline:  # its helper processes
                time.sleep(0.1)
            if not _group(browser_pid):
                pytest.skip(f"{browser} exited at once: it cannot be started here")
            os.kill(test_run.pid, signal.SIGKILL)
            test_run.wait(timeout=10)
            deadline = time.monotonic() + 15
            while _group(browser_pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _group(browser_pid) == [], f"{browser} processes outlived the killed test run"
        finally:
            if test_run.poll() is None:
                test_run.kill()
                test_run.wait(timeout=10)
            for pid in _group(browser_pid):
                os.kill(pid, signal.SIGKILL)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
