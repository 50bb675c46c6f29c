"""Shared test settings.

Hypothesis profiles:

* ``ci`` (loaded by default): few examples, no deadline, so property tests stay fast in CI;
* ``thorough``: 10,000 examples per property, selected with ``--hypothesis-profile=thorough``
  (hypothesis' pytest plugin loads it after this file, so the command line wins).

pytest-django and pytest-flask (test extras, auto-loaded through their entry points) stay
installed and active. This suite configures Django by hand (``settings.configure`` in the
modules that serve Django apps), so pytest-django's session-wide ``setup_test_environment``
is not for it: were it to run here, every in-process pytester run (which loads pytest-django
again and sees the same configured Django) would call it a second time and error. The
override below keeps the outer session out of Django's test environment; each pytester run
sets it up and tears it down itself. The suite's own fixtures avoid pytest-django's and
pytest-flask's names (``live_server``, ``client``, ``app``, ``settings``), because their
autouse helpers act on any test that requests one of those names.
"""

import os
import sys

import pytest
import requests  # noqa: F401
import werkzeug.test  # noqa: F401
import yaml  # noqa: F401
from hypothesis import HealthCheck, settings

# The plugin imports PyYAML, requests and werkzeug only when a contract file or a target needs
# them. Import them here, before any pytester run: pytester drops modules first imported inside
# an in-process run, and a second import pairs compiled extensions (libyaml keeps the first
# import's node classes) with new module objects.

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "thorough",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def django_test_environment():
    """Overrides pytest-django's fixture of this name for this suite only (see the module docstring)."""
    yield


def pytest_sessionstart(session):
    """Under mutation testing, each mutant's run starts with the package's memo caches empty.

    mutmut runs the tests once to map them to functions, then forks one child per mutant: the
    children inherit every ``functools.lru_cache`` filled by that first run, so a mutant inside a
    memoised function (``origins._parse_origin_text``, ``origin_of_url``) never ran for the inputs
    the tests use, and survived whatever the tests asserted. The same holds for the id-keyed memo
    of ``browser.equivalence`` (``_DIFFERENCES``), emptied here too.
    """
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    for name, module in list(sys.modules.items()):
        if name == "pytest_cors" or name.startswith("pytest_cors."):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()
    equivalence = sys.modules.get("pytest_cors.browser.equivalence")
    if equivalence is not None:
        equivalence._DIFFERENCES.clear()
