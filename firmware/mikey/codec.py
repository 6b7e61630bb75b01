"""Fixed-buffer MIKEY decoder: reads MIKEY messages (RFC 3830 §6 and
companions) in caller-owned buffers without slicing or allocating: decode()
and keys() run under micropython.heap_lock() on valid input.

decode() walks the common header and the Next-payload chain of a received
message and records, in a preallocated Table, where each payload and its
variable part lie; keys() does the same for the Key data sub-payloads of a
KEMAC's (decrypted) Encr data. The walk is structural: it knows the length
rule of every payload that has one (RFC 3830 §6, RFC 6043 §6, RFC 6509
§4.2, draft-ietf-msec-mikey-ecc-03 §6.1) and rejects what does not parse
with a MikeyError naming the MIKEY Error no. Which payloads a message type
allows, and in which order, is the mode layer's to check (mikey.psk).

This module walks what PSK, NULL and Error messages carry (T, RAND, ID,
SP, KEMAC, V, ERR, General Extension; the SRTP-ID and Empty maps); for
anything else decode() imports mikey._walk, so that code is heap only on
a device that meets it. The import is the one allocation: a device that
decodes those payloads under heap_lock() imports mikey._walk at boot.

    t = Table()
    decode(buf, n, t)                        # buf[:n] is the message
    i = t.find(1)                            # KEMAC
    k = Keys()
    keys(buf, t.body[i], t.body_end[i], k)   # NULL encryption: plaintext

Every loop is bounded by the input: each iteration consumes at least two
bytes, and `t.steps` counts the iterations so tests can prove it. Offsets
are kept in 16-bit slots: messages are at most 65,535 bytes. Next payload
values are RFC 3830 Table 6.1.b, RFC 6043 Table 6.2, RFC 6509 Table 2 and
ECC-03 §6.1 (ECCPT, never registered); a caller keeps its own const()
copies of the ones it needs (a public name costs RAM on the device).

decode() flags: 1 (TOLERANT; True will do) accepts one 0x00 byte after the
last payload and sets t.trailing_zero (quirk `trailing-zero`,
docs/profile.md); 2 (PARTIAL) keeps walking past an undefined data type, so
that what an Error reply needs (the CSB ID, PRF func and T of the message
answered) is in t as far as the message decodes.
"""

from array import array
from micropython import const

from mikey.errors import MikeyError

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_BAD_LENGTH = const(1)
_R_UNKNOWN_PAYLOAD = const(2)
_R_UNEXPECTED_PAYLOAD = const(3)
_R_TRAILING_DATA = const(4)
_R_BAD_VERSION = const(5)
_R_DATA_TYPE = const(6)
_R_MAC_ALG = const(8)
_R_TIMESTAMP = const(17)

_KEMAC = const(1)  # Next payload values
_SIGN = const(4)
_T = const(5)
_V = const(9)
_SP = const(10)
_ERR = const(12)
_KEY_DATA = const(20)

_TOLERANT = const(1)
_PARTIAL = const(2)

# Lookup tables in one bytes object (each object is RAM of its own), from
#   _LAYOUT: for payloads of the shape Next | ... | length | variable part,
#     by Next payload value below 22: (where the variable part begins) << 4
#     | (where the length field is), from the payload's start; the field
#     fills the gap (1 or 2 bytes). 0: read by hand below, or by mikey._walk.
#       KEMAC 1 (§6.2)   Next | Encr alg | Encr data len(2) | Encr data ...
#       ID 6 (§6.7), General Extension 21 (§6.15): Next | type | len(2)
#       SP 10 (§6.10)    Next | Policy no | Prot type | Policy param len(2)
#       RAND 11 (§6.11)  Next | RAND len | RAND
#   _MAC_LEN: the MAC length of MAC alg NULL, HMAC-SHA-1-160, HMAC-SHA-256-256 (RFC 6043)
_LAYOUT = const(0)
_MAC_LEN = const(22)
_TAB = const(
    b"\x00\x42\x00\x00\x00\x00\x42\x00\x00\x00\x53\x21\x00\x00\x00\x00\x00\x00\x00\x00\x00\x42"
    b"\x00\x14\x20"
)


class Table:
    """Where the payloads of one decoded message lie: parallel arrays indexed
    by payload (0, 1, ... in message order; the header is not counted), and
    the header fields (V flag and PRF func: d[3] >> 7, d[3] & 0x7F). Reused
    for every message, d being the message.

    Payload i has type ptype[i] and spans start[i]..end[i]; its variable
    part ("body") spans body[i]..body_end[i]. With s = start[i],
    b = body[i], be = body_end[i], its fields are (RFC 3830 §6 unless named):

      T (§6.6)          TS type d[s+1]; TS value b..be
      TR (6043 §6.4)    TS role d[s+1]; TS type d[s+2]; TS value b..be
      RAND (§6.11)      RAND b..be (RANDR, 6043 §6.8: role d[s+1])
      ID, CERT (§6.7)   ID/Cert type d[s+1]; data b..be
      IDR (6043 §6.6)   ID role d[s+1]; ID type d[s+2]; data b..be
      SP (§6.10)        Policy no d[s+1]; Prot type d[s+2]; params b..be
                        as Type | Length | Value, exactly filling it
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

    SRTP-ID map entry of CS ID k (from 1, §6.1.1) starts at 10 + 9 * (k -
    1): Policy_no, then SSRC at +1 and ROC at +5; the CSB ID is at 4.

    After a failed decode, `count` payloads decoded before the error, and
    `hdr_end` is 0 unless the whole header (with its map) did.
    """

    def __init__(self, n=16):  # n payloads at most
        z = bytes(2 * n)
        self.ptype = bytearray(n)
        self.start = array("H", z)
        self.end = array("H", z)
        self.body = array("H", z)
        self.body_end = array("H", z)
        self.count = 0  # payloads after the header
        self.data_type = 0
        self.ncs = 0  # #CS
        self.map_type = 0
        self.hdr_end = 0  # end of the CS ID map: the first payload's start
        self.trailing_zero = False  # tolerated quirk `trailing-zero`
        self.steps = 0  # loop iterations of the last decode

    def find(self, ptype, i=-1):
        """Index of the first payload of ptype after index i, or -1."""
        for i in range(i + 1, self.count):
            if self.ptype[i] == ptype:
                return i
        return -1


class Keys:
    """Where the Key data sub-payloads (§6.13) of a KEMAC's Encr data lie,
    once it is plaintext: parallel arrays indexed by sub-payload (0, 1, ...),
    16-bit views of one array (an array object each would cost more RAM).
    Sub-payload j holds a key of type type[j] (TGK 0, TGK+SALT 1, TEK 2,
    TEK+SALT 3; RFC 6043 §6.2.1: GTGK 4, GTGK+SALT 5, MPK 6) at
    key[j]..+key_len[j], a salt at salt[j]..+salt_len[j] (length 0 for the
    types without one), and Key validity of type kv[j] (§6.14): Null 0; SPI
    1, the SPI (the MKI for SRTP) at spi[j]..+spi_len[j]; Interval 2, Valid
    From there, and VT len at spi[j]+spi_len[j] followed by Valid To."""

    def __init__(self, n=4):  # n sub-payloads at most
        a = memoryview(array("H", bytes(16 * n)))
        self.type = a[:n]
        self.kv = a[n : 2 * n]
        self.key = a[2 * n : 3 * n]
        self.key_len = a[3 * n : 4 * n]
        self.salt = a[4 * n : 5 * n]
        self.salt_len = a[5 * n : 6 * n]
        self.spi = a[6 * n : 7 * n]
        self.spi_len = a[7 * n :]
        self.count = 0


# -- the walk ---------------------------------------------------------------


def decode(data, n, t, flags=0):
    """Walk the message data[:n] into table t; return the payload count."""
    t.count = 0
    t.steps = 0
    t.hdr_end = 0
    t.trailing_zero = False
    if n > len(data) or n < 10:  # all 10 fixed bytes of HDR first (§6.1)
        raise MikeyError(_R_TRUNCATED)
    if n > 0xFFFF:
        raise MikeyError(_R_BAD_LENGTH)
    # HDR (§6.1): version, data type, next payload, V|PRF func, CSB ID,
    # #CS, CS ID map type, CS ID map info
    if data[0] != 1:
        raise MikeyError(_R_BAD_VERSION)
    dt = data[1]
    # 0-10 RFC 3830/4650/4738, 11-18 RFC 6043, 26 RFC 6509
    if dt > 18 and dt != 26 and not flags & _PARTIAL:
        raise MikeyError(_R_DATA_TYPE)
    t.data_type = dt
    nxt = data[2]
    ncs = data[8]
    t.ncs = ncs
    mt = data[9]
    t.map_type = mt
    p = 10
    if mt == 0:  # SRTP-ID (§6.1.1): Policy_no | SSRC | ROC per crypto session
        p += 9 * ncs
        if p > n:
            raise MikeyError(_R_TRUNCATED)
    elif mt == 2:  # GENERIC-ID (RFC 6043 §6.1.1)
        import mikey._walk as w

        p = w.read(data, n, t, ncs)
    elif mt != 1:  # 1: Empty (RFC 4563 §5), no map info
        raise MikeyError(_R_UNKNOWN_PAYLOAD)
    t.hdr_end = p

    i = 0
    while nxt:  # Next payload 0: the last one
        t.steps += 1
        if i == len(t.ptype):  # the table's capacity
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)
        s = p
        if s + 2 > n:
            raise MikeyError(_R_TRUNCATED)
        g = _TAB[_LAYOUT + nxt] if nxt < 22 else 0
        if g:
            b = s + (g >> 4)  # where the variable part begins
            if b > n:
                raise MikeyError(_R_TRUNCATED)
            q = s + (g & 15)
            be = e = b + (data[q] if b - q == 1 else data[q] << 8 | data[q + 1])
            if e > n:
                raise MikeyError(_R_BAD_LENGTH)
            if nxt == _SP:  # §6.10: Type | Length | Value, exactly filling
                q = b
                while q < e:
                    t.steps += 1
                    if q + 2 > e:
                        raise MikeyError(_R_BAD_LENGTH)
                    q += 2 + data[q + 1]
                if q != e:
                    raise MikeyError(_R_BAD_LENGTH)
            elif nxt == _KEMAC:  # ... | MAC alg | MAC (§6.2)
                if be == n:
                    raise MikeyError(_R_TRUNCATED)
                if data[be] > 2:
                    raise MikeyError(_R_MAC_ALG)
                e = be + 1 + _TAB[_MAC_LEN + data[be]]
        elif nxt == _T:
            # §6.6: Next | TS type | TS value
            b = s + 2
            g = data[s + 1]
            if g > 3:
                raise MikeyError(_R_TIMESTAMP)
            be = e = b + (8 if g < 2 else 4)  # NTP-UTC, NTP; COUNTER, NTP-UTC-32
        elif nxt == _V:
            # §6.9: Next | Auth alg | Ver data (length from the algorithm)
            b = s + 2
            if data[s + 1] > 2:
                raise MikeyError(_R_MAC_ALG)
            be = e = b + _TAB[_MAC_LEN + data[s + 1]]
        elif nxt == _ERR:
            # §6.12: Next | Error no | Reserved(2)
            b = s + 2
            be = e = s + 4
        else:  # what PSK, NULL and Error messages never carry
            import mikey._walk as w

            e = w.parse(data, n, t, i, nxt, s)
            b = t.body[i]
            be = t.body_end[i]
        if e > n:  # an implied length that runs out
            raise MikeyError(_R_TRUNCATED)
        t.ptype[i] = nxt
        t.start[i] = s
        t.end[i] = e
        t.body[i] = b
        t.body_end[i] = be
        i += 1
        t.count = i
        nxt = 0 if nxt == _SIGN else data[s]  # SIGN has no Next: the last
        p = e
    if p != n:
        if flags & _TOLERANT and p + 1 == n and data[p] == 0:
            t.trailing_zero = True
        else:
            raise MikeyError(_R_TRAILING_DATA)
    return i


def keys(data, p, end, k):
    """Walk the Key data sub-payloads (§6.13) in data[p:end] into k: Next
    is 20 between them and 0 after the last, which must end at `end`. An
    empty window (an update message's KEMAC, §6.2) holds none. Returns the
    sub-payload count."""
    k.count = 0
    j = 0
    while p < end:
        if j == len(k.type):  # the table's capacity
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)
        # Next | Type(4 bits) KV(4 bits) | Key data len(2) | Key data
        #      | [Salt len(2) | Salt data] | [KV data]
        if p + 4 > end:
            raise MikeyError(_R_TRUNCATED)
        nxt = data[p]
        kt = data[p + 1] >> 4
        kv = data[p + 1] & 15
        if kt > 6:
            raise MikeyError(_R_UNKNOWN_PAYLOAD)
        k.type[j] = kt
        k.kv[j] = kv
        k.key[j] = p + 4
        m = data[p + 2] << 8 | data[p + 3]
        k.key_len[j] = m
        q = p + 4 + m
        if q > end:
            raise MikeyError(_R_BAD_LENGTH)
        m = 0
        if kt & 1:  # TGK+SALT, TEK+SALT, GTGK+SALT
            if q + 2 > end:
                raise MikeyError(_R_TRUNCATED)
            m = data[q] << 8 | data[q + 1]
            q += 2
        k.salt[j] = q
        k.salt_len[j] = m
        q += m
        if q > end:
            raise MikeyError(_R_BAD_LENGTH)
        k.spi[j] = q + 1
        k.spi_len[j] = data[q] if kv and q < end else 0
        if kv > 2:
            raise MikeyError(_R_UNKNOWN_PAYLOAD)
        p = q
        for _ in range(kv):  # KV data (§6.14): SPI; Valid From, Valid To: length(1) | value each
            if p >= end:
                raise MikeyError(_R_TRUNCATED)  # a length byte missing
            p += 1 + data[p]
            if p > end:
                raise MikeyError(_R_BAD_LENGTH)  # a value past the end
        j += 1
        k.count = j
        if nxt == 0:
            if p != end:
                raise MikeyError(_R_TRAILING_DATA)
            return j
        if nxt != _KEY_DATA:
            raise MikeyError(_R_UNKNOWN_PAYLOAD)
    if j:  # the last one announced another
        raise MikeyError(_R_TRUNCATED)
    return 0
