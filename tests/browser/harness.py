"""Glue: start the three loopback servers, run a browser over every scenario."""

from __future__ import annotations

import uuid
from typing import Dict

from .browsers import BrowserRun, run_browser
from .page_server import PageRegistry, PageRun, start_page_server
from .scenario_server import Context, start_scenario_server
from .scenarios import SCENARIOS, page_spec

# browser executable family -> engine profile it is compared with
PROFILE_OF = {"chromium": "chrome", "firefox": "firefox", "cog": "safari"}


class Harness:
    def __init__(self) -> None:
        self.ctx = Context()
        self.reg = PageRegistry()
        self.servers = [start_scenario_server(self.ctx, "api"), start_scenario_server(self.ctx, "api2"),
                        start_page_server(self.ctx, self.reg)]
        self.ctx.register(SCENARIOS)
        self.runs: Dict[str, BrowserRun] = {}

    @property
    def origin(self) -> str:
        return self.ctx.origin

    def run(self, browser: str, *, timeout: float = 100.0) -> BrowserRun:
        run_id = f"{PROFILE_OF[browser]}-{uuid.uuid4().hex[:6]}"
        page_run = self.reg.add(PageRun(run=run_id, spec=page_spec(self.ctx, run_id),
                                        hard_ms=int((timeout - 10) * 1000)))
        url = f"{self.ctx.bases['page']}/run/{run_id}"
        result = run_browser(browser, url, page_run, self.ctx, timeout=timeout)
        self.runs[browser] = result
        return result

    def close(self) -> None:
        for s in self.servers:
            s.stop()
