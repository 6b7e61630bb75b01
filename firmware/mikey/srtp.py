"""Reading out the SRTP contexts an exchange leaves in `ctx` (mikey.psk:
SLOT bytes per crypto session, `ncs` of them), in the shape of
docs/profile.md "SRTP contexts", and naming the tolerated quirks. Not
needed to run an exchange: a device loads it to hand keys to its SRTP
stack or to print what it agreed.

    from mikey import srtp
    key = srtp.key(r.ctx, 0)            # master key of CS ID 1 (memoryview)
    print(srtp.to_json(r.ctx, 0))       # {"cs_id": 1, "ssrc": ..., ...}
    srtp.quirks(r.quirks)               # ["trailing-zero", ...]
"""

import json
from binascii import hexlify
from micropython import const

# The context layout: copies of mikey.psk (tests/host/test_fw_reasons.py
# checks that they agree)
_C_SSRC = const(1)
_C_ROC = const(5)
_C_POL = const(9)
_C_KEY = const(34)
_C_SALT = const(66)
_C_MKI = const(98)
SLOT = const(115)

QUIRKS = ("trailing-zero", "no-rand", "implausible-timestamp", "sp-tag-length-in-param-3",
          "tek-key-and-salt", "kemac-rfc4650-numbers")  # bit 0, 1, ... of `quirks`
_CIPHERS = ("NULL", "AES-CM", "AES-F8")
_AUTHS = ("NULL", "HMAC-SHA1", "RCCm1", "RCCm2", "RCCm3")
# RFC 4771 keys, present when the SP sets them (bit k - 13 of policy byte 16)
_RFC4771 = ("roc_rate", "srtp_auth_alg", "srtcp_auth_alg", "srtp_auth_key_len",
            "srtcp_auth_key_len", "srtp_auth_tag_len", "srtcp_auth_tag_len")


def quirks(flags):
    """The names of the quirks in `flags` (a Responder's `quirks`)."""
    return [QUIRKS[i] for i in range(len(QUIRKS)) if flags >> i & 1]


def key(c, i):
    """Master key of context i (memoryview into c)."""
    o = i * SLOT
    return memoryview(c)[o + _C_KEY : o + _C_KEY + c[o + _C_POL + 1]]


def salt(c, i):
    """Master salt of context i (memoryview into c)."""
    o = i * SLOT
    return memoryview(c)[o + _C_SALT : o + _C_SALT + c[o + _C_POL + 4]]


def mki(c, i):
    """MKI of context i (memoryview into c), or None."""
    o = i * SLOT + _C_MKI
    return None if c[o] == 0xFF else memoryview(c)[o + 1 : o + 1 + c[o]]


def _u(c, o, n):
    v = 0
    for j in range(n):
        v = v << 8 | c[o + j]
    return v


def context(c, i):
    """Context i as the dict of docs/profile.md "SRTP contexts"."""
    o = i * SLOT
    p = o + _C_POL
    m = mki(c, i)
    pol = {"cipher": _CIPHERS[c[p]], "key_len": c[p + 1], "auth": _AUTHS[c[p + 2]],
           "auth_key_len": c[p + 3], "salt_len": c[p + 4], "prf": "AES-CM",
           "kdr": _u(c, p + 6, 4), "srtp_encryption": c[p + 10] == 1,
           "srtcp_encryption": c[p + 11] == 1, "fec_order": c[p + 12],
           "srtp_auth": c[p + 13] == 1, "tag_len": c[p + 14], "prefix_len": c[p + 15]}
    for j in range(7):
        if c[p + 16] >> j & 1:
            v = _u(c, p + 17, 2) if j == 0 else c[p + 18 + j]
            if j == 1 or j == 2:
                v = _AUTHS[v] if v < 5 else v
            pol[_RFC4771[j]] = v
    return {"cs_id": c[o], "ssrc": hexlify(c[o + _C_SSRC : o + _C_ROC]).decode(),
            "roc": _u(c, o + _C_ROC, 4), "master_key": hexlify(key(c, i)).decode(),
            "master_salt": hexlify(salt(c, i)).decode(),
            "mki": None if m is None else hexlify(m).decode(), "policy": pol}


def to_json(c, i):
    """Context i as JSON text (docs/profile.md "SRTP contexts")."""
    return json.dumps(context(c, i))
