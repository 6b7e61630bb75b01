"""The device's signed ECC modes (firmware/mikey/dhsign.py, ecies.py,
ecmqv.py, under MicroPython through the `upy` fixture) against the twin's
(host/mikeyhost/dhsign.py, ecies.py, ecmqv.py), every input fixed:

- the device makes the committed known answers of tests/vectors/ecc.json
  byte for byte, as Initiator and as Responder (I_MESSAGE, R_MESSAGE,
  SRTP contexts); DH-HMAC over P-256, the fourth mode there, is
  tests/host/test_differential_dhhmac.py's;
- twin Initiator -> device Responder -> twin finish, and device Initiator
  -> twin Responder -> device finish, over crypto sessions, identities,
  MAC and encryption algorithms, PRF funcs, TGK lengths and MKIs;
- the device refuses what the twin refuses, with the same Error message.
"""

import json
from pathlib import Path

import pytest
from upy import Script

from mikeyhost import ecc
from mikeyhost.dhsign import DhSignInitiator, DhSignOffer, DhSignResponder
from mikeyhost.ecies import EciesInitiator, EciesOffer, EciesResponder
from mikeyhost.ecmqv import EcmqvInitiator, EcmqvOffer, EcmqvResponder
from mikeyhost.payloads import KvSpi, SrtpPolicy, decode_message
from mikeyhost.psk import CryptoSession, identity, key_data

ROOT = Path(__file__).resolve().parents[2]
VECTORS = [v for v in json.loads((ROOT / "tests" / "vectors" / "ecc.json").read_text())["vectors"]
           if v["mode"] in ("dhsign-ecdsa", "ecies", "ecmqv")]

# Runs on the device: one JSON case a line in, one JSON result a line out.
DEVICE = r"""
import gc

MODES = {"dhsign-ecdsa": "mikey.dhsign", "ecies": "mikey.ecies", "ecmqv": "mikey.ecmqv"}
buf = bytearray(700)
out = bytearray(700)
ini = res = None


def mod(c):
    return __import__(MODES[c["mode"]], None, None, ("x",))


def peers(c):
    return {k.encode(): u(v) for k, v in c["peers"].items()}


for line in sys.stdin:
    c = json.loads(line)
    op = c["op"]
    gc.collect()
    if op == "responder":
        res = mod(c).Responder(int(c["key"], 16), peers(c), idr=o(c, "idr"), expect_idi=o(c, "expect_idi"))
        print("{}")
    elif op == "respond":
        if c.get("x"):
            res.prepare(u(c["x"]))
        m = u(c["msg"])
        n = res.respond(m, len(m), u(c["now"]), out)
        print(json.dumps({"reply": h(out[:n]), "error": err(res.error), "contexts": contexts(res)}))
    elif op == "initiator":
        M = mod(c)
        ini = M.Initiator(int(c["key"], 16), peers(c), idi=o(c, "idi"), idr=o(c, "idr"),
                          expect_idr=o(c, "expect_idr"))
        print("{}")
    elif op == "build":
        if c.get("x"):
            ini.prepare(u(c["x"]))
        pol = c.get("policies")
        kw = {"policies": None if pol is None else [u(p) for p in pol], "prf": c.get("prf", 0)}
        if c["mode"] == "ecmqv":
            kw["auth"] = c.get("auth", 1)
            kw["tgk_len"] = c.get("tgk_len", 16)
        args = [buf, u(c["csb_id"]), u(c["rand"]), u(c["t"]), [tuple(x) for x in c["cs"]]]
        if c["mode"] == "ecies":
            args.append([(k[0], u(k[1]), o({"s": k[2]}, "s"), o({"s": k[3]}, "s")) for k in c["keys"]])
            kw.update(v=c.get("v", True), encr=c.get("encr", 1), mac=c.get("mac", 1), env_key=o(c, "env_key"))
        n = ini.build(*args, **kw)
        print(json.dumps({"msg": h(buf[:n]), "contexts": contexts(ini)}))
    elif op == "finish":
        m = u(c["msg"])
        try:
            ini.finish(m, len(m))
            print(json.dumps({"error": None, "contexts": contexts(ini)}))
        except Exception as e:
            print(json.dumps({"error": [e.reason, e.code], "contexts": []}))
"""


def device(upy):
    """The device side: DEVICE fed the cases added, in one process."""
    return Script(upy, DEVICE)


def _ctx_json(contexts):
    return [c.to_json() for c in contexts]


def _pub(key):
    return ecc.point_bytes(key).hex()


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: v["mode"])
def test_device_makes_the_known_answers(upy, v):
    i = v["inputs"]
    mode = v["mode"]
    ki, kr = int(i["ki"], 16), int(i["kr"], 16)
    cs = [[int(i["ssrc"], 16), 0, 0]]
    dev = device(upy)
    dev.add(op="initiator", mode=mode, key=i["ki"], peers={i["idr"]: _pub(kr)}, idi=i["idi"].encode().hex(),
            idr=i["idr"].encode().hex())
    build = dict(op="build", mode=mode, csb_id=i["csb_id"], rand=i["rand"], t=i["t"], cs=cs)
    if mode == "ecies":
        build.update(x=i["eph"], env_key=i["env_key"], keys=[[False, i["tgk"], None, None]])
    else:
        build.update(x=i["xi"])
    dev.add(**build)
    dev.add(op="responder", mode=mode, key=i["kr"], peers={i["idi"]: _pub(ki)}, idr=i["idr"].encode().hex())
    dev.add(op="respond", mode=mode, x=i.get("xr"), msg=v["i_message"], now=i["t"])
    dev.add(op="finish", msg=v["r_message"])
    _, built, _, answer, finished = dev.run()
    assert built["msg"] == v["i_message"]
    assert answer["error"] is None and answer["reply"] == v["r_message"]
    assert answer["contexts"] == v["keys"]
    assert finished == {"error": None, "contexts": v["keys"]}


KI = 0x1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F809
KR = 0x0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0
XI = 0x1111111111111111111111111111111111111111111111111111111111111111
XR = 0x2222222222222222222222222222222222222222222222222222222222222222
CAM = "cam@example.org"
PBX = "sip:pbx@example.org"
T0 = 0xE93A5C1000000000


def _x(x):
    return f"{x:064x}"


def _base(**kw):
    b = dict(csb_id=0x0D0E0F10, t=T0, rand=bytes(range(16)), idi=identity(CAM), idr=identity(PBX),
             cs=[CryptoSession(0x1234, 0, 0)])
    b.update(kw)
    return b


TWO_CS = {"cs": [CryptoSession(1, 0, 0), CryptoSession(2, 5, 1)],
          "policies": [SrtpPolicy.profile_default(), SrtpPolicy.profile_default()]}
CASES = [
    ("dhsign-ecdsa", {}),
    ("dhsign-ecdsa", TWO_CS),
    ("dhsign-ecdsa", {"idi": None, "prf_func": 1}),
    ("dhsign-ecdsa", {"kv": KvSpi(b"\x07\x08")}),
    ("ecmqv", {}),
    ("ecmqv", TWO_CS),
    ("ecmqv", {"auth_alg": 2, "tgk_len": 32, "prf_func": 1}),
    ("ecmqv", {"idi": None, "kv": KvSpi(b"\x01")}),
    ("ecies", {}),
    ("ecies", TWO_CS),
    ("ecies", {"mac_alg": 2, "encr_alg": 3, "prf_func": 1}),
    ("ecies", {"v": False}),
    ("ecies", {"env_key": bytes(range(40)), "keys": [key_data(b"\x33" * 16, salt=b"\x44" * 14, mki=b"\x05")]}),
]


def _twin_initiator(mode, kw, eph=XI):
    kw = dict(kw)
    if mode == "dhsign-ecdsa":
        return DhSignInitiator(KI, DhSignOffer(**_base(x=eph, **kw)), trust=ecc.Trust({PBX: ecc.point_bytes(KR)}))
    if mode == "ecmqv":
        return EcmqvInitiator(KI, EcmqvOffer(**_base(x=eph, **kw)), trust=ecc.Trust({PBX: ecc.point_bytes(KR)}))
    kw.setdefault("keys", [key_data(b"\x77" * 16)])
    kw.setdefault("env_key", b"\x55" * 16)
    return EciesInitiator(KI, EciesOffer(**_base(eph=eph, **kw)), responder_key=ecc.point_bytes(KR),
                          trust=ecc.Trust({PBX: ecc.point_bytes(KR)}))


def _twin_responder(mode, peer_idi=identity(CAM)):
    trust = ecc.Trust({CAM: ecc.point_bytes(KI)})
    if mode == "dhsign-ecdsa":
        return DhSignResponder(KR, trust, idr=identity(PBX), peer_idi=peer_idi, x=XR)
    if mode == "ecmqv":
        return EcmqvResponder(KR, trust, idr=identity(PBX), peer_idi=peer_idi, x=XR)
    return EciesResponder(KR, trust, idr=identity(PBX), peer_idi=peer_idi)


def _device_responder(dev, mode):
    dev.add(op="responder", mode=mode, key=_x(KR), peers={CAM: _pub(KI)}, idr=PBX.encode().hex(),
            expect_idi=CAM.encode().hex())


@pytest.mark.parametrize("mode,kw", CASES)
def test_twin_initiator_device_responder(upy, mode, kw):
    twin_i = _twin_initiator(mode, kw)
    expect = _twin_responder(mode).respond(twin_i.message, T0)
    assert expect.error is None
    dev = device(upy)
    _device_responder(dev, mode)
    dev.add(op="respond", mode=mode, x=_x(XR), msg=twin_i.message.hex(), now=f"{T0:016x}")
    answer = dev.run()[1]
    assert answer["error"] is None
    assert answer["reply"] == (expect.message.hex() if expect.message else "")
    assert answer["contexts"] == _ctx_json(expect.contexts)
    if expect.message:
        assert _ctx_json(twin_i.finish(bytes.fromhex(answer["reply"]))) == answer["contexts"]
    else:
        assert _ctx_json(twin_i.contexts()) == answer["contexts"]


def _sp_params(msg):
    return [b"".join(bytes([t, len(v)]) + v for t, v in sp.params).hex()
            for sp in decode_message(msg).message.payloads if type(sp).__name__ == "SP"]


DEVICE_CASES = [c for c in CASES if "kv" not in c[1] and "v" not in c[1] and "keys" not in c[1]]


@pytest.mark.parametrize("mode,kw", DEVICE_CASES)
def test_device_initiator_twin_responder(upy, mode, kw):
    twin_i = _twin_initiator(mode, kw)  # what the device must send (RFC 6979 nonces on both)
    o = twin_i.offer
    dev = device(upy)
    dev.add(op="initiator", mode=mode, key=_x(KI), peers={PBX: _pub(KR)},
            idi=o.idi.data.hex() if o.idi else None, idr=o.idr.data.hex())
    build = dict(op="build", mode=mode, x=_x(XI), csb_id=f"{o.csb_id:08x}", rand=o.rand.hex(), t=f"{o.t:016x}",
                 cs=[[c.ssrc, c.roc, c.policy_no] for c in o.cs], prf=int(o.prf_func),
                 policies=_sp_params(twin_i.message) if "policies" in kw else None)
    if mode == "ecmqv":
        build.update(auth=int(o.auth_alg), tgk_len=o.tgk_len)
    if mode == "ecies":
        build.update(env_key=o.env_key.hex(), encr=int(o.encr_alg), mac=int(o.mac_alg),
                     keys=[[False, k.key.hex(), None, None] for k in o.keys])
    dev.add(**build)
    built = dev.run()[1]
    assert built["msg"] == twin_i.message.hex()
    answer = _twin_responder(mode).respond(bytes.fromhex(built["msg"]), T0)
    assert answer.error is None
    dev.add(op="finish", msg=answer.message.hex())
    assert dev.run()[-1] == {"error": None, "contexts": _ctx_json(answer.contexts)}


def _resign(msg: bytes, key=KI) -> bytes:
    """msg with its SIGN recomputed (what a peer holding `key` would send)."""
    data = bytearray(msg)
    data[-64:] = ecc.sign(key, bytes(data[:-64]))
    return bytes(data)


def _refusals(mode):
    good = _twin_initiator(mode, {}).message
    other = 0x3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C
    flipped = bytearray(good)
    flipped[33] ^= 1  # a RAND byte: the signature no longer covers the message
    high_s = bytearray(good)
    high_s[-32:] = b"\xff" * 32  # s >= n
    cases = {
        "signature over altered bytes": (bytes(flipped), 0),
        "s out of range": (bytes(high_s), 0),
        "signed by another key": (_resign(good, other), 0),
        "unknown Initiator": (_twin_initiator(mode, {"idi": identity("eve@example.org")}).message, 7),
        "other Responder": (_twin_initiator(mode, {"idr": identity("sip:other@example.org")}).message, 7),
        "stale T": (_twin_initiator(mode, {"t": T0 - (600 << 32)}).message, 1),
    }
    return cases


@pytest.mark.parametrize("mode", ["dhsign-ecdsa", "ecies", "ecmqv"])
def test_the_same_refusals_as_the_twin(upy, mode):
    cases = _refusals(mode)
    dev = device(upy)
    _device_responder(dev, mode)
    for name, (msg, _) in cases.items():
        dev.add(op="respond", mode=mode, x=_x(XR), msg=msg.hex(), now=f"{T0:016x}")
    got = dev.run()[1:]
    for (name, (msg, code)), answer in zip(cases.items(), got):
        expect = _twin_responder(mode).respond(msg, T0)
        assert expect.error is not None and int(expect.error.code) == code, name
        assert answer["error"][1] == code, name
        assert answer["reply"] == expect.message.hex(), name
