"""NTPv4 client of the trusted proxy (RFC 5905 client mode, as SNTP: RFC
4330 §5) with symmetric-key authentication, feeding mikey.clock.

- `Client` is sans-IO: `request(rnd)` writes the request, `read(d, n,
  rtt)` checks an answer and leaves the proxy's time at its arrival in `t`
  with the error bound `err`. Keys: RFC 5905 §7.3 MAC (key id, then SHA-1
  of key || packet: chrony's SHA1 keys) or AES-128-CMAC (RFC 8573,
  RFC 4493: chrony's AES128 keys).
- `sync(clock, client, host, port, rnd)`: one exchange over UDP.

What is refused (MikeyError; the clock is not touched): a missing, short
or wrong MAC and a crypto-NAK (auth); an origin timestamp other than our
request's transmit timestamp, which is 8 random bytes (RFC 5905 §8 "bogus":
a spoofed or replayed answer; replay); leap indicator 3 (not synchronised),
stratum 0 (a kiss-o'-death: its code is left in `kiss`) or 16 and above, a
zero transmit timestamp, a root distance over 1 s (MAXDIST, §7.3), an
answer not from a server (timestamp); and what the clock itself refuses
(an implausible step).
"""

import cryptolib
import hashlib
from micropython import const

from mikey.clock import _add, _dus
from mikey.crypto import _eq, _mix
from mikey.errors import MikeyError

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_BAD_VERSION = const(5)
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)
_R_REPLAY = const(18)

_HEAD = const(48)  # the NTP header (§7.3); a MAC follows: key id (4) | digest
_US = const(1000000)

_X = bytearray(16)  # CMAC: the chain value
_Y = bytearray(16)  # ... a block
_K = bytearray(16)  # ... the subkey


def _dbl(b):
    # b = b << 1 in GF(2^128), RFC 4493 §2.3 (Rb = 0x87)
    c = b[0] >> 7
    for i in range(15):
        b[i] = (b[i] << 1 | b[i + 1] >> 7) & 0xFF
    b[15] = (b[15] << 1) & 0xFF ^ (0x87 if c else 0)


def cmac(a, m, n, out, o):
    """out[o:o+16] = AES-CMAC(key, m[:n]) (RFC 4493 §2.4); a is the key's
    ECB cipher, cryptolib.aes(key, 1), kept by the caller (320 bytes of
    heap: made once, not per MAC)."""
    for i in range(16):
        _X[i] = 0
    a.encrypt(_X, _K)  # L = AES(K, 0^128)
    _dbl(_K)  # K1
    j = 0
    while n - j > 16:  # every block but the last
        _mix(_X, 0, m, j, 16, 0xFF)
        a.encrypt(_X, _Y)
        _mix(_X, 0, _Y, 0, 16, 0)
        j += 16
    r = n - j
    if r < 16:  # an incomplete (or empty) last block: padded, K2
        _dbl(_K)
        _X[r] ^= 0x80
    _mix(_X, 0, m, j, r, 0xFF)
    _mix(_X, 0, _K, 0, 16, 0xFF)
    a.encrypt(_X, _Y)
    _mix(out, o, _Y, 0, 16, 0)


def _short_us(d, o):
    # NTP short format (16.16 seconds, §6) in µs
    return (d[o] << 8 | d[o + 1]) * _US + (((d[o + 2] << 8 | d[o + 3]) * 15625) >> 10)


class Client:
    """Requests to the proxy and checks of its answers, keyed with key id
    `key_id` and `key` (bytes): AES-128-CMAC when `aes`, else SHA-1."""

    def __init__(self, key_id, key, aes=False):
        if aes and len(key) != 16:
            raise MikeyError(_R_BAD_LENGTH)
        self.key_id = key_id
        self.key = key
        self.aes = cryptolib.aes(key, 1) if aes else None
        self.mac = 16 if aes else 20  # digest bytes
        self.buf = bytearray(_HEAD + 4 + self.mac)  # the request
        self.xmt = bytearray(8)  # its transmit timestamp
        self.t = bytearray(8)  # the proxy's time when its answer arrived
        self.err = 0  # µs the time in t may be off by
        self.kiss = None  # the kiss code of a kiss-o'-death answer

    def _digest(self, d, out, o):
        # the MAC of d[:48] (§7.3, RFC 8573 §4) into out[o:]
        if self.aes:
            cmac(self.aes, d, _HEAD, out, o)
        else:
            h = hashlib.sha1(self.key)
            h.update(memoryview(d)[:_HEAD])
            _mix(out, o, h.digest(), 0, 20, 0)

    def request(self, rnd):
        """The request in buf; returns its length. `rnd`: 8 random bytes,
        the transmit timestamp (our clock is not told to the network, and
        an answer must echo these bytes)."""
        b = self.buf
        for i in range(_HEAD):
            b[i] = 0
        b[0] = 0x23  # LI 0, VN 4, mode 3 (client)
        _mix(self.xmt, 0, rnd, 0, 8, 0)
        _mix(b, 40, rnd, 0, 8, 0)
        k = self.key_id
        b[48] = k >> 24 & 0xFF
        b[49] = k >> 16 & 0xFF
        b[50] = k >> 8 & 0xFF
        b[51] = k & 0xFF
        self._digest(b, b, 52)
        return len(b)

    def read(self, d, n, rtt):
        """Check the answer d[:n], which arrived rtt µs after the request
        left; then `t` is the proxy's time at its arrival, within `err` µs:
        T3 + delta/2 with delta = rtt - (T3 - T2) (RFC 5905 §8), the error
        half the round trip plus the proxy's root distance and precision."""
        self.kiss = None
        if n != len(self.buf) or len(d) < n:
            raise MikeyError(_R_AUTH)  # no MAC, a crypto-NAK, or another MAC type
        b = self.buf
        if not _eq(d, _HEAD, b, _HEAD, 4):
            raise MikeyError(_R_AUTH)  # another key
        s = bytearray(self.mac)
        self._digest(d, s, 0)
        if not _eq(d, 52, s, 0, self.mac):
            raise MikeyError(_R_AUTH)
        if not _eq(d, 24, self.xmt, 0, 8):
            raise MikeyError(_R_REPLAY)  # not the answer to this request
        v = d[0] >> 3 & 7
        if d[0] & 7 != 4 or v < 3 or v > 4:
            raise MikeyError(_R_BAD_VERSION)
        if d[1] == 0:
            self.kiss = bytes(d[12:16])  # RFC 5905 §7.4: DENY, RSTR, RATE, ...
            raise MikeyError(_R_TIMESTAMP)
        if d[0] >> 6 == 3 or d[1] >= 16:
            raise MikeyError(_R_TIMESTAMP)  # the proxy is not synchronised
        if not (d[40] | d[41] | d[42] | d[43] | d[44] | d[45] | d[46] | d[47]):
            raise MikeyError(_R_TIMESTAMP)
        proc = _dus(d, 40, d, 32)  # T3 - T2: the time the proxy held it
        if proc is None or proc < 0:
            raise MikeyError(_R_TIMESTAMP)
        root = _short_us(d, 4) // 2 + _short_us(d, 8)
        if root > _US:
            raise MikeyError(_R_TIMESTAMP)  # root distance over MAXDIST
        delta = rtt - proc if rtt > proc else 0
        p = d[3] if d[3] < 128 else d[3] - 256  # precision, log2 seconds
        prec = _US >> -p if -20 < p < 0 else (1 if p <= -20 else _US)
        _mix(self.t, 0, d, 40, 8, 0)
        _add(self.t, 0, 0, delta // 2)
        self.err = (delta + 1) // 2 + root + prec + 1
        return self.err


def sync(clock, client, host, port=123, rnd=None, timeout=1000):
    """One exchange with the proxy at host:port over UDP; the clock takes
    the answer. Returns the offset the clock had (µs, None on a first sync
    or a large one). Raises the MikeyError of the last answer refused, or
    OSError ETIMEDOUT when none came within `timeout` ms; either way the
    clock is untouched and retries soon (clock.failed())."""
    import errno
    import select
    import socket
    import time

    if rnd is None:
        from os import urandom

        rnd = urandom(8)
    addr = socket.getaddrinfo(host, port, 0, socket.SOCK_DGRAM)[0][-1]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    err = None
    try:
        n = client.request(rnd)
        p = select.poll()
        p.register(s, select.POLLIN)
        start = time.ticks_ms()
        t0 = clock.ticks()
        s.sendto(memoryview(client.buf)[:n], addr)
        while True:
            left = timeout - time.ticks_diff(time.ticks_ms(), start)
            if left <= 0 or not p.poll(left):
                break
            d, peer = s.recvfrom(2 * n)
            tick = clock.ticks()
            if peer != addr:
                continue  # not from the proxy
            try:
                client.read(d, len(d), clock.diff(tick, t0))
            except MikeyError as e:
                err = e  # dropped; the real answer may still come
                continue
            try:
                return clock.sync(client.t, 0, client.err, tick)
            except MikeyError:
                clock.failed()
                raise
    finally:
        s.close()
    k = client.kiss  # RFC 5905 §7.4: DENY, RSTR: stop asking; RATE: slow down
    clock.failed(86400 if k in (b"DENY", b"RSTR") else 1024 if k == b"RATE" else 16)
    if err is not None:
        raise err
    raise OSError(errno.ETIMEDOUT)
