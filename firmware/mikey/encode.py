"""Fixed-buffer MIKEY writer: one function per payload, each writing into a
caller's bytearray at offset p and returning the offset after what it wrote.
The general writer (tools, the modes to come); mikey.psk writes its three
messages itself with struct.pack_into, as a device short of RAM would.
Nothing allocates (every function runs under micropython.heap_lock()); a
payload that does not fit raises MikeyError (overflow, Error no 12) before
anything of it is written. The reader is mikey.codec; the two share no
code, so a device that only receives loads only the reader.

Next payload chaining: every payload is written with Next = 0 and puts its
own type into the Next byte of the one before it, at `nx` (the header's is
at 2). A message in the wire profile's order (docs/profile.md):

    p = hdr(buf, 0, 1, 0, csb_id, 0, 1)      # PSK I_MESSAGE, V set, #CS 1
    p = srtp_id(buf, p, 0, ssrc, 0, 0, 0)
    nx, p = p, t(buf, p, 2, 0, ntp, 0)
    nx, p = p, rand(buf, p, nx, rand, 0, 16)
    nx, p = p, sp(buf, p, nx, 0, DEFAULT_SRTP)
    e = kemac(buf, p, nx, 1)                 # AES-CM-128: Encr data at e
    p = key_data(buf, e, -1, 0, tgk, None, None)
    mac = kemac_end(buf, p, e, 1)            # HMAC-SHA-1-160 over buf[:mac]
    n = mac + 20

(`nx, p = p, f(...)` builds no tuple.) 32-bit values (CSB ID, SSRC, ROC)
are ints, or any buffer holding the 4 bytes at the offset given: on ESP32
and RP2040 an int of 2**30 or more is a heap object.
"""

from micropython import const
from struct import pack_into

from mikey.errors import MikeyError

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_MAC_ALG = const(8)
_R_TIMESTAMP = const(17)
_R_OVERFLOW = const(19)

# Next payload values (RFC 3830 Table 6.1.b)
_KEMAC = const(1)
_T = const(5)
_V = const(9)
_SP = const(10)
_RAND = const(11)
_ERR = const(12)
_KEY_DATA = const(20)

# docs/profile.md "SP": the SRTP policy sent unless the user sets one, as
# Type | Length | Value in ascending type order (RFC 3830 §6.10.1). The
# same bytes as mikey.base.DEFAULT_SRTP: the encode part does not load base.
DEFAULT_SRTP = (
    b"\x00\x01\x01"  # encryption algorithm: AES-CM
    b"\x01\x01\x10"  # session encryption key length: 16
    b"\x02\x01\x01"  # authentication algorithm: HMAC-SHA-1
    b"\x03\x01\x14"  # session auth key length: 20
    b"\x04\x01\x0e"  # session salt key length: 14
    b"\x05\x01\x00"  # SRTP PRF: AES-CM
    b"\x07\x01\x01"  # SRTP encryption: on
    b"\x08\x01\x01"  # SRTCP encryption: on
    b"\x0a\x01\x01"  # SRTP authentication: on
    b"\x0b\x01\x0a"  # authentication tag length: 10
)


def _room(buf, p, n):
    """p + n, the end of n bytes at p, unless they would not fit in buf."""
    if p + n > len(buf):
        raise MikeyError(_R_OVERFLOW)
    return p + n


def _u32(buf, p, v, off):
    if isinstance(v, int):
        pack_into(">I", buf, p, v)
    else:
        _put(buf, p, v, off, 4)


def _head(buf, p, nx, ptype, b1, n):
    # Next = 0 | b1, room for n more bytes; the previous Next names ptype
    e = _room(buf, p, 2 + n)
    buf[p] = 0
    buf[p + 1] = b1
    buf[nx] = ptype
    return e


def _put(buf, p, data, off, n):
    # data[off:off+n] to buf[p:], without slicing data
    if off < 0 or n < 0 or off + n > len(data):
        raise MikeyError(_R_BAD_LENGTH)
    if off == 0 and n == len(data):
        buf[p : p + n] = data  # a whole object: no slice of it is made
    else:
        for i in range(n):
            buf[p + i] = data[off + i]
    return p + n


def hdr(buf, data_type, v, prf, csb_id, csb_off, n_cs):
    """Common header (§6.1) at buf[0:10]: version 1, data type, Next 0,
    V flag | PRF func, CSB ID, #CS, CS ID map type 0 (SRTP-ID); the #CS map
    entries follow with srtp_id(). Returns 10."""
    _room(buf, 0, 10)
    pack_into(">BBBBIBB", buf, 0, 1, data_type, 0, (0x80 if v else 0) | prf, 0, n_cs, 0)
    _u32(buf, 4, csb_id, csb_off)
    return 10


def srtp_id(buf, p, policy_no, ssrc, ssrc_off, roc, roc_off):
    """One SRTP-ID map entry (§6.1.1): Policy_no | SSRC | ROC."""
    e = _room(buf, p, 9)
    buf[p] = policy_no
    _u32(buf, p + 1, ssrc, ssrc_off)
    _u32(buf, p + 5, roc, roc_off)
    return e


def t(buf, p, nx, ts_type, value, off):
    """Timestamp (§6.6): Next | TS type | TS value; types 0/1 carry 8
    bytes, 2/3 four (RFC 6043 §6.3), taken from value[off:]."""
    if ts_type > 3:
        raise MikeyError(_R_TIMESTAMP)
    n = 8 if ts_type < 2 else 4
    _head(buf, p, nx, _T, ts_type, n)
    return _put(buf, p + 2, value, off, n)


def rand(buf, p, nx, data, off, n):
    """RAND (§6.11): Next | RAND len | RAND, from data[off:off+n]."""
    if n > 255:
        raise MikeyError(_R_BAD_LENGTH)
    _head(buf, p, nx, _RAND, n, n)
    return _put(buf, p + 2, data, off, n)


def ident(buf, p, nx, ptype, id_type, data, off, n):
    """ID (§6.7, ptype 6) or General Extension (§6.15, ptype 21): Next |
    ID type (or extension Type) | length(2) | data[off:off+n]."""
    _head(buf, p, nx, ptype, id_type, 2 + n)
    pack_into(">H", buf, p + 2, n)
    return _put(buf, p + 4, data, off, n)


def sp(buf, p, nx, policy_no, params, prot_type=0):
    """Security policy (§6.10): Next | Policy no | Prot type | Policy param
    length(2) | params, given as their Type | Length | Value bytes."""
    n = len(params)
    _head(buf, p, nx, _SP, policy_no, 3 + n)
    pack_into(">BH", buf, p + 2, prot_type, n)
    return _put(buf, p + 5, params, 0, n)


def kemac(buf, p, nx, encr_alg):
    """Open a KEMAC (§6.2): Next | Encr alg | Encr data len(2, set by
    kemac_end); return where Encr data begins. Fill it with key_data()."""
    return _head(buf, p, nx, _KEMAC, encr_alg, 2)


def key_data(buf, p, kx, key_type, key, salt, spi):
    """Key data sub-payload (§6.13) at p: Next (0; the one at kx, if kx >=
    0, becomes 20) | Type, KV | Key data len(2) | Key data | [Salt len(2) |
    Salt data] for the +SALT types (odd key_type) | [SPI len | SPI] when
    spi is not None (KV 1, §6.14: for SRTP the SPI is the MKI)."""
    n = 4 + len(key)
    if key_type & 1:
        n += 2 + len(salt)
    if spi is not None:
        n += 1 + len(spi)
    e = _room(buf, p, n)
    if kx >= 0:
        buf[kx] = _KEY_DATA
    pack_into(">BBH", buf, p, 0, key_type << 4 | (spi is not None), len(key))
    p = _put(buf, p + 4, key, 0, len(key))
    if key_type & 1:
        pack_into(">H", buf, p, len(salt))
        p = _put(buf, p + 2, salt, 0, len(salt))
    if spi is not None:
        buf[p] = len(spi)
        _put(buf, p + 1, spi, 0, len(spi))
    return e


def mac_len(alg):
    """MAC / Ver data length of a MAC alg: NULL, HMAC-SHA-1-160 (§6.2
    Table 6.2.b), HMAC-SHA-256-256 (RFC 6043 Table 6.6)."""
    if alg > 2:
        raise MikeyError(_R_MAC_ALG)
    return (0, 20, 32)[alg]


def kemac_end(buf, p, encr, mac_alg):
    """Close the KEMAC whose Encr data began at `encr` and ends at p: set
    Encr data len, write MAC alg and a zeroed MAC; return the MAC's offset
    (the PSK MAC covers buf[:offset], §5.2)."""
    m = mac_len(mac_alg)
    e = _room(buf, p, 1 + m)
    pack_into(">H", buf, encr - 2, p - encr)
    buf[p] = mac_alg
    for i in range(p + 1, e):
        buf[i] = 0
    return p + 1


def v(buf, p, nx, auth_alg):
    """Verification (§6.9): Next | Auth alg | Ver data, zeroed; return
    the Ver data's offset (§5.2: V covers buf[:offset] and more)."""
    m = mac_len(auth_alg)
    e = _head(buf, p, nx, _V, auth_alg, m)
    for i in range(p + 2, e):
        buf[i] = 0
    return p + 2


def err(buf, p, nx, err_no):
    """Error (§6.12): Next | Error no | Reserved(2) = 0."""
    e = _head(buf, p, nx, _ERR, err_no, 2)
    buf[p + 2] = 0
    buf[p + 3] = 0
    return e
