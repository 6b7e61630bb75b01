"""The device's MIKEY-PSK (firmware/mikey/psk.py, under MicroPython through
the `upy` fixture) against the twin's (host/mikeyhost/psk.py): the same
inputs (CSB ID, RAND, T, keys, crypto sessions, policies, identities, V
flag, algorithms) give the same I_MESSAGE and R_MESSAGE bytes and the same
SRTP contexts, in both directions:

- twin Initiator -> device Responder -> twin finish;
- device Initiator -> twin Responder -> device finish;

over 1-3 crypto sessions x TGK/TEK x with/without salt x MKI or not x V
on/off x identities present/absent; the same Error messages for a set of
refused I_MESSAGEs; and the public MIKEY-NULL vectors read the same way by
both tolerant readers (contexts and quirk names).

Where docs/profile.md and the twin part ways the inputs here avoid it (see
test_profile_order_* and the firmware tests for the device's side).
"""

import ast
import itertools
import json
import random
from pathlib import Path

import pytest

from mikeyhost import crypto
from mikeyhost.payloads import SrtpPolicy, decode_message
from mikeyhost.psk import CryptoSession, Initiator, Offer, Responder, identity, key_data
from upy import Script

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests" / "vectors" / "public.json").read_text())["vectors"]

PSK = bytes.fromhex("5a" * 16)
T0 = 0xE93A5C1000000000  # NTP-UTC
S = 1 << 32  # one second in NTP units

# Runs on the device: one JSON case a line in, one JSON result a line out.
DEVICE = r"""
from mikey.psk import Initiator, Responder

buf = bytearray(700)
out = bytearray(400)


for line in sys.stdin:
    c = json.loads(line)
    if c["op"] == "respond":
        r = Responder(o(c, "psk"), idr=o(c, "idr"), expect_idi=o(c, "expect_idi"),
                      protected=c["protected"], tolerant=c["tolerant"], minisip=c["minisip"])
        res = []
        for m in c["msgs"]:
            m = u(m)
            n = r.respond(m, len(m), u(c["now"]), out)
            res.append({"reply": h(out[:n]), "error": err(r.error),
                        "quirks": srtp.quirks(r.quirks), "contexts": contexts(r)})
        print(json.dumps(res))
    else:
        i = Initiator(o(c, "psk"), idi=o(c, "idi"), idr=o(c, "idr"), expect_idr=o(c, "expect_idr"),
                      minisip=c["minisip"])
        res = []
        for b in c["builds"]:
            pol = b["policies"]
            n = i.build(buf, u(b["csb"]), o(b, "rand"), u(b["t"]), b["cs"],
                        [(k[0], u(k[1]), None if k[2] is None else u(k[2]), None if k[3] is None else u(k[3]))
                         for k in b["keys"]],
                        None if pol is None else [u(p) for p in pol], b["v"], b["encr"], b["mac"], b["prf"])
            r = {"imsg": h(buf[:n]), "contexts": contexts(i)}
            if b.get("answer") is not None:
                a = u(b["answer"])
                try:
                    r["finish"] = i.finish(a, len(a))
                    r["contexts"] = contexts(i)
                except Exception as e:
                    r["finish"] = [e.reason, e.code]
            res.append(r)
        print(json.dumps(res))
"""


def device(upy, cases):
    s = Script(upy, DEVICE)
    for c in cases:
        s.add(**c)
    return s.run()


def hx(b):
    return None if b is None else bytes(b).hex()


def ntp(t):
    return t.to_bytes(8, "big").hex()


def tlv(policy: SrtpPolicy) -> str:
    """A twin SrtpPolicy as the SP parameter bytes the device takes."""
    return b"".join(bytes([t, len(v)]) + v for t, v in policy.params()).hex()


def twin_contexts(contexts):
    return [c.to_json() for c in contexts]


# -- the matrix --------------------------------------------------------------

IDS = {"none": (None, None), "both": (b"alice@example.org", b"sip:bob@example.org"),
       "idr": (None, b"sip:bob@example.org"), "idi": (b"alice@example.org", None)}


def offers():
    """(name, Offer, device build arguments): 1-3 CS x TGK/TEK x salt x MKI x
    V x identities, plus the optional algorithms and policies."""
    rnd = random.Random(3830)
    out = []
    for ncs, tek, salt, mki, v, ids in itertools.product((1, 2, 3), (False, True), (False, True),
                                                          (False, True), (False, True), ("none", "both")):
        if ncs == 1 and v and ids == "none" and not tek:
            ids = "idr" if salt else "idi"  # the single-ID cases, now and then
        per_cs = ncs > 1 and rnd.random() < 0.5  # a Key data sub-payload per session
        nkeys = ncs if per_cs else 1
        keys = [(tek, rnd.randbytes(16), rnd.randbytes(14) if salt else None, rnd.randbytes(4) if mki else None)
                for _ in range(nkeys)]
        policies = None
        pnos = [0] * ncs
        if ncs > 1 and rnd.random() < 0.5:  # CS 2 on policy 1: a 4-byte tag, KDR, no SRTCP encryption
            policies = [SrtpPolicy.profile_default(),
                        SrtpPolicy(encr_alg=1, encr_key_len=16, auth_alg=1, auth_tag_len=4, kdr=2 ** 16,
                                   srtcp_encr=0)]
            pnos[1] = 1
        cs = [(rnd.getrandbits(32), rnd.getrandbits(16), p) for p in pnos]
        idi, idr = IDS[ids]
        offer = Offer(csb_id=rnd.getrandbits(32), t=T0 + rnd.getrandbits(20), rand=rnd.randbytes(16),
                      keys=[key_data(k, tek=tek, salt=s, mki=m) for _, k, s, m in keys],
                      cs=[CryptoSession(ssrc, roc, p) for ssrc, roc, p in cs], idi=identity(idi),
                      idr=identity(idr), v=v)
        if policies:
            offer.policies = policies
        name = f"cs{ncs}-{'tek' if tek else 'tgk'}-{'salt' if salt else 'nosalt'}-{'mki' if mki else 'nomki'}-" \
               f"{'v' if v else 'nov'}-{ids}{'-perCS' if per_cs else ''}{'-2pol' if policies else ''}"
        out.append((name, offer, idi, idr))
    # the optional algorithms: AES-CM-256, HMAC-SHA-256-256, PRF-HMAC-SHA-256
    for encr, mac, prf in ((3, 1, 0), (1, 2, 0), (1, 1, 1), (3, 2, 1)):
        offer = Offer(csb_id=0x01020304, t=T0, rand=bytes(range(16)), keys=[key_data(b"\x11" * 16)],
                      cs=[CryptoSession(7)], v=True, encr_alg=encr, mac_alg=mac, prf_func=prf)
        out.append((f"encr{encr}-mac{mac}-prf{prf}", offer, None, None))
    return out


def build_case(offer, idi, idr, answer=None, psk=PSK):
    return {"csb": offer.csb_id.to_bytes(4, "big").hex(), "rand": hx(offer.rand), "t": ntp(offer.t),
            "cs": [[c.ssrc, c.roc, c.policy_no] for c in offer.cs],
            "keys": [[k.key_type >= 2, k.key.hex(), k.salt.hex() if k.has_salt else None, hx(k.spi)]
                     for k in offer.keys],
            "policies": (None if offer.policies == [SrtpPolicy.profile_default()]
                         else [tlv(p) for p in offer.policies]),
            "v": offer.v, "encr": int(offer.encr_alg), "mac": int(offer.mac_alg), "prf": int(offer.prf_func),
            "answer": hx(answer)}


OFFERS = offers()


@pytest.fixture(scope="module")
def twin_initiator_to_device(upy):
    """Direction A: the twin's I_MESSAGEs to the device's Responder."""
    cases, twins = [], []
    for name, offer, idi, idr in OFFERS:
        ti = Initiator(PSK, offer)
        tr = Responder(PSK, idr=identity(idr)).respond(ti.message, offer.t)
        assert tr.error is None, (name, tr.error)
        cases.append({"op": "respond", "psk": PSK.hex(), "idr": hx(idr), "expect_idi": None,
                      "protected": False, "tolerant": False, "minisip": False, "now": ntp(offer.t),
                      "msgs": [ti.message.hex()]})
        twins.append((name, ti, tr))
    return twins, device(upy, cases)


@pytest.fixture(scope="module")
def device_initiator_to_twin(upy):
    """Direction B: the device's I_MESSAGEs (checked equal to the twin's)
    to the twin's Responder, and the device finishing with its answer."""
    cases, twins = [], []
    for name, offer, idi, idr in OFFERS:
        ti = Initiator(PSK, offer)
        tr = Responder(PSK, idr=identity(idr)).respond(ti.message, offer.t)
        cases.append({"op": "build", "psk": PSK.hex(), "idi": hx(idi), "idr": hx(idr),
                      "expect_idr": hx(idr), "minisip": False,
                      "builds": [build_case(offer, idi, idr, tr.message)]})
        twins.append((name, ti, tr))
    return twins, device(upy, cases)


def test_matrix_covers_what_the_issue_asks():
    names = [n for n, *_ in OFFERS]
    for part in ("cs1", "cs2", "cs3", "tgk", "tek", "-salt", "nosalt", "-mki", "nomki", "-v-", "-nov-",
                 "-both", "-none", "-idr", "-idi", "perCS", "2pol"):
        assert any(part in n for n in names), part
    assert len(OFFERS) >= 96


def test_twin_initiator_device_responder_same_r_message_and_contexts(twin_initiator_to_device):
    twins, rows = twin_initiator_to_device
    for (name, ti, tr), [row] in zip(twins, rows):
        assert row["error"] is None, (name, row)
        assert row["reply"] == (tr.message.hex() if tr.message else ""), name
        assert row["contexts"] == twin_contexts(tr.contexts), name
        assert row["quirks"] == [], name
        if tr.message:  # the twin finishes with the device's answer
            assert twin_contexts(ti.finish(bytes.fromhex(row["reply"]))) == row["contexts"], name


def test_device_initiator_twin_responder_same_i_message_and_contexts(device_initiator_to_twin):
    twins, rows = device_initiator_to_twin
    for (name, ti, tr), [row] in zip(twins, rows):
        assert row["imsg"] == ti.message.hex(), name
        assert row["contexts"] == twin_contexts(ti.contexts()) == twin_contexts(tr.contexts), name
        if tr.message:
            assert row["finish"] == len(tr.contexts), (name, row["finish"])


def test_update_messages_both_ways(upy):
    # §4.5: same CSB ID, a new T, no RAND; keys from the initial RAND
    offer = Offer(csb_id=0x0A0B0C0D, t=T0, rand=bytes(range(16)), keys=[key_data(b"\x22" * 16)],
                  cs=[CryptoSession(99)], v=True)
    ti = Initiator(PSK, offer)
    initial = ti.message
    responder = Responder(PSK)
    first = responder.respond(initial, T0)
    update = ti.update(T0 + S, keys=[key_data(b"\x33" * 16)])
    second = responder.respond(update, T0 + S)
    assert first.error is None and second.error is None
    upd = Offer(**{**offer.__dict__, "t": T0 + S, "rand": None, "keys": [key_data(b"\x33" * 16)]})
    built, answered = device(upy, [
        {"op": "build", "psk": PSK.hex(), "idi": None, "idr": None, "expect_idr": None, "minisip": False,
         "builds": [build_case(offer, None, None, first.message), build_case(upd, None, None, second.message)]},
        {"op": "respond", "psk": PSK.hex(), "idr": None, "expect_idi": None, "protected": False,
         "tolerant": False, "minisip": False, "now": ntp(T0 + S), "msgs": [initial.hex(), update.hex()]},
    ])
    assert [b["imsg"] for b in built] == [initial.hex(), update.hex()]
    assert [b["finish"] for b in built] == [1, 1]
    assert [a["reply"] for a in answered] == [first.message.hex(), second.message.hex()]
    assert answered[1]["contexts"] == twin_contexts(second.contexts)


# -- Error messages ------------------------------------------------------------


def _remac(data: bytes, psk=PSK) -> bytes:
    """An I_MESSAGE changed after its MAC was made, MACed again (§5.2)."""
    d = decode_message(data)
    h = d.message.header
    rand = next(p for p in d.message.payloads if type(p).__name__ == "RAND").rand
    keys = crypto.mikey_keys(psk, h.csb_id, rand, 1, 1, h.prf_func)
    at = d.auth_field_offset()
    return data[:at] + crypto.mac(1, keys.auth_key, data[:at])


def _base(**kw) -> bytes:
    kw.setdefault("keys", [key_data(b"\x3c" * 16)])
    offer = Offer(csb_id=0x12345678, t=T0, rand=bytes(range(16)), cs=[CryptoSession(0x0BADCAFE)], v=True, **kw)
    return Initiator(PSK, offer).message


def _set(m: bytes, at: int, value: int) -> bytes:
    x = bytearray(m)
    x[at] = value
    return bytes(x)


def _strip_kemac(data: bytes) -> bytes:
    """The message without its KEMAC (the last payload)."""
    from mikeyhost.payloads import Message, encode_message

    d = decode_message(data).message
    return encode_message(Message(d.header, d.payloads[:-1]))


def refusals():
    """(name, Responder settings, messages, now): each refused by both."""
    m = _base()  # HDR 0..19, T 19..29, RAND 29..47, SP 47..82 (TLVs from 52), KEMAC 82..127
    ids = _base(idi=identity(b"alice@example.org"), idr=identity(b"sip:carol@example.org"))
    plain = {}
    out = [
        ("mac", plain, [_set(m, 126, m[126] ^ 1)], T0),
        ("psk", {"psk": b"wrong key"}, [m], T0),
        ("stale", plain, [m], T0 + 301 * S),
        ("future", plain, [m], T0 - 301 * S),
        ("replay", plain, [m, m], T0),
        ("prf", plain, [_set(m, 3, 0x85)], T0),
        ("data type 1", plain, [_set(m, 1, 1)], T0),
        ("data type 50", plain, [_set(m, 1, 50)], T0),
        ("version", plain, [_set(m, 0, 2)], T0),
        ("short header", plain, [m[:5]], T0 + 3 * S),
        ("truncated", plain, [m[:-1]], T0),
        ("trailing", plain, [m + b"\x00"], T0),
        ("no RAND", plain, [_set(m[:29] + m[47:], 19, 10)], T0),
        ("T twice", plain, [_set(m[:29] + m[19:29] + m[29:], 19, 5)], T0),
        ("no KEMAC", plain, [_set(m[:82], 47, 0)], T0),
        ("NULL MAC", plain, [_base(mac_alg=0)], T0),
        ("NULL encryption", plain, [_base(encr_alg=0)], T0),
        ("encr 7", plain, [_set(m, 83, 7)], T0),
        ("IDr", {"idr": b"sip:bob@example.org"}, [ids], T0),
        ("IDi", {"expect_idi": b"mallory"}, [ids], T0),
        ("prot type", plain, [_remac(_set(m, 49, 1))], T0),
        ("SRTP encr 9", plain, [_remac(_set(m, 54, 9))], T0),
        ("param twice", plain, [_remac(_set(m, 58, 1))], T0),
        ("key length 17", plain, [_remac(_set(m, 57, 17))], T0),
        ("policy no", plain, [_remac(_set(m, 10, 1))], T0),
        ("TEK length", plain, [_remac(_set(_base(keys=[key_data(b"\x3c" * 16, tek=True)]), 57, 32))], T0),
        ("TS type 4", plain, [_set(m, 20, 4)], T0),
        # payloads an I_MESSAGE never has, with the Error nos their own
        # fields give (docs/profile.md "Structural details")
        ("DH group 3", plain, [_set(m[:82], 47, 3) + bytes([1, 3]) + bytes(200)], T0),
        ("CHASH hash 3", plain, [_set(m[:82], 47, 8) + bytes([1, 3]) + bytes(40)], T0),
        ("V alg 3", plain, [_set(m[:82], 47, 9) + bytes([1, 3]) + bytes(40)], T0),
        ("ERR in I_MESSAGE", plain, [_set(m[:82], 47, 12) + bytes([1, 0, 0, 0]) + m[82:]], T0),
        ("unknown payload", plain, [_set(m, 19, 99)], T0),
        ("ID type 5", plain, [_remac(_set(_base(idi=identity(b"alice@example.org")), 48, 5))], T0),
        ("empty TGK", plain, [_base(keys=[key_data(b"")])], T0),
    ]
    # An update (no RAND) must carry a KEMAC as well (§4.5, Figure 4.1).
    first = Initiator(PSK, Offer(csb_id=0x12345678, t=T0, rand=bytes(range(16)), cs=[CryptoSession(1)],
                                 keys=[key_data(b"\x3c" * 16)]))
    upd = first.update(T0 + S)
    out.append(("update without KEMAC", plain, [first.message, _strip_kemac(upd)], T0 + S))
    return out


def test_error_messages_are_the_same_bytes(upy):
    cases, want = [], []
    for name, cfg, msgs, now in refusals():
        psk = cfg.get("psk", PSK)
        tr = Responder(psk, idr=identity(cfg.get("idr")), expect_idi=identity(cfg.get("expect_idi")))
        results = [tr.respond(x, now) for x in msgs]
        assert results[-1].error is not None, name
        want.append((name, results))
        cases.append({"op": "respond", "psk": psk.hex(), "idr": hx(cfg.get("idr")),
                      "expect_idi": hx(cfg.get("expect_idi")), "protected": False, "tolerant": False,
                      "minisip": False, "now": ntp(now), "msgs": [x.hex() for x in msgs]})
    codes = set()
    for (name, results), rows in zip(want, device(upy, cases)):
        for r, row in zip(results, rows):
            assert row["reply"] == (r.message.hex() if r.message else ""), name
            assert (row["error"] or [None, None])[1] == (None if r.error is None else int(r.error.code)), name
        codes.add(rows[-1]["error"][1])
    assert codes == {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13}  # every Error no PSK can meet


def test_profile_order_mac_before_policy(upy):
    # docs/profile.md "Processing": the MAC (6) is checked before the
    # policies (7), so an SP neither side can use in a message whose MAC is
    # also wrong is Auth failure (0) on both, with the same Error message.
    m = _set(_set(_base(), 54, 9), 126, 0)
    r = Responder(PSK).respond(m, T0)
    assert int(r.error.code) == 0
    (rows,) = device(upy, [{"op": "respond", "psk": PSK.hex(), "idr": None, "expect_idi": None,
                            "protected": False, "tolerant": False, "minisip": False, "now": ntp(T0),
                            "msgs": [m.hex()]}])
    assert rows[0]["reply"] == r.message.hex() and rows[0]["error"][1] == 0


# -- the tolerant readers on the public vectors ---------------------------------


def test_firmware_tests_embed_the_public_null_vectors():
    tree = ast.parse((ROOT / "tests" / "firmware" / "test_psk_tolerant.py").read_text())
    consts = {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body
              if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name) and n.targets[0].id == "VECTORS"}
    null_ids = ["V-GST-3", "V-ONVIF-1", "V-GORT-a", "V-GORT-milestone", "V-TSI-1", "V-TSI-2", "V-NX-axis"]
    assert list(consts["VECTORS"]) == [v["hex"] for v in VECTORS if v["id"] in null_ids]


def test_public_vectors_through_both_tolerant_readers(upy):
    now = T0
    configs = [(True, True), (True, False), (False, True)]  # (protected, tolerant)
    cases, want = [], []
    for v in VECTORS:
        m = bytes.fromhex(v["hex"])
        for protected, tolerant in configs:
            r = Responder(None, protected=protected, tolerant=tolerant).respond(m, now)
            want.append((v["id"], protected, tolerant, r))
            cases.append({"op": "respond", "psk": None, "idr": None, "expect_idi": None, "protected": protected,
                          "tolerant": tolerant, "minisip": False, "now": ntp(now), "msgs": [m.hex()]})
    accepted = 0
    for (vid, protected, tolerant, r), [row] in zip(want, device(upy, cases)):
        where = (vid, protected, tolerant)
        assert row["reply"] == (r.message.hex() if r.message else ""), where
        assert (row["error"] or [None, None])[1] == (None if r.error is None else int(r.error.code)), where
        assert row["quirks"] == list(r.tolerated), where
        assert row["contexts"] == twin_contexts(r.contexts), where
        accepted += r.error is None and bool(r.contexts)
    assert accepted == 6  # every vector that keys a session, tolerated


def test_settings_and_sequences(upy):
    # One Responder a case, several messages each: the tolerant reader on a
    # PSK message with a trailing zero; minisip's V; MIKEY-NULL with V on a
    # protected transport; an initial exchange, a replay, and an update.
    base = Offer(csb_id=0x55667788, t=T0, rand=bytes(range(16)), keys=[key_data(b"\x44" * 16, salt=b"\x01" * 14)],
                 cs=[CryptoSession(1), CryptoSession(2)], v=True, idi=identity(b"alice@example.org"))
    ti = Initiator(PSK, base)
    initial = ti.message
    update = ti.update(T0 + S)
    null = Offer(**{**base.__dict__, "encr_alg": 0, "mac_alg": 0})
    null_msg = Initiator(None, null).message
    t_span, rand_span = decode_message(null_msg).spans[1:3]  # T, RAND
    no_rand = bytearray(null_msg[: rand_span.start] + null_msg[rand_span.end :])
    no_rand[t_span.start] = null_msg[rand_span.start]  # T's Next: what followed RAND
    runs = [
        ({"tolerant": True}, [initial + b"\x00"]),
        ({"minisip": True}, [initial]),
        ({"psk": None, "protected": True}, [null_msg]),
        ({"psk": None, "protected": True, "tolerant": True}, [bytes(no_rand)]),  # `no-rand`
        ({}, [initial, initial, update, update]),
        ({"expect_idi": b"alice@example.org"}, [initial]),
    ]
    cases, want = [], []
    for cfg, msgs in runs:
        psk = cfg.get("psk", PSK)
        tr = Responder(psk, expect_idi=identity(cfg.get("expect_idi")), protected=cfg.get("protected", False),
                       tolerant=cfg.get("tolerant", False), minisip_v=cfg.get("minisip", False))
        want.append([tr.respond(m, T0 + S) for m in msgs])
        cases.append({"op": "respond", "psk": hx(psk), "idr": None, "expect_idi": hx(cfg.get("expect_idi")),
                      "protected": cfg.get("protected", False), "tolerant": cfg.get("tolerant", False),
                      "minisip": cfg.get("minisip", False), "now": ntp(T0 + S), "msgs": [m.hex() for m in msgs]})
    got = device(upy, cases)
    for (cfg, _), results, rows in zip(runs, want, got):
        for r, row in zip(results, rows):
            assert row["reply"] == (r.message.hex() if r.message else ""), cfg
            assert (row["error"] or [None, None])[1] == (None if r.error is None else int(r.error.code)), cfg
            assert row["quirks"] == list(r.tolerated), cfg
            if r.error is None and r.contexts:
                assert row["contexts"] == twin_contexts(r.contexts), cfg
    assert [x["quirks"] for x in got[0] + got[3]] == [["trailing-zero"], ["no-rand"]]
    assert [x["error"] for x in got[4]] == [None, [18, 1], None, [18, 1]]  # replays refused, the update in
