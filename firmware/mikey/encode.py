"""Fixed-buffer MIKEY writer: an Encoder appends payloads to a caller's
bytearray in the wire profile's order (docs/profile.md), patching the
previous payload's Next payload byte as each one is added, and hands back
the offsets of fields filled in later (Encr data, MAC, Ver data). It does
not allocate: every method runs under micropython.heap_lock(). The reader
is mikey.codec; the two share no code, so a device that only receives
(MIKEY-NULL from an RTSP server) loads only the reader.

    e = Encoder(buf)
    e.hdr(0, 1, 0, csb_id, 1)    # PSK I_MESSAGE, V set, one crypto session
    e.srtp_id(0, ssrc, 0)
    e.t(0, ntp_utc)
    e.rand(rand)
    e.sp(0)                      # the profile's default SRTP policy
    encr = e.kemac(1)            # AES-CM-128: Encr data starts here
    e.key_data(0, tgk)           # plaintext, encrypted in place later
    mac = e.kemac_end(1)         # HMAC-SHA-1-160 over buf[:mac] (§5.2)
    n = e.length()

32-bit values (CSB ID, SSRC, ROC) are ints below 2**30, or any buffer
holding the 4 bytes at an offset: on ESP32 and RP2040 a larger int is a
heap object, and so is anything computed from it. After an Overflow (the
buffer is too small) the buffer holds no usable message.
"""

from micropython import const

from mikey.buffer import Writer
from mikey.errors import BadLength, InvalidTimestamp, UnsupportedMAC

# Next payload values (RFC 3830 Table 6.1.b)
_KEMAC = const(1)
_T = const(5)
_ID = const(6)
_V = const(9)
_SP = const(10)
_RAND = const(11)
_ERR = const(12)
_KEY_DATA = const(20)
_GEN_EXT = const(21)

# docs/profile.md "SP": the SRTP policy sent unless the user sets one, as
# Type | Length | Value in ascending type order (RFC 3830 §6.10.1)
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


class Encoder:
    """Writes one message at a time into buf; reset() starts the next.
    Its Writer `w` is there for fields the writer treats as opaque (Encr
    data made elsewhere, a received CS ID map copied as is)."""

    def __init__(self, buf):
        self.w = Writer(buf)
        self.reset()

    def reset(self, buf=None):
        if buf is None:
            buf = self.w.buf
        self.w.reset(buf)
        self._nx = -1  # offset of the last payload's Next payload byte
        self._kx = -1  # of the last Key data sub-payload's, inside a KEMAC
        self._kemac = -1  # of the open KEMAC's Encr data len
        return self

    def length(self):
        return self.w.length()

    def _u32(self, v, off):
        if isinstance(v, int):
            self.w.u32(v)
        else:
            self.w.put(v, off, 4)

    def _payload(self, ptype, b1):
        """Start a payload: its Next byte (0 until another follows) and the
        byte after it go down, then the previous payload's Next names it."""
        w = self.w
        p = w.tell()
        w.u16(b1)
        if self._nx >= 0:
            w.buf[self._nx] = ptype
        self._nx = p

    # -- payloads, in the order the profile's messages carry them ----------

    def hdr(self, data_type, v, prf, csb_id, n_cs=0, csb_off=0):
        """Common header (§6.1), version 1, CS ID map type SRTP-ID; the
        n_cs map entries follow with srtp_id() (or w.put())."""
        w = self.w
        w.u8(1)
        w.u8(data_type)
        self._nx = w.tell()
        w.u8(0)
        w.u8((0x80 if v else 0) | prf)
        self._u32(csb_id, csb_off)
        w.u8(n_cs)
        w.u8(0)

    def srtp_id(self, policy, ssrc, roc, ssrc_off=0, roc_off=0):
        """One SRTP-ID map entry (§6.1.1): Policy_no | SSRC | ROC."""
        self.w.u8(policy)
        self._u32(ssrc, ssrc_off)
        self._u32(roc, roc_off)

    def t(self, ts_type, value, off=0):
        """Timestamp (§6.6): Next | TS type | TS value; types 0/1 carry 8
        bytes, 2/3 four (RFC 6043 §6.3), taken from value[off:]."""
        if ts_type > 3:
            raise InvalidTimestamp()
        self._payload(_T, ts_type)
        self.w.put(value, off, 8 if ts_type < 2 else 4)

    def rand(self, rand, off=0, n=-1):
        """RAND (§6.11): Next | RAND len | RAND."""
        if n < 0:
            n = len(rand) - off
        if n > 255:
            raise BadLength()
        self._payload(_RAND, n)
        self.w.put(rand, off, n)

    def id(self, id_type, data, off=0, n=-1):
        """ID (§6.7): Next | ID type | ID len(2) | ID data."""
        if n < 0:
            n = len(data) - off
        self._payload(_ID, id_type)
        self.w.u16(n)
        self.w.put(data, off, n)

    def sp(self, policy_no, params=DEFAULT_SRTP, prot_type=0):
        """Security policy (§6.10): Next | Policy no | Prot type | Policy
        param length(2) | params, given as their Type | Length | Value bytes."""
        self._payload(_SP, policy_no)
        self.w.u8(prot_type)
        self.w.u16(len(params))
        self.w.put(params)

    def kemac(self, encr_alg):
        """Open a KEMAC (§6.2): Next | Encr alg | Encr data len(2); return
        where Encr data begins. Fill it with key_data() (or w.put()), then
        close with kemac_end()."""
        self._payload(_KEMAC, encr_alg)
        self._kemac = self.w.reserve(2)
        self._kx = -1
        return self.w.tell()

    def key_data(self, key_type, key, salt=None, kv=0, kv_data=None, kv_to=None):
        """Key data sub-payload (§6.13) inside the open KEMAC: Next (20 when
        another follows, else 0) | Type, KV | Key data len(2) | Key data |
        [Salt len(2) | Salt data] for the +SALT types | [KV data (§6.14):
        SPI len | SPI for KV 1; VF len | kv_data | VT len | kv_to for KV 2]."""
        w = self.w
        p = w.tell()
        w.u16((key_type << 4) | kv)
        if self._kx >= 0:
            w.buf[self._kx] = _KEY_DATA
        self._kx = p
        w.u16(len(key))
        w.put(key)
        if key_type & 1:  # TGK+SALT, TEK+SALT
            w.u16(len(salt))
            w.put(salt)
        if kv:
            w.u8(len(kv_data))
            w.put(kv_data)
            if kv == 2:
                w.u8(len(kv_to))
                w.put(kv_to)

    def kemac_end(self, mac_alg):
        """Close the KEMAC: set Encr data len, write MAC alg and a zeroed
        MAC of its length; return the MAC's offset (§6.2). The PSK MAC
        covers buf[:offset] (§5.2)."""
        w = self.w
        at = self._kemac
        w.set_u16(at, w.tell() - at - 2)
        m = _mac_len(mac_alg)
        w.u8(mac_alg)
        p = w.tell()
        w.zeros(m)
        return p

    def v(self, auth_alg):
        """Verification (§6.9): Next | Auth alg | Ver data, zeroed; return
        the Ver data's offset (§5.2: V covers buf[:offset] and more)."""
        m = _mac_len(auth_alg)
        self._payload(_V, auth_alg)
        p = self.w.tell()
        self.w.zeros(m)
        return p

    def err(self, err_no):
        """Error (§6.12): Next | Error no | Reserved(2) = 0."""
        self._payload(_ERR, err_no)
        self.w.u16(0)

    def ext(self, ext_type, data, off=0, n=-1):
        """General Extension (§6.15): Next | Type | Length(2) | Data."""
        if n < 0:
            n = len(data) - off
        self._payload(_GEN_EXT, ext_type)
        self.w.u16(n)
        self.w.put(data, off, n)


def _mac_len(alg):
    # MAC / Ver data length: NULL, HMAC-SHA-1-160 (§6.2 Table 6.2.b),
    # HMAC-SHA-256-256 (RFC 6043 Table 6.6); the reader has the same table
    if alg > 2:
        raise UnsupportedMAC()
    return (0, 20, 32)[alg]
