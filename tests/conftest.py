"""Shared test settings. Hypothesis profiles:

* ``ci`` (loaded by default): few examples, no deadline, so property tests stay fast in CI;
* ``thorough``: 10,000 examples per property, selected with ``--hypothesis-profile=thorough``
  (hypothesis' pytest plugin loads it after this file, so the command line wins).
"""

from hypothesis import HealthCheck, settings

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
