"""`mikey device … --port sim`: the command line a user runs against the
simulated board (each run boots it, with its flash in build/sim-flash)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

MIKEY = Path(sys.executable).parent / "mikey"
PSK = "5a" * 16


def mikey(*args, timeout=120):
    return subprocess.run([str(MIKEY), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module", autouse=True)
def provisioned(request):
    if request.config.getoption("device"):
        pytest.skip("these drive `--port sim`; the round-trip suite covers a board")
    r = mikey("device", "provision", "--port", "sim", "--psk", PSK, "--identity", "sim@example.org")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"stored": ["identity", "psk"]}


def test_info():
    r = mikey("device", "info", "--port", "sim")
    assert r.returncode == 0, r.stderr
    caps = json.loads(r.stdout)
    assert caps["board"] == "unix" and set(caps["provisioned"]) >= {"psk", "identity"}
    assert PSK not in r.stdout


@pytest.mark.parametrize("initiator", ["host", "device"])
def test_exchange_json_reports_both_ends_and_a_match(initiator):
    r = mikey("device", "exchange", "--port", "sim", "psk", "--psk", PSK, "--initiator", initiator,
              "--cs", "00c0ffee:3", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["match"] is True
    assert out["host"]["keys"] == out["device"]["keys"]
    assert out["device"]["keys"][0]["ssrc"] == "00c0ffee" and out["device"]["keys"][0]["roc"] == 3


@pytest.mark.parametrize("initiator", ["host", "device"])
def test_exchange_dhhmac_both_ways(initiator):
    # the device initiates towards its provisioned peer identity (RFC 4650 §3: IDr is mandatory)
    r = mikey("device", "provision", "--port", "sim", "--peer-identity", "sip:pc@example.org")
    assert r.returncode == 0, r.stderr
    r = mikey("device", "exchange", "--port", "sim", "dhhmac", "--psk", PSK, "--initiator", initiator,
              "--device-id", "sim@example.org", "--host-id", "sip:pc@example.org", "--group", "2",
              "--cs", "0000d4d4", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["match"] is True and out["device"]["keys"][0]["ssrc"] == "0000d4d4"


def test_exchange_with_the_wrong_psk_fails_with_a_reason():
    r = mikey("device", "exchange", "--port", "sim", "psk", "--psk", "00" * 16)
    assert r.returncode == 1
    # the device's Auth failure, named, with what to check
    assert "MikeyError (Error no 0): the device refused the I_MESSAGE with Error no 0 (auth failure)" in r.stderr
    assert "mikey device provision --psk" in r.stderr


def test_exchange_with_other_identities_names_the_identity_error():
    r = mikey("device", "exchange", "--port", "sim", "dhhmac", "--psk", PSK, "--device-id", "other@example.org",
              "--host-id", "sip:pc@example.org")
    assert r.returncode == 1
    assert "Error no 7 (invalid id): do the identities match" in r.stderr


def test_readable_exchange_masks_keys():
    r = mikey("device", "exchange", "--port", "sim", "psk", "--psk", PSK)
    assert r.returncode == 0, r.stderr
    assert "keys match" in r.stdout and "master key ********" in r.stdout


def test_time_and_bench_and_repl():
    r = mikey("device", "time", "--port", "sim", "--sync")
    assert r.returncode == 0 and json.loads(r.stdout)["set"] is True
    assert abs(json.loads(r.stdout)["offset_s"]) < 5
    r = mikey("device", "bench", "--port", "sim", "r")
    assert r.returncode == 0 and json.loads(r.stdout)["us"] > 0
    r = mikey("device", "repl", "--port", "sim")
    assert r.returncode == 0 and "returned to the REPL" in r.stderr
