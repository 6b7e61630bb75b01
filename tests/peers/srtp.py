"""libsrtp (through pylibsrtp) as a peer: turn an SRTP context as the
project reports it (docs/profile.md, "SRTP contexts") into a libsrtp stream,
and protect/unprotect RTP packets with it.

libsrtp takes master key || master salt; it has no MKI and no non-zero key
derivation rate here. The rollover counter is not exposed by pylibsrtp, so
it is set with srtp_set_stream_roc from the wheel's own shared library."""

import ctypes
import struct
from pathlib import Path

import pylibsrtp

_lib = ctypes.CDLL(str(next(Path(pylibsrtp.__file__).parent.glob("_binding*.so"))))
_lib.srtp_set_stream_roc.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32]
_lib.srtp_set_stream_roc.restype = ctypes.c_int


class Unsupported(Exception):
    """A context libsrtp cannot express (cipher, tag length, MKI, KDR)."""


def profile_for(ctx: dict) -> int:
    p = ctx["policy"]
    if ctx.get("mki"):
        raise Unsupported("libsrtp through pylibsrtp has no MKI")
    if p.get("kdr", 0):
        raise Unsupported("key derivation rate must be 0")
    if p["cipher"] != "AES-CM" or p["auth"] != "HMAC-SHA1" or p["key_len"] != 16 or p["salt_len"] != 14:
        raise Unsupported(f"no libsrtp profile for {p}")
    tags = {10: pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80, 4: pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_32}
    if p["tag_len"] not in tags:
        raise Unsupported(f"tag length {p['tag_len']}")
    return tags[p["tag_len"]]


def session(ctx: dict, outbound: bool) -> pylibsrtp.Session:
    """A libsrtp session for one crypto session's context."""
    key = bytes.fromhex(ctx["master_key"]) + bytes.fromhex(ctx["master_salt"])
    ssrc = int(ctx["ssrc"], 16)
    policy = pylibsrtp.Policy(key=key, ssrc_type=pylibsrtp.Policy.SSRC_SPECIFIC, ssrc_value=ssrc,
                              srtp_profile=profile_for(ctx))
    s = pylibsrtp.Session(policy=policy)
    if ctx.get("roc"):
        srtp_t = int(pylibsrtp.ffi.cast("uintptr_t", s._srtp[0]))
        if _lib.srtp_set_stream_roc(srtp_t, ssrc, ctx["roc"]) != 0:
            raise RuntimeError("srtp_set_stream_roc failed")
    return s


def rtp_packet(ssrc: int, seq: int = 1, payload: bytes = b"mikey over srtp") -> bytes:
    """A minimal RTP packet (RFC 3550 §5.1), payload type 96."""
    return struct.pack(">BBHII", 0x80, 96, seq, 1234, ssrc) + payload


def round_trip(sender_ctx: dict, receiver_ctx: dict, seq: int = 1) -> bool:
    """Protect a packet with the sender's context and unprotect it with the
    receiver's; True when the receiver gets the original packet back."""
    pkt = rtp_packet(int(sender_ctx["ssrc"], 16), seq)
    protected = session(sender_ctx, True).protect(pkt)
    try:
        return session(receiver_ctx, False).unprotect(protected) == pkt
    except pylibsrtp.Error:
        return False
