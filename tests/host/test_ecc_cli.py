"""`mikey init|respond|finish dhsign-ecdsa|dhhmac-p256|ecies|ecmqv` and
`mikey keygen`: the ECC modes from the installed console script. With the
inputs of tests/vectors/ecc.json fixed by flags, the command line makes the
known-answer messages byte for byte."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

MIKEY = Path(sys.executable).parent / "mikey"
VECTORS = {v["mode"]: v for v in
           json.loads((Path(__file__).parents[1] / "vectors" / "ecc.json").read_text())["vectors"]}


def mikey(*args, cwd=None):
    return subprocess.run([str(MIKEY), *map(str, args)], capture_output=True, cwd=cwd)


def out(*args, cwd=None):
    r = mikey(*args, cwd=cwd)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


def fixed(v):
    i = v["inputs"]
    return ["--csb-id", i["csb_id"], "--rand", i["rand"], "--time", i["t"], "--cs", i["ssrc"],
            "--idi", i["idi"], "--idr", i["idr"]]


@pytest.mark.parametrize("mode", ["dhsign-ecdsa", "ecmqv", "ecies", "dhhmac-p256"])
def test_cli_reproduces_the_known_answers_and_finishes(mode, tmp_path):
    v = VECTORS[mode]
    i = v["inputs"]
    ki = ["--psk", i["psk"]] if mode == "dhhmac-p256" else ["--key", i["ki"], "--peer", f"{i['idr']}={pub(i['kr'])}"]
    kr = (["--psk", i["psk"]] if mode == "dhhmac-p256" else
          ["--key", i["kr"], "--peer", f"{i['idi']}={pub(i['ki'])}"])
    if mode == "ecies":
        extra = ["--env-key", i["env_key"], "--dh-secret", i["eph"], "--tgk", i["tgk"], "--verify"]
    else:
        extra = ["--dh-secret", i["xi"]]
    msg = out("init", mode, *fixed(v), *ki, *extra).strip()
    assert msg == v["i_message"]
    resp_extra = [] if mode == "ecies" else ["--dh-secret", i["xr"]]
    resp = json.loads(out("respond", mode, *kr, "--idr", i["idr"], "--now", i["t"], *resp_extra, "--json", msg))
    assert resp["error"] is None and resp["message"] == v["r_message"] and resp["keys"] == v["keys"]
    fin_extra = ["--env-key", i["env_key"]] if mode == "ecies" else ["--dh-secret", i["xi"]]
    fin = json.loads(out("finish", mode, *ki, *fin_extra, "--init", msg, "--expect-idr", i["idr"], "--json",
                         resp["message"]))
    assert fin["keys"] == v["keys"]


def pub(k_hex: str) -> str:
    j = json.loads(out("keygen", "--key", k_hex, "--json"))
    assert j["private"] == k_hex
    return j["public"]


def test_keygen_files_certificates_and_refusals(tmp_path):
    out("keygen", "--cert", "alice@example.org", "--out", "alice", cwd=tmp_path)
    out("keygen", "--cert", "sip:bob@example.org", "--out", "bob", cwd=tmp_path)
    assert (tmp_path / "alice.key").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert (tmp_path / "alice.key").stat().st_mode & 0o077 == 0
    assert len(bytes.fromhex((tmp_path / "alice.pub").read_text())) == 65
    # certificates both ways, Bob trusting any certificate, Alice pinning Bob's key
    j = json.loads(out("init", "ecmqv", "--key", "alice.key", "--cert", "alice.der", "--idr", "sip:bob@example.org",
                       "--peer", "sip:bob@example.org=bob.pub", "--json", cwd=tmp_path))
    r = json.loads(out("respond", "ecmqv", "--key", "bob.key", "--cert", "bob.der", "--trust-certs", "--json",
                       j["message"], cwd=tmp_path))
    assert r["error"] is None
    fin = json.loads(out("finish", "ecmqv", "--key", "alice.key", "--peer", "sip:bob@example.org=bob.pub",
                         "--dh-secret", j["dh_secret"], "--init", j["message"], "--json", r["message"], cwd=tmp_path))
    assert fin["keys"] == r["keys"]
    # without --trust-certs and no pinned key: Invalid Cert (8), exit 1
    e = mikey("respond", "ecmqv", "--key", "bob.key", j["message"], cwd=tmp_path)
    assert e.returncode == 1 and b"Error no 8" in e.stderr
    # usage errors: no --key; finish without the ephemeral scalar or the envelope key
    assert mikey("init", "dhsign-ecdsa").returncode == 2
    assert mikey("finish", "ecmqv", "--key", "alice.key", "--init", j["message"], r["message"],
                 cwd=tmp_path).returncode == 2
    assert mikey("finish", "ecies", "--key", "alice.key", "--init", j["message"], r["message"],
                 cwd=tmp_path).returncode == 2
    assert mikey("init", "ecmqv", "--key", "00").returncode == 2  # not a scalar in [1, n-1]
    assert mikey("init", "ecies", "--key", "01", "--peer", "bob=0400").returncode == 2
    # ECIES needs the Responder's key
    assert mikey("init", "ecies", "--key", "alice.key", "--idi", "a@x", "--idr", "bob", cwd=tmp_path).returncode == 1


def test_respond_answers_bad_input_with_an_error_message():
    v = VECTORS["dhsign-ecdsa"]
    i = v["inputs"]
    bad = bytearray(bytes.fromhex(v["i_message"]))
    bad[-1] ^= 1
    r = mikey("respond", "dhsign-ecdsa", "--key", i["kr"], "--peer", f"{i['idi']}={pub(i['ki'])}", "--now", i["t"],
              "--json", bad.hex())
    assert r.returncode == 1
    j = json.loads(r.stdout)
    assert j["error"]["code"] == 0 and j["message"][2:4] == "06"
    assert i["kr"] not in r.stdout.decode() + r.stderr.decode()
