# What the codec's reader (firmware/mikey/codec.py) rejects, under
# MicroPython: each failure is a typed MikeyError carrying the MIKEY Error
# no (RFC 3830 §6.12; 13 from RFC 4738 §3.9.2) the peer should get, and
# nothing else escapes. Profile numbers: docs/profile.md "Receiving".

from micropython import const

from fwtest import eq, fails, raises, unhex
from mikey.codec import Keys, Table, decode, keys
from mikey.errors import MikeyError

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_BAD_LENGTH = const(1)
_R_UNKNOWN_PAYLOAD = const(2)
_R_UNEXPECTED_PAYLOAD = const(3)
_R_TRAILING_DATA = const(4)
_R_BAD_VERSION = const(5)
_R_DATA_TYPE = const(6)
_R_MAC_ALG = const(8)
_R_HASH = const(10)
_R_DH_GROUP = const(11)
_R_TIMESTAMP = const(17)

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


def check(reason, code, m, n=-1, tolerant=False):
    return fails(reason, code, decode, m, len(m) if n < 0 else n, t, tolerant)


def test_the_sample_is_valid():
    eq(decode(PSK, len(PSK), t), 5)
    i = t.find(1)
    eq(keys(PSK, t.body[i], t.body_end[i], k), 1)


def test_every_truncation_is_error_13():
    # Every proper prefix: truncated, or a bad length where a length field
    # now overruns the message; both Error no 13.
    for m in (PSK, unhex(HDR % "0c" + "0c 00 0000 00 03 0000")):
        for n in range(len(m)):
            try:
                decode(m, n, t)
            except MikeyError as e:
                eq((e.reason in (_R_TRUNCATED, _R_BAD_LENGTH), e.code), (True, 13))
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
        check(_R_BAD_VERSION, 13, m)


def test_data_types():
    # defined: 0-10 (RFC 3830, 4650, 4738), 11-18 (RFC 6043), 26 (RFC 6509)
    m = bytearray(unhex(HDR % "00"))
    for dt in range(256):
        m[1] = dt
        if dt <= 18 or dt == 26:
            eq((dt, decode(m, len(m), t), t.data_type), (dt, 0, dt))
        else:
            check(_R_DATA_TYPE, 11, m)


def test_unknown_next_payload_and_map_type():
    for nxt in (18, 19, 20, 23, 24, 25, 27, 99, 255):  # 20: Key data, only inside KEMAC
        check(_R_UNKNOWN_PAYLOAD, 13, unhex((HDR % "%02x" % nxt) + "00 00 0000"))
    check(_R_UNKNOWN_PAYLOAD, 13, unhex("01 00 00 00 12345678 00 03"))  # CS ID map type 3


def test_wrong_next_payload():
    # A Next payload naming the wrong type makes the following bytes parse as
    # that type; the walk fails where that layout does not fit them. The
    # sample's T payload starts at 19, its RAND at 29 ("06 04 01020304").
    for at, value, reason, code in (
        (19, 0, _R_TRAILING_DATA, 13),  # T says it is the last: the rest trails
        (19, 9, _R_MAC_ALG, 3),  # T says V: RAND len 4 read as Auth alg
        (19, 12, _R_BAD_LENGTH, 13),  # says ERR: it takes "06 04 01 02", names ID,
        # and "03 04 0a01": an ID of 2,561 bytes
        (19, 99, _R_UNKNOWN_PAYLOAD, 13),
        (2, 1, _R_BAD_LENGTH, 13),  # HDR says KEMAC: T read as one, Encr data len 0x0102
        (29, 20, _R_UNKNOWN_PAYLOAD, 13),  # RAND names Key data, a sub-payload (§6.13)
    ):
        m = bytearray(PSK)
        m[at] = value
        check(reason, code, m)


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
        check(_R_BAD_LENGTH, 13, unhex((HDR % nxt) + body[2:]))


def test_lengths_implied_by_algorithm_codes():
    t_ = HDR % "05"
    check(_R_TIMESTAMP, 1, unhex(t_ + "00 04 01020304"))  # TS type 4
    check(_R_TIMESTAMP, 1, unhex(t_ + "00 ff 01020304"))
    check(_R_TRUNCATED, 13, unhex(t_ + "00 00 01020304"))  # NTP-UTC: 8 bytes
    check(_R_MAC_ALG, 3, unhex((HDR % "09") + "00 03" + "00" * 32))  # V Auth alg
    check(_R_MAC_ALG, 3, unhex((HDR % "01") + "00 01 0000 03" + "00" * 32))  # KEMAC MAC alg
    check(_R_TRUNCATED, 13, unhex((HDR % "01") + "00 01 0000 01" + "00" * 19))
    check(_R_HASH, 5, unhex((HDR % "08") + "00 03" + "00" * 32))  # CHASH
    check(_R_DH_GROUP, 6, unhex((HDR % "03") + "00 03" + "00" * 200))  # DH-Group 3
    check(_R_DH_GROUP, 6, unhex((HDR % "03") + "00 0a 05" + "00" * 70))  # not a SEC1 point
    check(_R_DH_GROUP, 6, unhex((HDR % "16") + "00 0a 04" + "00" * 70))  # ECCPT curve 10
    check(_R_TRUNCATED, 13, unhex((HDR % "03") + "00 01" + "00" * 96))  # no KV byte
    check(_R_UNKNOWN_PAYLOAD, 13, unhex((HDR % "03") + "00 01" + "00" * 96 + "03 00"))  # KV 3


def test_trailing_data():
    check(_R_TRAILING_DATA, 13, unhex((HDR % "00") + "00"))
    check(_R_TRAILING_DATA, 13, unhex((HDR % "00") + "00"), -1, False)
    check(_R_TRAILING_DATA, 13, unhex((HDR % "00") + "01"), -1, True)
    check(_R_TRAILING_DATA, 13, unhex((HDR % "04") + "2001 aa 00 00"), -1, True)  # after SIGN
    check(_R_TRAILING_DATA, 13, PSK + b"\x00")


def test_repeated_payloads_are_recorded_for_the_mode_layer():
    # Structure only: two T and two RAND parse; which repeats a message type
    # allows is the mode layer's to say (unexpected payload, docs/profile.md).
    m = unhex((HDR % "05") + "05 00 0102030405060708 0b 00 0102030405060708 0b 01 aa 00 01 bb")
    eq(decode(m, len(m), t), 4)
    eq((list(t.ptype[:4]), t.find(5), t.find(5, 0), t.find(11, 2)), ([5, 5, 11, 11], 0, 1, 3))


def test_more_payloads_than_the_table_holds():
    # the default tables: 16 payloads, 4 Key data sub-payloads
    m = unhex((HDR % "0c") + "0c 00 0000" * 16 + "00 00 0000")
    check(_R_UNEXPECTED_PAYLOAD, 13, m)
    eq(decode(m, len(m), Table(17)), 17)
    w = unhex("14 00 0001 aa" * 4 + "00 00 0001 aa")
    fails(_R_UNEXPECTED_PAYLOAD, 13, keys, w, 0, len(w), k)
    eq(keys(w, 0, len(w), Keys(5)), 5)


def test_key_data_errors():
    for w, reason in (
        ("05 00 0001 aa", _R_UNKNOWN_PAYLOAD),  # Next neither 20 nor 0
        ("14 00 0001 aa", _R_TRUNCATED),  # announces another, none follows
        ("00 00 0001 aa bb", _R_TRAILING_DATA),  # bytes after the last
        ("00 70 0001 aa", _R_UNKNOWN_PAYLOAD),  # key type 7
        ("00 03 0001 aa", _R_UNKNOWN_PAYLOAD),  # KV 3
        ("00 00 0009 aa", _R_BAD_LENGTH),  # Key data len
        ("00 10 0001 aa 0009 bb", _R_BAD_LENGTH),  # Salt len
        ("00 01 0001 aa 09 bb", _R_BAD_LENGTH),  # SPI len
        ("00 02 0001 aa 01 bb 09 cc", _R_BAD_LENGTH),  # VT len
        ("00 10 0001 aa 00", _R_TRUNCATED),  # Salt len cut
    ):
        m = unhex(w)
        fails(reason, 13, keys, m, 0, len(m), k)


def test_message_longer_than_offsets_hold_and_n_past_data():
    check(_R_BAD_LENGTH, 13, bytearray(70000))
    m = unhex(HDR % "00")
    check(_R_TRUNCATED, 13, m, len(m) + 1)


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
            except MikeyError:
                pass

    fail_many()
    gc.collect()
    before = gc.mem_free()
    fail_many()
    gc.collect()
    eq(gc.mem_free() >= before - 64, True)
