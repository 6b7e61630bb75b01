# DH-HMAC (RFC 4650) on the device (firmware/mikey/dhhmac.py): the device's
# Initiator against the device's Responder over OAKLEY 5, 1 and 2; prepared
# g^x used once; updates; and every refusal RFC 4650 and RFC 3830 name, with
# its Error no, none of them exponentiating an invalid peer value. Byte
# equality with the twin and the known answers:
# tests/host/test_differential_dhhmac.py. The 32 KB profile:
# test_dhhmac_tight.py.

from fwtest import eq, fails
import mikey.dhhmac as dh
from mikey.dhhmac import Initiator, Responder, prime
from mikey.base import SLOT

FW_PROFILES = ("esp32", "rp2040")
FW_TIMEOUT = 300

PSK = b"\x5a" * 16
CSB = b"\x12\x34\x56\x78"
RAND = bytes(range(16))
T0 = b"\xe9\x3a\x5c\x10\x00\x00\x00\x00"  # NTP-UTC
CS1 = ((0x0BADCAFE, 0, 0),)
PBX = b"sip:pbx@example.org"
CAM = b"cam1@example.org"
XI = b"\x11" * 32
XR = b"\x22" * 32

buf = bytearray(700)
out = bytearray(700)


def t_(s):
    t = bytearray(T0)
    t[3] += s
    return bytes(t)


def pair(group=0, **kw):
    i = Initiator(PSK, PBX, idi=CAM, group=group)
    r = Responder(PSK, PBX, expect_idi=CAM, **kw)
    return i, r


def exchange(i, r, now=T0, rand=RAND, xi=XI, xr=XR, **kw):
    if xi is not None:
        i.prepare(xi, i.group)
    if xr is not None:
        r.prepare(xr, i.group)
    n = i.build(buf, CSB, rand, now, CS1, **kw)
    m = r.respond(buf, n, now, out)
    if r.error is not None:
        raise r.error
    eq(i.finish(out, m), r.ncs)
    eq(bytes(i.ctx[: i.ncs * SLOT]), bytes(r.ctx[: r.ncs * SLOT]))
    return n, m


def test_the_three_groups_agree():
    for g, size in ((0, 192), (1, 96), (2, 128)):
        i, r = pair(g)
        n, m = exchange(i, r)
        eq((buf[1], out[1], r.ncs, r.quirks), (7, 8, 1, 0))
        # TGK = (g^xr)^xi = (g^xi)^xr mod p, fixed length (docs/profile.md)
        p = prime(g)
        tgk = pow(pow(2, int.from_bytes(XR, "big"), p), int.from_bytes(XI, "big"), p)
        eq(bytes(r._k[111 : 111 + size]), tgk.to_bytes(size, "big"))
        eq(bytes(i._k[100 : 100 + size]), tgk.to_bytes(size, "big"))


def test_the_primes_are_rfc_3526_and_2409():
    # RFC 3526 §2: the 1536-bit prime ends ...CA237327FFFFFFFFFFFFFFFF
    eq(prime(0) & (1 << 96) - 1, 0xCA237327FFFFFFFFFFFFFFFF)
    eq(prime(1) & (1 << 96) - 1, 0xE9A63A3620FFFFFFFFFFFFFFFF & (1 << 96) - 1)  # RFC 2409 §6.1
    eq(prime(2) & (1 << 96) - 1, 0x49286651ECE65381FFFFFFFFFFFFFFFF & (1 << 96) - 1)  # §6.2
    eq([prime(g) >> n - 1 for g, n in ((0, 1536), (1, 768), (2, 1024))], [1, 1, 1])  # top bit set
    fails(11, 6, prime, 10)  # P-256 is the ECC profile's


def test_a_prepared_value_serves_one_exchange():
    i, r = pair()
    i.prepare(XI)
    r.prepare(XR)
    n = i.build(buf, CSB, RAND, T0, CS1)
    eq(i.pre, None)
    first = bytes(buf[:n])
    m = r.respond(buf, n, T0, out)
    eq((r.error, r.pre), (None, None))
    eq(i.finish(out, m), 1)
    n2 = i.build(buf, b"\x01\x02\x03\x04", RAND, t_(1), CS1)  # draws a fresh exponent
    eq(n2, n)
    at = n - 25 - 193  # DHi's value
    eq(bytes(buf[at : at + 192]) != first[at : at + 192], True)


def test_updates_rekey_with_fresh_values_and_keep_the_tgk_without():
    i, r = pair()
    exchange(i, r)
    first = bytes(i.ctx[:SLOT])
    n, m = exchange(i, r, now=t_(1), rand=None, xi=b"\x33" * 32, xr=b"\x44" * 32)
    eq(buf[10 + 9 + 10], 6)  # T's Next: no RAND in an update (RFC 4650 §3.1)
    second = bytes(i.ctx[:SLOT])
    eq(second != first, True)
    n, m = exchange(i, r, now=t_(2), rand=None, xi=None, xr=None, dh=False)
    eq(bytes(i.ctx[:SLOT]), second)  # the TGK stays
    eq(m < 100, True)  # no DHr, DHi


def test_the_responder_names_the_initiator_when_its_message_does_not():
    i = Initiator(PSK, PBX)  # no IDi: the Responder must know who it keys (RFC 4650 §3)
    r = Responder(PSK, PBX, expect_idi=CAM)
    exchange(i, r)
    r2 = Responder(PSK, PBX)
    i.prepare(XI)
    n = i.build(buf, CSB, RAND, T0, CS1)
    r2.respond(buf, n, T0, out)
    eq((r2.error.reason, r2.error.code, out[1]), (12, 7, 6))


def refused(r, n, now=T0):
    r.respond(buf, n, now, out)
    e = r.error
    assert e is not None, "accepted"
    eq(out[1], 6)  # an Error message
    return (e.reason, e.code)


class Spy:
    """pow() as mikey.dhhmac sees it, counting calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, *a):
        self.calls += 1
        return pow(*a)


def test_bad_peer_values_are_refused_before_any_exponentiation():
    p = prime(2)
    for y in (0, 1, p - 1, p, p + 1, (1 << 1024) - 1):
        i, r = pair(2)
        i.pre = (2, 5, y)  # an Initiator that sends y as its DHi, MAC and all
        n = i.build(buf, CSB, RAND, T0, CS1)
        r.prepare(XR, 2)
        spy = Spy()
        dh.pow = spy
        try:
            eq(refused(r, n), (11, 6))  # Invalid DH
        finally:
            del dh.pow
        eq(spy.calls, 0)


def test_wrong_group_and_wrong_length():
    i, r = pair()
    i.prepare(XI)
    n = i.build(buf, CSB, RAND, T0, CS1)
    at = n - 25 - 195  # DHi: before the KEMAC (5 + 20 bytes)
    eq((buf[at - 35], buf[at + 1]), (3, 0))  # the SP's Next is DH; DH-Group OAKLEY 5
    buf[at + 1] = 7  # DH-Group 7: not one this device knows
    eq(refused(r, n), (11, 6))
    buf[at + 1] = 1  # OAKLEY 1: 96 bytes, so the rest no longer parses
    eq(refused(r, n)[1] in (6, 13), True)
    buf[at + 1] = 10  # P-256 (the ECC profile), whose point is not 192 bytes
    eq(refused(r, n)[1] in (6, 13), True)


def test_mac_identities_replay_and_time():
    i, r = pair()
    i.prepare(XI)
    n = i.build(buf, CSB, RAND, T0, CS1)
    good = bytes(buf[:n])
    buf[n - 1] ^= 1
    eq(refused(r, n), (16, 0))  # MAC
    buf[:n] = good
    eq(refused(Responder(PSK, b"sip:other@example.org", expect_idi=CAM), n), (12, 7))  # IDr not ours
    eq(refused(Responder(PSK, PBX, expect_idi=b"mallory"), n), (12, 7))  # IDi not the expected one
    eq(refused(Responder(b"\x00" * 16, PBX), n), (16, 0))  # another PSK
    r.prepare(XR)
    eq(r.respond(buf, n, T0, out) > 0 and r.error is None, True)
    eq(refused(r, n), (18, 1))  # replay
    eq(refused(Responder(PSK, PBX, expect_idi=CAM), n, now=b"\xe9\x3a\x5d\x60\x00\x00\x00\x00"), (17, 1))
    # no IDr at all: RFC 4650 §3 makes it mandatory
    i2 = Initiator(PSK, None)
    i2.prepare(XI)
    n = i2.build(buf, CSB, RAND, T0, CS1)
    eq(refused(Responder(PSK, PBX, expect_idi=CAM), n), (3, 13))


def test_kemac_numbers_and_message_type():
    i, r = pair()
    i.prepare(XI)
    n = i.build(buf, CSB, RAND, T0, CS1)
    k = n - 25  # KEMAC: Next | Encr alg | Encr data len | MAC alg | MAC
    buf[k + 1] = 2  # RFC 4650 §4.2's "NULL", under the MAC: needs its own MAC
    _remac(n, k)
    eq(refused(r, n), (9, 4))
    r = Responder(PSK, PBX, expect_idi=CAM, tolerant=True)
    r.prepare(XR)
    r.respond(buf, n, T0, out)
    eq((r.error, r.quirks), (None, 32))  # kemac-rfc4650-numbers
    buf[1] = 0  # a PSK I_MESSAGE is not for this Responder
    eq(refused(Responder(PSK, PBX, expect_idi=CAM), n), (6, 11))


def _remac(n, k):
    from mikey.crypto import hmac
    from mikey.base import _keys

    key = bytearray(64)
    _keys(PSK, buf, RAND, 0, 1, 0, key)
    buf[n - 20 : n] = hmac(key, 32, 20, False, buf, n - 20, ())


def test_sdp_ids_bid_down():
    i, r = pair(sdp_ids=b"mikey;keyp1")
    exchange(i, r, sdp_ids=b"mikey;keyp1")
    i, r = pair(sdp_ids=b"mikey")  # keyp1 peeled off the SDP by a man in the middle
    i.prepare(XI)
    n = i.build(buf, CSB, RAND, T0, CS1, sdp_ids=b"mikey;keyp1")
    eq(refused(r, n), (16, 0))
    i.prepare(XI)
    n = i.build(buf, b"\x00\x00\x00\x01", RAND, T0, CS1)  # no SDP IDs at all
    eq(refused(r, n), (16, 0))


def test_the_initiator_checks_the_answer():
    i, r = pair()
    i.prepare(XI)
    r.prepare(XR)
    n = i.build(buf, CSB, RAND, T0, CS1)
    m = r.respond(buf, n, T0, out)
    good = bytes(out[:m])
    out[m - 1] ^= 1
    fails(16, 0, i.finish, out, m)  # MAC
    out[:m] = good
    out[m - 25 - 195 + 10] ^= 1  # DHi: not the one we sent (MAC recomputed below)
    _remac_out(m)
    fails(16, 0, i.finish, out, m)
    out[:m] = good
    p = prime(0)
    dhr = m - 25 - 2 * 195
    out[dhr + 2 : dhr + 194] = (p - 1).to_bytes(192, "big")  # DHr p - 1
    _remac_out(m)
    fails(11, 6, i.finish, out, m)
    out[:m] = good
    out[19 + 2 + 3] ^= 1  # not our T
    _remac_out(m)
    fails(17, 1, i.finish, out, m)
    r2 = Responder(PSK, b"x", expect_idi=CAM)  # an Error message comes back
    m = r2.respond(buf, n, T0, out)
    fails(20, 7, i.finish, out, m)
    out[: len(good)] = good
    eq(i.finish(out, len(good)), 1)


def _remac_out(m):
    from mikey.crypto import hmac
    from mikey.base import _keys

    key = bytearray(64)
    _keys(PSK, out, RAND, 0, 1, 0, key)
    out[m - 20 : m] = hmac(key, 32, 20, False, out, m - 20, ())


def test_p256_is_an_extension_a_responder_takes_only_when_set():
    # DH-Group 10 (docs/ecc-profile.md): TGK = the X coordinate, 32 bytes
    i = Initiator(PSK, PBX, idi=CAM, group=10)
    r = Responder(PSK, PBX, expect_idi=CAM, p256=True)
    n, m = exchange(i, r)
    eq((buf[n - 25 - 68], buf[n - 25 - 67], buf[n - 25 - 66]), (1, 10, 4))  # DHi: Next KEMAC, group 10, 0x04 X Y
    from mikey.p256 import ecdh, public

    xr = int.from_bytes(XR, "big")
    eq(bytes(r._k[111:143]), ecdh(xr, public(int.from_bytes(XI, "big"))))
    i.prepare(XI)
    n = i.build(buf, b"\x00\x00\x00\x02", RAND, T0, CS1)
    eq(refused(Responder(PSK, PBX, expect_idi=CAM), n), (11, 6))


def test_p256_points_off_the_curve_are_refused_before_any_multiplication():
    from mikey.p256 import public

    good = public(5)
    bad = bytearray(good)
    bad[64] ^= 1  # y changed: not on the curve (an invalid-curve point)
    for v in (bytes(bad), b"\x04" + bytes(64), b"\x04" + b"\xff" * 64):
        i = Initiator(PSK, PBX, idi=CAM, group=10)
        i.pre = (10, 5, v)
        n = i.build(buf, CSB, RAND, T0, CS1)
        r = Responder(PSK, PBX, expect_idi=CAM, p256=True)
        r.prepare(XR, 10)
        eq(refused(r, n), (11, 6))
