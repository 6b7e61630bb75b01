# A seeded mutation loop over valid PSK I_MESSAGEs fed to the device's
# Responder (firmware/mikey/psk.py): bit flips, byte changes, truncations,
# insertions, deletions and copied chunks, on messages of the device's own
# Initiator (one to three crypto sessions, IDs, TEK+SALT, MKI, every KEMAC
# algorithm, an update) and the public MIKEY-NULL vectors. Half the mutants
# get their MAC made again, so the policy and Key data steps are reached
# with random contents. Whatever the bytes, respond() returns: the answer
# is an R_MESSAGE or an Error message with the Error no of the MikeyError in
# `error` (the Responder's error path); no other exception ever escapes.

from fwtest import eq
from mikey.codec import Table, decode
from mikey.crypto import mac_begin, mac_end, prf
from mikey.errors import MikeyError
from mikey.psk import Initiator, Responder

# ≥ 10,000 mutated messages take a few seconds on the unix port: one
# profile, compiled, as a device loads it.
FW_PROFILES = ("esp32",)
FW_FORMATS = ("mpy",)
FW_TIMEOUT = 600

CASES = 12000
SEED = 0x150533E1

PSK = b"\x5a" * 16
T0 = b"\xe9\x3a\x5c\x10\x00\x00\x00\x00"
tbl = Table()
_state = [SEED]


def rnd(n):
    """0 <= r < n from a 31-bit LCG (small ints on every port)."""
    x = (_state[0] * 1103515245 + 12345) & 0x7FFFFFFF
    _state[0] = x
    return (x >> 7) % n if n > 0 else 0


def bases():
    """Valid I_MESSAGEs: the device's own, and MIKEY-NULL vectors."""
    from test_psk_tolerant import VECTORS

    buf = bytearray(400)
    out = []
    tgk = b"\x3c" * 16
    salt = b"\x5e" * 14
    for idi, idr, cs, keys, kw in (
        (None, None, ((1, 0, 0),), ((False, tgk, None, None),), {}),
        (b"alice@example.org", b"sip:bob@example.org", ((1, 0, 0), (2, 5, 1)),
         ((True, tgk, salt, b"\x00\x00\x00\x01"), (False, tgk, salt, None)),
         {"policies": (b"\x0b\x01\x0a", b"\x00\x01\x02\x06\x02\x01\x00\x0b\x01\x04")}),
        (None, b"sip:bob@example.org", ((1, 0, 0), (2, 0, 0), (3, 0, 0)), ((False, tgk, None, b"\x07"),),
         {"encr": 3, "mac": 2, "prf": 1}),
        (b"alice@example.org", None, ((1, 0, 0),), ((True, tgk, salt, None),), {"encr": 0, "mac": 0}),
    ):
        i = Initiator(PSK if kw.get("mac", 1) else None, idi=idi, idr=idr, cs=3)
        n = i.build(buf, b"\x12\x34\x56\x78", bytes(range(16)), T0, cs, keys, **kw)
        out.append(bytes(buf[:n]))
        if not kw:  # and its update: no RAND (§4.5)
            n = i.build(buf, b"\x12\x34\x56\x78", None, T0, cs, keys)
            out.append(bytes(buf[:n]))
    return out + [bytes.fromhex(v) for v in VECTORS]


def remac(m, n):
    # make the MAC again after a mutation (§5.2), when the message still
    # decodes and has a RAND and an HMAC-SHA-1 KEMAC last
    try:
        decode(m, n, tbl, True)
    except MikeyError:
        return
    i = tbl.find(11)
    j = tbl.find(1)
    if i < 0 or j != tbl.count - 1 or m[tbl.body_end[j]] != 1 or m[3] & 0x7F > 1:
        return
    k = bytearray(20)
    prf(PSK, 0, 16, m[3] & 0x7F, 0x2D22AC75, 0xFF, m, 4, memoryview(m)[tbl.body[i] : tbl.body_end[i]], k, 0, 20)
    at = tbl.body_end[j] + 1
    h = mac_begin(k, 0, 20, False)
    h.update(memoryview(m)[:at])
    m[at : at + 20] = mac_end(h, False)


def mutate(src, out):
    """Copy src into out and change it; return the new length."""
    m = len(src)
    out[:m] = src
    for _ in range(1 + rnd(3)):
        op = rnd(7)
        p = rnd(m)
        if op == 0 and m:  # flip a bit
            out[p] ^= 1 << rnd(8)
        elif op == 1 and m:  # any byte
            out[p] = rnd(256)
        elif op == 2 and m:  # a value that means something somewhere
            out[p] = (0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 16, 20, 21, 22, 26, 0x7F, 0x80, 0xFF)[rnd(21)]
        elif op == 3:  # cut
            m = rnd(m + 1)
        elif op == 4 and m < len(out) - 1:  # insert a byte
            out[p + 1 : m + 1] = out[p:m]
            out[p] = rnd(256)
            m += 1
        elif op == 5 and m:  # delete a byte
            out[p : m - 1] = out[p + 1 : m]
            m -= 1
        elif op == 6 and m:  # copy a chunk of the message over itself
            a = rnd(m)
            n = 1 + rnd(min(40, m - a))
            if m + n < len(out):
                chunk = bytes(out[a : a + n])
                out[p + n : m + n] = out[p:m]
                out[p : p + n] = chunk
                m += n
    return m


def test_mutated_i_messages_end_in_an_answer():
    msgs = bases()
    sides = (
        Responder(PSK),
        Responder(PSK, idr=b"sip:bob@example.org", tolerant=True, cache=4, csbs=1),
        Responder(None, protected=True, tolerant=True),
        Responder(PSK, protected=True, expect_idi=b"alice@example.org", window=1),
    )
    m = bytearray(600)
    out = bytearray(300)
    now = bytearray(T0)
    codes = {}
    accepted = 0
    for case in range(CASES):
        n = mutate(msgs[rnd(len(msgs))], m)
        if rnd(2):
            remac(m, n)
        for j in range(n, len(m)):  # junk past n: must never be read
            m[j] = rnd(256)
        now[3] = T0[3] + rnd(3)  # now and then a few seconds later
        now[6] = rnd(256)
        r = sides[rnd(len(sides))]
        try:
            k = r.respond(m, n, now, out)
        except Exception as e:  # nothing escapes respond()
            print("case", case, "seed", SEED, "message", bytes(m[:n]).hex())
            raise e
        e = r.error
        if e is None:
            accepted += 1
            if k:  # an R_MESSAGE: HDR, T, [IDr], V
                eq((decode(out, k, tbl), out[1]) in ((2, 1), (3, 1)), True)
        else:
            eq((isinstance(e, MikeyError), 0 <= e.code <= 13, r.ncs), (True, True, 0))
            eq((decode(out, k, tbl), out[1], out[tbl.start[1] + 1]), (2, 6, e.code))
            codes[e.code] = codes.get(e.code, 0) + 1
    print("cases", CASES, "accepted", accepted, "refused", sorted(codes.items()))
    eq(CASES >= 10000, True)
    # the loop reached every step: accepted messages, and most Error nos
    eq(accepted > CASES // 100, True)
    for code in (0, 1, 2, 3, 4, 7, 9, 10, 11, 13):
        eq((code, codes.get(code, 0) > 0), (code, True))
