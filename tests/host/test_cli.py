"""The `mikey` console script as installed by make setup: the contract
users and the other tests rely on (decode, init, respond, finish)."""

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

import mikeyhost

MIKEY = Path(sys.executable).parent / "mikey"
PSK = "000102030405060708090a0b0c0d0e0f"
NOW = "e800000000000000"
VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "public.json").read_text())["vectors"]
FIXED = ["--psk", PSK, "--csb-id", "12345678", "--rand", "10" * 16, "--time", NOW, "--cs", "deadbeef:3",
         "--tgk", "00" * 16]


def mikey(*args, stdin: bytes | None = None):
    return subprocess.run([str(MIKEY), *args], capture_output=True, input=stdin)


def out(*args, **kw):
    r = mikey(*args, **kw)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


def test_console_script_is_installed_and_reports_its_version():
    assert out("--version").strip() == f"mikey {mikeyhost.__version__}"


def test_no_command_prints_usage_and_fails():
    r = mikey()
    assert r.returncode == 2 and b"usage: mikey" in r.stdout


def test_init_respond_finish_round_trip_with_fixed_inputs():
    i_msg = out("init", "psk", *FIXED, "--verify", "--idi", "alice@example.com").strip()
    assert out("init", "psk", *FIXED, "--verify", "--idi", "alice@example.com").strip() == i_msg  # deterministic
    resp = json.loads(out("respond", "psk", "--psk", PSK, "--now", NOW, "--json", i_msg))
    assert resp["error"] is None and resp["message"].startswith("0101")
    fin = json.loads(out("finish", "psk", "--psk", PSK, "--init", i_msg, "--json", resp["message"]))
    assert fin["keys"] == resp["keys"]
    (k,) = fin["keys"]
    assert (k["cs_id"], k["ssrc"], k["roc"], k["mki"]) == (1, "deadbeef", 3, None)
    assert len(bytes.fromhex(k["master_key"])) == 16 and len(bytes.fromhex(k["master_salt"])) == 14
    assert set(k["policy"]) >= {"cipher", "auth", "key_len", "salt_len", "tag_len", "kdr"}


def test_init_json_gives_the_initiators_keys_too():
    j = json.loads(out("init", "psk", *FIXED, "--json"))
    resp = json.loads(out("respond", "psk", "--psk", PSK, "--now", NOW, "--json", j["message"]))
    assert resp["message"] is None  # V not asked for: nothing to send back
    assert resp["keys"] == j["keys"]


def test_keys_hidden_in_readable_output_unless_asked():
    i_msg = out("init", "psk", *FIXED, "--verify").strip()
    r_msg = out("respond", "psk", "--psk", PSK, "--now", NOW, i_msg).strip()
    hidden = out("finish", "psk", "--psk", PSK, "--init", i_msg, r_msg)
    shown = out("finish", "psk", "--psk", PSK, "--init", i_msg, r_msg, "--show-keys")
    key = json.loads(out("finish", "psk", "--psk", PSK, "--init", i_msg, r_msg, "--json"))["keys"][0]["master_key"]
    assert key not in hidden and "--show-keys" in hidden
    assert key in shown
    resp = mikey("respond", "psk", "--psk", PSK, "--now", NOW, i_msg)
    assert key.encode() not in resp.stdout + resp.stderr


def test_protocol_errors_exit_1_with_one_line_and_an_error_message():
    i_msg = out("init", "psk", *FIXED).strip()
    r = mikey("respond", "psk", "--psk", "ff" * 16, "--now", NOW, i_msg)
    assert r.returncode == 1
    assert r.stderr.decode().strip().splitlines() == ["mikey respond: AuthFailure (Error no 0): MAC mismatch"]
    assert r.stdout.decode().startswith("0106")  # the Error message for the peer
    stale = mikey("respond", "psk", "--psk", PSK, "--now", "e800100000000000", i_msg)
    assert stale.returncode == 1 and b"Error no 1" in stale.stderr
    bad = mikey("decode", "0100")
    assert bad.returncode == 1 and b"Error no 13" in bad.stderr


def test_finish_reports_the_peers_error():
    i_msg = out("init", "psk", *FIXED, "--verify").strip()
    err = mikey("respond", "psk", "--psk", "ff" * 16, "--now", NOW, i_msg).stdout.decode().strip()
    r = mikey("finish", "psk", "--psk", PSK, "--init", i_msg, err)
    assert r.returncode == 1 and b"the peer answered with Error no 0" in r.stderr


@pytest.mark.parametrize("form", ["hex", "base64", "sdp", "file", "stdin", "colons"])
def test_decode_reads_every_message_form(form, tmp_path):
    raw = bytes.fromhex(VECTORS[3]["hex"])  # V-ONVIF-1
    arg, stdin = {
        "hex": (raw.hex(), None), "base64": (base64.b64encode(raw).decode(), None),
        "sdp": ("a=key-mgmt:mikey " + base64.b64encode(raw).decode(), None),
        "colons": (":".join(f"{b:02x}" for b in raw), None),
        "file": (str(tmp_path / "m.bin"), None), "stdin": ("-", raw.hex().encode()),
    }[form]
    (tmp_path / "m.bin").write_bytes(raw)
    j = json.loads(out("decode", "--json", arg, stdin=stdin))
    assert j["header"]["csb_id"] == "fd6d77d0"
    assert [p["payload"]["name"] for p in j["payloads"]] == ["T", "SP", "KEMAC"]


def test_decode_json_shape_and_tolerated():
    v = next(v for v in VECTORS if v["id"] == "V-GORT-milestone")
    j = json.loads(out("decode", "--json", v["hex"]))
    assert set(j) == {"header", "payloads", "tolerated"}
    assert j["tolerated"] == ["trailing-zero"]


def test_decode_protected_adds_the_keys_of_a_null_message():
    v = next(v for v in VECTORS if v["id"] == "V-TSI-1")
    j = json.loads(out("decode", "--protected", "--json", v["hex"]))
    (k,) = j["keys"]
    e = v["expect"]
    assert (k["master_key"], k["master_salt"], k["mki"], k["ssrc"]) == (
        e["master_key"], e["master_salt"], e["mki"], e["ssrc"])
    assert "tek-key-and-salt" in j["tolerated"]
    readable = out("decode", "--protected", v["hex"])
    assert e["master_key"] not in readable and "tolerated:" in readable


def test_decode_with_psk_checks_the_mac():
    i_msg = out("init", "psk", *FIXED).strip()
    j = json.loads(out("decode", "--psk", PSK, "--json", i_msg))
    assert len(j["keys"]) == 1
    r = mikey("decode", "--psk", "ff" * 16, i_msg)
    assert r.returncode == 1 and b"AuthFailure" in r.stderr


def test_null_mode_init_needs_no_psk_and_respond_implies_protection():
    i_msg = out("init", "null", "--cs", "01020304", "--tek", "11" * 30, "--time", NOW).strip()
    r = json.loads(out("respond", "null", "--now", NOW, "--json", "--tolerant", i_msg))
    assert r["error"] is None and r["keys"][0]["master_key"] == "11" * 16
    assert "tek-key-and-salt" in r["tolerated"]
    assert mikey("respond", "psk", "--psk", PSK, "--now", NOW, i_msg).returncode == 1


def test_usage_errors_exit_2():
    assert mikey("init", "psk").returncode == 2  # no --psk
    assert mikey("init", "psk", "--psk", "zz").returncode == 2
    assert mikey("decode", "not a message!").returncode == 2
    assert mikey("init", "psk", "--psk", PSK, "--policy", "nonsense=1").returncode == 2


def test_policy_and_sdp_output():
    line = out("init", "psk", *FIXED, "--policy", "tag_len=4,kdr=65536", "--sdp").strip()
    assert line.startswith("a=key-mgmt:mikey ")
    j = json.loads(out("respond", "psk", "--psk", PSK, "--now", NOW, "--json", line))
    assert j["keys"][0]["policy"]["tag_len"] == 4 and j["keys"][0]["policy"]["kdr"] == 65536


def test_dhhmac_init_respond_finish_with_fixed_secrets():
    common = ["--psk", PSK, "--csb-id", "12345678", "--rand", "10" * 16, "--time", NOW, "--cs", "deadbeef"]
    i_msg = out("init", "dhhmac", *common, "--idr", "sip:bob@example.org", "--idi", "alice@example.org",
                "--group", "1", "--dh-secret", "c0ffee" * 10).strip()
    assert i_msg[2:4] == "07"  # DHHMAC init
    resp = json.loads(out("respond", "dhhmac", "--psk", PSK, "--idr", "sip:bob@example.org", "--now", NOW,
                          "--dh-secret", "beef" * 16, "--json", i_msg))
    assert resp["error"] is None and resp["message"][2:4] == "08"
    fin = json.loads(out("finish", "dhhmac", "--psk", PSK, "--dh-secret", "c0ffee" * 10, "--init", i_msg,
                         "--json", resp["message"]))
    assert fin["keys"] == resp["keys"]
    # finish without the matching private exponent cannot compute the TGK
    r = mikey("finish", "dhhmac", "--psk", PSK, "--dh-secret", "01", "--init", i_msg, resp["message"])
    assert r.returncode == 2 and b"does not match DHi" in r.stderr
    assert mikey("init", "dhhmac", "--psk", PSK).returncode == 2  # no --idr


def test_a_private_value_with_leading_zero_bits_reads_back():
    # init --json prints the private value finish --dh-secret takes back:
    # whole bytes, 32 at least, whatever its top nibble
    x = 0x0ABC << 240
    i_msg = json.loads(out("init", "dhhmac", "--psk", PSK, "--idr", "bob@example.org", "--idi", "a@example.org",
                           "--dh-secret", f"{x:064x}", "--json"))
    assert i_msg["dh_secret"] == f"{x:064x}"
    from mikeyhost.cli import secret_hex

    assert secret_hex(1) == "00" * 31 + "01" and bytes.fromhex(secret_hex(x)) == x.to_bytes(32, "big")
    resp = json.loads(out("respond", "dhhmac", "--psk", PSK, "--idr", "bob@example.org", "--json", i_msg["message"]))
    fin = json.loads(out("finish", "dhhmac", "--psk", PSK, "--dh-secret", i_msg["dh_secret"], "--init",
                         i_msg["message"], "--json", resp["message"]))
    assert fin["keys"] == resp["keys"]


def test_dhhmac_random_secret_is_reported_only_in_json():
    j = json.loads(out("init", "dhhmac", "--psk", PSK, "--idr", "bob@example.org", "--json"))
    assert len(j["dh_secret"]) >= 60 and j["message"][2:4] == "07"
    plain = out("init", "dhhmac", "--psk", PSK, "--idr", "bob@example.org")
    assert len(plain.split()) == 1  # the message only
