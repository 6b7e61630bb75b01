"""Benchmarks of the clock part (mikey.clock, mikey.ntp; docs/clock.md):
what one authenticated sync costs the device — the request with its MAC,
the answer checked (MAC, origin, stratum, root distance) and the clock set
— for the proxy's SHA1 and AES128 keys; a TIME set over the serial link;
and reading the clock. The answers are chronyd's, recorded (the network
round trip is not the device's work: tools/bench_timeproxy.py has the
loopback sync against a real chronyd, and the clock's heap)."""

SHA1_KEY = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13"
AES_KEY = b"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"
RND = b"\x01\x23\x45\x67\x89\xab\xcd\xef"
HEAD = ("240800e600000000000000007f7f0101eeb42565000000000123456789abcdef"
        "eeb4256500000000eeb4256500418938")
ANSWERS = {False: HEAD + "0000000126a6ad832e914414433b8c61d8495192b983b009",
           True: HEAD + "00000002119ffb2046557fb5982dbcb32838f178"}


def _sync(aes):
    def setup():
        from binascii import unhexlify

        from mikey.clock import Clock
        from mikey.ntp import Client

        c = Client(2 if aes else 1, AES_KEY if aes else SHA1_KEY, aes)
        k = Clock(max_step=65000)
        a = unhexlify(ANSWERS[aes])
        n = len(a)

        def op():
            c.request(RND)
            c.read(a, n, 3000)
            k.sync(c.t, 0, c.err, k.ticks())

        return op

    return setup


def _link_set():
    import hashlib

    from mikey.clock import Clock

    k = Clock(max_step=65000)
    key = bytes(range(16))
    out = bytearray(29)
    for i in range(13, 29):
        out[i] = i
    t = b"\xee\xb4\x25\x65\x00\x00\x00\x00"

    def op():
        k.report(out, 0)  # the nonce the PC answers
        body = t + b"\x00" + bytes(out[13:29])
        # the PC's HMAC-SHA-256, made here (not the device's cost, but small)
        ipad = bytes(b ^ 0x36 for b in key + bytes(48))
        opad = bytes(b ^ 0x5C for b in key + bytes(48))
        h = hashlib.sha256(ipad)
        h.update(b"MIKEY-TIME" + body)
        m = hashlib.sha256(opad)
        m.update(h.digest())
        k.link_set(body + m.digest(), key)

    return op


def _now():
    from mikey.clock import Clock

    k = Clock()
    k.sync(b"\xee\xb4\x25\x65\x00\x00\x00\x00", 0, 1000, k.ticks())
    b = bytearray(8)
    return lambda: k.now_into(b)


def _t():
    from mikey.clock import Clock

    k = Clock()
    k.sync(b"\xee\xb4\x25\x65\x00\x00\x00\x00", 0, 1000, k.ticks())
    b = bytearray(8)
    return lambda: k.t_into(b)


BENCHES = (
    ("clock: authenticated sync, SHA1 key (request, answer checked, clock set)", _sync(False)),
    ("clock: authenticated sync, AES128-CMAC key (request, answer checked, clock set)", _sync(True)),
    ("clock: TIME set over the link (nonce, HMAC-SHA-256 checked, clock set)", _link_set),
    ("clock: read the time (proxy time on the ticks)", _now),
    ("clock: a unique T for an I_MESSAGE", _t),
)
