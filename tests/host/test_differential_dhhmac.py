"""The device's DH-HMAC (firmware/mikey/dhhmac.py, under MicroPython
through the `upy` fixture) against the twin's (host/mikeyhost/dhhmac.py),
for OAKLEY 5, 1 and 2 with every input fixed:

- the device makes the committed known answers byte for byte
  (tests/vectors/dhhmac.json: I_MESSAGE, R_MESSAGE, TGK, SRTP contexts);
- twin Initiator -> device Responder -> twin finish, and device Initiator
  -> twin Responder -> device finish, over crypto sessions, identities,
  MAC algorithms, PRF funcs, SDP IDs and updates with and without fresh
  DH values;
- the same Error messages for the refusals RFC 4650 names, and no
  exponentiation by the device of an invalid peer value.
"""

import copy
import json
from pathlib import Path

import pytest
from upy import Script

from mikeyhost.dhhmac import CryptoSession, DhInitiator, DhOffer, DhResponder
from mikeyhost.payloads import DH, RAND, SrtpPolicy, decode_message
from mikeyhost.psk import identity

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests" / "vectors" / "dhhmac.json").read_text())["vectors"]
S = 1 << 32  # one NTP second

# Runs on the device: one JSON case a line in, one JSON result a line out.
# Private exponents come in as hex and are prepared before each message.
DEVICE = r"""
from mikey.dhhmac import Initiator, Responder

buf = bytearray(700)
out = bytearray(700)
ini = None
res = None


for line in sys.stdin:
    c = json.loads(line)
    op = c["op"]
    if op == "responder":
        res = Responder(u(c["psk"]), o(c, "idr"), expect_idi=o(c, "expect_idi"),
                        tolerant=c.get("tolerant", False), sdp_ids=o(c, "sdp_ids"), p256=c.get("p256", False))
        print("{}")
    elif op == "respond":
        if c.get("x"):
            res.prepare(u(c["x"]), c.get("group", 0))
        m = u(c["msg"])
        n = res.respond(m, len(m), u(c["now"]), out)
        print(json.dumps({"reply": h(out[:n]), "error": err(res.error),
                          "quirks": srtp.quirks(res.quirks), "contexts": contexts(res)}))
    elif op == "initiator":
        ini = Initiator(u(c["psk"]), o(c, "idr"), idi=o(c, "idi"), expect_idr=o(c, "expect_idr"),
                        group=c.get("group", 0))
        print("{}")
    elif op == "build":
        if c.get("x"):
            ini.prepare(u(c["x"]), c.get("group", 0))
        pol = c.get("policies")
        n = ini.build(buf, u(c["csb_id"]), o(c, "rand"), u(c["t"]),
                      [tuple(x) for x in c["cs"]], None if pol is None else [u(p) for p in pol],
                      mac=c.get("mac", 1), prf=c.get("prf", 0), sdp_ids=o(c, "sdp_ids"),
                      dh=c.get("dh", True))
        print(json.dumps({"msg": h(buf[:n])}))
    elif op == "finish":
        m = u(c["msg"])
        try:
            n = ini.finish(m, len(m))
            print(json.dumps({"error": None, "contexts": contexts(ini)}))
        except Exception as e:
            print(json.dumps({"error": [e.reason, e.code], "contexts": []}))
"""


def device(upy):
    """The device side: DEVICE fed the cases added, in one process."""
    return Script(upy, DEVICE)


def _ctx_json(contexts):
    return [c.to_json() for c in contexts]


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: f"group{v['group']}")
def test_device_makes_the_known_answers(upy, v):
    i = v["inputs"]
    dev = device(upy)
    dev.add(op="initiator", psk=i["psk"], idr=i["idr"].encode().hex(), idi=i["idi"].encode().hex(),
            group=v["group"])
    dev.add(op="build", x=i["xi"], group=v["group"], csb_id=i["csb_id"], rand=i["rand"], t=i["t"],
            cs=[[int(i["ssrc"], 16), 0, 0]])
    dev.add(op="responder", psk=i["psk"], idr=i["idr"].encode().hex())
    dev.add(op="respond", x=i["xr"], group=v["group"], msg=v["i_message"], now=i["t"])
    dev.add(op="finish", msg=v["r_message"])
    _, built, _, answer, finished = dev.run()
    assert built["msg"] == v["i_message"]
    assert answer["error"] is None and answer["reply"] == v["r_message"]
    assert answer["contexts"] == v["keys"]
    assert finished == {"error": None, "contexts": v["keys"]}


P256 = [v for v in json.loads((ROOT / "tests" / "vectors" / "ecc.json").read_text())["vectors"]
        if v["mode"] == "dhhmac-p256"]


@pytest.mark.parametrize("v", P256, ids=lambda v: v["mode"])
def test_device_makes_the_p256_known_answers(upy, v):
    # DH-HMAC over P-256 (DH-Group 10): the profile extension of docs/ecc-profile.md
    i = v["inputs"]
    dev = device(upy)
    dev.add(op="initiator", psk=i["psk"], idr=i["idr"].encode().hex(), idi=i["idi"].encode().hex(), group=10)
    dev.add(op="build", x=i["xi"], group=10, csb_id=i["csb_id"], rand=i["rand"], t=i["t"],
            cs=[[int(i["ssrc"], 16), 0, 0]])
    dev.add(op="responder", psk=i["psk"], idr=i["idr"].encode().hex(), p256=True)
    dev.add(op="respond", x=i["xr"], group=10, msg=v["i_message"], now=i["t"])
    dev.add(op="responder", psk=i["psk"], idr=i["idr"].encode().hex())  # not set for the extension
    dev.add(op="respond", x=i["xr"], group=10, msg=v["i_message"], now=i["t"])
    dev.add(op="finish", msg=v["r_message"])
    _, built, _, answer, _, refused, finished = dev.run()
    assert built["msg"] == v["i_message"]
    assert answer["error"] is None and answer["reply"] == v["r_message"]
    assert answer["contexts"] == v["keys"]
    assert refused["error"] == [11, 6]  # Invalid DH
    assert finished == {"error": None, "contexts": v["keys"]}


def _offer(group, **kw):
    base = dict(csb_id=0x0D0E0F10, t=0xE93A5C1000000000, idr=identity("sip:pbx@example.org"),
                idi=identity("cam@example.org"), rand=bytes(range(16)), group=group,
                cs=[CryptoSession(0x1234, 0, 0)])
    base.update(kw)
    return DhOffer(**base)


PSK = bytes.fromhex("5a" * 16)
XI = int("11" * 32, 16)
XR = int("22" * 32, 16)


def _x(x):
    return f"{x:064x}"


CASES = [  # (group, offer fields): the twin's Initiator against the device's Responder
    (0, {}),
    (1, {}),
    (2, {}),
    (0, {"cs": [CryptoSession(1, 0, 0), CryptoSession(2, 5, 1), CryptoSession(3, 0, 0)],
         "policies": [SrtpPolicy.profile_default(), SrtpPolicy.profile_default()]}),
    (1, {"idi": None}),
    (2, {"mac_alg": 2, "prf_func": 1}),
    (0, {"sdp_ids": "mikey;keyp1"}),
    (10, {}),  # P-256, the profile extension
]


@pytest.mark.parametrize("group,kw", CASES)
def test_twin_initiator_device_responder(upy, group, kw):
    offer = _offer(group, x=XI, **kw)
    twin_i = DhInitiator(PSK, offer)
    twin_r = DhResponder(PSK, identity("sip:pbx@example.org"), x=XR,
                         peer_idi=identity("cam@example.org"), sdp_ids=kw.get("sdp_ids"), p256=group == 10)
    expect = twin_r.respond(twin_i.message, offer.t)
    assert expect.error is None
    dev = device(upy)
    dev.add(op="responder", psk=PSK.hex(), idr=b"sip:pbx@example.org".hex(),
            expect_idi=b"cam@example.org".hex(),
            sdp_ids=kw["sdp_ids"].encode().hex() if kw.get("sdp_ids") else None, p256=group == 10)
    dev.add(op="respond", x=_x(XR), group=group, msg=twin_i.message.hex(), now=f"{offer.t:016x}")
    answer = dev.run()[1]
    assert answer["error"] is None
    assert answer["reply"] == expect.message.hex()
    assert answer["contexts"] == _ctx_json(expect.contexts)
    assert _ctx_json(twin_i.finish(bytes.fromhex(answer["reply"]))) == answer["contexts"]


@pytest.mark.parametrize("group,kw", CASES)
def test_device_initiator_twin_responder(upy, group, kw):
    offer = _offer(group, x=XI, **kw)
    twin_i = DhInitiator(PSK, offer)  # what the device must send
    pols = [p for p in decode_message(twin_i.message).message.payloads if type(p).__name__ == "SP"]
    dev = device(upy)
    dev.add(op="initiator", psk=PSK.hex(), idr=offer.idr.data.hex(),
            idi=offer.idi.data.hex() if offer.idi else None, group=group)
    dev.add(op="build", x=_x(XI), group=group, csb_id=f"{offer.csb_id:08x}", rand=offer.rand.hex(),
            t=f"{offer.t:016x}", cs=[[c.ssrc, c.roc, c.policy_no] for c in offer.cs],
            policies=[b"".join(bytes([t, len(v)]) + v for t, v in sp.params).hex() for sp in pols] if kw.get("policies") else None,
            mac=offer.mac_alg, prf=offer.prf_func,
            sdp_ids=kw["sdp_ids"].encode().hex() if kw.get("sdp_ids") else None)
    built = dev.run()[1]["msg"]
    assert built == twin_i.message.hex()
    twin_r = DhResponder(PSK, offer.idr, x=XR, peer_idi=identity("cam@example.org"),
                         sdp_ids=kw.get("sdp_ids"), p256=group == 10)
    answer = twin_r.respond(bytes.fromhex(built), offer.t)
    assert answer.error is None
    dev.add(op="finish", msg=answer.message.hex())
    assert dev.run()[-1] == {"error": None, "contexts": _ctx_json(answer.contexts)}


def test_updates_with_and_without_fresh_values(upy):
    # RFC 4650 §3.1: same CSB, new T, no RAND; fresh DH values re-key, none keep the TGK
    twin_i = DhInitiator(PSK, _offer(0, x=XI))
    dev = device(upy)
    dev.add(op="responder", psk=PSK.hex(), idr=b"sip:pbx@example.org".hex())
    t0 = twin_i.offer.t
    dev.add(op="respond", x=_x(XR), msg=twin_i.message.hex(), now=f"{t0:016x}")
    upd = twin_i.update(t0 + S, x=XI + 1)
    dev.add(op="respond", x=_x(XR + 1), msg=upd.hex(), now=f"{t0 + S:016x}")
    twin_upd = copy.deepcopy(twin_i)
    info = twin_i.update(t0 + 2 * S, dh=False)
    dev.add(op="respond", msg=info.hex(), now=f"{t0 + 2 * S:016x}")
    _, first, second, third = dev.run()
    assert [r["error"] for r in (first, second, third)] == [None, None, None]
    twin_first = DhInitiator(PSK, _offer(0, x=XI)).finish(bytes.fromhex(first["reply"]))
    assert _ctx_json(twin_first) == first["contexts"]
    assert _ctx_json(twin_upd.finish(bytes.fromhex(second["reply"]))) == second["contexts"]
    twin_i.tgk = twin_upd.tgk
    assert _ctx_json(twin_i.finish(bytes.fromhex(third["reply"]))) == third["contexts"]
    assert second["contexts"][0]["master_key"] != first["contexts"][0]["master_key"]
    assert not decode_message(bytes.fromhex(third["reply"])).message.find_all(DH)
    assert third["contexts"] == second["contexts"]  # the TGK stays


def test_device_initiator_updates(upy):
    offer = _offer(2, x=XI)
    twin_r = DhResponder(PSK, offer.idr, x=XR, peer_idi=offer.idi)
    dev = device(upy)
    dev.add(op="initiator", psk=PSK.hex(), idr=offer.idr.data.hex(), idi=offer.idi.data.hex(), group=2)
    common = dict(csb_id=f"{offer.csb_id:08x}", cs=[[0x1234, 0, 0]])
    dev.add(op="build", x=_x(XI), group=2, rand=offer.rand.hex(), t=f"{offer.t:016x}", **common)
    first = bytes.fromhex(dev.run()[-1]["msg"])
    a1 = twin_r.respond(first, offer.t)
    dev.add(op="finish", msg=a1.message.hex())
    dev.add(op="build", x=_x(XI + 7), group=2, rand=None, t=f"{offer.t + S:016x}", **common)
    upd = bytes.fromhex(dev.run()[-1]["msg"])
    assert not decode_message(upd).message.find_all(RAND)
    twin_r.x = XR + 7
    a2 = twin_r.respond(upd, offer.t + S)
    assert a2.error is None
    dev.add(op="finish", msg=a2.message.hex())
    dev.add(op="build", group=2, rand=None, t=f"{offer.t + 2 * S:016x}", dh=False, **common)
    info = bytes.fromhex(dev.run()[-1]["msg"])
    assert not decode_message(info).message.find_all(DH)
    a3 = twin_r.respond(info, offer.t + 2 * S)
    assert a3.error is None
    dev.add(op="finish", msg=a3.message.hex())
    out = dev.run()
    assert out[2] == {"error": None, "contexts": _ctx_json(a1.contexts)}
    assert out[4] == {"error": None, "contexts": _ctx_json(a2.contexts)}
    assert out[6] == {"error": None, "contexts": _ctx_json(a2.contexts)}
    assert a2.contexts[0].master_key != a1.contexts[0].master_key
