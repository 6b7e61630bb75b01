# The clock in the device agent (firmware/mikey/agent.py, docs/clock.md):
# the Responder refuses with Invalid TS until the clock has been synced, its
# replay window widens with the clock's uncertainty, after a reboot it
# refuses what may have been accepted before it (RFC 3830 §5.4), and the
# agent's own I_MESSAGEs carry T values that never repeat.

FW_PROFILES = ("esp32", "rp2040")  # the agent, both roles and the clock: more than 32 KB

import io

from micropython import const

from fwtest import eq, fails, unhex
from mikey import frame
from mikey.agent import Agent
from mikey.clock import Clock, _add, _sub
from mikey.psk import Initiator
from test_clock import Ticks

_R_TIMESTAMP = const(17)  # a copy of mikey.errors

PSK = unhex("000102030405060708090a0b0c0d0e0f")
S1 = unhex("eeb42500 00000000")


def agent(ticks):
    a = Agent(None, io.BytesIO(), board="test", store_file="/nonexistent/mikey.json",
              store_new="/nonexistent/mikey.new")
    a.x("configure", {"psk": PSK.hex(), "window": 300})
    a.clock = Clock(ticks=ticks, diff=ticks.diff)
    return a


def i_message(t, csb=b"\x01\x02\x03\x04"):
    b = bytearray(200)
    n = Initiator(PSK, cs=1).build(b, csb, b"\xa5" * 16, t, ((0x1234, 0, 0),), ((False, b"\x3c" * 16, None, None),))
    return bytes(b[:n])


def status(a, m):
    a.mikey(m)
    return a.tx[frame.HEADER], a.tx[frame.HEADER + 1]  # status, Error no


def at(t, s):
    b = bytearray(t)
    _add(b, 0, s, 0)
    return b


def test_refused_with_invalid_ts_until_synced():
    k = Ticks()
    a = agent(k)
    m = i_message(S1)
    eq(status(a, m), (1, 1))  # refused: Invalid TS, with the Error message for the peer
    e = a.tx[frame.HEADER + 6 :]
    eq((e[1], bytes(e[4:8])), (6, bytes(m[4:8])))  # data type 6, the CSB ID answered
    k.step(1000000)  # up for a second, then synced
    a.clock.sync(S1, 0, 1000, k())
    eq(status(a, m), (0, 0))


def test_after_a_reboot_what_came_before_is_refused():
    # Accepted at S1, then the device reboots 5 s later, comes up and syncs
    # 20 s after that: the message replayed is inside the window (25 s old)
    # but from before this boot began, so refused (Invalid TS); one made
    # now is accepted.
    k = Ticks()
    a = agent(k)
    k.step(1000000)
    a.clock.sync(S1, 0, 1000, k())
    m = i_message(S1)
    eq(status(a, m), (0, 0))
    k2 = Ticks()
    b = agent(k2)  # the reboot: an empty replay cache, a new clock
    k2.step(20000000)
    b.clock.sync(at(S1, 25), 0, 1000, k2())
    eq(status(b, m), (1, 1))
    eq(status(b, i_message(at(S1, 25), b"\x05\x06\x07\x08")), (0, 0))
    # the same message on the first device: a replay (the cache has it)
    eq(status(a, m), (1, 1))


def test_window_widens_with_uncertainty():
    # T 400 s old: outside a 300 s window, inside one widened to a clock
    # 600 s unsure of itself
    k = Ticks()
    a = agent(k)
    k.step(1000000)
    a.clock.sync(S1, 0, 1000, k())
    eq(status(a, i_message(at(S1, -400), b"\x0a\x0a\x0a\x0a")), (1, 1))
    k2 = Ticks()
    b = agent(k2)
    b.clock.sync(S1, 0, 600000000, k2())
    b.clock.floor[:] = at(S1, -3600)  # (the boot long before: no floor in the way)
    eq(status(b, i_message(at(S1, -400), b"\x0b\x0b\x0b\x0b")), (0, 0))


def test_own_i_messages_have_unique_t_within_one_tick():
    k = Ticks()
    a = agent(k)
    spec = b'{"mode": "psk", "cs": [{"ssrc": 4660}], "v": true}'
    fails(_R_TIMESTAMP, 1, a.x, "exchange", spec)  # no clock, no T
    k.step(1000000)
    a.clock.sync(S1, 0, 1000, k())
    ts = []
    for _ in range(5):  # the tick counter does not move
        n = a.x("exchange", spec)
        ts.append(bytes(a.tx[frame.HEADER + 21 : frame.HEADER + 29]))  # T (HDR and one CS: 19 B, T header 2)
    for i in range(4):
        eq(_sub(ts[i], 0, ts[i + 1], 0), True)
    eq(ts[0][:4], S1[:4])
