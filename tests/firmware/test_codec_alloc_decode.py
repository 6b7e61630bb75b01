# No allocation in the reader (firmware/mikey/codec.py), on every profile
# including `tight`: decode() of each message kind of docs/profile.md, the
# Table lookup and keys() run under fwtest.no_alloc. Only the reader is
# imported: the tight profile has little heap to spare.

import sys

from fwtest import eq, no_alloc, unhex
from mikey.codec import Keys, Table, decode, keys

t = Table()
k = Keys()

# (message, payload types, SP tag length or -1 if the SP has none). PSK I_MESSAGE and R_MESSAGE: RFC 4567 §5.1;
# MIKEY-NULL I_MESSAGE: V-ONVIF-1 (tests/vectors/public.json); Error and
# update messages hand-built from RFC 3830 §5.1.2, §4.5 and §6.
KINDS = (
    ("01000580cd177e5001000000000000000000000b00c8e350ea0000000006104a28da979ee21a"
     "7651a0d7f19136d98c0a00000f646f6e616c64406475636b2e636f6d010000000000010024d0"
     "92a981a5640da6b08bdc21541b41b74299d78ca636ebbadbe36fde8ccf2f28302bf19b015f62"
     "7a69c6508675f5f59050e4abcca4c0bfdcd5", b"\x05\x0b\x06\x0a\x01", -1),
    ("01010580cd177e5001000000000000000000000600c8e350ea00000000090000106d69636b65"
     "79406d6f7573652e636f6d00019fc1dd184e413035c522e18481afbad80818e5c7", b"\x05\x06\x09", None),
    ("01000500fd6d77d0010000c20f551c000000000a0001d38e19cef95c3d01000000180001010101"
     "100201010301140701010801010a01010b010a000000270021001edf40b9f54ac2944d1edbb50f"
     "e61fd6b72f542fcf9d7f383edadb669a8de4040000002f00", b"\x05\x0a\x01", 10),
    ("01 06 05 00 12345678 00 00  0c 00 0102030405060708  0c 00 0000  00 03 0000", b"\x05\x0c\x0c", None),
    ("01 00 05 00 12345678 01 00 00 00000001 00000000  0a 00 0102030405060708"
     "  15 01 00 0003 0b0104  01 00 0006 76656e646f72  00 00 0000 00", b"\x05\x0a\x15\x01", 4),
)


def test_decoding_each_message_kind_runs_without_allocating():
    for hexed, types, tag in KINDS:
        m = unhex(hexed)
        n = len(types)
        eq(no_alloc(decode, m, len(m), t), n)
        eq(no_alloc(decode, m, len(m), t, True), n)
        eq(bytes(t.ptype[:n]), types)
        eq(no_alloc(t.find, 5), 0)
        eq(no_alloc(t.find, 12, 1), 2 if types[2] == 12 else -1)
        i = no_alloc(t.find, 10)
        if i >= 0:  # SP parameter 11, the tag length, if the SP has it (§6.10)
            a = t.body[i]
            while a < t.body_end[i] and m[a] != 11:
                a += 2 + m[a + 1]
            eq(m[a + 2] if a < t.body_end[i] else -1, tag)


def test_key_data_walk_runs_without_allocating():
    # V-ONVIF-1's plaintext KEMAC: one TEK, KV SPI (§6.13, §6.14)
    m = unhex(KINDS[2][0])
    decode(m, len(m), t)
    i = t.find(1)
    eq(no_alloc(keys, m, t.body[i], t.body_end[i], k), 1)
    eq((k.type[0], k.kv[0], k.key_len[0], k.spi_len[0]), (2, 1, 30, 4))
    # TGK+SALT with an SPI, TEK with an interval
    w = unhex("14 11 0001 a1 0001 b1 01 c1  00 22 0001 d1 01 01 01 02")
    eq(no_alloc(keys, w, 0, len(w), k), 2)


def test_the_rest_of_the_walk_loads_only_when_needed():
    # mikey._walk (the payloads PSK, NULL and Error messages never carry)
    # is not loaded by them; a CHASH payload (§6.8) loads it, and once
    # loaded a decode allocates nothing
    for hexed, _, _ in KINDS:
        m = unhex(hexed)
        decode(m, len(m), t, True)
    eq("mikey._walk" in sys.modules, False)
    m = unhex("01 02 08 00 01020304 00 01  00 01" + "ab" * 16)  # CHASH: MD5
    eq((decode(m, len(m), t), "mikey._walk" in sys.modules), (1, True))
    eq((no_alloc(decode, m, len(m), t), t.body_end[0] - t.body[0]), (1, 16))
