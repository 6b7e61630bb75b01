"""Device half of `make demo` (runs under MicroPython, tight heap profile).

Reads hex MIKEY messages from stdin, one per line. For each, parses the
common header (RFC 3830 §6.1) with the fixed-capacity Reader, writes it back
with the Writer, counts the heap bytes that took, and prints one line:
    csb_id data_type n_cs map_type policy:ssrc:roc,... rewritten_hex alloc
"""

import gc
import sys

import micropython
from mikey.buffer import Reader, Writer
from mikey.errors import MikeyError

_SRTP_ID = micropython.const(0)  # CS ID map type (§6.1.1)
_R_OVERFLOW = micropython.const(19)  # mikey/errors.py

entries = [0] * 3 * 8  # policy, SSRC offset, ROC offset for up to 8 CS
head = [0] * 8
out = bytearray(128)
r = Reader(b"")
w = Writer(out)


def parse(r):
    head[0] = r.u8()  # version
    head[1] = r.u8()  # data type
    head[2] = r.u8()  # next payload
    head[3] = r.u8()  # V | PRF func
    head[4] = r.skip(4)  # CSB ID
    n = r.u8()  # #CS
    head[5] = n
    head[6] = r.u8()  # CS ID map type
    if head[6] == _SRTP_ID:
        if n > 8:
            raise MikeyError(_R_OVERFLOW)
        for i in range(n):
            entries[3 * i] = r.u8()
            entries[3 * i + 1] = r.skip(4)
            entries[3 * i + 2] = r.skip(4)
    head[7] = r.tell()


def rewrite(w, data):
    w.reset(out)
    w.u8(head[0])
    w.u8(head[1])
    w.u8(head[2])
    w.u8(head[3])
    w.put(data, head[4], 4)
    w.u8(head[5])
    w.u8(head[6])
    if head[6] == _SRTP_ID:
        for i in range(head[5]):
            w.u8(entries[3 * i])
            w.put(data, entries[3 * i + 1], 4)
            w.put(data, entries[3 * i + 2], 4)
    return w.length()


def hexof(b, off, n):
    return "".join("%02x" % b[off + i] for i in range(n))


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    data = bytes.fromhex(line)
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    try:
        r.reset(data)
        parse(r)
        n = rewrite(w, data)
    except MikeyError as e:
        gc.enable()
        print("ERROR", "reason-%d" % e.reason, e.code)
        continue
    alloc = gc.mem_alloc() - before
    gc.enable()
    cs = []
    if head[6] == _SRTP_ID:
        for i in range(head[5]):
            cs.append("%d:%s:%s" % (entries[3 * i], hexof(data, entries[3 * i + 1], 4),
                                    hexof(data, entries[3 * i + 2], 4)))
    print(hexof(data, head[4], 4), head[1], head[5], head[6], ",".join(cs) or "-",
          hexof(out, 0, n), alloc)
