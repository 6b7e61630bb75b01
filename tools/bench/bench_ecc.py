"""Benchmarks of the ecc part: DH-SIGN (ECDH P-256 + ECDSA), MIKEY-ECIES
and MIKEY-ECMQV on the device (docs/ecc-profile.md), one crypto session,
the profile's default policy. "One side" is what one device does in an
exchange: the Initiator builds the I_MESSAGE and finishes the R_MESSAGE
(ECIES: V asked for); the Responder answers. The ephemeral key pair is
prepared (in idle time: prepare()), so the row is the exchange's own
P-256 work: DH-SIGN signs, verifies and does one ECDH a side; ECIES adds
the envelope's ECDH (Initiator) or its opening (Responder); ECMQV one
side signs or verifies and runs the ECMQV primitive. The static and
ephemeral keys are fixed so that the same messages can be answered again
(the Responder forgets its replay cache between runs). A Responder's row
makes the I_MESSAGE it answers with an Initiator that is gone before the
Responder is made, as on a device whose Initiator is the PC; an
Initiator's row needs both (the R_MESSAGE answers its own I_MESSAGE)."""

KI = 0x1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F809
KR = 0x0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0
X = b"\x5c" * 32


def setup(mode, w):
    # w: 1 Initiator one side, 2 Responder one side, 3 prepare() alone
    import gc

    gc.collect()
    m = __import__("mikey." + mode, None, None, ("x",))
    from mikey.p256 import public

    gc.collect()
    ci = b"cam"
    cr = b"sip:pbx"
    pi = public(KI)
    pr = public(KR)
    if mode == "ecies":
        i = m.Initiator(KI, {cr: pr}, ci, cr, cs=1)
    else:
        i = m.Initiator(KI, {cr: pr}, idi=ci, idr=cr, cs=1)
    b = bytearray(420)
    o = bytearray(320)
    t = bytearray(b"\xe9\x3a\x5c\x10\x00\x00\x00\x00")  # NTP-UTC
    a = (b"\x12\x34\x56\x78", b"\xa5" * 16, t, ((0x12345678, 0, 0),), ((False, b"\x3c" * 16, None, None),))

    def build(i=i, b=b, a=a):
        if mode == "ecies":
            return i.build(b, a[0], a[1], a[2], a[3], a[4], env_key=b"\x55" * 16)
        return i.build(b, a[0], a[1], a[2], a[3])

    i.prepare(X)
    p = i.pre
    n = build()
    if w == 2:
        i = build = p = None
        gc.collect()
    r = m.Responder(KR, {ci: pi}, idr=cr, cache=8, cs=1)
    r.prepare(X)
    q = r.pre
    k = r.respond(b, n, t, o)

    def op(w=w, i=i, r=r, b=b, o=o, t=t, p=p, q=q, n=n, k=k):
        if w == 1:
            i.pre = p
            build()
            return i.finish(o, k)
        if w == 2:
            r.reset()
            r.pre = q
            return r.respond(b, n, t, o)
        return i.prepare()

    return op


BENCHES = (
    ("ecc: DH-SIGN Initiator one side (build, finish), key prepared", lambda: setup("dhsign", 1)),
    ("ecc: DH-SIGN Responder one side, key prepared", lambda: setup("dhsign", 2)),
    ("ecc: MIKEY-ECIES Initiator one side (build, finish), key prepared", lambda: setup("ecies", 1)),
    ("ecc: MIKEY-ECIES Responder one side, key prepared", lambda: setup("ecies", 2)),
    ("ecc: MIKEY-ECMQV Initiator one side (build, finish), key prepared", lambda: setup("ecmqv", 1)),
    ("ecc: MIKEY-ECMQV Responder one side, key prepared", lambda: setup("ecmqv", 2)),
    ("ecc: prepare an ephemeral key pair in idle time", lambda: setup("dhsign", 3)),
)
