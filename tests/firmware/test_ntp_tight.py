# A proxy sync in the 32 KB heap profile: the clock and the NTP client
# (firmware/mikey/clock.py, ntp.py) with one answer recorded as chronyd 4.3
# makes it (SHA1 key 1, RFC 5905 §7.3), taken and then replayed.

from micropython import const

from fwtest import eq, fails, unhex
from mikey.clock import Clock, _dus
from mikey.ntp import Client

_R_REPLAY = const(18)  # a copy of mikey.errors

KEY = unhex("000102030405060708090a0b0c0d0e0f10111213")
ANSWER = unhex("240800e6 00000000 00000000 7f7f0101 eeb42565 00000000 01234567 89abcdef"
               "eeb42565 00000000 eeb42565 00418938 00000001 26a6ad83 2e914414 433b8c61"
               "d8495192 b983b009")


def test_sync_in_32k():
    c = Client(1, KEY)
    eq(c.request(unhex("0123456789abcdef")), 72)
    k = Clock()
    eq(c.read(ANSWER, len(ANSWER), 3000), 1000 + 1 + 1)  # (3 ms - 1 ms) / 2, precision, tick
    k.sync(c.t, 0, c.err, k.ticks())
    eq(k.syncs, 1)
    b = bytearray(8)
    k.now_into(b)
    eq(_dus(b, 0, unhex("eeb42565 00418938"), 0) >= 1000, True)  # T3 + delta / 2, and on
    c.request(unhex("fedcba9876543210"))  # the next request: the old answer is a replay
    fails(_R_REPLAY, 1, c.read, ANSWER, len(ANSWER), 3000)
