"""The one error the package raises for bad input: MikeyError, carrying the
MIKEY Error-payload number the peer should get (`code`, RFC 3830 §6.12)
and a small int naming what went wrong (`reason`, below).

One class instead of one per kind: on MicroPython each exception class costs
about 300 bytes of heap, a reason number costs nothing. Modules that raise
keep their own `_R_X = const(n)` copy of the numbers they use, so the value
is inlined; tests/host/test_fw_reasons.py checks every copy against this
table.

    reason                code   what
    _R_TRUNCATED            13   the input ended inside a field
    _R_BAD_LENGTH           13   a length field overruns its payload or the
                                 message, or is not one the field allows
    _R_UNKNOWN_PAYLOAD      13   a Next payload, map, key or KV type naming
                                 nothing defined
    _R_UNEXPECTED_PAYLOAD   13   a payload not allowed here: repeated, out of
                                 order, a mandatory one missing, too many
    _R_TRAILING_DATA        13   bytes after the last payload
    _R_BAD_VERSION          13   common header version other than 1
    _R_DATA_TYPE            11   data type not defined or not expected
    _R_PRF                   2   PRF func
    _R_MAC_ALG               3   MAC algorithm, or a NULL MAC on a transport
                                 not declared protected
    _R_ENCRYPTION            4   encryption algorithm, or NULL encryption on
                                 a transport not declared protected
    _R_HASH                  5   hash function
    _R_DH_GROUP              6   DH group or ECC point
    _R_IDENTITY              7   not the identity expected
    _R_CERT                  8   certificate
    _R_POLICY                9   SP protocol type
    _R_POLICY_PARAM         10   SP parameter value, or keys that do not fit
                                 the policy
    _R_AUTH                  0   MAC or verification message mismatch
    _R_TIMESTAMP             1   T outside the window or of an unusable type
    _R_REPLAY                1   a message already accepted (§5.4)
    _R_OVERFLOW             12   a buffer of this device too small (a local
                                 fault: the peer is told "Unspecified")
    _R_PEER                 12   the peer answered with an Error message;
                                 `code` is its (first) Error no

Raise fresh instances, never a shared preallocated one: MicroPython appends
each raise's traceback to the instance, so a shared instance grows by a few
words per raise (48 bytes on the unix port), without bound, on a device that
keeps rejecting bad input. Only valid input is promised to run without
allocating (micropython.heap_lock()); a rejection allocates its exception.
"""

from micropython import const

_R_TRUNCATED = const(0)
_R_BAD_LENGTH = const(1)
_R_UNKNOWN_PAYLOAD = const(2)
_R_UNEXPECTED_PAYLOAD = const(3)
_R_TRAILING_DATA = const(4)
_R_BAD_VERSION = const(5)
_R_DATA_TYPE = const(6)
_R_PRF = const(7)
_R_MAC_ALG = const(8)
_R_ENCRYPTION = const(9)
_R_HASH = const(10)
_R_DH_GROUP = const(11)
_R_IDENTITY = const(12)
_R_CERT = const(13)
_R_POLICY = const(14)
_R_POLICY_PARAM = const(15)
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)
_R_REPLAY = const(18)
_R_OVERFLOW = const(19)
_R_PEER = const(20)

# Error no of each reason, indexed by reason (RFC 3830 Table 6.12; 13 from
# RFC 4738 §3.9.2)
_CODES = const(b"\x0d\x0d\x0d\x0d\x0d\x0d\x0b\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x00\x01\x01\x0c\x0c")


class MikeyError(Exception):
    """MikeyError(reason): `reason` names the kind (table above), `code` the
    Error no for the peer; MikeyError(_R_PEER, n) carries a peer's Error no."""

    def __init__(self, reason, code=-1):
        self.reason = reason
        self.code = _CODES[reason] if code < 0 else code
