"""MIKEY's cryptography: the PRF and the key derivations built on it
(RFC 3830 §4.1, RFC 6043 §6.1), KEMAC encryption (§4.2.3: AES-CM, AES key
wrap, NULL; RFC 6043 §6.2: AES-CM-256), the MAC (§4.2.4, §5.2; RFC 6043
§6.2: HMAC-SHA-256-256) and the verification message V (§5.2, §6.9).

AES and HMAC come from the `cryptography` package; the constructions on top
of them are written out here from the RFC text. Nothing in this module
prints or logs, and no exception message carries key material; MikeyKeys
shows only the lengths of its keys.
"""

import hmac as _stdlib_hmac  # compare_digest only
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .codec.enums import EncrAlg, MacAlg, PrfFunc
from .errors import AuthFailure, BadLength, UnsupportedEncryption, UnsupportedMAC, UnsupportedPRF


# Table 4.1.3: constants for keys derived from a TGK (data protocol keys).
TEK_CONST = 0x2AD01C64
AUTH_CONST = 0x1B5C7973
ENCR_CONST = 0x15798CEF
SALT_CONST = 0x39A2C14B

# Table 4.1.4: constants for keys derived from the pre-shared or envelope
# key (the keys protecting MIKEY itself).
ENCR_KEY_CONST = 0x150533E1
AUTH_KEY_CONST = 0x2D22AC75
SALT_KEY_CONST = 0x29B88916

# RFC 3394 §2.2.3.1, the key wrap's default initial value. MIKEY does not
# use it (its IV is the salt key, §4.2.3); it is here for the RFC's vectors.
AES_KW_DEFAULT_IV = bytes.fromhex("A6A6A6A6A6A6A6A6")

_PRF_HASH = {PrfFunc.MIKEY_1: hashes.SHA1, PrfFunc.PRF_HMAC_SHA_256: hashes.SHA256}
_MAC_HASH = {MacAlg.HMAC_SHA_1_160: hashes.SHA1, MacAlg.HMAC_SHA_256_256: hashes.SHA256}

# §4.1.2: the inkey is cut into 256-bit chunks ("half the input block-size"
# of SHA-1). RFC 6043 §6.1 changes only the hash and the output block size,
# so the chunk stays 256 bits for PRF-HMAC-SHA-256 (SHA-256's block is 512
# bits too).
_PRF_CHUNK = 32

_ENCR_KEY_LEN = {EncrAlg.NULL: 0, EncrAlg.AES_CM_128: 16, EncrAlg.AES_KW_128: 16, EncrAlg.AES_CM_256: 32}
# §4.2.3: a 112-bit salt for AES-CM, a 64-bit salt (the key wrap IV) for AES-KW.
_SALT_KEY_LEN = {EncrAlg.NULL: 0, EncrAlg.AES_CM_128: 14, EncrAlg.AES_KW_128: 8, EncrAlg.AES_CM_256: 14}
# §4.2.4: the auth key is as long as the hash output; RFC 6043 §6.2: 256 bits.
_AUTH_KEY_LEN = {MacAlg.NULL: 0, MacAlg.HMAC_SHA_1_160: 20, MacAlg.HMAC_SHA_256_256: 32}

# RFC 3711 §4.1.1: at most 2^16 keystream blocks per IV.
_AES_CM_MAX = (1 << 16) * 16


# -- helpers -----------------------------------------------------------------

def _uint(value: int, size: int, what: str) -> bytes:
    if not isinstance(value, int) or not 0 <= value < 1 << (8 * size):
        raise ValueError(f"{what} must be an unsigned {8 * size}-bit integer")
    return value.to_bytes(size, "big")


def _t64(t64) -> bytes:
    """The Initiator's timestamp as the 64 bits §4.2.3 puts in the IV: an
    int, or the 8 bytes of an NTP/NTP-UTC value (COUNTER and NTP-UTC-32 are
    widened by the caller, docs/profile.md)."""
    if isinstance(t64, int):
        return _uint(t64, 8, "T")
    t64 = bytes(t64)
    if len(t64) != 8:
        raise ValueError("T must be 64 bits")
    return t64


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _hmac(hash_cls, key: bytes, data: bytes) -> bytes:
    h = hmac.HMAC(key, hash_cls())
    h.update(data)
    return h.finalize()


def _encr_alg(encr_alg: int) -> EncrAlg:
    try:
        return EncrAlg(encr_alg)
    except ValueError:
        raise UnsupportedEncryption(f"KEMAC encryption algorithm {encr_alg} not supported") from None


def _mac_alg(mac_alg: int) -> MacAlg:
    try:
        return MacAlg(mac_alg)
    except ValueError:
        raise UnsupportedMAC(f"MAC algorithm {mac_alg} not supported") from None


# -- PRF and key derivation (§4.1) ---------------------------------------------

def _p(hash_cls, s: bytes, label: bytes, m: int) -> bytes:
    """P(s, label, m) of §4.1.2: HMAC(s, A_1 || label) || ... ||
    HMAC(s, A_m || label), where A_0 = label and A_i = HMAC(s, A_(i-1))."""
    out = []
    a = label
    for _ in range(m):
        a = _hmac(hash_cls, s, a)
        out.append(_hmac(hash_cls, s, a + label))
    return b"".join(out)


def prf(inkey: bytes, label: bytes, out_len: int, func: int = PrfFunc.MIKEY_1) -> bytes:
    """PRF(inkey, label) of §4.1.2, first `out_len` bytes: func 0 is MIKEY-1
    (HMAC-SHA-1), func 1 PRF-HMAC-SHA-256 (RFC 6043 §6.1).

    The inkey is cut into 256-bit chunks s_1..s_n, the last one possibly
    shorter and not padded; each chunk keys its own P, and the P outputs
    are XORed together.
    """
    if func not in _PRF_HASH:
        raise UnsupportedPRF(f"PRF func {func} not supported")
    hash_cls = _PRF_HASH[PrfFunc(func)]
    inkey, label = bytes(inkey), bytes(label)
    if not inkey:
        raise ValueError("PRF inkey is empty")
    if not isinstance(out_len, int) or out_len < 0:
        raise ValueError("PRF output length must be a non-negative integer")
    m = -(-out_len // hash_cls.digest_size)  # blocks of the hash output size
    out = bytes(m * hash_cls.digest_size)
    for i in range(0, len(inkey), _PRF_CHUNK):
        out = _xor(out, _p(hash_cls, inkey[i:i + _PRF_CHUNK], label, m))
    return out[:out_len]


def tgk_label(constant: int, cs_id: int, csb_id: int, rand: bytes) -> bytes:
    """§4.1.3 label: constant || cs_id || csb_id || RAND."""
    return _uint(constant, 4, "constant") + _uint(cs_id, 1, "CS ID") + _uint(csb_id, 4, "CSB ID") + bytes(rand)


def mikey_label(constant: int, csb_id: int, rand: bytes) -> bytes:
    """§4.1.4 label: constant || 0xFF || csb_id || RAND."""
    return _uint(constant, 4, "constant") + b"\xff" + _uint(csb_id, 4, "CSB ID") + bytes(rand)


def data_protocol_key(tgk: bytes, constant: int, cs_id: int, csb_id: int, rand: bytes,
                      out_len: int, func: int = PrfFunc.MIKEY_1) -> bytes:
    """A key for the security protocol from the TGK (§4.1.3): the TEK
    (TEK_CONST), salt (SALT_CONST), or separate auth/encryption keys
    (AUTH_CONST, ENCR_CONST) of crypto session `cs_id`."""
    return prf(tgk, tgk_label(constant, cs_id, csb_id, rand), out_len, func)


@dataclass(frozen=True)
class MikeyKeys:
    """The keys protecting a MIKEY message (§4.1.4); empty when the
    algorithm needing them is NULL."""
    encr_key: bytes
    auth_key: bytes
    salt_key: bytes

    def __repr__(self) -> str:
        return (f"MikeyKeys(encr_key=<{len(self.encr_key)} bytes>, auth_key=<{len(self.auth_key)} bytes>, "
                f"salt_key=<{len(self.salt_key)} bytes>)")


def mikey_keys(inkey: bytes, csb_id: int, rand: bytes, encr_alg: int, mac_alg: int,
               func: int = PrfFunc.MIKEY_1) -> MikeyKeys:
    """encr_key, auth_key and salt_key from the pre-shared or envelope key
    (§4.1.4), each as long as the KEMAC's algorithms need: encr 16 bytes
    (32 for AES-CM-256), salt 14 for AES-CM and 8 for AES-KW, auth 20 for
    HMAC-SHA-1-160 and 32 for HMAC-SHA-256-256 (docs/profile.md, Keys)."""
    encr_alg, mac_alg = _encr_alg(encr_alg), _mac_alg(mac_alg)
    if func not in _PRF_HASH:
        raise UnsupportedPRF(f"PRF func {func} not supported")

    def derive(constant: int, n: int) -> bytes:
        return prf(inkey, mikey_label(constant, csb_id, rand), n, func) if n else b""

    return MikeyKeys(encr_key=derive(ENCR_KEY_CONST, _ENCR_KEY_LEN[encr_alg]),
                     auth_key=derive(AUTH_KEY_CONST, _AUTH_KEY_LEN[mac_alg]),
                     salt_key=derive(SALT_KEY_CONST, _SALT_KEY_LEN[encr_alg]))


# -- KEMAC encryption (§4.2.3) ---------------------------------------------------

def aes_cm(key: bytes, iv16: bytes, data: bytes) -> bytes:
    """AES in counter mode as in SRTP (RFC 3711 §4.1.1): data XOR
    E(k, IV) || E(k, IV + 1 mod 2^128) || ... Its own inverse."""
    if len(iv16) != 16:
        raise ValueError("AES-CM IV must be 128 bits")
    if len(key) not in (16, 32):
        raise ValueError("AES-CM key must be 128 or 256 bits")
    if len(data) > _AES_CM_MAX:
        raise ValueError("AES-CM: more than 2^16 keystream blocks for one IV")
    enc = Cipher(algorithms.AES(bytes(key)), modes.CTR(bytes(iv16))).encryptor()
    return enc.update(bytes(data)) + enc.finalize()


def kemac_iv(salt_key: bytes, csb_id: int, t64) -> bytes:
    """§4.2.3: IV = (S XOR (0x0000 || CSB ID || T)) || 0x0000, S the 112-bit
    salt key and T the Initiator's 64-bit timestamp."""
    if len(salt_key) != 14:
        raise ValueError("AES-CM salt key must be 112 bits")
    return _xor(salt_key, b"\x00\x00" + _uint(csb_id, 4, "CSB ID") + _t64(t64)) + b"\x00\x00"


def aes_key_wrap(kek: bytes, plaintext: bytes, iv: bytes = AES_KW_DEFAULT_IV) -> bytes:
    """RFC 3394 §2.2.1 key wrap (index form) with the 64-bit initial value
    `iv` (§2.2.3.2 allows one chosen by the protocol). The plaintext is
    n >= 2 64-bit blocks."""
    if len(iv) != 8:
        raise ValueError("key wrap IV must be 64 bits")
    if len(plaintext) % 8 or len(plaintext) < 16:
        raise ValueError("key wrap plaintext must be two or more 64-bit blocks")
    n = len(plaintext) // 8
    r = [bytes(plaintext[8 * i:8 * i + 8]) for i in range(n)]
    a = int.from_bytes(iv, "big")
    aes = Cipher(algorithms.AES(bytes(kek)), modes.ECB()).encryptor()
    for j in range(6):
        for i in range(n):
            b = aes.update(a.to_bytes(8, "big") + r[i])
            a = int.from_bytes(b[:8], "big") ^ (n * j + i + 1)
            r[i] = b[8:]
    return a.to_bytes(8, "big") + b"".join(r)


def aes_key_unwrap(kek: bytes, ciphertext: bytes, iv: bytes = AES_KW_DEFAULT_IV) -> bytes:
    """RFC 3394 §2.2.2 key unwrap (index form). A recovered initial value
    other than `iv` is AuthFailure; a ciphertext that is not n+1 >= 3
    64-bit blocks is BadLength."""
    if len(iv) != 8:
        raise ValueError("key wrap IV must be 64 bits")
    if len(ciphertext) % 8 or len(ciphertext) < 24:
        raise BadLength("AES key wrap data must be three or more 64-bit blocks")
    n = len(ciphertext) // 8 - 1
    a = int.from_bytes(ciphertext[:8], "big")
    r = [bytes(ciphertext[8 * (i + 1):8 * (i + 2)]) for i in range(n)]
    aes = Cipher(algorithms.AES(bytes(kek)), modes.ECB()).decryptor()
    for j in range(5, -1, -1):
        for i in range(n - 1, -1, -1):
            b = aes.update((a ^ (n * j + i + 1)).to_bytes(8, "big") + r[i])
            a = int.from_bytes(b[:8], "big")
            r[i] = b[8:]
    if not _stdlib_hmac.compare_digest(a.to_bytes(8, "big"), bytes(iv)):
        raise AuthFailure("AES key unwrap: integrity check failed")
    return b"".join(r)


def aes_kw_pad(plaintext: bytes) -> bytes:
    """The project's padding for AES-KW-128 KEMAC data (RFC 3830 defines
    none; RFC 3394 needs n >= 2 64-bit blocks): zero bytes up to a multiple
    of 8 bytes and at least 16. The Key data sub-payloads are
    self-delimiting (Next payload 0 on the last), so the receiver finds the
    padding after the last one. Empty stays empty (an update KEMAC with no
    Key data, §6.2)."""
    if not plaintext:
        return b""
    size = max(16, -(-len(plaintext) // 8) * 8)
    return bytes(plaintext) + bytes(size - len(plaintext))


def _check_key(key: bytes, n: int, what: str) -> None:
    if len(key) != n:
        raise ValueError(f"{what} must be {8 * n} bits for this algorithm")


def kemac_encrypt(encr_alg: int, keys: MikeyKeys, csb_id: int, t64, plaintext: bytes) -> bytes:
    """The KEMAC Encr data (§4.2.3, §6.2) from the Key data sub-payloads.

    NULL: the plaintext. AES-CM-128/256: keystream from kemac_iv. AES-KW-128:
    RFC 3394 with the 8-byte salt key as IV over aes_kw_pad(plaintext), so
    the result is 8 bytes longer than the padded plaintext. Empty plaintext
    gives empty Encr data for every algorithm.
    """
    encr_alg = _encr_alg(encr_alg)
    plaintext = bytes(plaintext)
    if encr_alg == EncrAlg.NULL:
        return plaintext
    _check_key(keys.encr_key, _ENCR_KEY_LEN[encr_alg], "encr_key")
    _check_key(keys.salt_key, _SALT_KEY_LEN[encr_alg], "salt_key")
    if encr_alg == EncrAlg.AES_KW_128:
        padded = aes_kw_pad(plaintext)
        return aes_key_wrap(keys.encr_key, padded, keys.salt_key) if padded else b""
    return aes_cm(keys.encr_key, kemac_iv(keys.salt_key, csb_id, t64), plaintext)


def kemac_decrypt(encr_alg: int, keys: MikeyKeys, csb_id: int, t64, ciphertext: bytes) -> bytes:
    """The Key data sub-payloads from the KEMAC Encr data: the inverse of
    kemac_encrypt. For AES-KW-128 the result keeps the zero padding (up to
    7 bytes, or up to 16 minus the length); the Key data parser stops at
    the last sub-payload. A failed unwrap is AuthFailure."""
    encr_alg = _encr_alg(encr_alg)
    ciphertext = bytes(ciphertext)
    if encr_alg == EncrAlg.NULL:
        return ciphertext
    _check_key(keys.encr_key, _ENCR_KEY_LEN[encr_alg], "encr_key")
    _check_key(keys.salt_key, _SALT_KEY_LEN[encr_alg], "salt_key")
    if encr_alg == EncrAlg.AES_KW_128:
        return aes_key_unwrap(keys.encr_key, ciphertext, keys.salt_key) if ciphertext else b""
    return aes_cm(keys.encr_key, kemac_iv(keys.salt_key, csb_id, t64), ciphertext)


# -- MAC and verification message (§4.2.4, §5.2, §6.9) --------------------------

def mac_len(mac_alg: int) -> int:
    """Bytes of MAC (or Ver data) the algorithm produces: 0, 20 or 32."""
    mac_alg = _mac_alg(mac_alg)
    return _MAC_HASH[mac_alg].digest_size if mac_alg in _MAC_HASH else 0


def mac(mac_alg: int, key: bytes, data: bytes) -> bytes:
    """HMAC-SHA-1-160 (1) or HMAC-SHA-256-256 (2) of data; NULL (0) is empty.
    Whether a NULL MAC is acceptable is the caller's decision
    (docs/profile.md, NULL mode)."""
    mac_alg = _mac_alg(mac_alg)
    if mac_alg == MacAlg.NULL:
        return b""
    return _hmac(_MAC_HASH[mac_alg], bytes(key), bytes(data))


def verify_mac(mac_alg: int, key: bytes, data: bytes, tag: bytes) -> None:
    """Raise AuthFailure unless tag is mac(mac_alg, key, data), compared in
    constant time."""
    if not _stdlib_hmac.compare_digest(mac(mac_alg, key, data), bytes(tag)):
        raise AuthFailure("MAC mismatch")


def verification_input(r_message_prefix: bytes, id_i: bytes | None, id_r: bytes | None,
                        t_value: bytes, *, minisip_v: bool = False) -> bytes:
    """What V covers (§5.2, docs/profile.md): the R_MESSAGE up to the Ver
    data || Identity_i || Identity_r || the I_MESSAGE's T value as carried.
    Identities are ID data values, None or empty when absent. `minisip_v`
    drops the identities, as minisip does."""
    ids = b"" if minisip_v else bytes(id_i or b"") + bytes(id_r or b"")
    return bytes(r_message_prefix) + ids + bytes(t_value)


def verification_mac(mac_alg: int, auth_key: bytes, r_message_prefix: bytes, id_i: bytes | None,
                     id_r: bytes | None, t_value: bytes, *, minisip_v: bool = False) -> bytes:
    """The Ver data of the V payload (§5.2, §6.9)."""
    return mac(mac_alg, auth_key, verification_input(r_message_prefix, id_i, id_r, t_value,
                                                     minisip_v=minisip_v))


def verify_verification_mac(mac_alg: int, auth_key: bytes, r_message_prefix: bytes, id_i: bytes | None,
                            id_r: bytes | None, t_value: bytes, ver_data: bytes, *,
                            minisip_v: bool = False) -> None:
    """Raise AuthFailure unless ver_data is the V the inputs call for."""
    verify_mac(mac_alg, auth_key,
               verification_input(r_message_prefix, id_i, id_r, t_value, minisip_v=minisip_v), ver_data)
