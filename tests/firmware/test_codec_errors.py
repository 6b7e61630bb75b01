# What the codec's reader (firmware/mikey/codec.py) rejects, under
# MicroPython: each failure is a typed MikeyError carrying the MIKEY Error
# no (RFC 3830 §6.12; 13 from RFC 4738 §3.9.2) the peer should get, and
# nothing else escapes. Profile numbers: docs/profile.md "Receiving".

from fwtest import eq, raises, unhex
from mikey.codec import Keys, Table, decode, keys
from mikey.errors import (
    BadLength,
    BadVersion,
    InvalidTimestamp,
    MikeyError,
    TrailingData,
    Truncated,
    UnexpectedPayload,
    UnknownPayload,
    UnsupportedDataType,
    UnsupportedDHGroup,
    UnsupportedHash,
    UnsupportedMAC,
)

# Above the tight profile's 32 KB: the codec, its imports and this module's
# constants leave it no room to run. Allocation is tested on every profile,
# tight included, in test_codec_alloc_*.py.
FW_PROFILES = ("esp32", "rp2040")

t = Table()
k = Keys()

HDR = "01 00 %s 00 12345678 00 00"  # PSK init, #CS 0, SRTP-ID map
# A PSK I_MESSAGE: HDR (#CS 1), T, RAND, IDi, SP, KEMAC (NULL, one TGK+SALT
# with a one-byte MKI, HMAC-SHA-1-160)
PSK = unhex(
    "01 00 05 80 12345678 01 00  00 0badcafe 00000000"
    "  0b 00 0102030405060708"
    "  06 04 01020304"
    "  0a 01 0003 616263"
    "  01 00 00 0006 000101 0b010a"
    "  00 00 0010 00 11 0004 a1a2a3a4 0004 b1b2b3b4 01 07  01" + "5a" * 20
)


def check(exc, code, m, n=-1, tolerant=False):
    e = raises(exc, decode, m, len(m) if n < 0 else n, t, tolerant)
    eq((type(e).__name__, e.code), (exc.__name__, code))
    return e


def test_the_sample_is_valid():
    eq(decode(PSK, len(PSK), t), 5)
    i = t.find(1)
    eq(keys(PSK, t.body[i], t.body_end[i], k), 1)


def test_every_truncation_is_error_13():
    # Every proper prefix: Truncated, or BadLength where a length field
    # now overruns the message; both Error no 13.
    for m in (PSK, unhex(HDR % "0c" + "0c 00 0000 00 03 0000")):
        for n in range(len(m)):
            try:
                decode(m, n, t)
            except (Truncated, BadLength) as e:
                eq(e.code, 13)
                continue
            raise AssertionError("prefix %d of %d decoded" % (n, len(m)))
    # the same through the window arguments of keys()
    decode(PSK, len(PSK), t)
    i = t.find(1)
    for end in range(t.body[i] + 1, t.body_end[i]):
        e = raises(MikeyError, keys, PSK, t.body[i], end, k)
        eq(e.code, 13)


def test_version_other_than_1():
    for v in (0, 2, 0xFF):
        m = bytearray(unhex(HDR % "00"))
        m[0] = v
        check(BadVersion, 13, m)


def test_data_types():
    # defined: 0-10 (RFC 3830, 4650, 4738), 11-18 (RFC 6043), 26 (RFC 6509)
    m = bytearray(unhex(HDR % "00"))
    for dt in range(256):
        m[1] = dt
        if dt <= 18 or dt == 26:
            eq((dt, decode(m, len(m), t), t.data_type), (dt, 0, dt))
        else:
            check(UnsupportedDataType, 11, m)


def test_unknown_next_payload_and_map_type():
    for nxt in (18, 19, 20, 23, 24, 25, 27, 99, 255):  # 20: Key data, only inside KEMAC
        check(UnknownPayload, 13, unhex((HDR % "%02x" % nxt) + "00 00 0000"))
    check(UnknownPayload, 13, unhex("01 00 00 00 12345678 00 03"))  # CS ID map type 3


def test_wrong_next_payload():
    # A Next payload naming the wrong type makes the following bytes parse as
    # that type; the walk fails where that layout does not fit them. The
    # sample's T payload starts at 19, its RAND at 29 ("06 04 01020304").
    for at, value, exc, code in (
        (19, 0, TrailingData, 13),  # T says it is the last: the rest trails
        (19, 9, UnsupportedMAC, 3),  # T says V: RAND len 4 read as Auth alg
        (19, 12, BadLength, 13),  # says ERR: it takes "06 04 01 02", names ID,
        # and "03 04 0a01": an ID of 2,561 bytes
        (19, 99, UnknownPayload, 13),
        (2, 1, BadLength, 13),  # HDR says KEMAC: T read as one, Encr data len 0x0102
        (29, 20, UnknownPayload, 13),  # RAND names Key data, a sub-payload (§6.13)
    ):
        m = bytearray(PSK)
        m[at] = value
        check(exc, code, m)


def test_overrunning_lengths():
    for body in (
        "0b 00 10 0102",  # RAND len 16, 2 bytes there
        "06 00 01 0010 6162",  # ID len 16
        "0a 00 01 00 0010 000101",  # SP param length 16
        "0a 00 01 00 0001 00",  # SP: a TLV's header runs past the param length
        "0a 00 01 00 0003 0002 01",  # SP: a TLV's value runs past it
        "01 00 00 0010 0000 00",  # KEMAC Encr data len 16
        "15 00 00 0008 aa",  # General Extension length 8
        "02 00 4010 aa",  # PKE Data len 16
        "04 2010 aabb",  # SIGN Signature len 16
        "10 00 0001 01 01 000000 0009 aa",  # TP Data len 9
        "11 00 0001 01 01 000000 0001 aa 0009 bb",  # TICKET: Ticket Data len 9
        "0e 00 01 01 0010 aa",  # IDR len 16
        "1a 00 01 01 0010 aa",  # SAKKE data len 16
    ):
        nxt = body[:2]
        check(BadLength, 13, unhex((HDR % nxt) + body[2:]))


def test_lengths_implied_by_algorithm_codes():
    t_ = HDR % "05"
    check(InvalidTimestamp, 1, unhex(t_ + "00 04 01020304"))  # TS type 4
    check(InvalidTimestamp, 1, unhex(t_ + "00 ff 01020304"))
    check(Truncated, 13, unhex(t_ + "00 00 01020304"))  # NTP-UTC: 8 bytes
    check(UnsupportedMAC, 3, unhex((HDR % "09") + "00 03" + "00" * 32))  # V Auth alg
    check(UnsupportedMAC, 3, unhex((HDR % "01") + "00 01 0000 03" + "00" * 32))  # KEMAC MAC alg
    check(Truncated, 13, unhex((HDR % "01") + "00 01 0000 01" + "00" * 19))
    check(UnsupportedHash, 5, unhex((HDR % "08") + "00 03" + "00" * 32))  # CHASH
    check(UnsupportedDHGroup, 6, unhex((HDR % "03") + "00 03" + "00" * 200))  # DH-Group 3
    check(UnsupportedDHGroup, 6, unhex((HDR % "03") + "00 0a 05" + "00" * 70))  # not a SEC1 point
    check(UnsupportedDHGroup, 6, unhex((HDR % "16") + "00 0a 04" + "00" * 70))  # ECCPT curve 10
    check(Truncated, 13, unhex((HDR % "03") + "00 01" + "00" * 96))  # no KV byte
    check(UnknownPayload, 13, unhex((HDR % "03") + "00 01" + "00" * 96 + "03 00"))  # KV 3


def test_trailing_data():
    check(TrailingData, 13, unhex((HDR % "00") + "00"))
    check(TrailingData, 13, unhex((HDR % "00") + "00"), -1, False)
    check(TrailingData, 13, unhex((HDR % "00") + "01"), -1, True)
    check(TrailingData, 13, unhex((HDR % "04") + "2001 aa 00 00"), -1, True)  # after SIGN
    check(TrailingData, 13, PSK + b"\x00")


def test_repeated_payloads_are_recorded_for_the_mode_layer():
    # Structure only: two T and two RAND parse; which repeats a message type
    # allows is the mode layer's to say (UnexpectedPayload, docs/profile.md).
    m = unhex((HDR % "05") + "05 00 0102030405060708 0b 00 0102030405060708 0b 01 aa 00 01 bb")
    eq(decode(m, len(m), t), 4)
    eq((t.count_of(5), t.count_of(11), t.find(5), t.find(5, 0), t.find(11, 2)), (2, 2, 0, 1, 3))


def test_more_payloads_than_the_table_holds():
    m = unhex((HDR % "0c") + "0c 00 0000" * 24 + "00 00 0000")
    e = check(UnexpectedPayload, 13, m)
    eq(decode(m, len(m), Table(25)), 25)
    w = unhex("14 00 0001 aa" * 8 + "00 00 0001 aa")
    e = raises(UnexpectedPayload, keys, w, 0, len(w), k)
    eq(e.code, 13)
    eq(keys(w, 0, len(w), Keys(9)), 9)


def test_key_data_errors():
    for w, exc in (
        ("05 00 0001 aa", UnknownPayload),  # Next neither 20 nor 0
        ("14 00 0001 aa", Truncated),  # announces another, none follows
        ("00 00 0001 aa bb", TrailingData),  # bytes after the last
        ("00 70 0001 aa", UnknownPayload),  # key type 7
        ("00 03 0001 aa", UnknownPayload),  # KV 3
        ("00 00 0009 aa", BadLength),  # Key data len
        ("00 10 0001 aa 0009 bb", BadLength),  # Salt len
        ("00 01 0001 aa 09 bb", BadLength),  # SPI len
        ("00 02 0001 aa 01 bb 09 cc", BadLength),  # VT len
        ("00 10 0001 aa 00", Truncated),  # Salt len cut
    ):
        m = unhex(w)
        e = raises(exc, keys, m, 0, len(m), k)
        eq(e.code, 13)


def test_message_longer_than_offsets_hold_and_n_past_data():
    check(BadLength, 13, bytearray(70000))
    m = unhex(HDR % "00")
    check(Truncated, 13, m, len(m) + 1)


def test_rejections_do_not_leak():
    # Each rejection raises a fresh error: 2,000 failed decodes leave the
    # heap where it was (a shared exception instance would keep growing).
    import gc

    m = bytearray(PSK)
    m[30] = 0xFF  # RAND len overruns

    def fail_many():
        for _ in range(2000):
            try:
                decode(m, len(m), t)
            except BadLength:
                pass

    fail_many()
    gc.collect()
    before = gc.mem_free()
    fail_many()
    gc.collect()
    eq(gc.mem_free() >= before - 64, True)
