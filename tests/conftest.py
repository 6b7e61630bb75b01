"""Root of the test suite: loads the firmware-test plugin (tests/mpytest.py)
and offers `upy`, the bridge from CPython tests to firmware code."""

import pytest

from upy import UPy

pytest_plugins = ["mpytest", "pytester"]


@pytest.fixture(scope="session")
def upy():
    return UPy()
