"""Hypothesis settings for the engine's unit tests.

``default`` keeps the suite fast (well under 20 s); ``thorough`` is what
``tox -e thorough`` selects with ``--hypothesis-profile=thorough``. Registering
``default`` again reloads it when it is the active profile, so a profile chosen
on the command line is not overridden here.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
