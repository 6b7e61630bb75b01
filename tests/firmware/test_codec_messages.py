# Whole messages through the codec (firmware/mikey/codec.py) under
# MicroPython: the RFC 4567 §5.1 example exchange and a public vector
# rebuilt byte for byte, and every message kind of docs/profile.md encoded
# and decoded without allocating (fwtest.no_alloc).

from fwtest import eq, no_alloc, unhex
from mikey import encode as W
from mikey.codec import Keys, Table, decode, keys

# Above the tight profile's 32 KB: the codec, its imports and this module's
# constants leave it no room to run. Allocation is tested on every profile,
# tight included, in test_codec_alloc_*.py.
FW_PROFILES = ("esp32", "rp2040")

buf = bytearray(256)
t = Table()
k = Keys()

CSB = b"\x12\x34\x56\x78"
NTP = unhex("0102030405060708")
RAND16 = unhex("4a28da979ee21a7651a0d7f19136d98c")


def out(n):
    return bytes(buf[:n])


def param(d, i, ptype):
    """SP payload i of t: offset of the value of parameter ptype, or -1 (§6.10)."""
    q = t.body[i]
    while q < t.body_end[i]:
        if d[q] == ptype:
            return q + 2
        q += 2 + d[q + 1]
    return -1


# RFC 4567 §5.1, the SDP offer's a=key-mgmt:mikey, base64-decoded: a PSK
# I_MESSAGE with V set, one crypto session, T, RAND, IDi, an empty SP and a
# KEMAC (AES-CM-128, 36 bytes of Encr data, HMAC-SHA-1-160).
RFC4567_OFFER = (
    "01000580cd177e5001000000000000000000000b00c8e350ea0000000006104a28da979ee21a"
    "7651a0d7f19136d98c0a00000f646f6e616c64406475636b2e636f6d010000000000010024d0"
    "92a981a5640da6b08bdc21541b41b74299d78ca636ebbadbe36fde8ccf2f28302bf19b015f62"
    "7a69c6508675f5f59050e4abcca4c0bfdcd5"
)
# ... and the answer: R_MESSAGE with T echoed, IDr and V (V flag set there too)
RFC4567_ANSWER = (
    "01010580cd177e5001000000000000000000000600c8e350ea00000000090000106d69636b65"
    "79406d6f7573652e636f6d00019fc1dd184e413035c522e18481afbad80818e5c7"
)


def _copy(m, at, n):
    # what the mode layer does with a computed MAC (no slice: no allocation)
    for j in range(at, at + n):
        buf[j] = m[j]


def _offer(m):
    # Fields copied from the message m; Encr data and MAC are opaque here.
    p = W.hdr(buf, 0, 1, 0, m, 4, 1)
    p = W.srtp_id(buf, p, 0, 0, 0, 0, 0)
    nx, p = p, W.t(buf, p, 2, 0, m, 21)
    nx, p = p, W.rand(buf, p, nx, m, 31, 16)
    nx, p = p, W.ident(buf, p, nx, 6, 0, b"donald@duck.com", 0, 15)
    nx, p = p, W.sp(buf, p, nx, 0, b"")
    encr = W.kemac(buf, p, nx, 1)
    _copy(m, encr, 36)  # Encr data: opaque to the codec
    mac = W.kemac_end(buf, encr + 36, encr, 1)
    _copy(m, mac, 20)
    return mac + 20


def _answer(m):
    p = W.hdr(buf, 1, 1, 0, m, 4, 1)
    p = W.srtp_id(buf, p, 0, 0, 0, 0, 0)
    nx, p = p, W.t(buf, p, 2, 0, m, 21)
    nx, p = p, W.ident(buf, p, nx, 6, 0, b"mickey@mouse.com", 0, 16)
    at = W.v(buf, p, nx, 1)
    _copy(m, at, 20)
    return at + 20


def test_rfc4567_example_messages_byte_for_byte():
    m = unhex(RFC4567_OFFER)
    eq(no_alloc(_offer, m), 132)
    eq(out(132), m)
    m = unhex(RFC4567_ANSWER)
    eq(no_alloc(_answer, m), 71)
    eq(out(71), m)


# V-TSI-1 (tests/vectors/public.json, tsitle/ts_rtsp_server): live555-shaped
# MIKEY-NULL with one 30-byte TEK, KV SPI with a 4-byte MKI.
V_TSI_1 = (
    "01000500b4effbf2010000048f147f000000000b00ed6d0c97141238110a10807503e9b3d147"
    "e75cc0ca2041a1819c010000001b00010101011002010103011404010e0701010801010a0101"
    "0b010a000000270021001e68ff7f2b360a05ac381a67d784ae63283d884cc40a60ebd2ca7fe0"
    "1f06700409fa402100"
)


def test_null_mode_message_matches_live555_shape():
    m = unhex(V_TSI_1)
    params = m[52:79]  # SP policy params (§6.10)
    tek = m[87:117]  # Key data (§6.13)
    mki = m[118:122]  # KV data: SPI (§6.14)

    def build():
        p = W.hdr(buf, 0, 0, 0, m, 4, 1)
        p = W.srtp_id(buf, p, 0, m, 11, 0, 0)
        nx, p = p, W.t(buf, p, 2, 0, m, 21)
        nx, p = p, W.rand(buf, p, nx, m, 31, 16)
        nx, p = p, W.sp(buf, p, nx, 0, params)
        e = W.kemac(buf, p, nx, 0)
        p = W.key_data(buf, e, -1, 2, tek, None, mki)
        return W.kemac_end(buf, p, e, 0)

    eq(no_alloc(build), len(m))
    eq(out(len(m)), m)


def test_rfc4567_messages_decode_to_their_fields():
    m = unhex(RFC4567_OFFER)
    eq(no_alloc(decode, m, len(m), t), 5)
    eq((t.data_type, m[3] >> 7, m[3] & 0x7F, t.ncs, t.map_type, t.hdr_end), (0, 1, 0, 1, 0, 19))
    eq(list(t.ptype[:5]), [5, 11, 6, 10, 1])  # T, RAND, IDi, SP, KEMAC
    eq((m[t.start[0] + 1], t.body[0], t.end[0]), (0, 21, 29))  # NTP-UTC, 8 bytes
    eq((t.body[1], t.body_end[1]), (31, 47))  # RAND: 16 bytes
    eq((m[t.start[2] + 1], bytes(m[t.body[2] : t.body_end[2]])), (0, b"donald@duck.com"))
    eq((m[t.start[3] + 1], m[t.start[3] + 2], t.body[3] == t.body_end[3]), (0, 0, True))
    eq(param(m, 3, 1), -1)
    i = t.find(1)  # KEMAC
    s = t.start[i]
    # Encr alg AES-CM-128, 36 bytes of Encr data, MAC alg HMAC-SHA-1-160
    eq((i, m[s + 1], t.body_end[i] - t.body[i], m[t.body_end[i]]), (4, 1, 36, 1))
    eq((t.body_end[i] + 1, t.end[i]), (len(m) - 20, len(m)))  # the MAC field
    m = unhex(RFC4567_ANSWER)
    eq(no_alloc(decode, m, len(m), t), 3)
    eq(list(t.ptype[:3]), [5, 6, 9])  # T, IDr, V
    eq((t.data_type, m[3] >> 7, m[t.start[2] + 1], t.body[2], t.end[2]), (1, 1, 1, 51, 71))


def _psk_i_message():
    # docs/profile.md PSK I_MESSAGE: HDR, T, RAND, IDi, IDr, SP, KEMAC
    p = W.hdr(buf, 0, 1, 0, CSB, 0, 2)
    p = W.srtp_id(buf, p, 0, 0x0BADCAFE, 0, 0, 0)
    p = W.srtp_id(buf, p, 0, CSB, 0, 0, 0)
    nx, p = p, W.t(buf, p, 2, 0, NTP, 0)
    nx, p = p, W.rand(buf, p, nx, RAND16, 0, 16)
    nx, p = p, W.ident(buf, p, nx, 6, 1, b"sip:alice@example.org", 0, 21)
    nx, p = p, W.ident(buf, p, nx, 6, 1, b"sip:bob@example.org", 0, 19)
    nx, p = p, W.sp(buf, p, nx, 0, W.DEFAULT_SRTP)
    e = W.kemac(buf, p, nx, 1)
    p = W.key_data(buf, e, -1, 0, RAND16, None, b"\x01")
    return W.kemac_end(buf, p, e, 1)  # the MAC (20 bytes) at


def _psk_r_message():
    # HDR (V 0), T echoed, IDr, V
    p = W.hdr(buf, 1, 0, 0, CSB, 0, 2)
    p = W.srtp_id(buf, p, 0, 0x0BADCAFE, 0, 0, 0)
    p = W.srtp_id(buf, p, 0, CSB, 0, 0, 0)
    nx, p = p, W.t(buf, p, 2, 0, NTP, 0)
    nx, p = p, W.ident(buf, p, nx, 6, 1, b"sip:bob@example.org", 0, 19)
    return W.v(buf, p, nx, 1)  # the Ver data (20 bytes) at


def _error_message():
    p = W.hdr(buf, 6, 0, 0, CSB, 0, 0)
    nx, p = p, W.t(buf, p, 2, 0, NTP, 0)
    nx, p = p, W.err(buf, p, nx, 0)
    return W.err(buf, p, nx, 3)


def _update_message():
    # §4.5: same CSB ID, new T, no RAND; an SP, a General Extension, an
    # empty KEMAC
    p = W.hdr(buf, 0, 0, 0, CSB, 0, 1)
    p = W.srtp_id(buf, p, 0, 1, 0, 0, 0)
    nx, p = p, W.t(buf, p, 2, 0, NTP, 0)
    nx, p = p, W.sp(buf, p, nx, 1, b"\x0b\x01\x04")
    nx, p = p, W.ident(buf, p, nx, 21, 0, b"vendor", 0, 6)
    e = W.kemac(buf, p, nx, 0)
    return W.kemac_end(buf, e, e, 0)


def test_every_message_kind_encodes_and_decodes_without_allocating():
    for build, types, mac in (
        (_psk_i_message, [5, 11, 6, 6, 10, 1], 20),
        (_psk_r_message, [5, 6, 9], 20),
        (_error_message, [5, 12, 12], 0),
        (_update_message, [5, 10, 21, 1], 0),
    ):
        at = no_alloc(build)
        n = at + mac
        eq(no_alloc(decode, buf, n, t), len(types))
        eq(list(t.ptype[: t.count]), types)
        i = t.find(1)
        if i >= 0:
            eq(t.body_end[i] + 1, at)  # kemac_end() returned the MAC field
            eq(no_alloc(keys, buf, t.body[i], t.body_end[i], k), 1 if build is _psk_i_message else 0)
        elif types[-1] == 9:
            eq(t.body[t.count - 1], at)  # v() returned the Ver data
        eq(no_alloc(t.find, 12), 1 if types[1] == 12 else -1)


def test_round_trip_values():
    n = _psk_i_message() + 20
    decode(buf, n, t)
    eq((t.data_type, buf[3] >> 7, t.ncs), (0, 1, 2))
    e1 = 10  # SRTP-ID entry of CS ID 1: Policy_no, SSRC at +1, ROC at +5
    eq(bytes(buf[e1 : e1 + 9]), unhex("00 0badcafe 00000000"))
    eq(bytes(buf[e1 + 10 : e1 + 14]), CSB)  # CS ID 2's SSRC
    eq(bytes(buf[t.body[0] : t.end[0]]), NTP)
    eq(bytes(buf[t.body[1] : t.body_end[1]]), RAND16)
    eq(bytes(buf[t.body[3] : t.body_end[3]]), b"sip:bob@example.org")
    a = param(buf, 4, 11)  # SP: tag length
    eq((buf[a - 1], buf[a]), (1, 10))
    eq(param(buf, 4, 6), -1)  # key derivation rate: not sent by default
    i = t.find(1)
    eq(keys(buf, t.body[i], t.body_end[i], k), 1)
    eq((k.type[0], k.kv[0], k.key_len[0], k.salt_len[0], k.spi_len[0], buf[k.spi[0]]), (0, 1, 16, 0, 1, 1))
    eq(bytes(buf[k.key[0] : k.key[0] + 16]), RAND16)
