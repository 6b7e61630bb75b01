# The codec's reader (firmware/mikey/codec.py: decode, keys) under
# MicroPython: one message carrying every payload type with a length rule,
# hand-built from the RFC figures, walked to known offsets without
# allocating; the other CS ID map types; Key data sub-payloads; the
# tolerant reader's `trailing-zero`; loops bounded by the input.

from micropython import const

import mikey._walk  # noqa: F401
from fwtest import eq, fails, no_alloc, unhex
from mikey.codec import Keys, Table, decode, keys

# decode() imports mikey._walk on meeting a payload that PSK, NULL and Error
# messages never carry (the one allocation of such a decode); a device that
# must decode those under heap_lock() imports it at boot, as this module
# does above, so that no_alloc checks the walk and not the import.

_R_TRAILING_DATA = const(4)  # reason: a copy of mikey.errors

# Above the tight profile's 32 KB: the codec, its imports and this module's
# constants leave it no room to run. Allocation is tested on every profile,
# tight included, in test_codec_alloc_*.py.
FW_PROFILES = ("esp32", "rp2040")

t = Table(24)
k = Keys(8)


def param(i, ptype):
    """SP payload i of t: offset of the value of parameter ptype, or -1; its
    length is the byte before it (§6.10)."""
    d = every_payload()
    q = t.body[i]
    while q < t.body_end[i]:
        if d[q] == ptype:
            return q + 2
        q += 2 + d[q + 1]
    return -1


def count_of(ptype):
    return sum(1 for i in range(t.count) if t.ptype[i] == ptype)

# (payload type, bytes from its Next payload field on; SIGN has none).
# Each Next names the payload of the following row.
PARTS = (
    (5, "0d 01 0102030405060708"),  # T (§6.6), NTP: 8 bytes
    (13, "0e 02 03 e1234567"),  # TR (6043 §6.4): role 2, NTP-UTC-32: 4 bytes
    (14, "0f 01 02 0005 68656c6c6f"),  # IDR (6043 §6.6): role 1, byte string, "hello"
    (15, "10 01 04 01020304"),  # RANDR (6043 §6.8): role 1, 4 bytes
    (16, "11 0001 01 01 000000 0003 abcdef"),  # TP (6043 §6.10), 3 bytes of TP Data
    (17, "1a 0001 01 01 000000 0001 aa 0002 1234 0000"),  # TICKET: + Ticket Data, Initiator Data
    (26, "07 01 01 0004 cafebabe"),  # SAKKE (6509 §4.2)
    (7, "08 00 0003 300100"),  # CERT (§6.7): X.509v3, 3 bytes
    (8, "02 01" + "ab" * 16),  # CHASH (§6.8): MD5, 16 bytes
    (2, "03 4005 aabbccddee"),  # PKE (§6.3): C 1, Data len 5
    (3, "03 01" + "11" * 96 + "01 02 abcd"),  # DH (§6.4): OAKLEY 1, 96 bytes; KV SPI
    (3, "03 0a 04" + "22" * 64 + "00"),  # DH-Group 10, P-256 uncompressed; KV Null
    (3, "16 0a 02" + "33" * 32 + "02 06 000000000001 06 0000ffffffff"),  # compressed; KV Interval
    (22, "15 07 04" + "44" * 64 + "00 01 0010 01 02 beef"),  # ECCPT (ECC-03 §6.1): pad, auth, TGK len, KV SPI
    (21, "09 00 0004 deadbeef"),  # General Extension (§6.15): Vendor ID
    (9, "0c 02" + "55" * 32),  # V (§6.9): HMAC-SHA-256-256, 32 bytes
    (12, "0b 0d 0000"),  # ERR (§6.12): Error no 13
    (11, "06 04 99999999"),  # RAND (§6.11): 4 bytes
    (6, "0a 01 0003 616263"),  # ID (§6.7): URI "abc"
    (10, "01 01 00 0006 000101 0b010a"),  # SP (§6.10): policy 1, SRTP, two params
    (1, "04 00 0005 0000 0001 ff 02" + "66" * 32),  # KEMAC (§6.2): NULL, one TGK, HMAC-SHA-256
    (4, "2004 01020304"),  # SIGN (§6.5): S type 2, 4 bytes, the last payload
)
# HDR (§6.1): PK init, V 1, PRF 1, CSB ID, #CS 1 with an SRTP-ID entry
HDR = "01 02 05 81 01020304 01 00  05 c20f551c 00000007"


def every_payload():
    return unhex(HDR + "".join(p[1] for p in PARTS))


def test_every_payload_type_walks_to_known_offsets():
    m = every_payload()
    eq(no_alloc(decode, m, len(m), t), len(PARTS))
    eq((t.data_type, m[3] >> 7, m[3] & 0x7F, t.ncs, t.map_type, t.hdr_end), (2, 1, 1, 1, 0, 19))
    p = 19
    for i in range(len(PARTS)):
        eq((i, t.ptype[i], t.start[i]), (i, PARTS[i][0], p))
        p += len(unhex(PARTS[i][1]))
        eq(t.end[i], p)
    eq(p, len(m))
    # SRTP-ID entry of CS ID 1 (§6.1.1): Policy_no, SSRC, ROC
    eq((m[10], bytes(m[11:15]), m[18]), (5, unhex("c20f551c"), 7))


def span(i):
    return bytes(every_payload()[t.body[i] : t.body_end[i]])


def test_every_payload_fields():
    m = every_payload()
    decode(m, len(m), t)
    d = m
    s = t.start
    eq((d[s[0] + 1], span(0)), (1, unhex("0102030405060708")))  # T: NTP
    eq((d[s[1] + 1], d[s[1] + 2], span(1)), (2, 3, unhex("e1234567")))  # TR
    eq((d[s[2] + 2], span(2)), (2, b"hello"))  # IDR: ID type 2
    eq(span(3), unhex("01020304"))  # RANDR
    eq((span(4), t.end[4] - t.body_end[4]), (unhex("abcdef"), 0))  # TP
    eq((span(5), t.end[5] - t.body_end[5]), (b"\xaa", 2 + 2 + 2))  # TICKET
    eq(span(6), unhex("cafebabe"))  # SAKKE
    eq((d[s[7] + 1], span(7)), (0, unhex("300100")))  # CERT
    eq((d[s[8] + 1], len(span(8))), (1, 16))  # CHASH: MD5
    eq((d[s[9] + 1] >> 6, span(9)), (1, unhex("aabbccddee")))  # PKE: C, Data
    for i, group, n, kv in ((10, 1, 96, 1), (11, 10, 65, 0), (12, 10, 33, 2)):
        be = t.body_end[i]
        eq((d[s[i] + 1], be - t.body[i], d[be] & 15), (group, n, kv))  # DH
    eq((d[s[13] + 1], len(span(13)), d[t.end[13] - 3]), (7, 65, 2))  # ECCPT: curve, point, SPI len
    eq((d[s[14] + 1], span(14)), (0, unhex("deadbeef")))  # General Extension
    eq((d[s[15] + 1], t.end[15] - t.body[15]), (2, 32))  # V: Auth alg, Ver data
    eq(d[s[16] + 1], 13)  # ERR: Error no
    eq((d[s[18] + 1], span(18)), (1, b"abc"))  # ID: URI
    eq((d[s[19] + 1], d[s[19] + 2]), (1, 0))  # SP: Policy no, Prot type
    eq((d[param(19, 0)], d[param(19, 11)], param(19, 1)), (1, 10, -1))
    i = t.find(1)  # KEMAC: Encr alg, Encr data, MAC alg, MAC
    eq((i, d[s[i] + 1], span(i), d[t.body_end[i]], t.end[i] - t.body_end[i] - 1), (20, 0, unhex("0000 0001 ff"), 2, 32))
    eq((d[s[21]] >> 4, span(21), t.end[21]), (2, unhex("01020304"), len(m)))  # SIGN
    eq((t.find(3), t.find(3, 10), t.find(3, 12), t.find(27), count_of(3), count_of(99)), (10, 11, -1, -1, 3, 0))


def test_other_cs_id_maps():
    # RFC 4563 §5 Empty map: no map info, whatever #CS says
    m = unhex("01 00 0c 00 01020304 03 01  00 0c 0000")
    eq(no_alloc(decode, m, len(m), t), 1)
    eq((t.map_type, t.ncs, t.hdr_end, t.ptype[0]), (1, 3, 10, 12))
    # RFC 6043 §6.1.1 GENERIC-ID: CS ID | Prot type | S, #P | Ps | Session
    # Data len(2) | Session Data | SPI len | SPI, per crypto session
    m = unhex("01 0e 0c 00 01020304 02 02"
              " 01 00 81 00 000a 11223344 00000000 0001 04 01020304"
              " 02 00 00 0000 00"
              " 00 0c 0000")
    eq(no_alloc(decode, m, len(m), t), 1)
    eq((t.data_type, t.map_type, t.ncs, t.hdr_end, t.start[0]), (14, 2, 2, len(m) - 4, len(m) - 4))
    eq(t.steps, 3)  # two map entries, one payload


def test_key_data_sub_payloads():
    # §6.13: TGK+SALT with KV SPI, then TEK with KV Interval, then TGK
    w = unhex("14 11 0004 a1a2a3a4 0002 b1b2 03 c1c2c3"
              " 14 22 0001 d1 06 000000000001 06 0000ffffffff"
              " 00 00 0002 e1e2")
    eq(no_alloc(keys, w, 0, len(w), k), 3)
    eq((k.count, list(k.type[:3]), list(k.kv[:3])), (3, [1, 2, 0], [1, 2, 0]))
    eq((k.key[0], k.key_len[0], k.salt[0], k.salt_len[0], k.spi[0], k.spi_len[0]), (4, 4, 10, 2, 13, 3))
    eq(w[k.spi[0] : k.spi[0] + 3], unhex("c1c2c3"))
    eq((k.key[1], k.key_len[1], k.salt_len[1], k.spi[1], k.spi_len[1]), (20, 1, 0, 22, 6))
    vt = k.spi[1] + k.spi_len[1]  # Interval: VT len, then Valid To (§6.14)
    eq((w[vt], w[vt + 1 : vt + 7]), (6, unhex("0000ffffffff")))
    eq((k.key_len[2], w[k.key[2] : k.key[2] + 2], k.salt_len[2], k.spi_len[2]), (2, unhex("e1e2"), 0, 0))
    # a window inside a larger buffer, and an empty one (§6.2, update message)
    eq(keys(b"xx" + w + b"yy", 2, 2 + len(w), k), 3)
    eq(k.key[0], 6)
    eq(no_alloc(keys, w, 5, 5, k), 0)
    eq(k.count, 0)


def test_trailing_zero_only_when_tolerant():
    # docs/profile.md `trailing-zero`: exactly one 0x00 after the last payload
    m = unhex("01 00 05 00 01020304 00 00  00 00 0102030405060708 00")
    fails(_R_TRAILING_DATA, 13, decode, m, len(m), t)
    eq(no_alloc(decode, m, len(m), t, True), 1)
    eq(t.trailing_zero, True)
    eq(decode(m, len(m) - 1, t, True), 1)  # the message without it
    eq(t.trailing_zero, False)
    for tail in ("00 00", "01", "ff"):
        m2 = m[:-1] + unhex(tail)
        fails(_R_TRAILING_DATA, 13, decode, m2, len(m2), t, True)


def test_loops_bounded_by_input():
    # The cheapest iterations: V payloads with auth alg NULL (2 bytes each),
    # SP parameters of length 0 (2 bytes each). t.steps counts them all.
    m = unhex("01 01 09 00 01020304 00 00" + "09 00" * 23 + "00 00")
    eq(decode(m, len(m), t), 24)
    eq((t.steps, t.steps <= len(m)), (24, True))
    m = bytearray(unhex("01 00 0a 00 01020304 00 00  00 00 00 00c8") + b"\x00" * 200)
    eq(decode(m, len(m), t), 1)
    eq((t.steps, t.steps <= len(m)), (101, True))
    # data past n is never looked at: the message is data[:n]
    m = every_payload() + b"\x01\x02"
    eq(decode(m, len(m) - 2, t), len(PARTS))
    eq(t.steps <= len(m) - 2, True)
