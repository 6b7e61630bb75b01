# The NTP client of the trusted proxy (firmware/mikey/ntp.py), sans-IO:
# AES-CMAC against RFC 4493 §4, the request (RFC 5905 §7.3 header, MAC of
# §7.3 / RFC 8573), and every check an answer must pass before the clock
# sees it. The answers are made here as a server makes them; tests/interop/
# test_chrony.py runs the same client against chronyd.

FW_PROFILES = ("esp32", "rp2040")  # the test's own answers need more than 32 KB (test_ntp_tight.py)

import cryptolib
import gc
import hashlib

from micropython import const

from fwtest import eq, fails, unhex
from mikey.clock import Clock, _dus
from mikey.ntp import Client, cmac

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_BAD_VERSION = const(5)
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)
_R_REPLAY = const(18)

SHA1_KEY = unhex("000102030405060708090a0b0c0d0e0f10111213")
AES_KEY = unhex("101112131415161718191a1b1c1d1e1f")
RND = unhex("0123456789abcdef")
T2 = unhex("eeb42565 00000000")  # the proxy received at ...
T3 = unhex("eeb42565 00418938")  # ... and answered 1 ms later


def test_rfc4493_aes_cmac():
    k = unhex("2b7e1516 28aed2a6 abf71588 09cf4f3c")
    m = unhex("6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51"
              "30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710")
    out = bytearray(18)
    a = cryptolib.aes(k, 1)
    for n, want in ((0, "bb1d6929 e9593728 7fa37d12 9b756746"), (16, "070a16b4 6b4d4144 f79bdd9d d04a287c"),
                    (40, "dfa66747 de9ae630 30ca3261 1497c827"), (64, "51f0bebf 7e3b9d92 fc497417 79363cfe")):
        cmac(a, m, n, out, 1)
        eq(bytes(out[1:17]), unhex(want))


def mac(key, aes, p):
    if aes:
        o = bytearray(16)
        gc.collect()
        cmac(cryptolib.aes(key, 1), p, 48, o, 0)
        return bytes(o)
    return hashlib.sha1(key + bytes(p[:48])).digest()


def test_request():
    for kid, key, aes in ((1, SHA1_KEY, False), (2, AES_KEY, True)):
        c = Client(kid, key, aes)
        n = c.request(RND)
        b = bytes(c.buf[:n])
        eq(n, 68 if aes else 72)
        eq(b[0], 0x23)  # LI 0, VN 4, mode 3
        eq(b[1:40], bytes(39))  # nothing of ours told: no clock, no stratum
        eq(b[40:48], RND)  # the transmit timestamp: random
        eq(b[48:52], bytes((0, 0, 0, kid)))
        eq(b[52:], mac(key, aes, b))


def answer(c, key=None, li=0, vn=4, mode=4, stratum=8, refid=b"\x7f\x7f\x01\x01", root=(0, 0), prec=-26,
           org=None, rx=T2, tx=T3, kid=None, cut=0):
    """A server's answer to c's request (RFC 5905 §7.3), MAC'd with key."""
    p = bytearray(48)
    p[0] = li << 6 | vn << 3 | mode
    p[1] = stratum
    p[3] = prec & 0xFF
    p[4:8] = root[0].to_bytes(4, "big")
    p[8:12] = root[1].to_bytes(4, "big")
    p[12:16] = refid
    p[16:24] = T2
    p[24:32] = c.xmt if org is None else org
    p[32:40] = rx
    p[40:48] = tx
    k = c.key if key is None else key
    p += (c.key_id if kid is None else kid).to_bytes(4, "big") + mac(k, c.aes is not None, p)
    return bytes(p[: len(p) - cut])


def client(aes):
    gc.collect()
    c = Client(2 if aes else 1, AES_KEY if aes else SHA1_KEY, aes)
    c.request(RND)
    return c


def test_good_answer_gives_the_time_at_arrival():
    # delta = rtt - (T3 - T2) = 5 ms - 1 ms: the time at arrival is T3 +
    # 2 ms, within 2 ms + the proxy's precision (2**-26 s: 1 µs) + 1 µs
    for aes in (False, True):
        c = client(aes)
        a = answer(c)
        eq(c.read(a, len(a), 5000), 2000 + 1 + 1)
        eq(_dus(c.t, 0, T3, 0), 2000)
        eq(c.err, 2002)


def test_root_distance_counts():
    # root delay 0.5 s / 2 + root dispersion 0.25 s (NTP short format); the
    # round trip all spent at the proxy
    c = client(False)
    a = answer(c, root=(0x8000, 0x4000))
    eq(c.read(a, len(a), 1000), 500000 + 1 + 1)
    a = answer(c, root=(0x10000, 0x8001))  # 1 s / 2 + 0.5 s + a bit: over MAXDIST
    fails(_R_TIMESTAMP, 1, c.read, a, len(a), 1000)


def test_bad_or_missing_mac_is_refused():
    for aes in (False, True):
        c = client(aes)
        a = bytearray(answer(c))
        a[-1] ^= 1  # corrupted MAC
        fails(_R_AUTH, 0, c.read, a, len(a), 1000)
        a = bytearray(answer(c))
        a[40] ^= 1  # a changed transmit timestamp under a good MAC
        fails(_R_AUTH, 0, c.read, a, len(a), 1000)
        a = answer(c, key=b"\x55" * len(c.key))  # the wrong key
        fails(_R_AUTH, 0, c.read, a, len(a), 1000)
        a = answer(c, kid=7)  # another key id
        fails(_R_AUTH, 0, c.read, a, len(a), 1000)
        a = answer(c)[:48]  # an unauthenticated server
        fails(_R_AUTH, 0, c.read, a, 48, 1000)
        a = answer(c)[:48] + bytes(4)  # a crypto-NAK (RFC 5905 §7.4)
        fails(_R_AUTH, 0, c.read, a, 52, 1000)
        a = answer(c, cut=1)
        fails(_R_AUTH, 0, c.read, a, len(a), 1000)
    # a SHA-1 client meeting a CMAC answer: another length
    c = client(False)
    a = answer(client(True))
    fails(_R_AUTH, 0, c.read, a, len(a), 1000)


def test_origin_must_be_our_request():
    # RFC 5905 §8: a spoofed or replayed answer (authentic, but to another
    # request) carries another origin timestamp
    c = client(True)
    old = answer(c)
    c.request(unhex("1111111111111111"))  # the next request
    fails(_R_REPLAY, 1, c.read, old, len(old), 1000)
    a = answer(c, org=unhex("0123456789abcdee"))
    fails(_R_REPLAY, 1, c.read, a, len(a), 1000)
    a = answer(c)
    c.read(a, len(a), 1000)


def test_unsynchronised_and_kiss_o_death_are_refused():
    c = client(False)
    a = answer(c, li=3)  # leap indicator: not synchronised
    fails(_R_TIMESTAMP, 1, c.read, a, len(a), 1000)
    a = answer(c, stratum=16)
    fails(_R_TIMESTAMP, 1, c.read, a, len(a), 1000)
    a = answer(c, stratum=0, refid=b"RATE")  # RFC 5905 §7.4
    fails(_R_TIMESTAMP, 1, c.read, a, len(a), 1000)
    eq(c.kiss, b"RATE")
    a = answer(c, stratum=0, refid=b"DENY")
    fails(_R_TIMESTAMP, 1, c.read, a, len(a), 1000)
    eq(c.kiss, b"DENY")
    a = answer(c, tx=bytes(8))
    fails(_R_TIMESTAMP, 1, c.read, a, len(a), 1000)
    a = answer(c, rx=T3, tx=T2)  # answered before it was received
    fails(_R_TIMESTAMP, 1, c.read, a, len(a), 1000)
    a = answer(c, li=1)  # a leap second announced: still a good time
    c.read(a, len(a), 1000)
    eq(c.kiss, None)


def test_mode_and_version():
    c = client(False)
    for vn, mode in ((4, 3), (4, 5), (2, 4), (5, 4)):
        a = answer(c, vn=vn, mode=mode)
        fails(_R_BAD_VERSION, 13, c.read, a, len(a), 1000)
    a = answer(c, vn=3)
    c.read(a, len(a), 1000)


def test_cmac_key_length():
    fails(_R_BAD_LENGTH, 13, Client, 2, b"short", True)


def test_the_clock_takes_only_what_passed():
    # a refused answer never reaches the clock; a good one sets it
    c = client(True)
    k = Clock()
    bad = bytearray(answer(c))
    bad[-3] ^= 0x10
    fails(_R_AUTH, 0, c.read, bad, len(bad), 1000)
    eq(k.syncs, 0)
    a = answer(c)
    c.read(a, len(a), 1000)
    k.sync(c.t, 0, c.err, k.ticks())
    eq(k.syncs, 1)
    eq(k.uncertainty() >= c.err, True)
