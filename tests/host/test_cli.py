"""The `mikey` console script as installed by make setup."""

import subprocess
import sys
from pathlib import Path

import mikeyhost

MIKEY = Path(sys.executable).parent / "mikey"


def test_console_script_is_installed_and_reports_its_version():
    r = subprocess.run([str(MIKEY), "--version"], capture_output=True, text=True)
    assert r.returncode == 0
    assert r.stdout.strip() == f"mikey {mikeyhost.__version__}"


def test_no_command_prints_usage_and_fails():
    r = subprocess.run([str(MIKEY)], capture_output=True, text=True)
    assert r.returncode == 2
    assert "usage: mikey" in r.stdout
