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


# -- cannot be parsed: Error no 13 (RFC 4738 §3.9.2) -------------------------


class Truncated(MikeyError):
    """The input ended inside a field."""

    code = ERR_UNPARSEABLE


class BadLength(MikeyError):
    """A length field overruns its payload or the message, or is not one
    the field's type allows."""

    code = ERR_UNPARSEABLE


class UnknownPayload(MikeyError):
    """A Next payload value names no payload this implementation knows."""

    code = ERR_UNPARSEABLE


class UnexpectedPayload(MikeyError):
    """A payload that does not belong in this message type or at this place:
    repeated, out of order, or a mandatory one missing."""

    code = ERR_UNPARSEABLE


class TrailingData(MikeyError):
    """Bytes after the last payload."""

    code = ERR_UNPARSEABLE


class BadVersion(MikeyError):
    """Common header version is not 1."""

    code = ERR_UNPARSEABLE


# -- parsed, but not supported or not acceptable ----------------------------


class UnsupportedDataType(MikeyError):
    code = ERR_DT


class UnsupportedPRF(MikeyError):
    code = ERR_PRF


class UnsupportedMAC(MikeyError):
    """KEMAC or V MAC algorithm not supported, or NULL MAC on a transport
    the caller has not declared protected."""

    code = ERR_MAC


class UnsupportedEncryption(MikeyError):
    code = ERR_EA


class UnsupportedHash(MikeyError):
    code = ERR_HA


class UnsupportedDHGroup(MikeyError):
    code = ERR_DH


class BadIdentity(MikeyError):
    """ID type not supported, or not the identity expected."""

    code = ERR_ID


class UnsupportedCert(MikeyError):
    code = ERR_CERT


class UnsupportedPolicy(MikeyError):
    """SP protocol type not supported."""

    code = ERR_SP


class BadPolicyParam(MikeyError):
    """SP parameter value not supported, or keys that do not fit the policy."""

    code = ERR_SPPAR


class AuthFailure(MikeyError):
    """MAC or verification message does not match."""

    code = ERR_AUTH


class InvalidTimestamp(MikeyError):
    """Timestamp outside the accepted window, or of an unsupported type."""

    code = ERR_TS


class Replay(InvalidTimestamp):
    """A message already accepted within the window (RFC 3830 §5.4)."""


class Overflow(MikeyError):
    """The output buffer is too small for what is being encoded (a local
    fault, not the peer's: the peer would be told 'Unspecified error')."""

    code = ERR_UNSPEC
