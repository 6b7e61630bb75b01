# The MIKEY-PSK exchange (firmware/mikey/psk.py) in the tight profile's
# 32 KB heap, modules loaded as .mpy as a device loads them: build, respond,
# finish, both sides' contexts equal, a hundred times over (each with a new
# T: the replay cache is in play); and a refused message answered with an
# Error message. A small module: the heap is the exchange's. The code only
# a refusal (mikey._reject) or a payload outside PSK (mikey._walk) needs is
# not loaded by an accepted exchange.

import gc
import sys

from fwtest import eq
from mikey.base import SLOT
from mikey.psk import Initiator, Responder

FW_PROFILES = ("tight",)


def test_exchange_in_32_kb():
    gc.collect()
    psk = b"\x5a" * 16
    i = Initiator(psk, cs=1)
    r = Responder(psk, cs=1, cache=8)
    b = bytearray(128)
    o = bytearray(64)
    t = bytearray(b"\xe9\x3a\x5c\x10\x00\x00\x00\x00")
    for k in range(100):
        t[7] = k
        n = i.build(b, b"\x12\x34\x56\x78", b"\xa5" * 16, t, ((1, 0, 0),), ((False, b"\x3c" * 16, None, None),))
        m = r.respond(b, n, t, o)
        eq((r.error, i.finish(o, m), bytes(i.ctx[:SLOT]) == bytes(r.ctx[:SLOT])), (None, 1, True))
    m = r.respond(b, n, t, o)  # the last one again: a replay
    eq((r.error.code, o[1], m), (1, 6, 24))


def test_accepting_loads_no_refusal_code():
    psk = b"\x5a" * 16
    i = Initiator(psk, cs=1)
    r = Responder(psk, cs=1, cache=8)
    b = bytearray(128)
    o = bytearray(64)
    t = b"\xe9\x3a\x5c\x10\x00\x00\x00\x07"
    n = i.build(b, b"\x12\x34\x56\x78", b"\xa5" * 16, t, ((1, 0, 0),), ((False, b"\x3c" * 16, None, None),))
    eq((i.finish(o, r.respond(b, n, t, o)), "mikey._reject" in sys.modules, "mikey._walk" in sys.modules),
       (1, False, False))
    b[n - 1] ^= 1  # a MAC that does not verify: refused with an Error message
    eq((r.respond(b, n, t, o), r.error.code, "mikey._reject" in sys.modules, "mikey._walk" in sys.modules),
       (24, 0, True, False))
