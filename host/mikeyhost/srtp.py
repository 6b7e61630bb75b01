"""SRTP crypto contexts from a MIKEY exchange (RFC 3830 §4.1.3, Appendix A;
RFC 3711 §8.2 defaults): what a user hands to libsrtp, one per crypto
session. The JSON shape is docs/profile.md, "SRTP contexts"."""

from dataclasses import dataclass, field

from mikeyhost import crypto
from mikeyhost.errors import BadLength, BadPolicyParam
from mikeyhost.payloads import KeyData, KeyDataType, SrtpAuthAlg, SrtpEncrAlg, SrtpPolicy

CIPHERS = {SrtpEncrAlg.NULL: "NULL", SrtpEncrAlg.AES_CM: "AES-CM", SrtpEncrAlg.AES_F8: "AES-F8"}
AUTHS = {SrtpAuthAlg.NULL: "NULL", SrtpAuthAlg.HMAC_SHA_1: "HMAC-SHA1", 2: "RCCm1", 3: "RCCm2", 4: "RCCm3"}

# Quirk names (docs/profile.md, tolerant reader)
SP_TAG_IN_PARAM_3 = "sp-tag-length-in-param-3"
TEK_KEY_AND_SALT = "tek-key-and-salt"

# RFC 3711 §8.2: what SRTP uses for a parameter MIKEY does not set.
DEFAULTS = dict(cipher="AES-CM", key_len=16, auth="HMAC-SHA1", auth_key_len=20, salt_len=14,
                prf="AES-CM", kdr=0, srtp_encryption=True, srtcp_encryption=True, fec_order=0,
                srtp_auth=True, tag_len=10, prefix_len=0)


def policy_dict(sp: SrtpPolicy | None, tolerant: bool = False, tolerated: list | None = None) -> dict:
    """The policy of a context: the SP's parameters over the RFC 3711
    defaults. With `tolerant`, an SP whose type 3 holds the auth *tag*
    length (4 or 10: impossible HMAC-SHA-1 key lengths) and which has no
    type 11 is read as GStreamer and others mean it."""
    p = dict(DEFAULTS)
    if sp is None:
        return p
    if sp.encr_alg is not None:
        if sp.encr_alg not in CIPHERS:
            raise BadPolicyParam(f"SRTP encryption algorithm {sp.encr_alg}")
        p["cipher"] = CIPHERS[sp.encr_alg]
    if sp.auth_alg is not None:
        if sp.auth_alg not in AUTHS:
            raise BadPolicyParam(f"SRTP authentication algorithm {sp.auth_alg}")
        p["auth"] = AUTHS[sp.auth_alg]
    for key, value in (("key_len", sp.encr_key_len), ("auth_key_len", sp.auth_key_len),
                       ("salt_len", sp.salt_key_len), ("kdr", sp.kdr), ("fec_order", sp.fec_order),
                       ("tag_len", sp.auth_tag_len), ("prefix_len", sp.prefix_len)):
        if value is not None:
            p[key] = value
    for key, value in (("srtp_encryption", sp.srtp_encr), ("srtcp_encryption", sp.srtcp_encr),
                       ("srtp_auth", sp.srtp_auth)):
        if value is not None:
            if value not in (0, 1):
                raise BadPolicyParam(f"{key} must be 0 or 1, not {value}")
            p[key] = bool(value)
    if sp.prf is not None and sp.prf != 0:
        raise BadPolicyParam(f"SRTP PRF {sp.prf}")
    if (tolerant and sp.auth_key_len in (4, 10) and sp.auth_tag_len is None
            and p["auth"] == "HMAC-SHA1"):
        p["tag_len"] = sp.auth_key_len
        p["auth_key_len"] = DEFAULTS["auth_key_len"]
        if tolerated is not None and SP_TAG_IN_PARAM_3 not in tolerated:
            tolerated.append(SP_TAG_IN_PARAM_3)
    # RFC 4771: present only when the SP sets them.
    for key in ("roc_rate", "srtp_auth_alg", "srtcp_auth_alg", "srtp_auth_key_len",
                "srtcp_auth_key_len", "srtp_auth_tag_len", "srtcp_auth_tag_len"):
        value = getattr(sp, key)
        if value is not None:
            p[key] = AUTHS.get(value, int(value)) if key.endswith("auth_alg") else value
    if p["key_len"] not in (16, 24, 32) and p["cipher"] != "NULL":
        raise BadPolicyParam(f"SRTP key length {p['key_len']}")
    return p


@dataclass
class SrtpContext:
    """One crypto session's SRTP context."""

    cs_id: int
    ssrc: int
    roc: int
    master_key: bytes = field(repr=False)
    master_salt: bytes = field(repr=False)
    mki: bytes | None
    policy: dict

    def to_json(self, show_keys: bool = True) -> dict:
        hide = (lambda b: b.hex()) if show_keys else (lambda b: None)
        return {"cs_id": self.cs_id, "ssrc": f"{self.ssrc:08x}", "roc": self.roc,
                "master_key": hide(self.master_key), "master_salt": hide(self.master_salt),
                "mki": self.mki.hex() if self.mki is not None else None, "policy": self.policy}


def master_key_and_salt(kd: KeyData, cs_id: int, csb_id: int, rand: bytes, policy: dict,
                        prf_func: int, tolerant: bool = False, tolerated: list | None = None):
    """RFC 3830 §4.1.3 and Appendix A: the master key and salt one Key data
    sub-payload gives crypto session `cs_id`."""
    key_len, salt_len = policy["key_len"], policy["salt_len"]
    if not kd.key:
        raise BadLength("empty Key data")
    if kd.key_type in (KeyDataType.TGK, KeyDataType.TGK_SALT):
        master_key = crypto.data_protocol_key(kd.key, crypto.TEK_CONST, cs_id, csb_id, rand, key_len, prf_func)
        inkey = kd.key
    elif kd.key_type in (KeyDataType.TEK, KeyDataType.TEK_SALT):
        key = kd.key
        if (tolerant and kd.key_type == KeyDataType.TEK and len(key) == key_len + salt_len):
            # GStreamer, gortsplib, live555: one TEK that is key || salt.
            if tolerated is not None and TEK_KEY_AND_SALT not in tolerated:
                tolerated.append(TEK_KEY_AND_SALT)
            return key[:key_len], key[key_len:]
        if len(key) != key_len:
            raise BadPolicyParam(f"TEK of {len(key)} bytes for a {key_len}-byte SRTP master key")
        master_key = key
        inkey = key  # the RFC is silent on a TEK without salt (docs/profile.md)
    else:
        raise BadPolicyParam(f"Key data type {kd.key_type} does not key SRTP")
    if kd.has_salt:
        if len(kd.salt) != salt_len:
            raise BadPolicyParam(f"salt of {len(kd.salt)} bytes for a {salt_len}-byte SRTP master salt")
        master_salt = kd.salt
    else:
        master_salt = crypto.data_protocol_key(inkey, crypto.SALT_CONST, cs_id, csb_id, rand, salt_len, prf_func)
    return master_key, master_salt


def key_data_for(keys: list, n_cs: int, cs_id: int) -> KeyData:
    """Which sub-payload keys crypto session `cs_id` (docs/profile.md): the
    i-th when there is one per session, otherwise the first for all."""
    if len(keys) == n_cs and n_cs > 1:
        return keys[cs_id - 1]
    return keys[0]
