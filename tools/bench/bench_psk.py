"""Benchmarks of the psk part: a MIKEY-PSK exchange on the device (RFC 3830
§3.1), one crypto session, TGK, the profile's default policy, AES-CM-128 and
HMAC-SHA-1-160, V requested. Each exchange uses a new T (the replay cache
refuses a message twice) and the Responder's clock follows it. Kept small:
this module's own heap is in the "min heap" column: the op's state is bound
as default arguments (a closure would keep a cell object per variable and
build its argument array on the heap at every call), and only the
Responder's row builds a message at setup. The Responder is sized for the
case: one crypto session, 8 replay cache entries, one CSB."""


def setup(i):
    # i: 0 the whole exchange, 1 the Initiator's I_MESSAGE, 2 the Responder
    import gc

    gc.collect()  # as a device does around its imports: no garbage between
    from mikey.psk import Initiator, Responder

    gc.collect()

    w = i
    psk = b"\x5a" * 16
    i = Initiator(psk, cs=1)
    r = Responder(psk, cs=1, cache=8, csbs=1, kd=32)
    b = bytearray(128)
    o = bytearray(64)
    t = bytearray(b"\xe9\x3a\x5c\x10\x00\x00\x00\x00")  # NTP-UTC
    a = (b"\x12\x34\x56\x78", b"\xa5" * 16, t, ((0x12345678, 0, 0),), ((False, b"\x3c" * 16, None, None),))
    n = i.build(b, *a) if w == 2 else 0  # the message the Responder alone answers

    def op(w=w, i=i, r=r, b=b, o=o, t=t, a=a, n=n):
        if w == 2:  # the same message to a Responder that forgot it (reset)
            r.reset()
            return r.respond(b, n, t, o)
        j = 7  # the next T: +1 in the fraction
        while j > 3:
            t[j] = (t[j] + 1) & 0xFF
            if t[j]:
                break
            j -= 1
        m = i.build(b, a[0], a[1], t, a[3], a[4])
        return m if w else i.finish(o, r.respond(b, m, t, o))

    return op


BENCHES = (
    ("psk: PSK exchange, one CS, V requested (both sides)", lambda: setup(0)),
    ("psk: Initiator builds the I_MESSAGE (one CS, V requested)", lambda: setup(1)),
    ("psk: Responder, I_MESSAGE in, R_MESSAGE out (one CS, V)", lambda: setup(2)),
)
