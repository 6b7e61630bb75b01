"""The device's clock, kept in step with the trusted proxy: MIKEY's replay
protection rests on it (RFC 3830 §5.4), and the boards have no clock that
survives a reset (an RP2040 wakes up in 2021).

Time = the proxy's NTP time at the last sync + the monotonic ticks since
(time.ticks_us, corrected by the drift estimate), never the RTC: the rp2
RTC drops sub-seconds and each port counts from its own epoch. The tick
counter wraps (every 2**30 µs, 17.9 minutes, on the 32-bit ports), so the
clock accumulates it into seconds and µs on every read: read it at least
once per half period (the agent does, every 200 ms).

With the time comes its uncertainty: the error bound at the sync (half the
round trip, the proxy's root distance) growing at the drift allowance since
(RFC 5905 §9.1: epsilon grows at PHI). MIKEY's window widens to it
(`window`), T values never repeat (`t_into`), and after a reboot `floor`
says which T this boot may accept (docs/clock.md).

NTP values are 8 bytes (seconds since 1900, then a binary fraction) worked
on in 16-bit limbs: on the devices an int of 2**30 or more is a heap object.
Arithmetic is mod 2**64, which is what carries it across the 2036 era
rollover (RFC 4330 §3, RFC 5905 §6).
"""

import time

from micropython import const

from mikey.crypto import _eq, _mix, _tdiff
from mikey.errors import MikeyError

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)

_US = const(1000000)
_PHI = const(15)  # ppm: RFC 5905 §7.2 frequency tolerance, once the drift is estimated
_MAX_PPB = const(500000)  # a drift estimate beyond 500 ppm is a bad sample, not a crystal
_MIN_POLL = const(64)  # seconds: the first re-sync (RFC 5905 MINPOLL 6)
_MAX_POLL = const(1024)  # doubling up to this (MAXPOLL would be 36 h: our allowance is wider)
_RETRY = const(16)  # seconds after a failed sync
# 2025-01-01 in NTP seconds: a proxy time before it is a broken proxy, and
# what the era of a time is judged against (RFC 4330 §3 pivots at 1968)
_EARLIEST = b"\xeb\x1f\x04\x00\x00\x00\x00\x00"

_LABEL = b"MIKEY-TIME"  # what the serial link's time MAC covers first
_REPORT = const(29)  # TIME answer: time (8) | synced (1) | uncertainty (4) | nonce (16)
_SET = const(57)  # TIME set: time (8) | flags (1) | nonce (16) | HMAC-SHA-256 (32)
_STEP = const(1)  # flags: this set may step the clock (the operator consents)
_NEXT = const(2)  # ... the next sync may

_D = bytearray(8)  # scratch: a difference of two NTP values


def _add(b, o, s, us):
    """b[o:o+8] += s seconds + us µs (either signed), mod 2**64. The
    fraction is rounded up, so that _dus reads the µs back exactly."""
    s += us // _US
    us %= _US
    x = (b[o + 6] << 8 | b[o + 7]) + ((us * 1024 % 15625) * 65536 + 15624) // 15625  # us * 2**32 / 10**6, up
    b[o + 7] = x & 0xFF
    b[o + 6] = x >> 8 & 0xFF
    x = (b[o + 4] << 8 | b[o + 5]) + us * 1024 // 15625 + (x >> 16)
    b[o + 5] = x & 0xFF
    b[o + 4] = x >> 8 & 0xFF
    x = (b[o + 2] << 8 | b[o + 3]) + (s & 0xFFFF) + (x >> 16)
    b[o + 3] = x & 0xFF
    b[o + 2] = x >> 8 & 0xFF
    x = (b[o] << 8 | b[o + 1]) + (s >> 16 & 0xFFFF) + (x >> 16)
    b[o + 1] = x & 0xFF
    b[o] = x >> 8 & 0xFF


def _sub(a, i, b, j):
    """_D = a[i:i+8] - b[j:j+8] mod 2**64; True when negative as a signed
    64-bit value (a before b, the era taken into account)."""
    c = 0
    k = 7
    while k >= 0:
        x = a[i + k] - b[j + k] - c
        c = 1 if x < 0 else 0
        _D[k] = x & 0xFF
        k -= 1
    return _D[0] >= 0x80


def _dus(a, i, b, j):
    """a - b in µs (signed), or None when 512 s or more apart."""
    neg = _sub(a, i, b, j)
    if neg:  # two's complement: invert, add one
        c = 1
        k = 7
        while k >= 0:
            x = (_D[k] ^ 0xFF) + c
            _D[k] = x & 0xFF
            c = x >> 8
            k -= 1
    if _D[0] or _D[1] or _D[2] >= 2:
        return None
    us = (_D[2] << 8 | _D[3]) * _US + (((_D[4] << 8 | _D[5]) * 15625 + (((_D[6] << 8 | _D[7]) * 15625) >> 16)) >> 10)
    return -us if neg else us


def epoch():
    """NTP seconds of this port's time.time() epoch, found from the port
    (1970 on unix and rp2, 2000 on esp32), never assumed."""
    y = time.gmtime(0)[0] - 1
    return (365 * (y - 1899) + y // 4 - y // 100 + y // 400 - 460) * 86400


def to_port(b, o=0):
    """The port's time.time() seconds of the NTP value b[o:o+8]: seconds
    with the top bit clear are era 1, after 2036 (RFC 4330 §3)."""
    s = b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3]
    if not b[o] & 0x80:
        s += 1 << 32
    return s - epoch()


def from_port(s, us, b, o=0):
    """b[o:o+8] = the NTP value of the port's time s seconds + us µs."""
    for i in range(8):
        b[o + i] = 0
    _add(b, o, s + epoch(), us)  # (mod 2**32 seconds: the era drops out)


class Clock:
    """Proxy time on the tick counter. `ticks` and `diff` are injectable
    (tests drive them by hand): time.ticks_us and time.ticks_diff.

    ppm       drift allowance until the drift is estimated (the crystal's
              tolerance over temperature)
    max_step  seconds a sync may move a synced clock without consent
    """

    def __init__(self, ppm=100, max_step=600, ticks=None, diff=None):
        self.ticks = ticks or time.ticks_us
        self.diff = diff or time.ticks_diff
        self.ppm = ppm
        self.max_step = max_step
        self.syncs = 0  # accepted syncs since the clock started
        self.consent = False  # the operator allows the next sync to step
        self.base = bytearray(8)  # NTP time at the last sync ...
        self.floor = bytearray(8)  # a T this boot may accept is not before this
        self.ppb = 0  # drift estimate: our ticks run this much slow (parts per 10**9)
        self.est = -1  # ppm error of the estimate; -1: none yet
        self._t = bytearray(8)  # the last T handed out
        self._given = False
        self._last = self.ticks()
        self._s = self._us = 0  # ticks since the clock started: seconds, µs
        self._as = self._aus = 0  # ... at the last sync
        self._es = self._eus = 0  # ... since the last sync (_since())
        self._err = 0  # µs: error bound at the last sync
        self._next = 0  # seconds since start: when a sync is due
        self._poll = _MIN_POLL  # seconds between syncs
        self.nonce = bytearray(16)  # the serial link's challenge ...
        self._nt = None  # ... and the tick it was given at (None: none open)

    def update(self):
        """Fold the ticks since the last read into the running count."""
        t = self.ticks()
        d = self.diff(t, self._last)
        self._last = t
        if d > 0:  # (negative: the counter was not read for half a period)
            us = self._us + d
            self._s += us // _US
            self._us = us % _US

    def _since(self):
        # _es, _eus = the time since the last sync (after update())
        s = self._s - self._as
        us = self._us - self._aus
        if us < 0:
            s -= 1
            us += _US
        self._es = s
        self._eus = us

    def allowance(self):
        """Drift allowance in ppm: the crystal's tolerance, or PHI plus the
        error of the drift estimate once there is one."""
        e = self.est
        return self.ppm if e < 0 else min(self.ppm, e + _PHI)

    def now_into(self, b, o=0):
        """b[o:o+8] = the current NTP time; False (and zeros) when the
        clock has never been synced."""
        self.update()
        if not self.syncs:
            for i in range(8):
                b[o + i] = 0
            return False
        self._since()
        s = self._es
        us = self._eus
        p = self.ppb  # the drift correction, in µs
        us += (s * p) // 1000 + ((us // 1000) * p) // _US
        for i in range(8):
            b[o + i] = self.base[i]
        _add(b, o, s, us)
        return True

    def t_into(self, b, o=0):
        """A T for an Initiator message (RFC 3830 §5.4): the current time,
        but always after the last one given, even within one tick and
        across a sync that stepped back by up to a second (a larger step
        back restarts the sequence: docs/clock.md). False when never
        synced."""
        if not self.now_into(b, o):
            return False
        t = self._t
        if self._given and not _sub(t, 0, b, o):  # not after the last: the last + 2**-32 s
            for i in range(8):
                b[o + i] = t[i]
            i = o + 7
            while i >= o:
                b[i] = (b[i] + 1) & 0xFF
                if b[i]:
                    break
                i -= 1
        for i in range(8):
            t[i] = b[o + i]
        self._given = True
        return True

    def uncertainty(self):
        """µs the time may be off by (None when never synced): the error at
        the sync plus the drift allowance since (RFC 5905 §9.1)."""
        self.update()
        if not self.syncs:
            return None
        self._since()
        a = self.allowance()
        return self._err + self._es * a + self._eus * a // _US

    def window(self, w):
        """The replay window to judge T with: the configured w seconds, or
        the uncertainty when it is wider (at most 65535: mikey.psk's)."""
        u = self.uncertainty()
        u = 0 if u is None else (u + _US - 1) // _US
        return min(65535, max(w, u))

    def due(self):
        """True when a sync is due: never synced, or the re-sync schedule
        (64 s, doubling to 1024 s; 16 s after a failure) says so."""
        self.update()
        return self._s >= self._next

    def failed(self, wait=_RETRY):
        """A sync attempt failed: the time stays; try again in `wait`
        seconds (16; longer when the proxy said so, mikey.ntp.sync)."""
        self.update()
        self._next = self._s + wait

    def sync(self, t, o, err, tick):
        """Take the proxy's time t[o:o+8], valid at tick `tick` to within
        `err` µs. Refused (MikeyError timestamp, the clock untouched): a time
        before 2025, or, on a synced clock, a step of more than max_step
        seconds beyond the uncertainty unless the operator consented."""
        self.update()
        back = self.diff(self._last, tick)  # µs from the sample to now
        if back < 0:
            back = 0
        a = self.allowance()
        err += back * a // _US
        new = bytearray(t[o : o + 8])
        _add(new, 0, 0, back)  # the sample, brought forward to now
        if _sub(new, 0, _EARLIEST, 0):
            raise MikeyError(_R_TIMESTAMP)
        theta = None
        if self.syncs:
            old = bytearray(8)
            self.now_into(old, 0)
            w = min(65535, self.max_step + self.uncertainty() // _US + 1)
            if not self.consent and _tdiff(new, 0, old, 0, w) in (-2, 2):
                raise MikeyError(_R_TIMESTAMP)  # an implausible jump
            theta = _dus(new, 0, old, 0)
            self._since()
            if theta is not None and self._es >= _MIN_POLL:  # RFC 5905 §11.3, much simplified
                ms = self._es * 1000 + self._eus // 1000
                e = (self._err + err) * 1000000 // ms  # ppb the estimate may be off by
                if e < self.ppm * 1000:
                    p = self.ppb + theta * 1000000 // ms
                    if -_MAX_PPB <= p <= _MAX_PPB:
                        self.ppb = p
                        self.est = (e + 999) // 1000
        else:  # the first sync of this boot: where the boot began (docs/clock.md)
            f = self.floor
            f[:] = new
            _add(f, 0, -self._s, -self._us + err + self._s * self.ppm + self._us * self.ppm // _US)
        d = _dus(new, 0, self._t, 0)
        if d is None or d < -_US:  # stepped back more than 1 s behind the last T:
            self._given = False  # T restarts (held ahead, it would miss every peer's window)
        self.base[:] = new
        self._as = self._s
        self._aus = self._us
        self._err = err
        self.consent = False
        if self.syncs:
            self._poll = min(_MAX_POLL, 2 * self._poll)
        self.syncs += 1
        self._next = self._s + self._poll
        return theta

    # -- the serial link (docs/serial-protocol.md, TIME) ----------------------

    def report(self, out, o):
        """The TIME answer into out[o:o+29]: time, synced, uncertainty (µs,
        0xFFFFFFFF unknown), and the 16 bytes already at out[o+13:o+29],
        random, which become the nonce the next set must carry."""
        out[o + 8] = 1 if self.now_into(out, o) else 0
        u = self.uncertainty()
        u = 0xFFFFFFFF if u is None or u > 0xFFFFFFFF else u
        for i in range(4):
            out[o + 12 - i] = u >> 8 * i & 0xFF
        _mix(self.nonce, 0, out, o + 13, 16, 0)
        self._nt = self.ticks()
        return _REPORT

    def link_set(self, p, key):
        """A TIME set from the PC: time (8) | flags (1) | nonce (16) |
        HMAC-SHA-256(time key, "MIKEY-TIME" || time || flags || nonce).
        The nonce is the last one reported, and good for one try: a frame
        replayed, or made without the key, is refused (auth). The PC read
        its clock between our nonce and this frame, so the time is taken
        as of half way, within half that span. A zero time only sets the
        flags (_NEXT: the operator allows the next proxy sync to step)."""
        from mikey.crypto import hmac

        tick = self.ticks()
        if len(p) != _SET:
            raise MikeyError(_R_BAD_LENGTH)
        nt = self._nt
        self._nt = None
        m = hmac(key, 0, len(key), True, _LABEL, len(_LABEL), (memoryview(p)[:25],))
        if nt is None or not _eq(p, 9, self.nonce, 0, 16) or not _eq(p, 25, m, 0, 32):
            raise MikeyError(_R_AUTH)
        f = p[8]
        if p[0] | p[1] | p[2] | p[3] | p[4] | p[5] | p[6] | p[7]:
            half = self.diff(tick, nt) // 2
            t = bytearray(p[:8])
            _add(t, 0, 0, half)
            self.consent = self.consent or bool(f & _STEP)
            try:
                self.sync(t, 0, half + 1, tick)
            finally:
                self.consent = False
        if f & _NEXT:
            self.consent = True
