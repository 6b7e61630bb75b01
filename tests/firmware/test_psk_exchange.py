# MIKEY-PSK round trips on the device (firmware/mikey/psk.py): the device's
# Initiator against the device's Responder (RFC 3830 §3.1, §5; wire choices
# docs/profile.md). Byte equality with the twin:
# tests/host/test_differential_psk.py. Errors: test_psk_errors.py; the
# tolerant reader: test_psk_tolerant.py; the tight 32 KB profile:
# test_psk_tight.py (this module's own constants leave it no room there).

from fwtest import eq, no_alloc
from mikey.base import SLOT
from mikey.psk import Initiator, Responder

FW_PROFILES = ("esp32", "rp2040")

PSK = b"\x5a" * 16
CSB = b"\x12\x34\x56\x78"
RAND = bytes(range(16))
T0 = b"\xe9\x3a\x5c\x10\x00\x00\x00\x00"  # NTP-UTC
TGK = b"\x3c" * 16
SALT = b"\x5e" * 14
CS1 = ((0x0BADCAFE, 0, 0),)  # SSRC, ROC, policy no

buf = bytearray(300)
out = bytearray(160)


def t_(s):
    # NTP time T0 + s seconds (s < 2**24)
    t = bytearray(T0)
    t[1] += s >> 16
    t[2] += (s >> 8) & 0xFF
    t[3] += s & 0xFF
    return bytes(t)


def same(a, b, n):
    return bytes(a[: n * SLOT]) == bytes(b[: n * SLOT])


def exchange(i, r, cs, keys, now=T0, rand=RAND, **kw):
    """build, respond, finish: the R_MESSAGE's length (0: V not asked for)."""
    n = i.build(buf, CSB, rand, now, cs, keys, **kw)
    m = r.respond(buf, n, now, out)
    if r.error is not None:
        raise r.error
    if m:
        eq(i.finish(out, m), r.ncs)
    eq((i.ncs, same(i.ctx, r.ctx, i.ncs)), (r.ncs, True))
    return m


def test_one_crypto_session_with_v():
    i = Initiator(PSK)
    r = Responder(PSK)
    m = exchange(i, r, CS1, ((False, TGK, None, None),))
    eq((m, r.ncs, r.quirks), (51, 1, 0))
    # R_MESSAGE (docs/profile.md): HDR as the I_MESSAGE's but data type 1,
    # V 0; the Initiator's T echoed; V with HMAC-SHA-1 (20 bytes)
    eq((out[0], out[1], out[2], out[3]), (1, 1, 5, 0))
    eq((bytes(out[4:8]), bytes(out[8:19]), bytes(out[21:29])), (CSB, bytes(buf[8:19]), T0))
    eq((out[19], out[29], out[30]), (9, 0, 1))
    # the context: CS ID 1, the SSRC, 16-byte key and 14-byte salt from the TGK
    c = r.ctx
    eq((c[0], bytes(c[1:5]), c[9 + 1], c[9 + 4], c[98]), (1, b"\x0b\xad\xca\xfe", 16, 14, 0xFF))


def test_without_v_nothing_is_sent_back():
    i = Initiator(PSK)
    r = Responder(PSK)
    eq(exchange(i, r, CS1, ((False, TGK, None, None),), v=False), 0)
    eq(r.ncs, 1)


def test_three_sessions_one_key_each_salt_and_mki():
    # one Key data sub-payload per crypto session: sub-payload i keys CS ID
    # i + 1 (docs/profile.md "Keys"); TEK+SALT with an MKI (KV SPI)
    cs = ((1, 0, 0), (2, 7, 0), (3, 0x3FFFFFFF, 0))
    keys = ((True, b"\x01" * 16, SALT, b"\x00\x00\x00\x01"), (False, TGK, None, None),
            (True, b"\x03" * 16, None, b"\x07"))
    i = Initiator(PSK, cs=3)
    r = Responder(PSK, cs=3)
    exchange(i, r, cs, keys)
    c = r.ctx
    eq(r.ncs, 3)
    eq((c[0], c[SLOT], c[2 * SLOT]), (1, 2, 3))
    eq((bytes(c[34:50]), bytes(c[66:80]), bytes(c[98:103])), (b"\x01" * 16, SALT, b"\x04\x00\x00\x00\x01"))
    eq((bytes(c[SLOT + 5 : SLOT + 9]), c[SLOT + 98]), (b"\x00\x00\x00\x07", 0xFF))
    o = 2 * SLOT
    eq((bytes(c[o + 34 : o + 50]), bytes(c[o + 98 : o + 100])), (b"\x03" * 16, b"\x01\x07"))


def test_one_tgk_for_every_session_and_two_policies():
    # fewer sub-payloads than sessions: the first serves all, each CS's own
    # TEK and salt from it (§4.1.3: cs_id in the label); policy 1 has a
    # 4-byte tag (RFC 3711 AES_CM_128_HMAC_SHA1_32)
    cs = ((1, 0, 0), (2, 0, 1))
    pol = (b"\x0b\x01\x0a", b"\x0b\x01\x04\x01\x01\x20")  # tag 10; tag 4, 32-byte key
    i = Initiator(PSK, cs=2)
    r = Responder(PSK, cs=2)
    exchange(i, r, cs, ((False, TGK, None, None),), policies=pol)
    c = r.ctx
    eq((c[9 + 14], c[SLOT + 9 + 14], c[SLOT + 9 + 1]), (10, 4, 32))
    eq(bytes(c[34:50]) == bytes(c[SLOT + 34 : SLOT + 50]), False)


def test_identities_and_the_verification_message():
    # §5.2: V covers IDi and IDr (docs/profile.md); both sides must agree on
    # them, whichever side carries IDr
    me = b"sip:bob@example.org"
    for idi, idr, ours in ((b"alice@example.org", me, me), (None, me, me), (b"alice@example.org", None, me),
                           (None, None, me), (None, None, None)):
        i = Initiator(PSK, idi=idi, idr=idr, expect_idr=ours)
        r = Responder(PSK, idr=ours, expect_idi=idi)
        eq(exchange(i, r, CS1, ((False, TGK, None, None),)) > 0, True)
        for mini in (True,):  # minisip's V: no identities
            i = Initiator(PSK, idi=idi, idr=idr, minisip=mini)
            r = Responder(PSK, idr=ours, minisip=mini)
            exchange(i, r, CS1, ((False, TGK, None, None),))


def test_algorithms_the_profile_allows():
    # AES-CM-256 (RFC 6043) with a 32-byte encr key; HMAC-SHA-256-256;
    # PRF-HMAC-SHA-256 (PRF func 1); MIKEY-NULL on a protected transport
    for encr, mac, prf in ((1, 1, 0), (3, 1, 0), (1, 2, 0), (1, 1, 1), (3, 2, 1), (0, 1, 0), (1, 0, 0)):
        i = Initiator(PSK)
        r = Responder(PSK, protected=encr == 0 or mac == 0)
        m = exchange(i, r, CS1, ((False, TGK, SALT, None),), encr=encr, mac=mac, prf=prf)
        eq((buf[3] & 0x7F, out[m - (0, 20, 32)[mac] - 1]), (prf, mac))
    i = Initiator(None)
    r = Responder(None, protected=True)
    eq(exchange(i, r, CS1, ((True, TGK, SALT, None),), encr=0, mac=0), 31)  # V with no Ver data


def test_update_message_uses_the_initial_rand():
    # §4.5: same CSB ID, a new T, no RAND; the Responder keys it with the
    # RAND it kept for that CSB ID
    i = Initiator(PSK)
    r = Responder(PSK)
    keys = ((False, TGK, None, None),)
    exchange(i, r, CS1, keys)
    first = bytes(r.ctx[:SLOT])
    exchange(i, r, CS1, keys, now=t_(1), rand=None)
    eq((r.ncs, bytes(r.ctx[:SLOT])), (1, first))  # same TGK and RAND: same keys
    eq(buf[19], 10)  # T's Next names the SP: no RAND payload
    exchange(i, r, CS1, ((False, b"\x77" * 16, None, None),), now=t_(2), rand=None)
    eq(bytes(r.ctx[:SLOT]) == first, False)  # a new TGK


def test_decoding_the_exchange_allocates_nothing():
    from mikey.codec import Keys, Table, decode, keys

    t = Table()
    k = Keys()
    i = Initiator(PSK)
    r = Responder(PSK)
    n = i.build(buf, CSB, RAND, T0, CS1, ((False, TGK, SALT, b"\x01"),), encr=0, mac=0)
    eq(no_alloc(decode, buf, n, t), 4)  # T, RAND, SP, KEMAC
    eq(no_alloc(keys, buf, t.body[3], t.body_end[3], k), 1)
    n = i.build(buf, CSB, RAND, T0, CS1, ((False, TGK, None, None),))
    m = r.respond(buf, n, T0, out)
    eq(no_alloc(decode, out, m, t), 2)  # T, V
    m = r.respond(buf, n, T0, out)  # a replay: an Error message
    eq((no_alloc(decode, out, m, t), t.data_type, out[t.start[1] + 1]), (2, 6, 1))


def test_contexts_read_out():
    from mikey import srtp

    i = Initiator(PSK)
    r = Responder(PSK)
    exchange(i, r, CS1, ((True, TGK, SALT, b"\x00\x00\x00\x2f"),))
    c = srtp.context(r.ctx, 0)
    eq((c["cs_id"], c["ssrc"], c["roc"], c["mki"]), (1, "0badcafe", 0, "0000002f"))
    eq((c["master_key"], c["master_salt"]), ("3c" * 16, "5e" * 14))
    eq(c["policy"], {"cipher": "AES-CM", "key_len": 16, "auth": "HMAC-SHA1", "auth_key_len": 20,
                     "salt_len": 14, "prf": "AES-CM", "kdr": 0, "srtp_encryption": True,
                     "srtcp_encryption": True, "fec_order": 0, "srtp_auth": True, "tag_len": 10,
                     "prefix_len": 0})
    eq((bytes(srtp.key(r.ctx, 0)), bytes(srtp.salt(r.ctx, 0)), bytes(srtp.mki(r.ctx, 0))),
       (TGK, SALT, b"\x00\x00\x00\x2f"))
    eq(srtp.quirks(0b10101), ["trailing-zero", "implausible-timestamp", "tek-key-and-salt"])
    eq(srtp.to_json(r.ctx, 0).startswith("{"), True)
