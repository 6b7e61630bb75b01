"""The twin's MIKEY cryptography (host/mikeyhost/crypto.py): published known
answers (RFC 3711 B.2, RFC 3394 §4, the PRF-HMAC-SHA-256 cases in
public.json), properties of the constructions, and every error the module
raises. The project's own vectors are in test_crypto_vectors.py."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import keywrap
from hypothesis import given, settings
from hypothesis import strategies as st

from mikeyhost import crypto
from mikeyhost.crypto import EncrAlg, MacAlg, PrfFunc
from mikeyhost.errors import (AuthFailure, BadLength, ErrorNo, UnsupportedEncryption, UnsupportedMAC,
                              UnsupportedPRF)

VECTORS = Path(__file__).resolve().parents[1] / "vectors"

PSK = bytes(range(16))
RAND = bytes(range(0x10, 0x20))
CSB_ID = 0x12345678
T = bytes.fromhex("a0a1a2a3a4a5a6a7")


# -- RFC 3830 §4.1.3, §4.1.4: the constants ------------------------------------------

def _e_digits(n: int) -> str:
    """The first n decimal digits of e after the point (series sum, integers)."""
    scale = 10 ** (n + 10)
    total, term, k = 0, scale, 0
    while term:
        total += term
        k += 1
        term //= k
    return str(total)[1:n + 1]


def test_constants_are_consecutive_nine_digit_chunks_of_e():
    # §4.1.3: "taken from the decimal digits of e ... consecutive chunks";
    # Table 4.1.3 holds chunks 1, 2, 3 and 7, Table 4.1.4 chunks 4 to 6.
    digits = _e_digits(63)
    chunks = [int(digits[i:i + 9]) for i in range(0, 63, 9)]
    assert chunks == [crypto.TEK_CONST, crypto.AUTH_CONST, crypto.ENCR_CONST, crypto.ENCR_KEY_CONST,
                      crypto.AUTH_KEY_CONST, crypto.SALT_KEY_CONST, crypto.SALT_CONST]
    assert crypto.TEK_CONST == 0x2AD01C64 and crypto.SALT_CONST == 0x39A2C14B
    assert (crypto.ENCR_KEY_CONST, crypto.AUTH_KEY_CONST, crypto.SALT_KEY_CONST) == (
        0x150533E1, 0x2D22AC75, 0x29B88916)


def test_labels_follow_4_1_3_and_4_1_4():
    assert crypto.tgk_label(0x2AD01C64, 4, 0x05A85C16, RAND) == bytes.fromhex("2ad01c640405a85c16") + RAND
    assert crypto.mikey_label(0x150533E1, CSB_ID, RAND) == bytes.fromhex("150533e1ff12345678") + RAND


# -- RFC 6043 §6.1: PRF-HMAC-SHA-256, the public known answers -------------------------

PUBLIC_PRF = json.loads((VECTORS / "public.json").read_text())["prf_hmac_sha256"]


@pytest.mark.parametrize("case", PUBLIC_PRF["cases"], ids=lambda c: f"{c['constant']}-cs{c['cs_id']}-{c['csb_id']}")
def test_public_prf_hmac_sha256_known_answers(case):
    got = crypto.data_protocol_key(bytes.fromhex(PUBLIC_PRF["inkey"]), int(case["constant"], 16), case["cs_id"],
                                   int(case["csb_id"], 16), bytes.fromhex(PUBLIC_PRF["rand"]), case["bits"] // 8,
                                   func=PrfFunc.PRF_HMAC_SHA_256)
    assert got.hex() == case["out"]


def test_public_prf_label_example_is_the_4_1_3_layout():
    label = crypto.tgk_label(0x2AD01C64, 4, 0x05A85C16, bytes.fromhex(PUBLIC_PRF["rand"]))
    assert label.hex() == PUBLIC_PRF["label_example"].replace(" ", "")


def test_mikey_1_and_prf_hmac_sha256_differ():
    label = crypto.tgk_label(crypto.TEK_CONST, 1, CSB_ID, RAND)
    assert crypto.prf(PSK, label, 16, 0) != crypto.prf(PSK, label, 16, 1)


# -- RFC 3711 Appendix B.2: AES-CM keystream -----------------------------------------

B2_KEY = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3C")
B2_IV = bytes.fromhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")
B2_LENGTH = 1044512  # octets, 65282 AES blocks
B2_BLOCKS = {  # counter (low 16 bits) -> keystream block
    0x0000: "E03EAD0935C95E80E166B16DD92B4EB4",
    0x0001: "D23513162B02D0F72A43A2FE4A5F97AB",
    0x0002: "41E95B3BB0A2E8DD477901E4FCA894C0",
    0xFEFF: "EC8CDF7398607CB0F2D21675EA9EA1E4",
    0xFF00: "362B7C3C6773516318A077D7FC5073AE",
    0xFF01: "6A2CC3787889374FBEB4C81B17BA6C44",
}


def test_rfc3711_b2_aes_cm_keystream():
    keystream = crypto.aes_cm(B2_KEY, B2_IV, bytes(B2_LENGTH))
    assert len(keystream) == B2_LENGTH == 65282 * 16
    for counter, block in B2_BLOCKS.items():
        assert keystream[16 * counter:16 * counter + 16].hex() == block.lower()


def test_aes_cm_refuses_more_than_2_16_blocks_per_iv():
    crypto.aes_cm(B2_KEY, B2_IV, bytes(65536 * 16))
    with pytest.raises(ValueError):
        crypto.aes_cm(B2_KEY, B2_IV, bytes(65536 * 16 + 1))


# -- RFC 3394 §4: AES key wrap ---------------------------------------------------------

KW_KEK = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
KW_DATA = "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F"
RFC3394 = [  # (section, KEK bytes, key data bytes, ciphertext)
    ("4.1", 16, 16, "1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5"),
    ("4.2", 24, 16, "96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D"),
    ("4.3", 32, 16, "64E8C3F9CE0F5BA2 63E9777905818A2A 93C8191E7D6E8AE7"),
    ("4.4", 24, 24, "031D33264E15D332 68F24EC260743EDC E1C6C7DDEE725A93 6BA814915C6762D2"),
    ("4.5", 32, 24, "A8F9BC1612C68B3F F6E6F4FBE30E71E4 769C8B80A32CB895 8CD5D17D6B254DA1"),
    ("4.6", 32, 32, "28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21"),
]


@pytest.mark.parametrize("section,kek_len,data_len,ciphertext", RFC3394, ids=[v[0] for v in RFC3394])
def test_rfc3394_key_wrap_vectors(section, kek_len, data_len, ciphertext):
    kek = bytes.fromhex(KW_KEK)[:kek_len]
    data = bytes.fromhex(KW_DATA)[:data_len]
    want = bytes.fromhex(ciphertext.replace(" ", ""))
    assert crypto.aes_key_wrap(kek, data) == want
    assert crypto.aes_key_unwrap(kek, want) == data


def test_key_wrap_with_a_protocol_iv_changes_only_the_initial_value_check():
    kek, data, iv = bytes(range(16)), bytes(range(24)), bytes.fromhex("0123456789abcdef")
    wrapped = crypto.aes_key_wrap(kek, data, iv)
    assert wrapped != keywrap.aes_key_wrap(kek, data)
    assert crypto.aes_key_unwrap(kek, wrapped, iv) == data
    with pytest.raises(AuthFailure):
        crypto.aes_key_unwrap(kek, wrapped)  # the default IV does not match


def test_key_wrap_rejects_short_or_ragged_plaintext():
    for n in (0, 8, 15, 17, 23):
        with pytest.raises(ValueError):
            crypto.aes_key_wrap(bytes(16), bytes(n))


@pytest.mark.parametrize("n", [0, 8, 16, 23, 25])
def test_key_unwrap_of_a_wrong_length_is_bad_length(n):
    with pytest.raises(BadLength) as e:
        crypto.aes_key_unwrap(bytes(16), bytes(n))
    assert e.value.code == ErrorNo.UNSUPPORTED_MESSAGE


# -- §4.1.4 keys: lengths per algorithm (docs/profile.md, Keys) -------------------------

@pytest.mark.parametrize("encr_alg,mac_alg,lens", [
    (EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_1_160, (16, 20, 14)),
    (EncrAlg.AES_KW_128, MacAlg.HMAC_SHA_1_160, (16, 20, 8)),
    (EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_256_256, (16, 32, 14)),
    (EncrAlg.AES_CM_256, MacAlg.HMAC_SHA_256_256, (32, 32, 14)),
    (EncrAlg.NULL, MacAlg.HMAC_SHA_1_160, (0, 20, 0)),
    (EncrAlg.NULL, MacAlg.NULL, (0, 0, 0)),
])
def test_mikey_keys_lengths(encr_alg, mac_alg, lens):
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, encr_alg, mac_alg)
    assert (len(keys.encr_key), len(keys.auth_key), len(keys.salt_key)) == lens


def test_mikey_keys_are_the_prf_of_their_labels():
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_1_160)
    assert keys.encr_key == crypto.prf(PSK, crypto.mikey_label(0x150533E1, CSB_ID, RAND), 16)
    assert keys.auth_key == crypto.prf(PSK, crypto.mikey_label(0x2D22AC75, CSB_ID, RAND), 20)
    assert keys.salt_key == crypto.prf(PSK, crypto.mikey_label(0x29B88916, CSB_ID, RAND), 14)


def test_mikey_keys_repr_shows_no_key_material():
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_1_160)
    text = repr(keys) + str(keys)
    assert "16 bytes" in text
    for k in (keys.encr_key, keys.auth_key, keys.salt_key):
        assert k.hex() not in text and repr(k) not in text


# -- §4.2.3 KEMAC encryption ---------------------------------------------------------

def test_kemac_iv_layout():
    salt = bytes(range(0xB0, 0xBE))
    iv = crypto.kemac_iv(salt, CSB_ID, T)
    assert len(iv) == 16 and iv[14:] == b"\x00\x00"
    assert iv[:2] == salt[:2]  # XORed with 0x0000
    assert bytes(a ^ b for a, b in zip(iv[2:6], salt[2:6])) == CSB_ID.to_bytes(4, "big")
    assert bytes(a ^ b for a, b in zip(iv[6:14], salt[6:14])) == T
    assert crypto.kemac_iv(salt, CSB_ID, int.from_bytes(T, "big")) == iv


def test_kemac_iv_rejects_wrong_sizes():
    with pytest.raises(ValueError):
        crypto.kemac_iv(bytes(8), CSB_ID, T)
    with pytest.raises(ValueError):
        crypto.kemac_iv(bytes(14), CSB_ID, T[:4])
    with pytest.raises(ValueError):
        crypto.kemac_iv(bytes(14), 1 << 32, T)


@pytest.mark.parametrize("encr_alg", list(EncrAlg))
def test_kemac_round_trip_every_algorithm(encr_alg):
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, encr_alg, MacAlg.HMAC_SHA_1_160)
    plaintext = bytes.fromhex("00000010") + bytes(range(0x20, 0x30))  # one TGK Key data sub-payload
    data = crypto.kemac_encrypt(encr_alg, keys, CSB_ID, T, plaintext)
    back = crypto.kemac_decrypt(encr_alg, keys, CSB_ID, T, data)
    if encr_alg == EncrAlg.AES_KW_128:
        assert len(data) == 24 + 8 and back == plaintext + bytes(4)
    else:
        assert back == plaintext and len(data) == len(plaintext)
    assert (data == plaintext) == (encr_alg == EncrAlg.NULL)


@pytest.mark.parametrize("encr_alg", list(EncrAlg))
def test_kemac_of_no_key_data_is_empty(encr_alg):
    # §6.2: an update message may carry no Key data (Encr data len 0).
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, encr_alg, MacAlg.HMAC_SHA_1_160)
    assert crypto.kemac_encrypt(encr_alg, keys, CSB_ID, T, b"") == b""
    assert crypto.kemac_decrypt(encr_alg, keys, CSB_ID, T, b"") == b""


@pytest.mark.parametrize("n,padded", [(1, 16), (8, 16), (16, 16), (17, 24), (20, 24), (24, 24), (36, 40)])
def test_aes_kw_padding(n, padded):
    assert crypto.aes_kw_pad(bytes([0xAA]) * n) == bytes([0xAA]) * n + bytes(padded - n)


def test_aes_kw_kemac_uses_the_salt_key_as_iv_and_ignores_t():
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, EncrAlg.AES_KW_128, MacAlg.HMAC_SHA_1_160)
    plaintext = bytes(range(24))
    data = crypto.kemac_encrypt(EncrAlg.AES_KW_128, keys, CSB_ID, T, plaintext)
    assert data == crypto.aes_key_wrap(keys.encr_key, plaintext, keys.salt_key)
    assert data == crypto.kemac_encrypt(EncrAlg.AES_KW_128, keys, 0, 0, plaintext)


def test_aes_kw_kemac_tampering_is_auth_failure():
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, EncrAlg.AES_KW_128, MacAlg.HMAC_SHA_1_160)
    data = bytearray(crypto.kemac_encrypt(EncrAlg.AES_KW_128, keys, CSB_ID, T, bytes(range(20))))
    data[-1] ^= 1
    with pytest.raises(AuthFailure) as e:
        crypto.kemac_decrypt(EncrAlg.AES_KW_128, keys, CSB_ID, T, bytes(data))
    assert e.value.code == ErrorNo.AUTH_FAILURE
    other = crypto.mikey_keys(PSK, CSB_ID ^ 1, RAND, EncrAlg.AES_KW_128, MacAlg.HMAC_SHA_1_160)
    data[-1] ^= 1
    with pytest.raises(AuthFailure):
        crypto.kemac_decrypt(EncrAlg.AES_KW_128, other, CSB_ID, T, bytes(data))


def test_kemac_with_keys_of_the_wrong_size_is_a_caller_error():
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_1_160)
    for alg in (EncrAlg.AES_KW_128, EncrAlg.AES_CM_256):
        with pytest.raises(ValueError):
            crypto.kemac_encrypt(alg, keys, CSB_ID, T, bytes(20))


# -- §4.2.4, §5.2: MAC and V ----------------------------------------------------------

def test_mac_lengths():
    assert [crypto.mac_len(a) for a in MacAlg] == [0, 20, 32]
    for alg in MacAlg:
        assert len(crypto.mac(alg, PSK, b"message")) == crypto.mac_len(alg)


def test_null_mac_is_empty_and_verifies_only_an_empty_tag():
    assert crypto.mac(MacAlg.NULL, PSK, b"anything") == b""
    crypto.verify_mac(MacAlg.NULL, b"", b"anything", b"")
    with pytest.raises(AuthFailure):
        crypto.verify_mac(MacAlg.NULL, b"", b"anything", b"\x00")


@pytest.mark.parametrize("alg", [MacAlg.HMAC_SHA_1_160, MacAlg.HMAC_SHA_256_256])
def test_verify_mac(alg):
    tag = crypto.mac(alg, PSK, b"message")
    crypto.verify_mac(alg, PSK, b"message", tag)
    for bad in (tag[:-1], tag + b"\x00", bytes([tag[0] ^ 1]) + tag[1:], b""):
        with pytest.raises(AuthFailure) as e:
            crypto.verify_mac(alg, PSK, b"message", bad)
        assert e.value.code == ErrorNo.AUTH_FAILURE
    with pytest.raises(AuthFailure):
        crypto.verify_mac(alg, PSK, b"messagf", tag)


def test_verification_message_coverage():
    prefix, id_i, id_r = b"R_MESSAGE up to the Ver data", b"sip:i@example.com", b"sip:r@example.com"
    key = bytes(20)
    v = crypto.verification_mac(MacAlg.HMAC_SHA_1_160, key, prefix, id_i, id_r, T)
    assert v == crypto.mac(MacAlg.HMAC_SHA_1_160, key, prefix + id_i + id_r + T)
    minisip = crypto.verification_mac(MacAlg.HMAC_SHA_1_160, key, prefix, id_i, id_r, T, minisip_v=True)
    assert minisip == crypto.mac(MacAlg.HMAC_SHA_1_160, key, prefix + T) != v
    # Absent identities are empty (docs/profile.md).
    assert crypto.verification_mac(1, key, prefix, None, None, T) == crypto.mac(1, key, prefix + T)
    crypto.verify_verification_mac(1, key, prefix, id_i, id_r, T, v)
    with pytest.raises(AuthFailure):
        crypto.verify_verification_mac(1, key, prefix, id_i, id_r, T, minisip)
    crypto.verify_verification_mac(1, key, prefix, id_i, id_r, T, minisip, minisip_v=True)


# -- errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("func", [2, 3, 127])
def test_unknown_prf_func(func):
    with pytest.raises(UnsupportedPRF) as e:
        crypto.prf(PSK, b"label", 16, func)
    assert e.value.code == ErrorNo.INVALID_PRF
    with pytest.raises(UnsupportedPRF):
        crypto.mikey_keys(PSK, CSB_ID, RAND, 1, 1, func)
    with pytest.raises(UnsupportedPRF):
        crypto.data_protocol_key(PSK, crypto.TEK_CONST, 1, CSB_ID, RAND, 16, func)


@pytest.mark.parametrize("alg", [4, 255])
def test_unknown_encryption_algorithm(alg):
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, 1, 1)
    for call in (lambda: crypto.kemac_encrypt(alg, keys, CSB_ID, T, b"x"),
                 lambda: crypto.kemac_decrypt(alg, keys, CSB_ID, T, b"x"),
                 lambda: crypto.mikey_keys(PSK, CSB_ID, RAND, alg, 1)):
        with pytest.raises(UnsupportedEncryption) as e:
            call()
        assert e.value.code == ErrorNo.INVALID_EA


@pytest.mark.parametrize("alg", [3, 255])
def test_unknown_mac_algorithm(alg):
    for call in (lambda: crypto.mac(alg, PSK, b"x"), lambda: crypto.mac_len(alg),
                 lambda: crypto.verify_mac(alg, PSK, b"x", b""),
                 lambda: crypto.verification_mac(alg, PSK, b"x", None, None, T),
                 lambda: crypto.mikey_keys(PSK, CSB_ID, RAND, 1, alg)):
        with pytest.raises(UnsupportedMAC) as e:
            call()
        assert e.value.code == ErrorNo.INVALID_MAC


def test_caller_errors():
    with pytest.raises(ValueError):
        crypto.prf(b"", b"label", 16)
    with pytest.raises(ValueError):
        crypto.prf(PSK, b"label", -1)
    with pytest.raises(ValueError):
        crypto.tgk_label(crypto.TEK_CONST, 256, CSB_ID, RAND)
    with pytest.raises(ValueError):
        crypto.mikey_label(crypto.ENCR_KEY_CONST, -1, RAND)
    with pytest.raises(ValueError):
        crypto.aes_cm(bytes(16), bytes(12), b"x")


def test_no_key_material_in_error_messages():
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, EncrAlg.AES_KW_128, MacAlg.HMAC_SHA_1_160)
    secrets = [PSK, keys.encr_key, keys.auth_key, keys.salt_key]
    data = crypto.kemac_encrypt(EncrAlg.AES_KW_128, keys, CSB_ID, T, bytes(range(24)))
    failures = [
        lambda: crypto.kemac_decrypt(EncrAlg.AES_KW_128, keys, CSB_ID, T, data[:-1] + bytes([data[-1] ^ 1])),
        lambda: crypto.kemac_decrypt(EncrAlg.AES_KW_128, keys, CSB_ID, T, data[:-1]),
        lambda: crypto.verify_mac(1, keys.auth_key, b"m", bytes(20)),
        lambda: crypto.kemac_encrypt(EncrAlg.AES_CM_256, keys, CSB_ID, T, b"x"),
        lambda: crypto.prf(PSK, b"label", 16, 9),
    ]
    for fail in failures:
        with pytest.raises(Exception) as e:
            fail()
        text = str(e.value) + repr(e.value)
        for s in secrets:
            assert s.hex() not in text and repr(s) not in text


# -- properties -----------------------------------------------------------------------

keys_ = st.binary(min_size=1, max_size=200)
labels = st.binary(min_size=0, max_size=60)
funcs = st.sampled_from([0, 1])


@given(inkey=keys_, label=labels, out_len=st.integers(0, 100), func=funcs)
def test_prf_output_length(inkey, label, out_len, func):
    assert len(crypto.prf(inkey, label, out_len, func)) == out_len


@given(inkey=keys_, label=labels, a=st.integers(0, 80), b=st.integers(0, 80), func=funcs)
def test_prf_shorter_output_is_a_prefix_of_longer(inkey, label, a, b, func):
    short, long_ = sorted((a, b))
    assert crypto.prf(inkey, label, long_, func)[:short] == crypto.prf(inkey, label, short, func)


@given(inkey=st.binary(min_size=33, max_size=200), label=labels, out_len=st.integers(1, 70), func=funcs)
def test_prf_of_a_multi_chunk_inkey_is_the_xor_of_its_chunks(inkey, label, out_len, func):
    # §4.1.2: PRF(inkey) = P(s_1) XOR ... XOR P(s_n), s_i 256-bit chunks.
    want = bytes(out_len)
    for i in range(0, len(inkey), 32):
        part = crypto.prf(inkey[i:i + 32], label, out_len, func)
        want = bytes(x ^ y for x, y in zip(want, part))
    assert crypto.prf(inkey, label, out_len, func) == want


@given(inkey=st.binary(min_size=1, max_size=100).filter(lambda k: len(k) % 32), label=labels, func=funcs)
def test_prf_zero_padding_a_short_last_chunk_would_change_nothing(inkey, label, func):
    # HMAC zero-pads any key shorter than the hash block (64 bytes for both
    # SHA-1 and SHA-256, RFC 2104 §2), so "the last chunk is not padded"
    # (§4.1.2) only rules out padding with something other than zeros. What
    # does matter is that every chunk, a full 32-byte last one included, is
    # used whole (minisip keys a full last chunk with 0 bytes).
    padded = inkey + bytes(-len(inkey) % 32)
    assert crypto.prf(padded, label, 20, func) == crypto.prf(inkey, label, 20, func)


@given(key=st.sampled_from([16, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n)),
       iv=st.binary(min_size=16, max_size=16), data=st.binary(max_size=300))
def test_aes_cm_is_its_own_inverse(key, iv, data):
    assert crypto.aes_cm(key, iv, crypto.aes_cm(key, iv, data)) == data


@given(kek=st.binary(min_size=16, max_size=16), iv=st.binary(min_size=8, max_size=8),
       data=st.integers(2, 8).flatmap(lambda n: st.binary(min_size=8 * n, max_size=8 * n)))
@settings(max_examples=50)
def test_key_wrap_round_trip(kek, iv, data):
    wrapped = crypto.aes_key_wrap(kek, data, iv)
    assert len(wrapped) == len(data) + 8
    assert crypto.aes_key_unwrap(kek, wrapped, iv) == data
    assert crypto.aes_key_wrap(kek, data) == keywrap.aes_key_wrap(kek, data)  # the default IV


@given(encr_alg=st.sampled_from(list(EncrAlg)), csb_id=st.integers(0, 2**32 - 1),
       t=st.integers(0, 2**64 - 1), plaintext=st.binary(max_size=120))
@settings(max_examples=50)
def test_kemac_decrypt_inverts_encrypt(encr_alg, csb_id, t, plaintext):
    keys = crypto.mikey_keys(PSK, csb_id, RAND, encr_alg, MacAlg.HMAC_SHA_1_160)
    back = crypto.kemac_decrypt(encr_alg, keys, csb_id, t,
                                crypto.kemac_encrypt(encr_alg, keys, csb_id, t, plaintext))
    if encr_alg == EncrAlg.AES_KW_128:
        assert back == crypto.aes_kw_pad(plaintext)
    else:
        assert back == plaintext
