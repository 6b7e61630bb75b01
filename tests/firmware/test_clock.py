# The device clock (firmware/mikey/clock.py): proxy time on the tick counter
# (docs/clock.md). NTP values across the 2036 era rollover (RFC 4330 §3,
# RFC 5905 §6), the tick counter's wrap-around, unique T values (RFC 3830
# §5.4), the uncertainty and the replay window it widens, the jump bound,
# the drift estimate and the re-sync schedule. Ticks are driven by hand.

import time

from micropython import const

from fwtest import eq, fails, no_alloc, unhex
from mikey.clock import Clock, _add, _dus, _sub, epoch, from_port, to_port

_R_TIMESTAMP = const(17)  # a copy of mikey.errors

T2026 = unhex("eeb42500 80000000")  # 2026-11-27 15:xx:xx.5


class Ticks:
    """A tick counter moved by hand: µs, wrapping with the port's period
    (time.ticks_add), or with `bits` bits as on the 32-bit boards."""

    def __init__(self, start=0, bits=0):
        self.bits = bits
        self.t = start if bits else time.ticks_add(0, start)

    def __call__(self):
        return self.t

    def step(self, us):
        if self.bits:
            self.t = (self.t + us) & ((1 << self.bits) - 1)
        else:
            self.t = time.ticks_add(self.t, us)

    def diff(self, a, b):
        if not self.bits:
            return time.ticks_diff(a, b)
        h = 1 << (self.bits - 1)
        return ((a - b + h) & ((1 << self.bits) - 1)) - h


def clock(start=0, bits=0, **kw):
    k = Ticks(start, bits)
    return Clock(ticks=k, diff=k.diff, **kw), k


def now(c):
    b = bytearray(8)
    c.now_into(b)
    return b


def test_epoch_is_found_not_assumed():
    # the port's time.time() counts from 1970 (unix, rp2) or 2000 (esp32)
    y = time.gmtime(0)[0]
    eq(epoch(), {1970: 2208988800, 2000: 3155673600}[y])
    b = bytearray(8)
    from_port(0, 0, b)
    eq(to_port(b), 0)


def test_era_arithmetic_across_the_2036_rollover():
    # 2036-02-07 06:28:15.5 + 1 s: the seconds wrap to era 1 (RFC 4330 §3)
    b = bytearray(unhex("ffffffff 80000000"))
    _add(b, 0, 1, 0)
    eq(bytes(b), unhex("00000000 80000000"))
    _add(b, 0, 0, 600000)  # + 0.6 s
    eq(bytes(b[:4]), unhex("00000001"))
    eq(_dus(b, 0, unhex("ffffffff 80000000"), 0), 1600000)
    eq(_dus(unhex("ffffffff 80000000"), 0, b, 0), -1600000)
    eq(_sub(unhex("ffffffff 00000000"), 0, unhex("00000000 00000000"), 0), True)  # 2036 before 2036+
    eq(_sub(unhex("00000000 00000000"), 0, unhex("ffffffff 00000000"), 0), False)
    _add(b, 0, -2, 0)  # and back again
    eq(bytes(b[:4]), unhex("ffffffff"))
    # port time of era 1: 2**32 - 2208988800 s after 1970 is 2036-02-07 06:28:16
    e1 = (1 << 32) - 2208988800
    from_port(e1 + 16 - (epoch() - 2208988800), 250000, b)
    eq(bytes(b), unhex("00000010 40000000"))
    eq(to_port(b) + epoch() - 2208988800, e1 + 16)
    from_port(e1 - 1 - (epoch() - 2208988800), 0, b)
    eq(bytes(b[:4]), unhex("ffffffff"))


def test_clock_runs_across_the_rollover():
    c, k = clock()
    c.sync(unhex("ffffffff 00000000"), 0, 1000, k())
    k.step(3500000)
    eq(bytes(now(c)), unhex("00000002 80000000"))
    t1, t2 = bytearray(8), bytearray(8)
    c.t_into(t1)
    k.step(1)
    c.t_into(t2)
    eq(_dus(t2, 0, t1, 0) >= 0, True)
    eq(_sub(t1, 0, t2, 0), True)


def test_microsecond_fractions():
    b = bytearray(8)
    for us, frac in ((1, "000010c7"), (500000, "80000000"), (999999, "ffffef3a"), (250000, "40000000")):
        for i in range(8):
            b[i] = 0
        _add(b, 0, 0, us)
        eq(bytes(b[4:]), unhex(frac))
        eq(_dus(b, 0, bytes(8), 0), us)


def test_never_synced():
    c, k = clock()
    b = bytearray(b"\xff" * 8)
    eq(c.now_into(b), False)
    eq(bytes(b), bytes(8))
    eq(c.t_into(b), False)
    eq(c.uncertainty(), None)
    eq(c.window(300), 300)
    eq(c.due(), True)


def test_ticks_wrap_around_the_ports_period():
    # the counter starts 2 s before it wraps; read every 0.3 s across it
    c, k = clock(-2000000)
    c.sync(T2026, 0, 100, k())
    for _ in range(20):
        k.step(300000)
        c.now_into(bytearray(8))
    eq(_dus(now(c), 0, T2026, 0), 6000000)


def test_ticks_wrap_around_30_bits_as_on_the_boards():
    # ESP32 and RP2040: ticks_us wraps every 2**30 µs (17.9 minutes); read
    # at least once per half period, the clock follows for hours
    c, k = clock((1 << 30) - 1000, bits=30)
    c.sync(T2026, 0, 100, k())
    for _ in range(100):  # 100 x 5 minutes
        k.step(300000000)
        c.update()
    eq(_dus(now(c), 0, T2026, 0), None)  # 30000 s: more than _dus tells
    b = bytearray(T2026)
    _add(b, 0, 30000, 0)
    eq(_dus(now(c), 0, b, 0), 0)


def test_unique_t_under_rapid_calls():
    # RFC 3830 §5.4: T is unique per Initiator message, even within a tick
    c, k = clock()
    c.sync(T2026, 0, 100, k())
    last = bytearray(8)
    t = bytearray(8)
    c.t_into(last)
    for i in range(200):
        if i % 50 == 0:
            k.step(1)
        c.t_into(t)
        eq(_sub(last, 0, t, 0), True)  # strictly after the last
        last[:] = t
    # a sync that steps back does not make T repeat either
    c.sync(T2026, 0, 100, k())
    c.t_into(t)
    eq(_sub(last, 0, t, 0), True)
    # one that steps back a minute restarts T from the new time
    back = now(c)
    _add(back, 0, -60, 0)
    c.sync(back, 0, 100, k())
    c.t_into(t)
    eq(_dus(t, 0, back, 0), 0)


def test_unique_t_on_the_real_counter_allocates_nothing():
    c = Clock()
    c.sync(T2026, 0, 100, time.ticks_us())
    a, b = bytearray(8), bytearray(8)
    c.t_into(a)
    for _ in range(100):
        no_alloc(c.t_into, b, 0)
        eq(_sub(a, 0, b, 0), True)
        a[:] = b


def test_uncertainty_grows_with_the_drift_allowance():
    # RFC 5905 §9.1: the error bound at the sync plus PHI x the time since;
    # here the crystal's 100 ppm until the drift is estimated
    c, k = clock(ppm=100)
    c.sync(T2026, 0, 2500, k())
    eq(c.uncertainty(), 2500)
    k.step(10000000)  # 10 s
    eq(c.uncertainty(), 2500 + 1000)
    k.step(490000000)  # 1000 s in all, read half way
    c.update()
    k.step(500000000)
    eq(c.uncertainty(), 2500 + 100000)


def test_replay_window_widens_with_uncertainty():
    c, k = clock(ppm=100)
    c.sync(T2026, 0, 1000, k())
    eq(c.window(300), 300)
    eq(c.window(5), 5)
    for _ in range(100):  # 60000 s unsynced: 6 s of uncertainty
        k.step(600000000)
        c.update()
    eq(c.uncertainty(), 1000 + 6000000)
    eq(c.window(5), 7)  # rounded up to whole seconds
    eq(c.window(300), 300)
    c.ppm = 2000000  # absurd: the window stops at what mikey.psk takes
    eq(c.window(300), 65535)


def test_an_implausible_jump_is_refused_unless_consented():
    c, k = clock(max_step=600)
    c.sync(T2026, 0, 1000, k())
    k.step(1000000)
    before = bytes(now(c))
    far = bytearray(T2026)
    _add(far, 0, 3600, 0)  # an hour ahead
    fails(_R_TIMESTAMP, 1, c.sync, far, 0, 1000, k())
    eq(bytes(now(c)), before)  # untouched
    _add(far, 0, -7200, 0)  # an hour behind
    fails(_R_TIMESTAMP, 1, c.sync, far, 0, 1000, k())
    eq(bytes(now(c)), before)
    near = bytearray(T2026)
    _add(near, 0, 500, 0)  # within max_step: taken
    c.sync(near, 0, 1000, k())
    eq(bytes(now(c)), bytes(near))
    c.consent = True  # the operator allows one step
    c.sync(far, 0, 1000, k())
    eq(bytes(now(c)), bytes(far))
    eq(c.consent, False)  # ... one
    fails(_R_TIMESTAMP, 1, c.sync, T2026, 0, 1000, k())


def test_a_time_before_2025_is_refused_even_first():
    # a proxy that itself woke up in 2021 (an RP2040's RTC) is not believed
    c, k = clock()
    fails(_R_TIMESTAMP, 1, c.sync, unhex("e3b00000 00000000"), 0, 1000, k())
    eq(c.syncs, 0)


def test_sample_is_carried_to_now():
    # the proxy's time held at an earlier tick: what the clock says now is
    # that time plus the ticks since
    c, k = clock()
    t0 = k()
    k.step(250000)
    c.sync(T2026, 0, 1000, t0)
    eq(_dus(now(c), 0, T2026, 0), 250000)


def test_drift_estimate_from_successive_syncs():
    # our ticks run 50 ppm slow: after 1000 s the proxy is 50 ms ahead
    c, k = clock(ppm=100)
    c.sync(T2026, 0, 500, k())
    k.step(500000000)
    c.update()
    k.step(500000000)
    p = bytearray(T2026)
    _add(p, 0, 1000, 50000)
    eq(c.sync(p, 0, 500, k()), 50000)  # the offset it had
    eq(c.ppb, 50000)
    eq(c.est, 1)  # (0.5 + 0.5 ms) / 1000 s
    eq(c.allowance(), 16)  # PHI + the estimate's error, not the crystal's 100
    k.step(500000000)  # the next 1000 s, corrected
    c.update()
    k.step(500000000)
    _add(p, 0, 1000, 50000)
    eq(_dus(now(c), 0, p, 0), 0)


def test_resync_schedule():
    c, k = clock()
    eq(c.due(), True)
    c.sync(T2026, 0, 100, k())
    eq(c.due(), False)
    k.step(63000000)
    eq(c.due(), False)
    k.step(1000000)
    eq(c.due(), True)  # 64 s
    polls = []
    for _ in range(6):
        c.sync(now(c), 0, 100, k())
        s = 0
        while not c.due():
            k.step(1000000)
            s += 1
        polls.append(s)
    eq(polls, [128, 256, 512, 1024, 1024, 1024])
    c.failed()  # a failed attempt: again in 16 s
    k.step(15000000)
    eq(c.due(), False)
    k.step(1000000)
    eq(c.due(), True)


def test_floor_is_where_this_boot_began():
    # docs/clock.md "After a reboot": the first sync 30 s after the clock
    # started puts the floor 30 s before it, less the allowance over those
    # 30 s and the sync's error (taken late: not one earlier T gets in)
    c, k = clock(ppm=100)
    k.step(30000000)
    c.sync(T2026, 0, 2000, k())
    want = bytearray(T2026)
    _add(want, 0, -30, 2000 + 3000)
    eq(bytes(c.floor), bytes(want))
    floor = bytes(c.floor)
    k.step(100000000)
    c.sync(now(c), 0, 2000, k())
    eq(bytes(c.floor), floor)  # later syncs leave it
