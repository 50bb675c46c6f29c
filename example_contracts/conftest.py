"""Point pytest-cors at the example API, in-process (no server, no network)."""

import pytest
from example_api import app


@pytest.fixture
def cors_app():
    return app
