"""Typed errors that carry the MIKEY Error-payload number the peer should get
(RFC 3830 §6.12, Table 6.12; 13 from RFC 4738 §3.9.2).

Every parse or validation failure in the twin raises a subclass of
MikeyError; nothing else escapes the decoder.
"""

from enum import IntEnum


class ErrorNo(IntEnum):
    AUTH_FAILURE = 0
    INVALID_TS = 1
    INVALID_PRF = 2
    INVALID_MAC = 3
    INVALID_EA = 4
    INVALID_HA = 5
    INVALID_DH = 6
    INVALID_ID = 7
    INVALID_CERT = 8
    INVALID_SP = 9
    INVALID_SPPAR = 10
    INVALID_DT = 11
    UNSPECIFIED = 12
    UNSUPPORTED_MESSAGE = 13  # unparseable MIKEY message (RFC 4738)
    INVALID_TICKET = 14  # RFC 6043
    INVALID_TPPAR = 15  # RFC 6043


class MikeyError(Exception):
    """Base of every protocol error; `code` is the Error no for the peer."""

    code = ErrorNo.UNSPECIFIED

    def __init__(self, message: str = "", *, offset: int | None = None):
        super().__init__(message or type(self).__name__)
        self.offset = offset  # where in the message, when known


class Truncated(MikeyError):
    """The input ended inside a field."""
    code = ErrorNo.UNSUPPORTED_MESSAGE


class BadLength(MikeyError):
    """A length field overruns its payload or the message, or is not one
    the field's type allows."""
    code = ErrorNo.UNSUPPORTED_MESSAGE


class UnknownPayload(MikeyError):
    """A Next payload value names no known payload."""
    code = ErrorNo.UNSUPPORTED_MESSAGE


class UnexpectedPayload(MikeyError):
    """Repeated, out of order, not allowed in this message, or a mandatory
    payload missing."""
    code = ErrorNo.UNSUPPORTED_MESSAGE


class TrailingData(MikeyError):
    """Bytes after the last payload."""
    code = ErrorNo.UNSUPPORTED_MESSAGE


class BadVersion(MikeyError):
    code = ErrorNo.UNSUPPORTED_MESSAGE


class UnsupportedDataType(MikeyError):
    code = ErrorNo.INVALID_DT


class UnsupportedPRF(MikeyError):
    code = ErrorNo.INVALID_PRF


class UnsupportedMAC(MikeyError):
    """MAC algorithm not supported, or NULL MAC on a transport the caller
    has not declared protected."""
    code = ErrorNo.INVALID_MAC


class UnsupportedEncryption(MikeyError):
    code = ErrorNo.INVALID_EA


class UnsupportedHash(MikeyError):
    code = ErrorNo.INVALID_HA


class UnsupportedDHGroup(MikeyError):
    code = ErrorNo.INVALID_DH


class BadIdentity(MikeyError):
    code = ErrorNo.INVALID_ID


class UnsupportedCert(MikeyError):
    code = ErrorNo.INVALID_CERT


class UnsupportedPolicy(MikeyError):
    code = ErrorNo.INVALID_SP


class BadPolicyParam(MikeyError):
    code = ErrorNo.INVALID_SPPAR


class AuthFailure(MikeyError):
    code = ErrorNo.AUTH_FAILURE


class InvalidTimestamp(MikeyError):
    code = ErrorNo.INVALID_TS


class Replay(InvalidTimestamp):
    """A message already accepted within the window (RFC 3830 §5.4)."""


class PeerError(MikeyError):
    """The peer answered with an Error message; `codes` lists its Error nos."""

    def __init__(self, codes, message: str = ""):
        super().__init__(message or "peer sent Error: " + ", ".join(str(int(c)) for c in codes))
        self.codes = list(codes)
        self.code = self.codes[0] if self.codes else ErrorNo.UNSPECIFIED


# -- the ECC modes (docs/ecc-profile.md) ------------------------------------

class InvalidPoint(UnsupportedDHGroup):
    """An elliptic-curve point that is not on P-256, the point at infinity,
    or not a SEC1 encoding of the curve's size: Invalid DH (6), refused
    before any scalar multiplication (invalid-curve attacks)."""


class BadSignature(AuthFailure):
    """An ECDSA signature that does not verify: not 64 bytes, r or s
    outside [1, n-1], or not over these bytes with the signer's key."""


class UnknownPeer(BadIdentity):
    """No public key is pinned for the identity the message names."""
