"""The pytest wiring: the only package that imports pytest (entry point: ``pytest_cors.plugin.hooks``)."""
