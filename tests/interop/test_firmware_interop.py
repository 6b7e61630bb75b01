"""What the device code emits and derives, judged by independent
implementations: its messages in tshark, GStreamer's messages through its
tolerant reader, and its SRTP contexts in libsrtp against the twin's and
GStreamer's keys. The device code runs under the MicroPython unix port."""

import json
import struct

import pytest

from mikeyhost.psk import CryptoSession, Initiator, Offer, Responder, key_data
from peers import gst, srtp, tshark

PSK = bytes(range(16))
NOW = 0xE8000000 << 32

# Reads JSON lines from stdin; for each, plays one side on the device and
# prints a JSON line: the bytes it sent and the contexts it derived.
DEVICE = """
import json, sys
from struct import pack_into
from mikey.psk import Initiator, Responder
from mikey import srtp

def ntp(v):
    b = bytearray(8)
    pack_into('>II', b, 0, v >> 32, v & 0xFFFFFFFF)
    return b

def ctxs(ctx, n):
    return [srtp.context(ctx, i) for i in range(n)]

for line in sys.stdin:
    c = json.loads(line)
    out = {}
    if c['op'] == 'init':
        i = Initiator(bytes.fromhex(c['psk']), cs=4)
        buf = bytearray(512)
        keys = tuple((k[0], bytes.fromhex(k[1]), bytes.fromhex(k[2]) if k[2] else None,
                      bytes.fromhex(k[3]) if k[3] else None) for k in c['keys'])
        n = i.build(buf, bytes.fromhex(c['csb']), bytes.fromhex(c['rand']), ntp(c['t']),
                    tuple(tuple(x) for x in c['cs']), keys, v=c['v'])
        out['msg'] = bytes(buf[:n]).hex()
        if c.get('answer'):
            a = bytes.fromhex(c['answer'])
            i.finish(a, len(a))
        out['ctx'] = ctxs(i.ctx, i.ncs)
    else:
        r = Responder(bytes.fromhex(c['psk']) if c['psk'] else None, protected=c['protected'],
                      tolerant=c['tolerant'], cs=4)
        m = bytes.fromhex(c['msg'])
        o = bytearray(256)
        n = r.respond(m, len(m), ntp(c['now']), o)
        out['msg'] = bytes(o[:n]).hex()
        out['error'] = None if r.error is None else r.error.code
        out['ctx'] = ctxs(r.ctx, r.ncs) if r.error is None else []
        out['quirks'] = srtp.quirks(r.quirks)
    print(json.dumps(out))
"""


def device(upy, cases):
    out = upy.run(DEVICE, profile="esp32", stdin="".join(json.dumps(c) + "\n" for c in cases).encode())
    return [json.loads(line) for line in out.splitlines()]


def init_case(n_cs, tek, salt, mki, v=True, answer=None):
    return {"op": "init", "psk": PSK.hex(), "csb": "0a0b0c0d", "rand": bytes(range(16)).hex(), "t": NOW,
            "cs": [[0x2000 + k, k, 0] for k in range(n_cs)], "v": v, "answer": answer,
            "keys": [[tek, (bytes([k]) * 16).hex(), "00" * 14 if salt else None,
                      f"000000{k:02x}" if mki else None] for k in range(1, n_cs + 1)]}


@pytest.fixture(scope="module")
def emitted(upy_module):
    cases = [init_case(n, tek, salt, mki) for n in (1, 2) for tek in (False, True)
             for salt in (False, True) for mki in (False, True)]
    sent = device(upy_module, cases)
    answers = device(upy_module, [{"op": "respond", "psk": PSK.hex(), "protected": False, "tolerant": False,
                                   "msg": s["msg"], "now": NOW} for s in sent])
    # The same Initiators again (fixed inputs), now finishing with the answers.
    for c, a in zip(cases, answers):
        c["answer"] = a["msg"]
    finished = device(upy_module, cases)
    assert [f["msg"] for f in finished] == [s["msg"] for s in sent]
    bad = bytearray.fromhex(sent[0]["msg"])
    bad[-1] ^= 1
    errors = device(upy_module, [{"op": "respond", "psk": PSK.hex(), "protected": False, "tolerant": False,
                                  "msg": bytes(bad).hex(), "now": NOW}])
    return finished, answers, errors


@pytest.fixture(scope="module")
def upy_module():
    from upy import UPy

    return UPy()


def test_tshark_decodes_every_device_message_fully(emitted):
    sent, answers, errors = emitted
    msgs = [bytes.fromhex(x["msg"]) for x in sent + answers + errors]
    assert all(msgs) and len(msgs) == 2 * len(sent) + 1
    for m, d in zip(msgs, tshark.dissect(msgs)):
        assert not d.malformed and d.uncovered() == [], m.hex()
        assert int(d.first("mikey.csb_id").value, 16) == 0x0A0B0C0D
    (err,) = tshark.dissect([bytes.fromhex(errors[0]["msg"])])
    assert err.first("mikey.err.no").show == "0"  # Auth failure


def test_device_and_twin_contexts_work_together_in_libsrtp(emitted, upy_module):
    sent, answers, _ = emitted
    for s, a in zip(sent, answers):
        assert a["error"] is None and len(a["ctx"]) == len(s["ctx"])
        # The twin, answering the device's I_MESSAGE, derives the same keys.
        res = Responder(PSK).respond(bytes.fromhex(s["msg"]), NOW)
        twin = [c.to_json() for c in res.contexts]
        assert twin == s["ctx"] == a["ctx"]
        for dev_ctx, twin_ctx in zip(s["ctx"], twin):
            if dev_ctx["mki"] is None:  # pylibsrtp has no MKI
                assert srtp.round_trip(dev_ctx, twin_ctx) and srtp.round_trip(twin_ctx, dev_ctx)


def test_device_initiator_finishes_with_the_twins_answer(upy_module):
    o = Offer(csb_id=0x0A0B0C0D, t=NOW, rand=bytes(range(16)), keys=[key_data(b"\x01" * 16)],
              cs=[CryptoSession(0x2000, 0)], v=True)
    answer = Responder(PSK).respond(Initiator(PSK, o).message, NOW).message
    (row,) = device(upy_module, [init_case(1, False, False, False, answer=answer.hex())])
    assert row["ctx"] and srtp.round_trip(row["ctx"][0], row["ctx"][0])


@pytest.mark.parametrize("tag", ["hmac-sha1-80", "hmac-sha1-32"])
def test_gstreamer_made_messages_key_the_device(upy_module, tag):
    key = bytes(range(40, 70))
    g = gst.from_caps(f"application/x-srtp, srtp-key=(buffer){key.hex()}, srtp-cipher=(string)aes-128-icm, "
                      f"srtp-auth=(string){tag}, srtcp-cipher=(string)aes-128-icm, srtcp-auth=(string){tag}",
                      cs=[{"policy": 0, "ssrc": "0badf00d", "roc": 3}])
    msg = bytes.fromhex(g["encoded"])
    t = struct.unpack_from(">Q", msg, 21)[0]  # the T value GStreamer wrote (HDR 19 bytes, T header 2)
    (row,) = device(upy_module, [{"op": "respond", "psk": None, "protected": True, "tolerant": True,
                                  "msg": msg.hex(), "now": t}])
    assert row["error"] is None and row["msg"] == ""  # V not asked for
    (ctx,) = row["ctx"]
    assert (ctx["master_key"], ctx["master_salt"]) == (key[:16].hex(), key[16:].hex())
    assert (ctx["ssrc"], ctx["roc"], ctx["policy"]["tag_len"]) == ("0badf00d", 3, 10 if tag.endswith("80") else 4)
    assert {"tek-key-and-salt", "sp-tag-length-in-param-3"} <= set(row["quirks"])
    gst_ctx = dict(ctx, master_key=key[:16].hex(), master_salt=key[16:].hex())
    assert srtp.round_trip(gst_ctx, ctx) and srtp.round_trip(ctx, gst_ctx)


# DH-HMAC (RFC 4650) on the device: every message it sends (I_MESSAGE,
# R_MESSAGE, updates with and without DH values, an Error message) in tshark,
# and its SRTP contexts against the twin's in libsrtp.
DH_DEVICE = """
import json, sys
from struct import pack_into
from mikey.dhhmac import Initiator, Responder
from mikey import srtp

def ntp(v):
    b = bytearray(8)
    pack_into('>II', b, 0, v >> 32, v & 0xFFFFFFFF)
    return b

k = bytes(range(16))
buf = bytearray(700)
out = bytearray(700)
for line in sys.stdin:
    g = json.loads(line)
    i = Initiator(k, b'sip:b@x', idi=b'a@x', group=g)
    r = Responder(k, b'sip:b@x', expect_idi=b'a@x')
    sent = []
    for j, (rand, dh) in enumerate(((b'\\x07' * 16, True), (None, True), (None, False))):
        n = i.build(buf, b'\\x5a\\x5a\\x00\\x01', rand, ntp(%d + (j << 32)), ((0x77, 0, 0),), dh=dh,
                    sdp_ids=b'mikey' if g == 1 else None)
        m = r.respond(buf, n, ntp(%d + (j << 32)), out)
        sent += [bytes(buf[:n]).hex(), bytes(out[:m]).hex()]
        i.finish(out, m)
    buf[n - 1] ^= 1
    m = r.respond(buf, n, ntp(%d + (5 << 32)), out)
    sent.append(bytes(out[:m]).hex())
    print(json.dumps({'msgs': sent, 'ctx': srtp.context(i.ctx, 0), 'rctx': srtp.context(r.ctx, 0)}))
""" % (NOW, NOW, NOW)


def test_tshark_decodes_every_device_dhhmac_message_and_libsrtp_takes_its_keys(upy_module):
    from mikeyhost.payloads import decode_message

    out = upy_module.run(DH_DEVICE, profile="esp32", stdin=b"0\n1\n2\n")
    rows = [json.loads(x) for x in out.splitlines()]
    msgs = [bytes.fromhex(m) for row in rows for m in row["msgs"]]
    assert len(msgs) == 21
    tshark.check_dh_messages(msgs)
    assert [decode_message(m).message.header.data_type for m in msgs[:7]] == [7, 8, 7, 8, 7, 8, 6]
    for row in rows:
        assert row["ctx"]["master_key"] and srtp.round_trip(row["ctx"], row["rctx"])
