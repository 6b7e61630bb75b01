"""The Responder's answer to a refused I_MESSAGE: the Error message (RFC
3830 §5.1.2, docs/profile.md "Messages"). mikey.psk imports it when it
refuses a message, so a device that only ever accepts never loads it; a
refusal allocates anyway (its MikeyError)."""

from micropython import const

from mikey import codec
from mikey.errors import MikeyError

_T = const(5)  # Next payload values (RFC 3830 Table 6.1.b)
_ERR = const(12)
_PARTIAL = const(2)  # mikey.codec.decode flag


def write(d, n, now, out, t, code):
    """The Error message answering d[:n] (received at NTP time `now`) into
    out (at least 24 bytes); returns its length. HDR with the CSB ID and
    PRF func of the message answered and its T, as far as it decodes into
    the table t (else 0 and our own time, NTP-UTC), then one ERR with Error
    no `code`."""
    try:
        codec.decode(d, n, t, _PARTIAL)
    except MikeyError:
        pass
    c = t.hdr_end
    i = t.find(_T) if c else -1
    out[0:10] = b"\x01\x06\x05\x00\x00\x00\x00\x00\x00\x00"  # data type 6, Next T, #CS 0
    if c:
        out[3] = d[3] & 0x7F
        out[4:8] = d[4:8]
    if i >= 0:  # the Initiator's T, as it was
        c = t.start[i]
        p = 10 + t.end[i] - c
        out[10:p] = d[c : t.end[i]]
    else:  # NTP-UTC, now
        out[11] = 0
        out[12:20] = now
        p = 20
    out[10] = _ERR
    out[p] = 0  # ERR (§6.12): Next | Error no | Reserved
    out[p + 1] = code
    out[p + 2] = out[p + 3] = 0
    return p + 4
