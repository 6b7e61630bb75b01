# The codec's writer (firmware/mikey/codec.py, Encoder) under MicroPython:
# known bytes for every payload, hand-built from the RFC figures. Whole
# messages and allocation: test_codec_messages.py.

from fwtest import eq, raises, unhex
from mikey.encode import Encoder
from mikey.errors import BadLength, InvalidTimestamp, Overflow, UnsupportedMAC

# Above the tight profile's 32 KB: the codec, its imports and this module's
# constants leave it no room to run. Allocation is tested on every profile,
# tight included, in test_codec_alloc_*.py.
FW_PROFILES = ("esp32", "rp2040")

buf = bytearray(256)
enc = Encoder(buf)

CSB = b"\x12\x34\x56\x78"
NTP = unhex("0102030405060708")
RAND16 = unhex("4a28da979ee21a7651a0d7f19136d98c")
# a bare common header, PSK init, CSB 0x12345678, #CS 0 (GStreamer, V-GST-1)
HDR0 = "01 00 %s 00 12345678 00 00"


def out(e):
    return bytes(buf[: e.length()])


def bare(e):
    e.reset()
    e.hdr(0, 0, 0, CSB, 0)


def test_hdr_srtp_id_map_gstreamer_bytes():
    # §6.1: version | data type | next payload | V, PRF func | CSB ID | #CS |
    # CS ID map type; §6.1.1 SRTP-ID: Policy_no | SSRC | ROC (V-GST-2)
    enc.reset()
    enc.hdr(0, 0, 0, 0x12345678, 2)
    enc.srtp_id(1, 0x12345678, 0)
    enc.srtp_id(2, 0x23456789, 1)
    eq(out(enc), unhex("01000000123456780200011234567800000000022345678900000001"))


def test_hdr_flags_and_32_bit_values_from_buffers():
    # V flag is the top bit of byte 3, PRF func the rest (§6.1). CSB ID,
    # SSRC and ROC come from buffers at an offset: values >= 2**30 would
    # be heap ints on 32-bit ports.
    src = unhex("aa fedcba98 ffffffff 80000001")
    enc.reset()
    enc.hdr(1, 1, 1, src, 1, 1)
    enc.srtp_id(7, src, src, 5, 9)
    eq(out(enc), unhex("01 01 00 81 fedcba98 01 00  07 ffffffff 80000001"))
    enc.reset()
    enc.hdr(6, 0, 0, 0, 0)  # an Error message's header when nothing could be read
    eq(out(enc), unhex("01 06 00 00 00000000 00 00"))


def test_t_payload_each_ts_type():
    # §6.6: Next | TS type | TS value; NTP-UTC and NTP 64 bits, COUNTER 32
    # bits, NTP-UTC-32 (RFC 6043 §6.3) 32 bits. Header's Next becomes 5.
    for ts_type, value, want in (
        (0, NTP, "00 00 0102030405060708"),
        (1, NTP, "00 01 0102030405060708"),
        (2, NTP, "00 02 01020304"),
        (3, unhex("ffe1234567"), "00 03 e1234567"),
    ):
        bare(enc)
        enc.t(ts_type, value, 1 if ts_type == 3 else 0)
        eq(out(enc), unhex(HDR0 % "05" + want))
    bare(enc)
    e = raises(InvalidTimestamp, enc.t, 4, NTP)
    eq(e.code, 1)


def test_rand_id_ext_err_payloads():
    # §6.11 RAND: Next | RAND len | RAND
    bare(enc)
    enc.rand(RAND16)
    eq(out(enc), unhex(HDR0 % "0b" + "00 10" + "4a28da979ee21a7651a0d7f19136d98c"))
    # §6.7 ID: Next | ID type | ID len(2) | ID data (URI, from an offset)
    bare(enc)
    enc.id(1, b"xxsip:a@b.example", 2, 15)
    eq(out(enc), unhex(HDR0 % "06" + "00 01 000f") + b"sip:a@b.example")
    # §6.15 General Extension: Next | Type | Length(2) | Data (SDP IDs)
    bare(enc)
    enc.ext(1, b"mikey")
    eq(out(enc), unhex(HDR0 % "15" + "00 01 0005") + b"mikey")
    # §6.12 ERR: Next | Error no | Reserved(2); two of them, chained
    bare(enc)
    enc.err(13)
    enc.err(1)
    eq(out(enc), unhex(HDR0 % "0c" + "0c 0d 0000" + "00 01 0000"))
    bare(enc)
    raises(BadLength, enc.rand, bytearray(256))


def test_sp_default_policy_is_the_profile_set():
    # §6.10: Next | Policy no | Prot type | Policy param length(2) | TLVs;
    # docs/profile.md: types 0,1,2,3,4,5,7,8,10,11 in ascending order
    bare(enc)
    enc.sp(0)
    eq(out(enc), unhex(HDR0 % "0a" + "00 00 00 001e"
                       "000101 010110 020101 030114 04010e 050100 070101 080101 0a0101 0b010a"))
    bare(enc)
    enc.sp(3, b"\x0b\x01\x04", 0)  # a user's policy: tag length 4
    eq(out(enc), unhex(HDR0 % "0a" + "00 03 00 0003 0b0104"))


def test_kemac_with_key_data_sub_payloads():
    # §6.2 KEMAC: Next | Encr alg | Encr data len(2) | Encr data | MAC alg | MAC
    # §6.13 Key data: Next (20, or 0 for the last) | Type, KV | Key data len(2)
    #   | Key data | [Salt len(2) | Salt data] | [KV data]
    # §6.14 KV data: SPI len | SPI; or VF len | Valid From | VT len | Valid To
    tgk = unhex("00112233445566778899aabbccddeeff")
    salt = unhex("0102030405060708090a0b0c0d0e")
    bare(enc)
    encr = enc.kemac(1)
    enc.key_data(1, tgk, salt)  # TGK+SALT, KV Null
    enc.key_data(3, tgk, salt, 1, b"\x09\xfa\x40\x21")  # TEK+SALT, KV SPI (MKI)
    enc.key_data(2, tgk[:2], None, 2, unhex("000000000001"), unhex("0000ffffffff"))
    mac = enc.kemac_end(1)
    kd1 = "14 10 0010 00112233445566778899aabbccddeeff 000e 0102030405060708090a0b0c0d0e"
    kd2 = "14 31 0010 00112233445566778899aabbccddeeff 000e 0102030405060708090a0b0c0d0e 04 09fa4021"
    kd3 = "00 22 0002 0011 06 000000000001 06 0000ffffffff"
    body = unhex(kd1 + kd2 + kd3)
    want = unhex(HDR0 % "01" + "00 01") + bytes([0, len(body)]) + body + unhex("01") + bytes(20)
    eq(out(enc), want)
    eq(encr, 10 + 4)
    eq(mac, len(want) - 20)
    eq(buf[mac - 1], 1)  # the MAC alg byte: the MAC covers buf[:mac] (§5.2)
    # NULL/NULL with no sub-payloads: an update message's empty KEMAC (§6.2)
    bare(enc)
    enc.kemac(0)
    eq(enc.kemac_end(0), 10 + 5)
    eq(out(enc), unhex(HDR0 % "01" + "00 00 0000 00"))
    # MAC alg 2, HMAC-SHA-256-256 (RFC 6043 §6.2): 32 bytes
    bare(enc)
    enc.kemac(2)
    eq(enc.kemac_end(2), 10 + 5)
    eq(enc.length(), 10 + 5 + 32)
    bare(enc)
    enc.kemac(1)
    e = raises(UnsupportedMAC, enc.kemac_end, 3)
    eq(e.code, 3)


def test_v_payload():
    # §6.9: Next | Auth alg | Ver data (20 bytes for HMAC-SHA-1-160)
    bare(enc)
    at = enc.v(1)
    eq(at, 12)
    eq(out(enc), unhex(HDR0 % "09" + "00 01") + bytes(20))
    bare(enc)
    eq(enc.v(0), 12)
    eq(out(enc), unhex(HDR0 % "09" + "00 00"))
    raises(UnsupportedMAC, enc.v, 9)


def test_overflow_is_typed_and_bounded():
    small = bytearray(20)
    e = Encoder(small)
    e.hdr(0, 0, 0, CSB, 0)
    err = raises(Overflow, e.rand, RAND16)
    eq(err.code, 12)
    eq(e.length() <= 20, True)
    # reset() onto another buffer starts over
    e.reset(buf)
    e.hdr(0, 0, 0, CSB, 0)
    eq(e.length(), 10)
