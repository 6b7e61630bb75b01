# The tolerant reader (docs/profile.md "Tolerant reader") on the device:
# the public MIKEY-NULL messages of other implementations, through a
# Responder with no PSK on a protected transport, give the SRTP keys their
# sources assert, and name each quirk accepted; strictly, or on a transport
# not declared protected, the same messages are refused with the profile's
# Error no. The twin reads them the same way (tests/host/
# test_differential_psk.py, which also checks this copy of the vectors).

from fwtest import eq
from mikey import srtp
from mikey.psk import Responder

FW_PROFILES = ("esp32", "rp2040")

NOW = b"\xe9\x3a\x5c\x10\x00\x00\x00\x00"  # 2023: far from every vector's T

# tests/vectors/public.json, its MIKEY-NULL I_MESSAGEs, in order
VECTORS = (
    # V-GST-3
    (
        "010005001234567800000101010203040506070800000014002000101020304050607080"
        "90a0b0c0d0e0f01000"
    ),
    # V-ONVIF-1
    (
        "01000500fd6d77d0010000c20f551c000000000a0001d38e19cef95c3d01000000180001"
        "010101100201010301140701010801010a01010b010a000000270021001edf40b9f54ac2"
        "944d1edbb50fe61fd6b72f542fcf9d7f383edadb669a8de4040000002f00"
    ),
    # V-GORT-a
    (
        "01000500e69d51f801000030685760000000000b00ebfe6f2db1c13fd00a10c2dde443a8"
        "4930a5757a7ed9c3a417fb010000001500010101011002010103010a0701010801010a01"
        "01000000220020001e9091783dfce8ddcd443a53508b64509f35bd8a86bc4d8b7637a502"
        "493daf00"
    ),
    # V-GORT-milestone
    (
        "01000500b1405657010000726ef4db000000000b00ecd15081bedce3970a10dd72248395"
        "c2cc1a6de60e422a7f570901000000180001010101100201010301140701010801010a01"
        "010b010a000000220020001e5db18d956f6967cc0d73f8b4e776a48a08c4220e521dcaa3"
        "b800f584fc250000"
    ),
    # V-TSI-1
    (
        "01000500b4effbf2010000048f147f000000000b00ed6d0c97141238110a10807503e9b3"
        "d147e75cc0ca2041a1819c010000001b00010101011002010103011404010e0701010801"
        "010a01010b010a000000270021001e68ff7f2b360a05ac381a67d784ae63283d884cc40a"
        "60ebd2ca7fe01f06700409fa402100"
    ),
    # V-TSI-2
    (
        "010005002ebcacbe0100007f6f6ce8000000000b00edaeef7e78cc03790a10786788e451"
        "be1a0becb90c4547070f7c010000001500010101011002010103010a0701010801010a01"
        "01000000220020001e8a6fef072af4b12b89a084edbd860ce207d3b431a506bd6015722a"
        "09fb0c00"
    ),
    # V-NX-axis
    (
        "010005009cb9c964010000696f1248000000000b00ee1ef0715b776c480a1014e25d7f41"
        "9d2f1a1f52dd09bd0d7141010000001500010101011002010103010a0701010801010a01"
        "01000000220020001e3bbe35802d7fb7368e165c1ef3d8994e476e93a49f8e42fe756249"
        "0c8f1a00"
    ),
)

# per vector: the quirks tolerated, its crypto sessions' (SSRC, master key,
# master salt, MKI), the Error no strictly (protected) and unprotected
# (tolerant). Keys, salts, MKIs and SSRCs: what each source's own tests
# assert (public.json "expect"); where it asserts none, the twin's reading.
EXPECT = (
    (["no-rand", "implausible-timestamp"], [], 13, 13),  # GStreamer: #CS 0, no session to key
    (["no-rand", "implausible-timestamp", "tek-key-and-salt"],
     [("c20f551c", "df40b9f54ac2944d1edbb50fe61fd6b7", "2f542fcf9d7f383edadb669a8de4", "0000002f")], 13, 13),
    (["implausible-timestamp", "sp-tag-length-in-param-3", "tek-key-and-salt"],
     [("30685760", "9091783dfce8ddcd443a53508b64509f", "35bd8a86bc4d8b7637a502493daf", None)], 1, 1),
    (["trailing-zero", "implausible-timestamp", "tek-key-and-salt"],
     [("726ef4db", "5db18d956f6967cc0d73f8b4e776a48a", "08c4220e521dcaa3b800f584fc25", None)], 13, 1),
    (["implausible-timestamp", "tek-key-and-salt"],
     [("048f147f", "68ff7f2b360a05ac381a67d784ae6328", "3d884cc40a60ebd2ca7fe01f0670", "09fa4021")], 1, 1),
    (["implausible-timestamp", "sp-tag-length-in-param-3", "tek-key-and-salt"],
     [("7f6f6ce8", "8a6fef072af4b12b89a084edbd860ce2", "07d3b431a506bd6015722a09fb0c", None)], 1, 1),
    (["implausible-timestamp", "sp-tag-length-in-param-3", "tek-key-and-salt"],
     [("696f1248", "3bbe35802d7fb7368e165c1ef3d8994e", "476e93a49f8e42fe7562490c8f1a", None)], 1, 1),
)

out = bytearray(64)


def contexts(r):
    return [(c["ssrc"], c["master_key"], c["master_salt"], c["mki"])
            for c in (srtp.context(r.ctx, i) for i in range(r.ncs))]


def test_public_null_messages_tolerated():
    for hexed, (quirks, ctxs, _, _) in zip(VECTORS, EXPECT):
        m = bytes.fromhex(hexed)
        r = Responder(None, protected=True, tolerant=True)
        eq(r.respond(m, len(m), NOW, out), 0)  # V not asked for: nothing to send
        eq((r.error, srtp.quirks(r.quirks), contexts(r)), (None, quirks, ctxs))
        if ctxs:  # RFC 3711 defaults but the tag: 80 bits, in param 3 or 11
            p = srtp.context(r.ctx, 0)["policy"]
            eq((p["cipher"], p["auth"], p["key_len"], p["salt_len"], p["auth_key_len"], p["tag_len"]),
               ("AES-CM", "HMAC-SHA1", 16, 14, 20, 10))


def test_refused_strictly_or_on_an_unprotected_transport():
    for hexed, (_, _, strict, unprotected) in zip(VECTORS, EXPECT):
        m = bytes.fromhex(hexed)
        for r, code in ((Responder(None, protected=True), strict), (Responder(None, tolerant=True), unprotected)):
            n = r.respond(m, len(m), NOW, out)
            eq((r.error.code, out[1], r.ncs), (code, 6, 0))
            eq(n in (20, 24), True)  # HDR, T (the message's or now), ERR


def test_no_rand_is_a_quirk_of_null_mode_only():
    # `no-rand`: tolerant, NULL/NULL and protected, all three
    m = bytes.fromhex(VECTORS[0])
    for protected, tolerant in ((True, False), (False, True)):
        r = Responder(None, protected=protected, tolerant=tolerant)
        r.respond(m, len(m), NOW, out)
        eq(r.error.code, 13)
    # an update of a CSB the Responder keys needs no quirk: its RAND is kept
    r = Responder(None, protected=True, tolerant=True)
    r.respond(m, len(m), NOW, out)
    eq(r.quirks & 2, 2)
    r.respond(m, len(m), NOW, out)  # the same CSB ID again: an update now
    eq((r.error, r.quirks & 2), (None, 0))
