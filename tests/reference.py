"""Independent reference computations, written from the RFC text with the
`cryptography` primitives (never the code under test): the tests check the
twin and the firmware against these."""

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HASH = {0: hashes.SHA1, 1: hashes.SHA256}  # PRF func (RFC 3830 §6.1, RFC 6043 §6.1)
MAC_HASH = {1: hashes.SHA1, 2: hashes.SHA256}  # MAC alg (RFC 3830 §6.2, RFC 6043 §6.2)


def ref_hmac(hash_cls, key: bytes, msg: bytes) -> bytes:
    h = hmac.HMAC(key, hash_cls())
    h.update(msg)
    return h.finalize()


def ref_prf(inkey: bytes, label: bytes, outkey_bytes: int, func: int) -> bytes:
    """RFC 3830 §4.1.2, step by step: n = ceil(inkey_len/256) blocks s_i,
    m = ceil(outkey_len/160) (256 for RFC 6043), A_0 = label,
    A_i = HMAC(s, A_(i-1)), P(s, label, m) = HMAC(s, A_1 || label) || ...,
    PRF = P(s_1) XOR ... XOR P(s_n), outkey = its most significant bits."""
    hash_cls = HASH[func]
    inkey_len, outkey_len, hbits = 8 * len(inkey), 8 * outkey_bytes, 8 * hash_cls.digest_size
    n = (inkey_len + 255) // 256
    s = [inkey[32 * i:32 * (i + 1)] for i in range(n)]
    m = (outkey_len + hbits - 1) // hbits
    total = 0
    for s_i in s:
        a = [label]
        for i in range(1, m + 1):
            a.append(ref_hmac(hash_cls, s_i, a[i - 1]))
        p = b"".join(ref_hmac(hash_cls, s_i, a[i] + label) for i in range(1, m + 1))
        total ^= int.from_bytes(p, "big")
    return (total >> (m * hbits - outkey_len)).to_bytes(outkey_bytes, "big")


def ref_tgk_label(constant: int, cs_id: int, csb_id: int, rand: bytes) -> bytes:
    return constant.to_bytes(4, "big") + bytes([cs_id]) + csb_id.to_bytes(4, "big") + rand  # §4.1.3


def ref_mikey_label(constant: int, csb_id: int, rand: bytes) -> bytes:
    return constant.to_bytes(4, "big") + b"\xff" + csb_id.to_bytes(4, "big") + rand  # §4.1.4


def ref_aes_cm(key: bytes, iv: bytes, data: bytes) -> bytes:
    """RFC 3711 §4.1.1: E(k, IV) || E(k, IV + 1 mod 2^128) || ..., each block
    encrypted on its own with the raw AES block cipher."""
    aes = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    start = int.from_bytes(iv, "big")
    blocks = (len(data) + 15) // 16
    keystream = b"".join(aes.update(((start + i) % 2**128).to_bytes(16, "big")) for i in range(blocks))
    return bytes(d ^ k for d, k in zip(data, keystream))
