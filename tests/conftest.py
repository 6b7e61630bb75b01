"""Root of the test suite: loads the firmware-test plugin (tests/mpytest.py)."""

pytest_plugins = ["mpytest", "pytester"]
