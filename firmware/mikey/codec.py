"""Fixed-buffer MIKEY decoder: reads MIKEY messages (RFC 3830 §6 and
companions) in caller-owned buffers without slicing or allocating: decode()
and keys() run under micropython.heap_lock() on valid input.

decode() walks the common header and the Next-payload chain of a received
message and records, in a preallocated Table, where each payload and its
variable part lie; keys() does the same for the Key data sub-payloads of a
KEMAC's (decrypted) Encr data. The walk is structural: it knows the length
rule of every payload that has one (RFC 3830 §6, RFC 6043 §6, RFC 6509
§4.2, draft-ietf-msec-mikey-ecc-03 §6.1) and rejects what does not parse
with a typed error naming the MIKEY Error no. Which payloads a message type
allows, and in which order, is the mode layer's to check, with find() and
count_of().

    t = Table()
    decode(buf, n, t)                        # buf[:n] is the message
    i = t.find(KEMAC)
    k = Keys()
    keys(buf, t.body[i], t.body_end[i], k)   # NULL encryption: plaintext

Every loop is bounded by the input: each iteration consumes at least two
bytes, and `t.steps` counts the iterations so tests can prove it. Offsets
are kept in 16-bit slots: messages are at most 65,535 bytes.

The writer is mikey.encode.
"""

from array import array
from micropython import const

from mikey.errors import (
    BadLength,
    BadVersion,
    InvalidTimestamp,
    TrailingData,
    Truncated,
    UnexpectedPayload,
    UnknownPayload,
    UnsupportedDataType,
    UnsupportedDHGroup,
    UnsupportedHash,
    UnsupportedMAC,
)

# Next payload values: RFC 3830 Table 6.1.b, RFC 6043 Table 6.2, RFC 6509
# Table 2, ECC-03 §6.1 (ECCPT, never registered). Public: the ones the PSK
# and NULL modes look for; each public name costs RAM on the device.
_LAST = const(0)
KEMAC = const(1)
_PKE = const(2)
_DH = const(3)
_SIGN = const(4)
T = const(5)
ID = const(6)
_CERT = const(7)
_CHASH = const(8)
V = const(9)
SP = const(10)
RAND = const(11)
ERR = const(12)
_TR = const(13)
_IDR = const(14)
_RANDR = const(15)
_TP = const(16)
_TICKET = const(17)
_KEY_DATA = const(20)
GEN_EXT = const(21)
_ECCPT = const(22)
_SAKKE = const(26)

HDR_CSB_ID = const(4)  # the CSB ID's offset in every message (§6.1)
HDR_MAP = const(10)  # where the CS ID map info begins (§6.1)

QUIRK_TRAILING_ZERO = "trailing-zero"  # docs/profile.md, tolerant reader

_SRTP_ID = const(0)  # CS ID map types: RFC 3830 Table 6.1.d,
_EMPTY_MAP = const(1)  # RFC 4563 §5,
_GENERIC_ID = const(2)  # RFC 6043 §6.1.1
_P256 = const(10)  # DH-Group of P-256 (project profile; ECC-03 §3)
_ECC_P256 = const(7)  # ECCPT curve of P-256 (ECC-03 §6.1)


class Table:
    """Where the payloads of one decoded message lie: parallel arrays indexed
    by payload (0, 1, ... in message order; the header is not counted), and
    the header fields. Reused for every message; `data` is the message.

    Payload i has type ptype[i] and spans start[i]..end[i]; its variable
    part ("body") spans body[i]..body_end[i]. With d = data, s = start[i],
    b = body[i], be = body_end[i], its fields are (RFC 3830 §6 unless named):

      T (§6.6)          TS type d[s+1]; TS value b..be
      TR (6043 §6.4)    TS role d[s+1]; TS type d[s+2]; TS value b..be
      RAND (§6.11)      RAND b..be (RANDR, 6043 §6.8: role d[s+1])
      ID, CERT (§6.7)   ID/Cert type d[s+1]; data b..be
      IDR (6043 §6.6)   ID role d[s+1]; ID type d[s+2]; data b..be
      SP (§6.10)        Policy no d[s+1]; Prot type d[s+2]; params b..be,
                        one by type with param()
      KEMAC (§6.2)      Encr alg d[s+1]; Encr data b..be; MAC alg d[be];
                        MAC be+1..end
      V (§6.9)          Auth alg d[s+1]; Ver data b..end
      ERR (§6.12)       Error no d[s+1]
      GEN_EXT (§6.15)   Type d[s+1]; Data b..be
      DH (§6.4)         DH-Group d[s+1]; DH-value b..be; KV d[be] & 15;
                        KV data be+1..end
      SIGN (§6.5)       S type d[s] >> 4; Signature b..be
      CHASH (§6.8)      Hash func d[s+1]; Hash b..be
      PKE (§6.3)        C d[s+1] >> 6; Data b..be
      ECCPT (ECC-03)    ECC curve d[s+1]; point b..be, padding, then Auth
                        alg, TGK len(2), Reserv/KV, KV data up to end
      SAKKE (6509 §4.2) SAKKE params d[s+1]; ID scheme d[s+2]; data b..be
      TP, TICKET        TP Data b..be; TICKET's Ticket and Initiator Data
        (6043 §6.10)    follow, each after a 2-byte length, up to end

    SRTP-ID map entry of CS ID k (from 1, §6.1.1) starts at
    HDR_MAP + 9 * (k - 1): Policy_no, then SSRC at +1 and ROC at +5.
    """

    def __init__(self, cap=24):
        self.cap = cap
        self.ptype = bytearray(cap)
        self.start = array("H", bytearray(2 * cap))
        self.end = array("H", bytearray(2 * cap))
        self.body = array("H", bytearray(2 * cap))
        self.body_end = array("H", bytearray(2 * cap))
        self.data = b""
        self.n = 0  # message length
        self.count = 0  # payloads after the header
        self.data_type = 0
        self.v = 0  # V flag
        self.prf = 0  # PRF func
        self.ncs = 0  # #CS
        self.map_type = 0
        self.hdr_end = 0  # end of the CS ID map: the first payload's start
        self.trailing_zero = False  # tolerated quirk `trailing-zero`
        self.steps = 0  # loop iterations of the last decode

    def find(self, ptype, after=-1):
        """Index of the first payload of ptype after index `after`, or -1."""
        for i in range(after + 1, self.count):
            if self.ptype[i] == ptype:
                return i
        return -1

    def count_of(self, ptype):
        c = 0
        for i in range(self.count):
            if self.ptype[i] == ptype:
                c += 1
        return c

    def param(self, i, ptype):
        """SP payload i (only): offset of the value of parameter ptype, or
        -1 if absent; its length is data[offset - 1] (§6.10)."""
        d = self.data
        q = self.body[i]
        e = self.body_end[i]
        while q < e:  # TLVs checked by decode: they end exactly at e
            if d[q] == ptype:
                return q + 2
            q += 2 + d[q + 1]
        return -1


class Keys:
    """Where the Key data sub-payloads (§6.13) of a KEMAC's Encr data lie,
    once it is plaintext: parallel arrays indexed by sub-payload (0, 1, ...).
    Sub-payload j holds a key of type type[j] (TGK 0, TGK+SALT 1, TEK 2,
    TEK+SALT 3; RFC 6043 §6.2.1: GTGK 4, GTGK+SALT 5, MPK 6) at
    key[j]..+key_len[j], a salt at salt[j]..+salt_len[j] (length 0 for the
    types without one), and Key validity of type kv[j] (§6.14): Null 0; SPI
    1, the SPI (the MKI for SRTP) at spi[j]..+spi_len[j]; Interval 2, Valid
    From there, and VT len at spi[j]+spi_len[j] followed by Valid To."""

    def __init__(self, cap=8):
        self.cap = cap
        self.type = bytearray(cap)
        self.kv = bytearray(cap)
        self.key = array("H", bytearray(2 * cap))
        self.key_len = array("H", bytearray(2 * cap))
        self.salt = array("H", bytearray(2 * cap))
        self.salt_len = array("H", bytearray(2 * cap))
        self.spi = array("H", bytearray(2 * cap))
        self.spi_len = bytearray(cap)
        self.data = b""
        self.count = 0


# -- length rules -------------------------------------------------------------


def _u16(d, p, n):
    if p + 2 > n:
        raise Truncated()
    return (d[p] << 8) | d[p + 1]


def _fits(e, n):
    """A length field's end: past n it overruns the message."""
    if e > n:
        raise BadLength()
    return e


def _have(e, n):
    """An implicit length's end: past n the message was cut short."""
    if e > n:
        raise Truncated()
    return e


def _lv(d, p, n):
    """End of a length(1) | value field at p."""
    if p >= n:
        raise Truncated()
    return _fits(p + 1 + d[p], n)


def _kv(d, p, n, kv):
    """End of the Key validity data of type kv at p (§6.14)."""
    if kv == 0:
        return p
    if kv > 2:
        raise UnknownPayload()
    p = _lv(d, p, n)  # SPI, or Valid From
    if kv == 2:
        p = _lv(d, p, n)  # Valid To
    return p


def _mac_len(alg):
    """MAC / Ver data length of a MAC alg: NULL, HMAC-SHA-1-160 (§6.2
    Table 6.2.b), HMAC-SHA-256-256 (RFC 6043 Table 6.6)."""
    if alg > 2:
        raise UnsupportedMAC()
    return (0, 20, 32)[alg]


def _point_len(d, p, n):
    """A P-256 point in SEC1 form: 0x04 uncompressed, 0x02/0x03 compressed."""
    if p >= n:
        raise Truncated()
    c = d[p]
    if c == 4:
        return 65
    if c == 2 or c == 3:
        return 33
    raise UnsupportedDHGroup()


# -- the walk ---------------------------------------------------------------


def decode(data, n, t, tolerant=False):
    """Walk the message data[:n] into table t; return the payload count.

    With `tolerant`, one 0x00 byte after the last payload is accepted and
    flagged in t.trailing_zero (quirk `trailing-zero`, docs/profile.md).
    """
    t.data = data
    t.n = n
    t.count = 0
    t.steps = 0
    t.trailing_zero = False
    if n > len(data):
        raise Truncated()
    if n > 0xFFFF:
        raise BadLength()
    # HDR (§6.1): version, data type, next payload, V|PRF func, CSB ID,
    # #CS, CS ID map type, CS ID map info
    if n < HDR_MAP:
        raise Truncated()
    if data[0] != 1:
        raise BadVersion()
    dt = data[1]
    if dt > 18 and dt != 26:  # 0-10 RFC 3830/4650/4738, 11-18 RFC 6043, 26 RFC 6509
        raise UnsupportedDataType()
    t.data_type = dt
    nxt = data[2]
    t.v = data[3] >> 7
    t.prf = data[3] & 0x7F
    ncs = data[8]
    t.ncs = ncs
    mt = data[9]
    t.map_type = mt
    p = HDR_MAP
    if mt == _SRTP_ID:  # §6.1.1: Policy_no | SSRC | ROC per crypto session
        p = _have(p + 9 * ncs, n)
    elif mt == _GENERIC_ID:  # RFC 6043 §6.1.1
        for _ in range(ncs):
            t.steps += 1
            # CS ID | Prot type | S, #P | Ps | Session Data len+data | SPI len+SPI
            if p + 3 > n:
                raise Truncated()
            p += 3 + (data[p + 2] & 0x7F)
            p = _fits(p + 2 + _u16(data, p, n), n)
            p = _lv(data, p, n)
    elif mt != _EMPTY_MAP:  # RFC 4563 §5: no map info
        raise UnknownPayload()
    t.hdr_end = p

    types = t.ptype
    i = 0
    while nxt != _LAST:
        t.steps += 1
        if i == t.cap:
            raise UnexpectedPayload()
        s = p
        if s + 2 > n:
            raise Truncated()
        b = s + 2  # where the payload's variable part begins
        if nxt == T or nxt == _TR:
            # §6.6: Next | TS type | TS value; RFC 6043 §6.4 TR: a TS role first
            if nxt == _TR:
                b = _have(b + 1, n)
            ts = data[b - 1]
            if ts < 2:  # NTP-UTC, NTP
                e = _have(b + 8, n)
            elif ts < 4:  # COUNTER, NTP-UTC-32 (RFC 6043 §6.3)
                e = _have(b + 4, n)
            else:
                raise InvalidTimestamp()
            be = e
        elif nxt == ID or nxt == _CERT or nxt == GEN_EXT:
            # §6.7, §6.15: Next | type | length(2) | data
            b = s + 4
            be = e = _fits(b + _u16(data, s + 2, n), n)
        elif nxt == SP or nxt == _IDR or nxt == _SAKKE:
            # §6.10: Next | Policy no | Prot type | param length(2) | params;
            # RFC 6043 §6.6 IDR: Next | role | type | length(2) | data;
            # RFC 6509 §4.2: Next | SAKKE params | ID scheme | length(2) | data
            b = s + 5
            be = e = _fits(b + _u16(data, s + 3, n), n)
            if nxt == SP:  # §6.10: Type | Length | Value, exactly filling
                q = b
                while q < e:
                    t.steps += 1
                    if q + 2 > e:
                        raise BadLength()
                    q += 2 + data[q + 1]
                if q != e:
                    raise BadLength()
        elif nxt == RAND or nxt == _RANDR:
            # §6.11: Next | RAND len | RAND; RFC 6043 §6.8 RANDR: a role first
            if nxt == _RANDR:
                b = _have(b + 1, n)
            be = e = _fits(b + data[b - 1], n)
        elif nxt == KEMAC:
            # §6.2: Next | Encr alg | Encr data len(2) | Encr data | MAC alg | MAC
            b = s + 4
            be = _fits(b + _u16(data, s + 2, n), n)
            if be == n:
                raise Truncated()
            e = _have(be + 1 + _mac_len(data[be]), n)
        elif nxt == V:
            # §6.9: Next | Auth alg | Ver data (length from the algorithm)
            be = e = _have(b + _mac_len(data[s + 1]), n)
        elif nxt == ERR:
            # §6.12: Next | Error no | Reserved(2)
            be = e = _have(s + 4, n)
        elif nxt == _CHASH:
            # §6.8 Table 6.8, RFC 6043 §6.7: SHA-1 20, MD5 16, SHA-256 32
            f = data[s + 1]
            if f > 2:
                raise UnsupportedHash()
            be = e = _have(b + (20, 16, 32)[f], n)
        elif nxt == _PKE:
            # §6.3: Next | C(2 bits) Data len(14 bits) | Data
            b = s + 3
            be = e = _fits(b + (_u16(data, s + 1, n) & 0x3FFF), n)
        elif nxt == _SIGN:
            # §6.5: S type(4 bits) Signature len(12 bits) | Signature; no
            # Next payload field, so it is the last payload
            be = e = _fits(b + (_u16(data, s, n) & 0x0FFF), n)
        elif nxt == _DH:
            # §6.4: Next | DH-Group | DH-value | Reserv, KV | KV data
            g = data[s + 1]
            if g < 3:  # OAKLEY 5, 1, 2 (Table 6.4)
                m = (192, 96, 128)[g]
            elif g == _P256:
                m = _point_len(data, b, n)
            else:
                raise UnsupportedDHGroup()
            be = b + m
            if be >= n:
                raise Truncated()
            e = _kv(data, be + 1, n, data[be] & 15)
        elif nxt == _ECCPT:
            # ECC-03 §6.1: Next | ECC curve | ECC point | Auth alg | TGK
            # len(2) | Reserv, KV | KV data. The point is "padded to end on a
            # 32-bit boundary": read here as counted from the payload's start,
            # as the draft's figure puts Auth alg at the start of a word.
            # Only P-256 (curve 7, the project profile) has a known length.
            if data[s + 1] != _ECC_P256:
                raise UnsupportedDHGroup()
            be = b + _point_len(data, b, n)
            q = _have(s + ((be - s + 3) & ~3) + 4, n)
            e = _kv(data, q, n, data[q - 1] & 15)
        elif nxt == _TP or nxt == _TICKET:
            # RFC 6043 §6.10: Next | Ticket Type(2) | Subtype | Version |
            # PRF Func, flags(3) | TP Data len(2) | TP Data; TICKET adds
            # Ticket Data len(2) | Ticket Data | Initiator Data len(2) | data
            b = s + 10
            be = e = _fits(b + _u16(data, s + 8, n), n)
            if nxt == _TICKET:
                e = _fits(e + 2 + _u16(data, e, n), n)
                e = _fits(e + 2 + _u16(data, e, n), n)
        else:
            raise UnknownPayload()
        types[i] = nxt
        t.start[i] = s
        t.end[i] = e
        t.body[i] = b
        t.body_end[i] = be
        i += 1
        t.count = i
        nxt = _LAST if nxt == _SIGN else data[s]
        p = e
    if p != n:
        if tolerant and p + 1 == n and data[p] == 0:
            t.trailing_zero = True
        else:
            raise TrailingData()
    return i


def keys(data, p, end, k):
    """Walk the Key data sub-payloads (§6.13) in data[p:end] into k: Next
    is 20 between them and 0 after the last, which must end at `end`. An
    empty window (an update message's KEMAC, §6.2) holds none. Returns the
    sub-payload count."""
    k.data = data
    k.count = 0
    j = 0
    while p < end:
        if j == k.cap:
            raise UnexpectedPayload()
        # Next | Type(4 bits) KV(4 bits) | Key data len(2) | Key data
        #      | [Salt len(2) | Salt data] | [KV data]
        if p + 4 > end:
            raise Truncated()
        nxt = data[p]
        kt = data[p + 1] >> 4
        kv = data[p + 1] & 15
        if kt > 6:
            raise UnknownPayload()
        k.type[j] = kt
        k.kv[j] = kv
        k.key[j] = p + 4
        m = _u16(data, p + 2, end)
        k.key_len[j] = m
        q = _fits(p + 4 + m, end)
        m = 0
        if kt & 1:  # TGK+SALT, TEK+SALT, GTGK+SALT
            m = _u16(data, q, end)
            q += 2
        k.salt[j] = q
        k.salt_len[j] = m
        q = _fits(q + m, end)
        k.spi[j] = q + 1
        k.spi_len[j] = data[q] if kv and q < end else 0
        p = _kv(data, q, end, kv)
        j += 1
        k.count = j
        if nxt == _LAST:
            if p != end:
                raise TrailingData()
            return j
        if nxt != _KEY_DATA:
            raise UnknownPayload()
    if j:  # the last one announced another
        raise Truncated()
    return 0

