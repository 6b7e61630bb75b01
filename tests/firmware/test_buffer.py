# Fixed-capacity Writer/Reader (firmware/mikey/buffer.py) under MicroPython.
# The sample bytes are public vector V-GST-2 (../shared/vectors/public.json):
# a MIKEY common header (RFC 3830 §6.1) with two SRTP-ID map entries.
# Errors: MikeyError with reason truncated (Error no 13) or overflow (12).

from micropython import const

from fwtest import eq, fails, no_alloc, unhex
from mikey.buffer import Reader, Writer
from mikey.errors import MikeyError

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_OVERFLOW = const(19)

HDR = unhex("0100000012345678 0200 01 12345678 00000000 02 23456789 00000001")
CSB_ID = b"\x12\x34\x56\x78"

buf = bytearray(64)


def write_hdr(w):
    # RFC 3830 §6.1: version, data type, next payload, V|PRF func, CSB ID,
    # #CS, CS ID map type, then the SRTP-ID map: policy, SSRC, ROC per entry.
    w.u8(1)
    w.u8(0)
    w.u8(0)
    w.u8(0)
    w.put(CSB_ID)
    w.u8(2)
    w.u8(0)
    for policy, ssrc, roc in ((1, 0x12345678, 0), (2, 0x23456789, 1)):
        w.u8(policy)
        w.u32(ssrc)
        w.u32(roc)
    return w.length()


def read_hdr(r, out):
    out[0] = r.u8()  # version
    out[1] = r.u8()  # data type
    out[2] = r.u8()  # next payload
    out[3] = r.u8() & 0x7F  # PRF func
    out[4] = r.skip(4)  # CSB ID: offset only
    n = r.u8()
    out[5] = n
    out[6] = r.u8()
    for i in range(n):
        out[7 + 2 * i] = r.u8()  # policy
        out[8 + 2 * i] = r.skip(8)  # SSRC and ROC: offset only
    return r.tell()


def test_writer_produces_public_header_bytes():
    w = Writer(buf)
    n = write_hdr(w)
    eq(bytes(buf[:n]), HDR)


def test_encode_and_decode_allocate_nothing():
    w = Writer(buf)
    n = no_alloc(write_hdr, w)
    eq(n, len(HDR))
    out = [0] * 12
    r = Reader(HDR)
    eq(no_alloc(read_hdr, r, out), len(HDR))
    eq(out[:4], [1, 0, 0, 0])
    eq(HDR[out[4] : out[4] + 4], CSB_ID)
    eq(out[5], 2)
    eq((out[7], out[9]), (1, 2))
    eq(HDR[out[10] : out[10] + 4], b"\x23\x45\x67\x89")
    eq(r.at_end(), True)


def test_reader_fields_big_endian():
    r = Reader(unhex("01 0203 04050607 ff ffff 3fffffff"))
    eq(r.u8(), 1)
    eq(r.u16(), 0x0203)
    eq(r.u32(), 0x04050607)
    eq(r.u8(), 0xFF)
    eq(r.u16(), 0xFFFF)
    eq(r.u32(), 0x3FFFFFFF)
    eq(r.remaining(), 0)


def test_u32_extremes_round_trip():
    for v in (0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF):
        w = Writer(bytearray(4))
        w.u32(v)
        eq(Reader(w.buf).u32(), v)


def test_every_truncation_is_a_typed_error_and_keeps_position():
    # Every proper prefix of the header fails as truncated (Error no 13),
    # never another exception, and a failed pull leaves the position alone.
    out = [0] * 12
    for cut in range(len(HDR)):
        r = Reader(HDR, 0, cut)
        fails(_R_TRUNCATED, 13, read_hdr, r, out)
        eq(r.tell() <= cut, True)
    r = Reader(b"\x01")
    fails(_R_TRUNCATED, 13, r.u16)
    eq(r.tell(), 0)
    fails(_R_TRUNCATED, 13, r.u32)
    fails(_R_TRUNCATED, 13, r.skip, 2)
    eq(r.u8(), 1)
    fails(_R_TRUNCATED, 13, r.u8)
    fails(_R_TRUNCATED, 13, r.peek_u8)
    eq(r.tell(), 1)


def test_rejections_do_not_leak():
    # Each rejection raises a fresh error: 2,000 failed decodes leave the
    # heap where it was (a shared exception instance would keep growing).
    import gc

    out = [0] * 12

    def fail_many():
        for _ in range(2000):
            try:
                read_hdr(Reader(HDR, 0, 5), out)
            except MikeyError:
                pass

    fail_many()
    gc.collect()
    before = gc.mem_free()
    fail_many()
    gc.collect()
    eq(gc.mem_free() >= before - 64, True)


def test_overflow_is_a_typed_error_and_keeps_position():
    w = Writer(bytearray(3))
    w.u16(0xABCD)
    fails(_R_OVERFLOW, 12, w.u16, 1)
    eq(w.tell(), 2)
    fails(_R_OVERFLOW, 12, w.u32, 1)
    fails(_R_OVERFLOW, 12, w.put, b"ab")
    fails(_R_OVERFLOW, 12, w.zeros, 2)
    fails(_R_OVERFLOW, 12, w.reserve, 2)
    eq(w.tell(), 2)
    w.u8(0xEF)
    eq(bytes(w.buf), b"\xab\xcd\xef")
    fails(_R_OVERFLOW, 12, w.u8, 0)


def test_writer_window_and_patching():
    # A length field written after its body: reserve, write, patch.
    b = bytearray(b"\xee" * 12)
    w = Writer(b, 2, 10)
    at = w.reserve(2)
    w.put(b"\x00hello\x00", 1, 5)
    w.set_u16(at, w.length() - 2)
    eq(bytes(b), b"\xee\xee\x00\x05hello\xee\xee\xee")
    fails(_R_OVERFLOW, 12, w.set_u16, 9, 0)  # would write past the window's end
    fails(_R_OVERFLOW, 12, w.set_u8, 1, 0)  # before the window's start
    fails(_R_OVERFLOW, 12, w.zeros, 2)
    w.zeros(1)
    eq(w.remaining(), 0)
    eq(bytes(b[9:12]), b"\x00\xee\xee")
    fails(_R_OVERFLOW, 12, w.seek, 11)
    w.seek(2)
    eq(w.length(), 0)


def test_put_range_checks_source():
    w = Writer(bytearray(8))
    fails(_R_TRUNCATED, 13, w.put, b"abc", 2, 2)
    fails(_R_TRUNCATED, 13, w.put, b"abc", -1, 1)
    eq(w.tell(), 0)


def test_reader_window_into_and_seek():
    data = b"xxABCDEFyy"
    r = Reader(data, 2, 8)
    dst = bytearray(4)
    eq(no_alloc(r.into, dst, 1, 3), 3)
    eq(bytes(dst), b"\x00ABC")
    eq(r.remaining(), 3)
    fails(_R_OVERFLOW, 12, r.into, dst, 2, 3)  # destination too small
    eq(r.tell(), 5)
    fails(_R_TRUNCATED, 13, r.into, bytearray(4))  # 4 wanted, 3 left
    eq(r.tell(), 5)
    r.seek(8)
    eq(r.at_end(), True)
    fails(_R_TRUNCATED, 13, r.seek, 9)
    fails(_R_TRUNCATED, 13, r.seek, 1)
    eq(Reader(data, 0, 99).remaining(), len(data))


def test_trailing_data_is_visible():
    # The reader does not decide what trailing bytes mean; the codec does,
    # so it must be able to see them.
    r = Reader(HDR + b"\x00")
    out = [0] * 12
    read_hdr(r, out)
    eq(r.at_end(), False)
    eq(r.remaining(), 1)
