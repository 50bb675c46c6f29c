"""The harness leaves no browser process behind, even when the browser exits before its helpers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from .browsers import _kill_group

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
