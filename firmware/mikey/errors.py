"""Typed errors that carry the MIKEY Error-payload number the peer should get.

Errors are raised as fresh instances, never as shared preallocated ones:
MicroPython appends each raise's traceback to the instance, so a shared
instance grows by a few words per raise, without bound, on a device that
keeps rejecting bad input. Only valid input is promised to run without
allocating (micropython.heap_lock()); a rejection allocates its exception.
"""

from micropython import const

# RFC 3830 §6.12 Table 6.12, extended by RFC 4738 §3.9.2 (13) and RFC 6043 (14-15)
ERR_AUTH = const(0)  # Auth failure
ERR_TS = const(1)  # Invalid TS
ERR_PRF = const(2)  # Invalid PRF
ERR_MAC = const(3)  # Invalid MAC
ERR_EA = const(4)  # Invalid EA
ERR_HA = const(5)  # Invalid HA
ERR_DH = const(6)  # Invalid DH
ERR_ID = const(7)  # Invalid ID
ERR_CERT = const(8)  # Invalid Cert
ERR_SP = const(9)  # Invalid SP
ERR_SPPAR = const(10)  # Invalid SPpar
ERR_DT = const(11)  # Invalid DT
ERR_UNSPEC = const(12)  # Unspecified error
ERR_UNPARSEABLE = const(13)  # Unsupported message type: unparseable (RFC 4738)


class MikeyError(Exception):
    """Base of every error the package raises; `code` is the Error no."""

    code = ERR_UNSPEC


class Truncated(MikeyError):
    """The input ended inside a field: the message cannot be parsed."""

    code = ERR_UNPARSEABLE


class Overflow(MikeyError):
    """The output buffer is too small for what is being encoded (a local
    fault, not the peer's: the peer would be told 'Unspecified error')."""

    code = ERR_UNSPEC
