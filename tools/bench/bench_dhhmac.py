"""Benchmarks of the dhhmac part: DH-HMAC (RFC 4650) over OAKLEY 5 on the
device (and over P-256, the profile extension: the `dhhmac-p256` rows),
one crypto session, the profile's default policy, HMAC-SHA-1-160.
"One side" is what one device does in an exchange: the Initiator builds
the I_MESSAGE and finishes the R_MESSAGE; the Responder answers. With "g^x
prepared" its own public value was computed in idle time (prepare()), so
the exchange costs one exponentiation (the TGK); "g^x computed" does both.
The private exponents are fixed so that the same messages can be answered
again (the Responder forgets its replay cache between runs). A
Responder's row makes the I_MESSAGE it answers with an Initiator that is
gone before the Responder is made, as on a device whose Initiator is the
PC. Kept small, as bench_psk: the op's state is bound as default
arguments."""

X = b"\x5c" * 32


def setup(w, g=0):
    # w: 0 both sides, 1 Initiator prepared, 2 Initiator computed,
    # 3 Responder prepared, 4 Responder computed, 5 prepare() alone;
    # g: the DH-Group (0 OAKLEY 5, 10 P-256)
    import gc

    gc.collect()
    from mikey.dhhmac import Initiator, Responder

    gc.collect()
    k = b"\x5a" * 16
    i = Initiator(k, b"pbx", cs=1, buf=320, group=g)
    b = bytearray(320)
    o = bytearray(500)
    t = bytearray(b"\xe9\x3a\x5c\x10\x00\x00\x00\x00")  # NTP-UTC
    a = (b"\x12\x34\x56\x78", b"\xa5" * 16, t, ((0x12345678, 0, 0),))
    p = q = n = m = None
    if w:
        i.prepare(X, g)
        p = i.pre
        n = i.build(b, a[0], a[1], t, a[3])
        if w in (3, 4):
            i = p = None
            gc.collect()
    r = Responder(k, b"pbx", expect_idi=b"cam", cs=1, cache=8, csbs=1, p256=g == 10)
    if w:
        r.prepare(X, g)
        q = r.pre
        m = r.respond(b, n, t, o)

    def op(w=w, g=g, i=i, r=r, b=b, o=o, t=t, a=a, p=p, q=q, n=n, m=m):
        if w == 0:
            t[7] = (t[7] + 1) & 0xFF
            if not t[7]:
                r.reset()
            return i.finish(o, r.respond(b, i.build(b, a[0], a[1], t, a[3]), t, o))
        if w < 3:
            if w == 1:
                i.pre = p
            else:
                i.prepare(X, g)
            i.build(b, a[0], a[1], t, a[3])
            return i.finish(o, m)
        if w < 5:
            r.reset()
            if w == 3:
                r.pre = q
            else:
                r.prepare(X, g)
            return r.respond(b, n, t, o)
        return i.prepare(X, g)

    return op


BENCHES = (
    ("dhhmac: OAKLEY 5 exchange, both sides, g^x computed", lambda: setup(0)),
    ("dhhmac: Initiator one side (build, finish), g^x prepared", lambda: setup(1)),
    ("dhhmac: Initiator one side (build, finish), g^x computed", lambda: setup(2)),
    ("dhhmac: Responder one side, g^x prepared", lambda: setup(3)),
    ("dhhmac: Responder one side, g^x computed", lambda: setup(4)),
    ("dhhmac: prepare g^x in idle time (OAKLEY 5)", lambda: setup(5)),
    ("dhhmac-p256: Initiator one side (build, finish), key pair prepared", lambda: setup(1, 10)),
    ("dhhmac-p256: Responder one side, key pair prepared", lambda: setup(3, 10)),
    ("dhhmac-p256: Responder one side, key pair computed", lambda: setup(4, 10)),
)
