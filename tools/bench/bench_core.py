"""Benchmarks of the core part: the reference unit and the fixed buffers."""

# V-GST-2 (tests/vectors/public.json): a common header with two SRTP-ID entries
HDR = bytes.fromhex("01000000123456780200011234567800000000022345678900000001")


def _r():
    from runit import r_unit

    return r_unit


def _encode():
    from mikey.buffer import Writer

    buf = bytearray(64)
    csb = b"\x12\x34\x56\x78"

    w = Writer(buf)

    def op():
        w.reset(buf)
        w.u8(1)
        w.u8(0)
        w.u8(0)
        w.u8(0)
        w.put(csb)
        w.u8(2)
        w.u8(0)
        w.u8(1)
        w.u32(0x12345678)
        w.u32(0)
        w.u8(2)
        w.u32(0x23456789)
        w.u32(1)
        return w.length()

    return op


def _decode():
    from mikey.buffer import Reader

    data = HDR
    offs = [0] * 8

    r = Reader(data)

    def op():
        r.reset(data)
        r.u8()
        r.u8()
        r.u8()
        r.u8()
        offs[0] = r.skip(4)
        n = r.u8()
        r.u8()
        for i in range(n):
            offs[1 + i] = r.u8()
            r.skip(8)
        return r.at_end()

    return op


def _nothing():
    def op():
        pass

    return op


BENCHES = (
    ("interpreter and bench runner alone (baseline)", _nothing),
    ("R = pow(y, x, p): OAKLEY 5 prime, 256-bit x", _r),
    ("buffer: write a common header, 2 SRTP-ID entries (28 B)", _encode),
    ("buffer: read a common header, 2 SRTP-ID entries (28 B)", _decode),
)
