"""MIKEY's cryptography on MicroPython built-ins, as plain functions over
byte windows (buf, off, n) that are read and written in place:

- mix: XOR / copy of windows; _eq (a kernel, for windows the caller has
  checked): constant-time compare (RFC 3830 §5.2: a MAC check must not
  exit early).
- mac_begin, mac_end: HMAC (RFC 2104) over hashlib.sha1 (HMAC-SHA-1-160,
  §4.2.4) or hashlib.sha256 (HMAC-SHA-256-256, RFC 6043 §6.2); hmac: the
  two over a window and a list of byte strings.
- prf: the MIKEY PRF (§4.1.2; PRF func 1 is PRF-HMAC-SHA-256, RFC 6043
  §6.1) with the labels of §4.1.3 / §4.1.4.
- aes_cm: AES in counter mode (RFC 3711 §4.1.1) on cryptolib's ECB cipher
  (its own CTR mode is compiled out of the ESP32 and RP2040 firmware).
- _tdiff: 64-bit NTP time differences (RFC 4330 §3) without big ints,
  for windows the caller has checked: d = a - b (mod 2**64, signed) is
  -2 if d < -W, -1 if -W <= d < 0, 0, 1 if 0 < d <= W, 2 if d > W for
  _tdiff(a, aoff, b, boff, w), W = w seconds (w < 65536).

The byte loops are viper code (mikey._viper) where the port runs it and the
plain-Python twins (mikey._plain) otherwise ("mikey._viper" in sys.modules
says which). Windows are
checked here, before a kernel runs: viper does not check bounds.

HMAC keys here are at most 64 bytes (PRF chunks are 32, MIKEY auth keys 20
or 32), so none is hashed first. MicroPython's hash objects have no copy():
an HMAC is two hash objects, begun from the pad blocks. The pads, the AES
counter and the PRF label head are module buffers, so nothing here is
re-entrant: one exchange step at a time (there are no threads on the
devices).
"""

import cryptolib
import hashlib
from micropython import const
from struct import pack_into

from mikey.errors import MikeyError

try:  # which one ran: "mikey._viper" in sys.modules
    from mikey._viper import _cm, _eq, _mix, _pads, _tdiff
except (ImportError, SyntaxError, ValueError):
    from mikey._plain import _cm, _eq, _mix, _pads, _tdiff

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_BAD_LENGTH = const(1)
_R_PRF = const(7)
_R_OVERFLOW = const(19)

_IPAD = bytearray(64)  # RFC 2104 §2: the key XOR 0x36 ..., of the last key set
_OPAD = bytearray(64)  # ... and XOR 0x5C (AES-CM: counter and keystream blocks)
_HEAD = bytearray(9)  # PRF label: constant || cs_id || CSB ID, then RAND


def _chk(b, i, n, r):
    # b[i:i+n] lies inside b, else MikeyError(reason r)
    if i < 0 or n < 0 or i + n > len(b):
        raise MikeyError(r)


def mix(a, i, b, j, n, k=0xFF):
    """a[i:i+n] ^= b[j:j+n]; with k=0 b's window is copied instead (a byte
    becomes (a & k) ^ b). a must be writable; the windows must not overlap
    (or be the same). Returns n. A window past its buffer (or a negative
    offset or length) is truncated (source) or overflow (destination)."""
    if (j | n) < 0 or j + n > len(b):
        raise MikeyError(_R_TRUNCATED)
    if i < 0 or i + n > len(a):
        raise MikeyError(_R_OVERFLOW)
    if type(a) is bytes:
        raise TypeError()  # viper would write into an immutable object
    _mix(a, i, b, j, n, k)
    return n


def mac_begin(k, i, n, h):
    """Start an HMAC keyed with k[i:i+n] (n <= 64), on SHA-256 if h else
    SHA-1: a hash object with the inner pad absorbed, to update() with the
    message and pass to mac_end() before the next mac_begin() or prf()."""
    _chk(k, i, n, _R_TRUNCATED)
    if n > 64:
        raise MikeyError(_R_BAD_LENGTH)
    _pads(_IPAD, _OPAD, k, i, n)
    return (hashlib.sha256 if h else hashlib.sha1)(_IPAD)


def mac_end(g, h):
    """The HMAC of what g was fed (20 or 32 bytes, a new bytes object)."""
    d = g.digest()
    g = (hashlib.sha256 if h else hashlib.sha1)(_OPAD)
    g.update(d)
    return g.digest()


def hmac(k, i, n, h, b, p, x):
    """The HMAC keyed with k[i:i+n] (SHA-256 if h else SHA-1) of b[:p]
    followed by each of the byte strings in x that is not None (a new
    bytes object): a MIKEY MAC or verification message (§5.2)."""
    _chk(b, 0, p, _R_TRUNCATED)
    g = mac_begin(k, i, n, h)
    g.update(memoryview(b)[:p])
    for i in range(len(x)):  # (indexed: an iterator would take 4 words of the frame)
        if x[i] is not None:
            g.update(x[i])
    return mac_end(g, h)


def prf(k, i, n, f, c, s, b, j, r, o, p, m):
    """o[p:p+m] = the first m bytes of PRF(k[i:i+n], c || s || CSB ID ||
    r) (§4.1.2): PRF func f (0 MIKEY-1 on HMAC-SHA-1, 1 PRF-HMAC-SHA-256),
    label constant c, cs_id s (0xFF for the keys of §4.1.4), the CSB ID at
    b[j:j+4] and RAND all of r (a memoryview of a window will do). The
    inkey is cut into 256-bit chunks, the last one not padded, each its own
    HMAC key:

        P(s, label, m) = HMAC(s, A_1 || label) || ... || HMAC(s, A_m || label),
        A_0 = label, A_i = HMAC(s, A_(i-1))
        PRF(inkey, label) = P(s_1, label, m) XOR ... XOR P(s_k, label, m)
    """
    if f > 1:
        raise MikeyError(_R_PRF)
    _chk(k, i, n, _R_TRUNCATED)
    _chk(b, j, 4, _R_TRUNCATED)
    _chk(o, p, m, _R_OVERFLOW)
    if type(o) is bytes:
        raise TypeError()
    if n == 0:
        raise MikeyError(_R_BAD_LENGTH)  # no chunk: §4.1.2 defines nothing
    H = hashlib.sha256 if f else hashlib.sha1
    pack_into(">I", _HEAD, 0, c)  # the constants are < 2**30
    _HEAD[4] = s
    _mix(_HEAD, 5, b, j, 4, 0)
    n += i
    m += p
    f = 0  # copy the first chunk's P, XOR the others into it
    while i < n:
        s = min(32, n - i)
        _pads(_IPAD, _OPAD, k, i, s)
        a = None
        j = p
        while j < m:
            h = H(_IPAD)  # A_i = HMAC(s, A_(i-1)), A_0 the label
            if a is None:
                h.update(_HEAD)
                h.update(r)
            else:
                h.update(a)
            a = h.digest()
            h = H(_OPAD)
            h.update(a)
            a = h.digest()
            h = H(_IPAD)  # HMAC(s, A_i || label)
            h.update(a)
            h.update(_HEAD)
            h.update(r)
            d = h.digest()
            h = H(_OPAD)
            h.update(d)
            d = h.digest()
            s = min(m - j, len(d))
            _mix(o, j, d, 0, s, f)
            j += s
        f = 0xFF
        i += 32
    return m - p


def aes_cm(k, i, n, v, j, b, o, m):
    """XOR the AES-CM keystream for the key k[i:i+n] (16 or 32 bytes) and
    the 16-byte IV v[j:j+16] into b[o:o+m], which encrypts or decrypts it
    in place: E(k, IV) || E(k, IV + 1) || ..., the counter being the whole
    block (IV + x mod 2^128, RFC 3711 §4.1.1). Returns m."""
    _chk(k, i, n, _R_TRUNCATED)
    _chk(b, o, m, _R_OVERFLOW)
    if type(b) is bytes:
        raise TypeError()  # viper would write into an immutable object
    mix(_OPAD, 0, v, j, 16, 0)
    if i or n != len(k):
        k = memoryview(k)[i : i + n]
    k = cryptolib.aes(k, 1)  # (before the views: the largest allocation of an exchange)
    v = memoryview(_OPAD)
    _cm(k, v[:16], v[16:32], b, o, m)
    return m
