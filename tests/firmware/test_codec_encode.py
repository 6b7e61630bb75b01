# The general writer (firmware/mikey/encode.py) under MicroPython: known
# bytes for every payload, hand-built from the RFC figures. Whole messages
# and allocation: test_codec_messages.py, test_codec_alloc_encode.py.

from micropython import const

from fwtest import eq, fails, unhex
from mikey import encode as W

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_MAC_ALG = const(8)
_R_TIMESTAMP = const(17)
_R_OVERFLOW = const(19)

# Above the tight profile's 32 KB with this module's constants.
FW_PROFILES = ("esp32", "rp2040")

buf = bytearray(256)

CSB = b"\x12\x34\x56\x78"
NTP = unhex("0102030405060708")
RAND16 = unhex("4a28da979ee21a7651a0d7f19136d98c")
# a bare common header, PSK init, CSB 0x12345678, #CS 0 (GStreamer, V-GST-1)
HDR0 = "01 00 %s 00 12345678 00 00"


def out(n):
    return bytes(buf[:n])


def bare():
    return W.hdr(buf, 0, 0, 0, CSB, 0, 0)


def test_hdr_srtp_id_map_gstreamer_bytes():
    # §6.1: version | data type | next payload | V, PRF func | CSB ID | #CS |
    # CS ID map type; §6.1.1 SRTP-ID: Policy_no | SSRC | ROC (V-GST-2)
    p = W.hdr(buf, 0, 0, 0, 0x12345678, 0, 2)
    p = W.srtp_id(buf, p, 1, 0x12345678, 0, 0, 0)
    p = W.srtp_id(buf, p, 2, 0x23456789, 0, 1, 0)
    eq(out(p), unhex("01000000123456780200011234567800000000022345678900000001"))


def test_hdr_flags_and_32_bit_values_from_buffers():
    # V flag is the top bit of byte 3, PRF func the rest (§6.1). CSB ID,
    # SSRC and ROC come from buffers at an offset: values >= 2**30 would
    # be heap ints on 32-bit ports.
    src = unhex("aa fedcba98 ffffffff 80000001")
    p = W.hdr(buf, 1, 1, 1, src, 1, 1)
    p = W.srtp_id(buf, p, 7, src, 5, src, 9)
    eq(out(p), unhex("01 01 00 81 fedcba98 01 00  07 ffffffff 80000001"))
    p = W.hdr(buf, 6, 0, 0, 0, 0, 0)  # an Error message's header when nothing could be read
    eq(out(p), unhex("01 06 00 00 00000000 00 00"))


def test_t_payload_each_ts_type():
    # §6.6: Next | TS type | TS value; NTP-UTC and NTP 64 bits, COUNTER 32
    # bits, NTP-UTC-32 (RFC 6043 §6.3) 32 bits. Header's Next becomes 5.
    for ts_type, value, want in (
        (0, NTP, "00 00 0102030405060708"),
        (1, NTP, "00 01 0102030405060708"),
        (2, NTP, "00 02 01020304"),
        (3, unhex("ffe1234567"), "00 03 e1234567"),
    ):
        p = W.t(buf, bare(), 2, ts_type, value, 1 if ts_type == 3 else 0)
        eq(out(p), unhex(HDR0 % "05" + want))
    fails(_R_TIMESTAMP, 1, W.t, buf, bare(), 2, 4, NTP, 0)


def test_rand_id_ext_err_payloads():
    # §6.11 RAND: Next | RAND len | RAND
    p = W.rand(buf, bare(), 2, RAND16, 0, 16)
    eq(out(p), unhex(HDR0 % "0b" + "00 10" + "4a28da979ee21a7651a0d7f19136d98c"))
    # §6.7 ID: Next | ID type | ID len(2) | ID data (URI, from an offset)
    p = W.ident(buf, bare(), 2, 6, 1, b"xxsip:a@b.example", 2, 15)
    eq(out(p), unhex(HDR0 % "06" + "00 01 000f") + b"sip:a@b.example")
    # §6.15 General Extension: Next | Type | Length(2) | Data (SDP IDs)
    p = W.ident(buf, bare(), 2, 21, 1, b"mikey", 0, 5)
    eq(out(p), unhex(HDR0 % "15" + "00 01 0005") + b"mikey")
    # §6.12 ERR: Next | Error no | Reserved(2); two of them, chained
    nx, p = 10, W.err(buf, bare(), 2, 13)
    p = W.err(buf, p, nx, 1)
    eq(out(p), unhex(HDR0 % "0c" + "0c 0d 0000" + "00 01 0000"))
    fails(_R_BAD_LENGTH, 13, W.rand, buf, bare(), 2, bytearray(256), 0, 256)
    fails(_R_BAD_LENGTH, 13, W.rand, buf, bare(), 2, RAND16, 1, 16)  # source window short


def test_sp_default_policy_is_the_profile_set():
    # §6.10: Next | Policy no | Prot type | Policy param length(2) | TLVs;
    # docs/profile.md: types 0,1,2,3,4,5,7,8,10,11 in ascending order
    p = W.sp(buf, bare(), 2, 0, W.DEFAULT_SRTP)
    eq(out(p), unhex(HDR0 % "0a" + "00 00 00 001e"
                     "000101 010110 020101 030114 04010e 050100 070101 080101 0a0101 0b010a"))
    p = W.sp(buf, bare(), 2, 3, b"\x0b\x01\x04", 0)  # a user's policy: tag length 4
    eq(out(p), unhex(HDR0 % "0a" + "00 03 00 0003 0b0104"))
    from mikey import base  # the engines' copy (encode does not load base)

    eq(W.DEFAULT_SRTP, base.DEFAULT_SRTP)


def test_kemac_with_key_data_sub_payloads():
    # §6.2 KEMAC: Next | Encr alg | Encr data len(2) | Encr data | MAC alg | MAC
    # §6.13 Key data: Next (20, or 0 for the last) | Type, KV | Key data len(2)
    #   | Key data | [Salt len(2) | Salt data] | [KV data]
    # §6.14 KV data: SPI len | SPI
    tgk = unhex("00112233445566778899aabbccddeeff")
    salt = unhex("0102030405060708090a0b0c0d0e")
    encr = W.kemac(buf, bare(), 2, 1)
    kx, p = encr, W.key_data(buf, encr, -1, 1, tgk, salt, None)  # TGK+SALT, KV Null
    kx, p = p, W.key_data(buf, p, kx, 3, tgk, salt, b"\x09\xfa\x40\x21")  # TEK+SALT, KV SPI (MKI)
    p = W.key_data(buf, p, kx, 2, tgk[:2], None, b"")  # TEK, an empty SPI
    mac = W.kemac_end(buf, p, encr, 1)
    kd1 = "14 10 0010 00112233445566778899aabbccddeeff 000e 0102030405060708090a0b0c0d0e"
    kd2 = "14 31 0010 00112233445566778899aabbccddeeff 000e 0102030405060708090a0b0c0d0e 04 09fa4021"
    kd3 = "00 21 0002 0011 00"
    body = unhex(kd1 + kd2 + kd3)
    want = unhex(HDR0 % "01" + "00 01") + bytes([0, len(body)]) + body + unhex("01") + bytes(20)
    eq(out(mac + 20), want)
    eq(encr, 10 + 4)
    eq(mac, len(want) - 20)
    eq(buf[mac - 1], 1)  # the MAC alg byte: the MAC covers buf[:mac] (§5.2)
    # NULL/NULL with no sub-payloads: an update message's empty KEMAC (§6.2)
    encr = W.kemac(buf, bare(), 2, 0)
    eq(W.kemac_end(buf, encr, encr, 0), 10 + 5)
    eq(out(15), unhex(HDR0 % "01" + "00 00 0000 00"))
    # MAC alg 2, HMAC-SHA-256-256 (RFC 6043 §6.2): 32 bytes
    encr = W.kemac(buf, bare(), 2, 2)
    eq(W.kemac_end(buf, encr, encr, 2), 10 + 5)
    eq(W.mac_len(2), 32)
    encr = W.kemac(buf, bare(), 2, 1)
    fails(_R_MAC_ALG, 3, W.kemac_end, buf, encr, encr, 3)


def test_v_payload():
    # §6.9: Next | Auth alg | Ver data (20 bytes for HMAC-SHA-1-160)
    buf[12:40] = b"\xee" * 28
    at = W.v(buf, bare(), 2, 1)
    eq(at, 12)
    eq(out(32), unhex(HDR0 % "09" + "00 01") + bytes(20))  # zeroed
    eq(W.v(buf, bare(), 2, 0), 12)
    eq(out(12), unhex(HDR0 % "09" + "00 00"))
    fails(_R_MAC_ALG, 3, W.v, buf, bare(), 2, 9)


def test_overflow_is_typed_and_writes_nothing_past_the_buffer():
    small = bytearray(20)
    p = W.hdr(small, 0, 0, 0, CSB, 0, 0)
    fails(_R_OVERFLOW, 12, W.rand, small, p, 2, RAND16, 0, 16)
    eq(small[2], 0)  # the payload that did not fit left no trace
    fails(_R_OVERFLOW, 12, W.hdr, bytearray(9), 0, 0, 0, CSB, 0, 0)
    fails(_R_OVERFLOW, 12, W.srtp_id, small, 12, 0, 1, 0, 1, 0)
    fails(_R_OVERFLOW, 12, W.key_data, small, 10, -1, 0, RAND16, None, None)
