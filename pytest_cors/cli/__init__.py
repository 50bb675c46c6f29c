"""The ``pytest-cors`` command line (no pytest import: see :mod:`pytest_cors.cli.main`)."""
