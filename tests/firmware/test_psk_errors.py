# What the device's PSK Responder refuses (firmware/mikey/psk.py), step by
# step through docs/profile.md "Processing an I_MESSAGE (Responder)": each
# refusal is an Error message (§5.1.2) carrying the profile's Error no, and
# the MikeyError in `error` names the reason. The Initiator's side of a
# refusal (finish) is here too.

from micropython import const

from fwtest import eq, fails
from mikey.codec import Table, decode
from mikey.crypto import mac_begin, mac_end, prf
from mikey.psk import Initiator, Responder

FW_PROFILES = ("esp32", "rp2040")

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_UNKNOWN_PAYLOAD = const(2)
_R_UNEXPECTED_PAYLOAD = const(3)
_R_TRAILING_DATA = const(4)
_R_BAD_VERSION = const(5)
_R_DATA_TYPE = const(6)
_R_PRF = const(7)
_R_MAC_ALG = const(8)
_R_ENCRYPTION = const(9)
_R_IDENTITY = const(12)
_R_POLICY = const(14)
_R_POLICY_PARAM = const(15)
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)
_R_REPLAY = const(18)
_R_OVERFLOW = const(19)
_R_PEER = const(20)

PSK = b"\x5a" * 16
CSB = b"\x12\x34\x56\x78"
RAND = bytes(range(16))
T0 = b"\xe9\x3a\x5c\x10\x00\x00\x00\x00"  # NTP-UTC
TGK = b"\x3c" * 16
CS1 = ((0x0BADCAFE, 0, 0),)
KEYS = ((False, TGK, None, None),)

buf = bytearray(300)
out = bytearray(160)
tbl = Table()


def t_(s):
    # NTP time T0 + s seconds, s may be negative (|s| < 2**24)
    v = int.from_bytes(T0, "big") + (s << 32)
    return v.to_bytes(8, "big")


def i_message(i=None, now=T0, keys=KEYS, **kw):
    """A valid I_MESSAGE (a bytearray) from the device's Initiator."""
    i = i or Initiator(PSK)
    n = i.build(buf, CSB, kw.pop("rand", RAND), now, kw.pop("cs", CS1), keys, **kw)
    return bytearray(buf[:n])


def remac(m, psk=PSK):
    # m changed after its MAC was made: make the MAC again (§5.2), as an
    # Initiator with the PSK would; the KEMAC's Encr data is unchanged
    decode(m, len(m), tbl)
    i = tbl.find(11)  # RAND
    rand = bytes(m[tbl.body[i] : tbl.body_end[i]])
    k = bytearray(20)
    prf(psk, 0, len(psk), m[3] & 0x7F, 0x2D22AC75, 0xFF, m, 4, rand, k, 0, 20)
    at = tbl.body_end[tbl.find(1)] + 1
    h = mac_begin(k, 0, 20, False)
    h.update(memoryview(m)[:at])
    m[at : at + 20] = mac_end(h, False)
    return m


def refused(r, m, reason, code, now=T0, n=-1):
    """Feed m to r; check the refusal and its Error message: HDR with data
    type 6, V 0, the PRF func and CSB ID of m (when its header decodes),
    #CS 0; m's T (or now); one ERR with the Error no."""
    if n < 0:
        n = len(m)
    k = r.respond(m, n, now, out)
    e = r.error
    eq((e is not None and (e.reason, e.code), r.ncs), ((reason, code), 0))
    eq(decode(out, k, tbl), 2)
    eq((out[0], out[1], out[3] >> 7, out[8], out[9], list(tbl.ptype[:2])), (1, 6, 0, 0, 0, [5, 12]))
    eq((out[tbl.start[1] + 1], bytes(out[tbl.start[1] + 2 : k])), (code, b"\x00\x00"))
    return k


def test_step_1_decode_data_type_and_prf():
    r = Responder(PSK)
    m = i_message()
    refused(r, m, _R_TRUNCATED, 13, n=len(m) - 1)
    refused(r, m + b"\x00", _R_TRAILING_DATA, 13)  # strict: no trailing zero
    for at, value, reason, code in (
        (0, 2, _R_BAD_VERSION, 13),
        (1, 1, _R_DATA_TYPE, 11),  # an R_MESSAGE's data type
        (1, 50, _R_DATA_TYPE, 11),  # undefined
        (3, 0x85, _R_PRF, 2),  # PRF func 5
        (19, 99, _R_UNKNOWN_PAYLOAD, 13),  # T names payload 99
    ):
        x = bytearray(m)
        x[at] = value
        refused(r, x, reason, code)
    # the Error message answers with the CSB ID, PRF func and T of the
    # message (§5.1.2, docs/profile.md): even an undefined data type's
    x = bytearray(m)
    x[1] = 50
    x[3] = 0x01
    k = refused(r, x, _R_DATA_TYPE, 11)
    eq((out[3], bytes(out[4:8]), bytes(out[12:20]), k), (0x01, CSB, T0, 24))
    # ... and its own time when not even the header decodes: CSB ID 0
    now = t_(7)
    k = refused(r, m[:9], _R_TRUNCATED, 13, now)
    eq((bytes(out[4:8]), out[11], bytes(out[12:20])), (b"\x00" * 4, 0, now))


def test_step_2_and_3_rand_grammar():
    r = Responder(PSK)
    m = i_message()  # HDR 19, T 19..29, RAND 29..47, SP 47..82, KEMAC 82..
    x = m[:29] + m[47:]  # no RAND: not an update of a CSB the Responder keys
    x[19] = 10
    refused(r, x, _R_UNEXPECTED_PAYLOAD, 13)
    x = m[:19] + m[29:47] + m[19:29] + m[47:]  # RAND before T
    x[2], x[19], x[37] = 11, 5, 10
    refused(r, x, _R_UNEXPECTED_PAYLOAD, 13)
    x = m[:29] + m[19:29] + m[29:]  # T twice
    x[19] = 5
    refused(r, x, _R_UNEXPECTED_PAYLOAD, 13)
    x = m[:82]  # no KEMAC
    x[47] = 0
    refused(r, x, _R_UNEXPECTED_PAYLOAD, 13)
    x = m + m[47:82]  # an SP after the KEMAC
    x[82], x[127] = 10, 0
    refused(r, x, _R_UNEXPECTED_PAYLOAD, 13)
    ids = i_message(Initiator(PSK, idi=b"a", idr=b"b"))  # IDi 47..52, IDr 52..57
    x = ids[:57] + ids[52:57] + ids[57:]  # a third ID
    x[52] = 6
    refused(r, x, _R_UNEXPECTED_PAYLOAD, 13)
    for p in (b"\x01\x00\x00\x00", b"\x01\x01" + bytes(20)):  # ERR, V: not in an I_MESSAGE
        x = m[:82] + p + m[82:]
        x[47] = 12 if len(p) == 4 else 9
        refused(r, x, _R_UNEXPECTED_PAYLOAD, 13)


def test_step_4_time_window_and_replay():
    r = Responder(PSK)
    m = i_message()
    refused(r, m, _R_TIMESTAMP, 1, t_(301))  # T 301 s in the past
    refused(r, m, _R_TIMESTAMP, 1, t_(-301))  # in the future
    eq(r.respond(m, len(m), t_(300), out), 51)  # the window's edge: in
    refused(r, m, _R_REPLAY, 1, t_(300))  # once only
    r = Responder(PSK, window=10)
    refused(r, i_message(now=t_(11)), _R_TIMESTAMP, 1)
    # after a reboot: nothing before the time the cache was lost
    r = Responder(PSK)
    r.not_before = t_(1)
    refused(r, m, _R_TIMESTAMP, 1, t_(2))
    m = i_message(now=t_(1))
    eq(r.respond(m, len(m), t_(2), out), 51)


def test_replay_cache_eviction_and_expiry():
    # docs/profile.md "Replay": a full cache loses its oldest entry and
    # nothing at or before that T is accepted any more
    r = Responder(PSK, cache=2)
    ms = [i_message(now=t_(s), rand=bytes([s]) * 16) for s in (1, 2, 3)]
    for m in ms:
        r.respond(m, len(m), t_(3), out)
        eq(r.error, None)
    refused(r, i_message(now=t_(1), rand=b"x" * 16), _R_TIMESTAMP, 1, t_(3))  # at the floor
    refused(r, ms[1], _R_REPLAY, 1, t_(3))  # still cached
    m = i_message(now=t_(2), rand=b"y" * 16)  # after the floor, not seen: in
    r.respond(m, len(m), t_(3), out)
    eq(r.error, None)
    # only authenticated messages are cached: a bad MAC leaves no trace
    r = Responder(PSK)
    m = i_message()
    x = bytearray(m)
    x[-1] ^= 1
    refused(r, x, _R_AUTH, 0)
    eq(r.respond(m, len(m), T0, out) > 0 and r.error, None)
    # entries older than the window leave when another comes: the cache
    # of one holds the newest only, and the floor is what left
    r = Responder(PSK, cache=1, window=5)
    for s in (0, 10, 20):
        m = i_message(now=t_(s), rand=bytes([s]) * 16)
        eq(r.respond(m, len(m), t_(s), out) > 0 and r.error, None)
    refused(r, m, _R_REPLAY, 1, t_(20))


def test_step_5_identities():
    me = b"sip:bob@example.org"
    r = Responder(PSK, idr=me)
    refused(r, i_message(Initiator(PSK, idi=b"alice", idr=b"sip:carol@example.org")), _R_IDENTITY, 7)
    # a single ID is IDr when it names us, IDi otherwise (§3.1 "[IDi], [IDr]")
    for ids in ((None, me), (b"alice", None), (b"alice", me)):
        m = i_message(Initiator(PSK, idi=ids[0], idr=ids[1]))
        eq(r.respond(m, len(m), T0, out) > 0 and r.error, None)
    r = Responder(PSK, idr=me, expect_idi=b"alice")
    refused(r, i_message(Initiator(PSK, idi=b"mallory")), _R_IDENTITY, 7)
    refused(r, i_message(Initiator(PSK, idr=me)), _R_IDENTITY, 7)  # no IDi at all


def test_step_6_kemac():
    r = Responder(PSK)
    refused(r, i_message(mac=0), _R_MAC_ALG, 3)  # NULL MAC: not on this transport
    refused(r, i_message(encr=0), _R_ENCRYPTION, 4)  # NULL encryption likewise
    m = i_message()
    for encr in (2, 7):  # AES-KW-128: not on the device; 7: undefined
        x = bytearray(m)
        x[83] = encr
        refused(r, x, _R_ENCRYPTION, 4)
    x = bytearray(m)
    x[-5] ^= 0x40  # the MAC
    refused(r, x, _R_AUTH, 0)
    x = bytearray(m)
    x[90] ^= 1  # the Encr data, under the MAC
    refused(r, x, _R_AUTH, 0)
    refused(Responder(b"another key"), m, _R_AUTH, 0)
    refused(Responder(None), m, _R_AUTH, 0)  # a NULL-only Responder
    # Key data that does not parse once decrypted (MIKEY-NULL: in clear)
    r = Responder(None, protected=True)
    x = i_message(Initiator(None), encr=0, mac=0)
    x[87] = 0x70  # key type 7
    refused(r, x, _R_UNKNOWN_PAYLOAD, 13)


def test_step_7_and_8_policies_and_keys():
    r = Responder(PSK)
    m = i_message()
    # the SP's parameters from 52: type 0 at 52 (value at 54), 1 at 55, 2 at
    # 58, 3 at 61, 4 at 64, 5 at 67, ... (docs/profile.md, the default set);
    # changed, then MACed again: the MAC is good, the policy is not
    for at, value, reason, code in (
        (49, 1, _R_POLICY, 9),  # Prot type not SRTP
        (54, 9, _R_POLICY_PARAM, 10),  # SRTP encryption algorithm 9
        (60, 5, _R_POLICY_PARAM, 10),  # authentication algorithm 5
        (58, 1, _R_POLICY_PARAM, 10),  # type 1 given twice
        (69, 1, _R_POLICY_PARAM, 10),  # SRTP PRF 1
        (57, 17, _R_POLICY_PARAM, 10),  # key length 17
        (72, 2, _R_POLICY_PARAM, 10),  # SRTP encryption 2: on or off only
        (10, 1, _R_POLICY_PARAM, 10),  # CS 1 names policy 1: no such SP
    ):
        x = bytearray(m)
        x[at] = value
        refused(r, remac(x), reason, code)
    x = i_message(policies=(b"\x14\x02\x00\x10",))  # type 20 (not SRTP's), 2 bytes
    x[52] = 1  # now type 1, the key length, in 2 bytes
    refused(r, remac(x), _R_POLICY_PARAM, 10)
    x = i_message(keys=((True, TGK, None, None),))
    x[57] = 32  # key length 32, a TEK of 16
    refused(r, remac(x), _R_POLICY_PARAM, 10)
    x = i_message(keys=((False, TGK, b"\x01" * 14, None),))
    x[66] = 12  # salt length 12, the salt 14 bytes
    refused(r, remac(x), _R_POLICY_PARAM, 10)


def test_error_replies_do_not_leak():
    # Each refusal raises a fresh MikeyError (a shared one would grow by
    # its traceback at every raise): 300 refused messages leave the heap
    # where it was.
    import gc

    r = Responder(PSK)
    m = i_message()
    m[-1] ^= 1

    def refuse_many():
        for _ in range(300):
            r.respond(m, len(m), T0, out)

    refuse_many()
    gc.collect()
    before = gc.mem_free()
    refuse_many()
    gc.collect()
    eq(gc.mem_free() >= before - 64, True)


def test_finish_checks_the_answer():
    i = Initiator(PSK, expect_idr=b"bob")
    r = Responder(PSK, idr=b"bob")
    m = i_message(i)
    n = r.respond(m, len(m), T0, out)
    a = bytearray(out[:n])
    eq(i.finish(a, n), 1)
    # R_MESSAGE: HDR 0..19, T 19..29, IDr 29..36, V 36..58 (auth alg at 37)
    for at, value, reason, code in (
        (1, 0, _R_DATA_TYPE, 11),
        (4, 0x13, _R_AUTH, 0),  # another CSB ID
        (28, 1, _R_TIMESTAMP, 1),  # not our T
        (20, 1, _R_TIMESTAMP, 1),  # NTP, not NTP-UTC
        (37, 0, _R_MAC_ALG, 3),  # V's algorithm: NULL, not the KEMAC's
        (57, a[57] ^ 1, _R_AUTH, 0),  # the Ver data
        (33, ord("c"), _R_IDENTITY, 7),  # another IDr
    ):
        x = bytearray(a)
        x[at] = value
        fails(reason, code, i.finish, x, n - (20 if at == 37 else 0))
    i2 = Initiator(PSK, expect_idr=b"carol")
    i_message(i2)  # the same offer
    fails(_R_IDENTITY, 7, i2.finish, a, n)
    x = a[:29] + a[19:29] + a[36:]  # HDR, T, T, V
    x[19], x[29] = 5, 9
    fails(_R_UNEXPECTED_PAYLOAD, 13, i.finish, x, n + 3)
    # an Error message from the Responder: its Error no
    m[-1] ^= 1
    k = r.respond(m, len(m), T0, out)
    fails(_R_PEER, 0, i.finish, out, k)


def test_buffers_too_small():
    i = Initiator(PSK)
    fails(_R_OVERFLOW, 12, i.build, bytearray(60), CSB, RAND, T0, CS1, KEYS)
    r = Responder(PSK, idr=b"sip:" + b"x" * 120)
    m = i_message()
    refused(r, m, _R_OVERFLOW, 12)  # the R_MESSAGE would not fit: Unspecified
    r = Responder(PSK, cs=1)
    m = i_message(Initiator(PSK, cs=2), cs=((1, 0, 0), (2, 0, 0)))
    refused(r, m, _R_OVERFLOW, 12)  # more crypto sessions than contexts
