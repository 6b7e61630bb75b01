# The signed ECC modes on the device (firmware/mikey/dhsign.py, ecies.py,
# ecmqv.py; docs/ecc-profile.md): the device's Initiator against the
# device's Responder in each mode, prepared ephemeral keys used once, and
# the refusals with their Error no: points off the curve or of another
# curve, wrong lengths, r or s outside [1, n-1], a key not the one pinned,
# a signature over altered bytes, an unknown ECC curve, replays and stale
# T values, certificates. Byte equality with the twin and the known
# answers: tests/host/test_differential_ecc.py.

from fwtest import eq, fails
from mikey import _ecc, base, codec, dhsign, ecies, ecmqv
from mikey.base import SLOT
from mikey.p256 import public

FW_PROFILES = ("esp32", "rp2040")
FW_TIMEOUT = 300

KI = 0x1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F809
KR = 0x0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0
KE = 0x3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C  # eve's
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
PI = public(KI)
PR = public(KR)
CAM = b"cam@example.org"
PBX = b"sip:pbx@example.org"
CSB = b"\x12\x34\x56\x78"
RAND = bytes(range(16))
T0 = b"\xe9\x3a\x5c\x10\x00\x00\x00\x00"
CS1 = ((0x0BADCAFE, 0, 0),)
TGK = b"\x3c" * 16

buf = bytearray(700)
out = bytearray(700)


def t_(s):
    t = bytearray(T0)
    t[3] += s
    return bytes(t)


def pair(m, **kw):
    if m is ecies:
        i = m.Initiator(KI, {PBX: PR}, CAM, PBX)
    else:
        i = m.Initiator(KI, {PBX: PR}, idi=CAM, idr=PBX)
    return i, m.Responder(KR, {CAM: PI}, idr=PBX, **kw)


def build(i, now=T0):
    if isinstance(i, ecies.Initiator):
        return i.build(buf, CSB, RAND, now, CS1, ((False, TGK, None, None),))
    return i.build(buf, CSB, RAND, now, CS1)


def respond(r, n, now=T0):
    return r.respond(buf, n, now, out)


def refused(r, n, code, now=T0):
    m = respond(r, n, now)
    if r.error is None or r.error.code != code:
        raise AssertionError("want Error %d, got %r" % (code, r.error and (r.error.reason, r.error.code)))
    eq(out[1], 6)  # an Error message
    return m


def table(n):
    t = base._TBL
    codec.decode(buf, n, t)
    return t


def resign(n, key=KI):
    # the message in buf with its SIGN made again (a peer holding `key`)
    _ecc.sign(buf, n - 66, key)


def test_each_mode_round_trips():
    for m in (dhsign, ecies, ecmqv):
        i, r = pair(m)
        n = build(i)
        k = respond(r, n)
        eq(r.error, None)
        eq(i.finish(out, k), 1)
        eq(r.ncs, 1)
        eq(bytes(i.ctx[:SLOT]), bytes(r.ctx[:SLOT]))
        eq((buf[1], out[1]), (2, 3) if m is ecies else (4, 5))


def test_prepared_keys_are_used_once():
    for m in (dhsign, ecmqv):
        i, r = pair(m)
        i.prepare()
        r.prepare()
        k = respond(r, build(i))
        eq((i.prepared, r.prepared, i.pre, r.pre), (True, True, None, None))
        eq(i.finish(out, k), 1)
        build(i, t_(1))
        eq(i.prepared, False)  # the next one computed now
    i, r = pair(dhsign)
    seen = []
    for s in range(3):
        n = build(i, t_(s))
        t = table(n)
        j = t.find(3)
        seen.append(bytes(buf[t.body[j] : t.body_end[j]]))
    eq(len(set(seen)), 3)  # a fresh DHi each time


def test_ecmqv_with_sha256_and_a_long_tgk():
    i, r = pair(ecmqv)
    n = i.build(buf, CSB, RAND, T0, CS1, auth=2, tgk_len=48)
    k = respond(r, n)
    eq(r.error, None)
    eq(i.finish(out, k), 1)
    eq(bytes(i.ctx[:SLOT]), bytes(r.ctx[:SLOT]))
    eq(bytes(i._k[111 : 111 + 48]), bytes(r._k[111 : 111 + 48]))


def test_ecies_without_v_and_with_aes256():
    i, r = pair(ecies)
    n = i.build(buf, CSB, RAND, T0, CS1, ((False, TGK, None, b"\x09"),), v=False, encr=3, mac=2)
    eq(respond(r, n), 0)  # no V asked for: nothing to send
    eq((r.error, r.ncs, i.ncs), (None, 1, 1))
    eq(bytes(i.ctx[:SLOT]), bytes(r.ctx[:SLOT]))


def _point(n, kind):
    # replace DHi / ECCPTi's point (the payload before SIGN) and sign again
    t = table(n)
    j = t.count - 2
    b = t.body[j]
    if kind == "off-curve":
        buf[b + 64] ^= 1  # y + 1: not on P-256
    elif kind == "x >= p":
        buf[b + 1 : b + 33] = P.to_bytes(32, "big")
    elif kind == "invalid curve":  # (1, 1): on y^2 = x^3 - 3x + 3, a weak curve, not P-256
        buf[b + 1 : b + 65] = (1).to_bytes(32, "big") + (1).to_bytes(32, "big")
    resign(n)


def test_bad_points_are_invalid_dh_before_any_multiplication():
    for m in (dhsign, ecmqv):
        for kind in ("off-curve", "x >= p", "invalid curve"):
            i, r = pair(m)
            n = build(i)
            _point(n, kind)
            refused(r, n, 6)
    i, r = pair(dhsign)  # a point format byte 05: the decoder's Invalid DH
    n = build(i)
    t = table(n)
    buf[t.body[t.count - 2]] = 5
    refused(r, n, 6)


def test_an_eccpt_of_another_curve():
    i, r = pair(ecmqv)
    n = build(i)
    t = table(n)
    buf[t.start[t.count - 2] + 1] = 8  # ECC curve 8 (P-384 in the draft): not this profile's
    resign(n)
    refused(r, n, 6)


def test_eccpt_fields():
    for off, val, code in ((68, 0, 3), (68, 3, 3), (70, 8, 10), (69, 2, 10), (67, 1, 13)):
        i, r = pair(ecmqv)
        n = build(i)
        t = table(n)
        buf[t.start[t.count - 2] + off] = val
        resign(n)
        m = refused(r, n, code)
        # after SIGNi verified, the Error message is signed (ECC-03 §5)
        t = base._TBL
        codec.decode(out, m, t)
        eq((t.count, t.ptype[t.count - 1]), (3, 4))
        _ecc.verify(out, t, PR)
        fails(20, code, i.finish, out, m)


def test_signatures():
    N32 = N.to_bytes(32, "big")
    for m in (dhsign, ecies, ecmqv):
        for what in ("r=0", "s=n", "altered", "eve", "stype"):
            i, r = pair(m)
            n = build(i)
            if what == "r=0":
                buf[n - 64 : n - 32] = bytes(32)
            elif what == "s=n":
                buf[n - 32 : n] = N32
            elif what == "altered":
                buf[40] ^= 0x80  # a RAND byte
            elif what == "eve":
                resign(n, KE)  # not the key pinned for cam
            else:
                buf[n - 66] = 0x30  # S type 3 (ECGDSA): not verified
            refused(r, n, 0)
    i, r = pair(dhsign)  # a 63-byte signature: Auth failure
    n = build(i)
    buf[n - 65] = 63
    refused(r, n - 1, 0)


def test_identities_and_certificates():
    i, r = pair(dhsign)
    r.peers = {b"other@example.org": PI}
    refused(r, build(i), 7)  # no key pinned for cam
    r = dhsign.Responder(KR, {CAM: PI}, idr=b"sip:other@example.org")
    refused(r, build(i), 7)  # IDr names another Responder
    r = dhsign.Responder(KR, {CAM: PI}, idr=PBX, expect_idi=b"cam2@example.org")
    refused(r, build(i), 7)
    # a CERT payload in place of IDi: no X.509 on the device, Invalid Cert
    i = dhsign.Initiator(KI, {PBX: PR}, idi=None, idr=PBX)
    n = build(i)
    t = table(n)
    j = t.find(6)  # IDr, after RAND
    s = t.start[j]
    m = bytes(buf[:s]) + b"\x06\x02\x00\x05\x30\x03\x02\x01\x00" + bytes(buf[s:n])  # CERT: Next ID | type 2 | 5
    n = len(m)
    buf[:n] = m
    buf[t.start[j - 1]] = 7  # RAND's Next: CERT
    resign(n)
    r = dhsign.Responder(KR, {CAM: PI}, idr=PBX, expect_idi=CAM)
    refused(r, n, 8)


def test_replays_and_stale_timestamps():
    for m in (dhsign, ecies, ecmqv):
        i, r = pair(m)
        n = build(i)
        respond(r, n)
        eq(r.error, None)
        refused(r, n, 1)  # the same message again (§5.4)
        n = build(i, b"\xe9\x3a\x5a\x00\x00\x00\x00\x00")
        refused(r, n, 1)  # ~9 minutes before now: outside the window
        r.not_before = t_(5)
        refused(r, build(i, t_(2)), 1)  # before this boot's floor


def test_grammar_and_data_types():
    i, r = pair(dhsign)
    n = build(i)
    e = ecies.Responder(KR, {CAM: PI}, idr=PBX)
    refused(e, n, 11)  # a DH-SIGN message at the ECIES Responder
    q = ecmqv.Responder(KR, {CAM: PI}, idr=PBX)
    refused(q, n, 13)  # DH in place of ECCPT
    i, r = pair(ecmqv)
    refused(dhsign.Responder(KR, {CAM: PI}, idr=PBX), build(i), 13)
    i, r = pair(dhsign)
    n = build(i)
    buf[3] = 5  # PRF func 5
    refused(r, n, 2)
    refused(r, n - 1, 13)  # truncated


def test_ecies_envelopes():
    for what, code in (("tag", 0), ("R", 6), ("short", 13), ("kemac", 0)):
        i, r = pair(ecies)
        n = build(i)
        t = table(n)
        j = t.find(2)  # PKE
        b = t.body[j]
        e = t.body_end[j]
        if what == "tag":
            buf[e - 1] ^= 1
        elif what == "R":
            buf[b + 64] ^= 1
        elif what == "short":  # R and a tag, no block: too short
            buf[t.start[j] + 1 : t.start[j] + 3] = (85).to_bytes(2, "big")
            buf[b + 65 : n - 32] = buf[b + 97 : n]
            n -= 32
        else:
            buf[t.body[t.find(1)] + 3] ^= 1  # the KEMAC's Encr data: its MAC fails
        resign(n)
        refused(r, n, code)


def test_initiator_checks():
    for m in (dhsign, ecmqv, ecies):
        i, r = pair(m)
        k = respond(r, build(i))
        out[20] ^= 1  # the echoed T: SIGNr / V no longer match
        fails(16, 0, i.finish, out, k)
        out[20] ^= 1
        eq(i.finish(out, k), 1)
    i, r = pair(dhsign)  # SIGNr by a key not the one pinned for pbx
    r.key = KE
    fails(16, 0, i.finish, out, respond(r, build(i)))
    i, r = pair(ecmqv)  # V by a Responder without pbx's static key
    r.key = KE
    fails(16, 0, i.finish, out, respond(r, build(i)))
    i, r = pair(dhsign)  # an Error message: its Error no
    r.peers = {}
    fails(20, 7, i.finish, out, respond(r, build(i)))


def test_mutated_messages_are_refused_never_raised():
    # every 5th byte flipped, and every 9th length cut: an Error message each
    # time (the signature covers all but itself), never an exception
    for m in (dhsign, ecies, ecmqv):
        i, r = pair(m)
        n = build(i)
        good = bytes(buf[:n])
        for x in range(0, n, 5):
            buf[:n] = good
            buf[x] ^= 0x41
            respond(r, n)
            eq(r.error is not None and out[1] == 6, True)
        for k in range(1, n, 9):
            buf[:n] = good
            respond(r, k)
            eq(r.error is not None, True)
