"""``python -m pytest_cors``: the same command as the ``pytest-cors`` console script."""

from pytest_cors.cli.main import console_main

if __name__ == "__main__":
    console_main()
