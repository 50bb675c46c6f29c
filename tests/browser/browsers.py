"""Launch real headless browsers against the harness page and collect what they did.

One page load per browser runs every scenario; this module starts the browser
with a throw-away profile, waits (bounded) for the page to report, kills the
browser's process group, and returns a :class:`BrowserRun` with per-scenario
observations, the scenario server's request log for that run, and (Chromium,
cog) the console messages matched to scenarios by URL.

Run ``python -m tests.browser.browsers [chromium firefox cog]`` from the repo
root to print what each browser does for each scenario (no engine needed).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .page_server import PageRun

APT_LOG = "/tmp/apt_install.log"


class BrowserUnavailable(Exception):
    """The browser is not installed or could not be started at all (=> skip)."""


@dataclass
class BrowserRun:
    browser: str
    run: str
    cmd: List[str]
    results: Dict[str, dict]
    console: Dict[str, List[str]]          # scenario id -> console messages mentioning it
    requests: list                         # LoggedRequest entries of this run
    returncode: Optional[int]
    stderr: str
    stdout: str
    seconds: float
    done_info: Optional[dict]
    page_logs: List[dict] = field(default_factory=list)
    problem: Optional[str] = None          # set when the page did not report completely

    def tail(self, n: int = 4000) -> str:
        return (f"command: {' '.join(self.cmd)}\nexit code: {self.returncode}\n"
                f"--- stderr (tail) ---\n{self.stderr[-n:]}\n--- stdout (tail) ---\n{self.stdout[-n // 2:]}")


# --------------------------------------------------------------------------- helpers

def wait_for_apt(timeout: float = 900.0) -> None:
    """If the browser install is still running, wait for its ``done <rc>`` line."""
    if not os.path.exists(APT_LOG):
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(APT_LOG, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 4096))
            tail = fh.read().decode("utf-8", "replace")
        if re.search(r"^done -?\d+\s*$", tail, re.M):
            return
        time.sleep(2)


FIREFOX_PREFS = {
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.aboutwelcome.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.search.update": False,
    "browser.ping-centre.telemetry": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "browser.discovery.enabled": False,
    "browser.tabs.remote.autostart": True,
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.server": "",
    "toolkit.telemetry.archive.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "extensions.blocklist.enabled": False,
    "media.gmp-manager.url": "",
    "media.gmp-gmpopenh264.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.http.speculative-parallel-limit": 0,
    "network.proxy.type": 0,
    "network.trr.mode": 5,
    "services.settings.server": "http://127.0.0.1:9/",
    "services.sync.enabled": False,
    "security.OCSP.enabled": 0,
    "security.remote_settings.crlite_filters.enabled": False,
    "privacy.trackingprotection.enabled": False,
    "dom.ipc.processPrelaunch.enabled": False,
    "devtools.console.stdout.content": True,
    "browser.dom.window.dump.enabled": True,
    "toolkit.startup.max_resumed_crashes": -1,
    "browser.sessionstore.resume_from_crash": False,
    "browser.newtabpage.activity-stream.feeds.topsites": False,
    "browser.newtabpage.activity-stream.feeds.system.topstories": False,
    "browser.newtabpage.activity-stream.feeds.section.topstories": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "browser.topsites.contile.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
    "network.lna.blocking": False,
}


def _user_js(prefs: Dict[str, object]) -> str:
    out = []
    for k, v in prefs.items():
        if isinstance(v, bool):
            val = "true" if v else "false"
        elif isinstance(v, int):
            val = str(v)
        else:
            val = '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
        out.append(f'user_pref("{k}", {val});')
    return "\n".join(out) + "\n"


def command_for(browser: str, url: str, profile: str) -> tuple[List[str], Dict[str, str]]:
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["HOME"] = profile
    env["XDG_RUNTIME_DIR"] = os.path.join(profile, "xdg-runtime")
    env["XDG_CACHE_HOME"] = os.path.join(profile, "cache")
    env["XDG_CONFIG_HOME"] = os.path.join(profile, "config")
    env["XDG_DATA_HOME"] = os.path.join(profile, "data")
    for d in ("xdg-runtime", "cache", "config", "data"):
        os.makedirs(os.path.join(profile, d), mode=0o700, exist_ok=True)
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(proxy, None)
    env["no_proxy"] = env["NO_PROXY"] = "*"
    if browser == "chromium":
        exe = shutil.which("chromium")
        if not exe:
            raise BrowserUnavailable("chromium not found on PATH; install with apt-get install -y chromium")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={os.path.join(profile, 'chrome')}",
               "--enable-logging=stderr", "--v=0",
               "--disable-dev-shm-usage", "--no-default-browser-check",
               "--disable-features=MediaRouter,OptimizationHints,Translate",
               url]
    elif browser == "firefox":
        exe = shutil.which("firefox-esr") or shutil.which("firefox")
        if not exe:
            raise BrowserUnavailable("firefox-esr not found on PATH; install with apt-get install -y firefox-esr")
        prof = os.path.join(profile, "firefox")
        os.makedirs(prof, exist_ok=True)
        with open(os.path.join(prof, "user.js"), "w") as fh:
            fh.write(_user_js(FIREFOX_PREFS))
        env["MOZ_HEADLESS"] = "1"
        env["MOZ_CRASHREPORTER_DISABLE"] = "1"
        env["MOZ_DISABLE_AUTO_SAFE_MODE"] = "1"
        env["MOZ_REMOTE_SETTINGS_DEVTOOLS"] = "1"  # honour services.settings.server (a closed loopback port)
        cmd = [exe, "--headless", "--no-remote", "--profile", prof, url]
    elif browser == "cog":
        exe = shutil.which("cog")
        if not exe:
            raise BrowserUnavailable("cog (WPE WebKit) not found on PATH; install with apt-get install -y cog")
        # The "headless" platform plug-in (libcogplatform-headless) needs no display,
        # no GPU and no compositor; WebKit's bubblewrap sandbox stays off (cog's
        # default without --enable-sandbox), so it runs as root as is.
        env["COG_PLATFORM_NAME"] = "headless"
        cmd = [exe, "--platform=headless", "--enable-write-console-messages-to-stdout=true",
               "--webprocess-failure=exit", url]
    else:
        raise ValueError(browser)
    return cmd, env


def tied_to_this_process(cmd: List[str]) -> List[str]:
    """``cmd`` started so that the kernel kills it (SIGKILL) when the process that starts it dies.

    The harness's clean-up (:func:`_kill_group`) runs on every normal exit and timeout, but not
    when the test run itself is killed with SIGKILL (a CI job cancelled, an OOM kill): the browser
    would then run on, orphaned. util-linux's ``setpriv --pdeathsig`` sets the parent-death signal
    and then execs the browser (same pid, so the process group is still the browser's); doing it
    in a ``preexec_fn`` instead is unsafe in a process with threads, as the harness's servers are.
    The browser's own helper processes end when their parent's IPC channel closes.
    """
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return list(cmd)
    return [setpriv, "--pdeathsig", "KILL", "--", *cmd]


def start_browser(cmd: List[str], **popen: object) -> subprocess.Popen:
    """Start ``cmd`` in a session of its own (see :func:`_kill_group`), tied to this process."""
    return subprocess.Popen(tied_to_this_process(cmd), start_new_session=True, **popen)  # type: ignore[call-overload]


def _kill_group(proc: subprocess.Popen) -> None:
    """Stop the browser and every process it started (its session's process group).

    The browser runs with ``start_new_session=True``, so its pid is the group's id. The group is
    killed even when the browser itself has already exited: WebKit's web and network processes,
    Chromium's zygotes and Firefox's content processes can outlive it and would keep running after
    the test (a process group's id is not reused while any member is alive).
    """
    pgid = proc.pid
    if proc.poll() is None:
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# Chromium: [pid:tid:date:INFO:CONSOLE(0)] "message", source: url (line)
# newer builds: ...:INFO:CONSOLE:0] "message", source: url (0)
_CHROME_CONSOLE = re.compile(r':CONSOLE[^\]]*\] "(?P<msg>.*)", source: ', re.S)
_SCEN_URL = re.compile(r"/s/(?P<run>[^/'\s]+)/(?P<id>[^/'\s]+)/\d+")


def parse_console(browser: str, run: str, stderr: str, stdout: str) -> Dict[str, List[str]]:
    """Console messages per scenario id.

    Chromium: one ``:CONSOLE...] "<message>", source: ...`` stderr line per message.
    cog (WPE WebKit, ``--enable-write-console-messages-to-stdout``): it writes
    ``CONSOLE SECURITY ERROR <reason>`` then ``CONSOLE JS ERROR Fetch API cannot
    load <url> due to access control checks.`` to stderr; the reason lines are
    joined to the URL line (the shape of the engine's Safari message).
    """
    found: Dict[str, List[str]] = {}

    def attach(msg: str) -> None:
        m = _SCEN_URL.search(msg)
        if m and m.group("run") == run:
            found.setdefault(m.group("id"), []).append(msg)

    if browser == "chromium":
        for line in stderr.splitlines():
            m = _CHROME_CONSOLE.search(line)
            if m:
                attach(m.group("msg"))
    elif browser == "cog":
        pending: List[str] = []
        for line in stderr.splitlines():
            if not line.startswith("CONSOLE "):
                continue
            m = re.match(r"CONSOLE (?:\w+ )?(?:ERROR|WARN(?:ING)?|LOG|INFO|DEBUG) (?P<msg>.*)$", line)
            text = m.group("msg") if m else line[len("CONSOLE "):]
            if text.endswith("due to access control checks.") and "cannot load" in text:
                attach("\n".join(pending + [text]))
                pending = []
            elif _SCEN_URL.search(text) and not text.startswith("Cross-origin redirection"):
                attach(text)
            else:
                pending.append(text)
    else:
        for line in (stdout + "\n" + stderr).splitlines():
            if "Cross-Origin Request" in line:
                attach(line)
    return found


def run_browser(browser: str, page_url: str, page_run: PageRun, ctx, *, timeout: float = 100.0,
                start_timeout: float = 30.0) -> BrowserRun:
    """Run one page load; raise BrowserUnavailable only if the browser cannot start."""
    wait_for_apt()
    profile = tempfile.mkdtemp(prefix=f"pytest-cors-{browser}-")
    try:
        cmd, env = command_for(browser, page_url, profile)
        out_path = os.path.join(profile, "stdout.log")
        err_path = os.path.join(profile, "stderr.log")
        mark = ctx.mark()
        t0 = time.monotonic()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            try:
                proc = start_browser(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=profile)
            except OSError as exc:
                raise BrowserUnavailable(f"{browser}: could not execute {cmd[0]}: {exc}") from exc
            problem = None
            exited_early = False
            try:
                deadline = t0 + timeout
                while time.monotonic() < deadline:
                    if page_run.done.wait(0.2):
                        break
                    if proc.poll() is not None:
                        exited_early = not page_run.page_loaded.is_set()
                        problem = f"{browser} exited with code {proc.returncode} before the page reported"
                        break
                    if not page_run.page_loaded.is_set() and time.monotonic() - t0 > start_timeout:
                        problem = f"{browser} started but never requested the page within {start_timeout:.0f}s"
                        break
                else:
                    problem = f"{browser}: page did not report within {timeout:.0f}s"
                if page_run.done.is_set():
                    if page_run.done_info and page_run.done_info.get("timed_out"):
                        problem = f"{browser}: the page's hard timeout fired before all scenarios ran"
                    time.sleep(0.5)  # let the browser flush console output
            finally:
                _kill_group(proc)
        seconds = time.monotonic() - t0
        stderr = open(err_path, "rb").read().decode("utf-8", "replace")
        stdout = open(out_path, "rb").read().decode("utf-8", "replace")
        if exited_early:
            raise BrowserUnavailable(
                f"{browser} could not be started: exit code {proc.returncode}; stderr tail:\n{stderr[-2000:]}")
        requests = [r for r in ctx.since(mark) if r.run == page_run.run]
        return BrowserRun(browser=browser, run=page_run.run, cmd=cmd, results=dict(page_run.results),
                          console=parse_console(browser, page_run.run, stderr, stdout), requests=requests,
                          returncode=proc.returncode, stderr=stderr, stdout=stdout, seconds=seconds,
                          done_info=page_run.done_info, page_logs=list(page_run.logs), problem=problem)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


# --------------------------------------------------------------------------- CLI

def observation_summary(run: BrowserRun, sid: str) -> str:
    r = run.results.get(sid)
    reqs = [x for x in run.requests if x.scenario == sid]
    wire = " ".join(f"{x.method}@{x.server}/{x.step}" + (f"[O={x.header('Origin')}]" if x.header('Origin') not in (None, run_origin(run)) else "")
                    for x in reqs)
    if r is None:
        return f"NO RESULT | {wire}"
    if r["outcome"] == "resolved":
        exposed = sorted(k for k, v in (r.get("probes") or {}).items() if v is not None)
        return f"resolved {r['status']} read={','.join(exposed)} | {wire}"
    return f"{r['outcome']} ({r.get('error')}) | {wire}"


def run_origin(run: BrowserRun) -> str:
    return getattr(run, "_origin", "")


def main(argv=None) -> int:
    import sys

    from .harness import Harness
    from .scenarios import SCENARIOS

    names = (argv if argv is not None else sys.argv[1:]) or ["chromium", "firefox", "cog"]
    h = Harness()
    try:
        for b in names:
            try:
                run = h.run(b)
            except BrowserUnavailable as exc:
                print(f"== {b}: SKIPPED: {exc}")
                continue
            run._origin = h.origin
            print(f"== {b}: {run.seconds:.1f}s exit={run.returncode} results={len(run.results)}/{len(SCENARIOS)}"
                  f" problem={run.problem}")
            for s in SCENARIOS:
                print(f"{s.id:45s} {observation_summary(run, s.id)}")
                for msg in run.console.get(s.id, []):
                    print(f"{'':45s}   console: {msg}")
            if run.problem or len(run.results) < len(SCENARIOS):
                print(run.tail())
    finally:
        h.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
