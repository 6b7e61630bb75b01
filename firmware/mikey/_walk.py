"""The part of mikey.codec's walk that PSK, NULL and Error messages never
need: the GENERIC-ID CS ID map (RFC 6043 §6.1.1) and every payload but T,
RAND, ID, SP, KEMAC, V, ERR and General Extension. mikey.codec.decode()
imports it on meeting one, so a PSK-only device keeps none of it in RAM.
Once imported it allocates nothing (a device that must decode these
payloads under micropython.heap_lock() imports it at boot)."""

from micropython import const

from mikey.errors import MikeyError

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_BAD_LENGTH = const(1)
_R_UNKNOWN_PAYLOAD = const(2)
_R_HASH = const(10)
_R_DH_GROUP = const(11)
_R_TIMESTAMP = const(17)

_PKE = const(2)  # Next payload values
_DH = const(3)
_SIGN = const(4)
_CHASH = const(8)
_TR = const(13)
_TICKET = const(17)
_ECCPT = const(22)

# As mikey.codec's _LAYOUT, for the rest of the payloads of that shape: (where
# the variable part begins) << 4 | (where the length field is); PKE keeps 14
# bits of its field, SIGN 12. 0: read by hand below, or none such.
#   PKE 2 (§6.3)     Next | C(2 bits) Data len(14 bits) | Data
#   SIGN 4 (§6.5)    S type(4 bits) Signature len(12 bits) | Signature
#   CERT 7 (§6.7)    Next | Cert type | Cert len(2) | Cert data
#   IDR 14 (RFC 6043 §6.6), SAKKE 26 (RFC 6509 §4.2): Next | x | y | len(2)
#   RANDR 15 (RFC 6043 §6.8) Next | RAND role | RAND length | RAND
#   TP 16, TICKET 17 (RFC 6043 §6.10) Next | 7 bytes | TP Data len(2) ...
_LAYOUT = const(b"\x00\x00\x31\x00\x20\x00\x00\x42\x00\x00\x00\x00\x00\x00\x53\x32\xa8\xa8"
                b"\x00\x00\x00\x00\x00\x00\x00\x00\x53")


def _lv(d, p, n, k):
    """End of k length(1) | value fields from p (the KV data of DH and
    ECCPT, §6.14; the GENERIC-ID SPI, RFC 6043 §6.1.1). A length byte
    missing is truncation, a value past n a length that overruns."""
    for _ in range(k):
        if p >= n:
            raise MikeyError(_R_TRUNCATED)
        p += 1 + d[p]
        if p > n:
            raise MikeyError(_R_BAD_LENGTH)
    return p


def read(data, n, t, ncs):
    """End of a GENERIC-ID map of ncs entries from data[10] (RFC 6043
    §6.1.1): CS ID | Prot type | S, #P | Ps | Session Data len(2) + data |
    SPI len + SPI each."""
    p = 10
    for _ in range(ncs):
        t.steps += 1
        if p + 3 > n:
            raise MikeyError(_R_TRUNCATED)
        p += 3 + (data[p + 2] & 0x7F)
        if p + 2 > n:
            raise MikeyError(_R_TRUNCATED)
        p += 2 + (data[p] << 8 | data[p + 1])
        if p > n:
            raise MikeyError(_R_BAD_LENGTH)
        p = _lv(data, p, n, 1)
    return p


def parse(data, n, t, i, nxt, s):
    """Walk payload i of t, of type nxt, from data[s] (s + 2 <= n): its
    variable part into t.body[i], t.body_end[i]; returns its end (which
    decode() checks against n)."""
    g = _LAYOUT[nxt] if nxt < 27 else 0
    if g:
        b = s + (g >> 4)  # where the variable part begins
        if b > n:
            raise MikeyError(_R_TRUNCATED)
        q = s + (g & 15)
        m = data[q] if b - q == 1 else data[q] << 8 | data[q + 1]
        if nxt == _PKE:
            m &= 0x3FFF
        elif nxt == _SIGN:
            m &= 0x0FFF
        be = e = b + m
        if e > n:
            raise MikeyError(_R_BAD_LENGTH)
        if nxt == _TICKET:  # ... | Ticket Data len(2) + data | Initiator Data len(2) + data
            for _ in range(2):
                if e + 2 > n:
                    raise MikeyError(_R_TRUNCATED)
                e += 2 + (data[e] << 8 | data[e + 1])
                if e > n:
                    raise MikeyError(_R_BAD_LENGTH)
    elif nxt == _TR:
        # RFC 6043 §6.4: Next | TS role | TS type | TS value
        b = s + 3
        if b > n:
            raise MikeyError(_R_TRUNCATED)
        g = data[s + 2]
        if g > 3:
            raise MikeyError(_R_TIMESTAMP)
        be = e = b + (8 if g < 2 else 4)  # NTP-UTC, NTP; COUNTER, NTP-UTC-32
    elif nxt == _CHASH:
        # §6.8 Table 6.8, RFC 6043 §6.7: SHA-1 20, MD5 16, SHA-256 32
        b = s + 2
        g = data[s + 1]
        if g > 2:
            raise MikeyError(_R_HASH)
        be = e = b + b"\x14\x10\x20"[g]
    elif nxt == _DH or nxt == _ECCPT:
        # DH (§6.4): Next | DH-Group | DH-value | Reserv, KV | KV data
        # ECCPT (ECC-03 §6.1): Next | ECC curve | ECC point | Auth alg |
        # TGK len(2) | Reserv, KV | KV data. The point is "padded to end
        # on a 32-bit boundary": read here as counted from the payload's
        # start, as the draft's figure puts Auth alg at a word's start.
        # OAKLEY 5, 1, 2 (Table 6.4) and P-256 (DH-Group 10, ECC curve
        # 7: the project profile) have known lengths.
        b = s + 2
        g = data[s + 1]
        if nxt == _DH and g < 3:
            m = (192, 96, 128)[g]
        elif g == (10 if nxt == _DH else 7):  # a SEC1 point: 04 x y, 02/03 x
            if b >= n:
                raise MikeyError(_R_TRUNCATED)
            m = data[b]
            m = 65 if m == 4 else 33 if m == 2 or m == 3 else 0
            if not m:
                raise MikeyError(_R_DH_GROUP)
        else:
            raise MikeyError(_R_DH_GROUP)
        be = b + m
        e = be + 1 if nxt == _DH else s + ((be - s + 3) & ~3) + 4
        if e > n:
            raise MikeyError(_R_TRUNCATED)
        g = data[e - 1] & 15
        if g > 2:
            raise MikeyError(_R_UNKNOWN_PAYLOAD)
        e = _lv(data, e, n, g)
    else:
        raise MikeyError(_R_UNKNOWN_PAYLOAD)
    t.body[i] = b
    t.body_end[i] = be
    return e
