"""The project's own crypto known answers, tests/vectors/crypto.json.

Each vector is checked twice: against an independent computation written
here from the RFC text with `cryptography`'s HMAC and raw AES block
encryption (nothing from mikeyhost), and against the twin's code that
made it. The file must also equal a fresh run of tools/make_vectors.py.
The reference functions are first validated on published known answers
(public.json, RFC 3711 B.2, RFC 3394 §4.1), so a vector that agrees with
them is not just the twin agreeing with itself.
"""

import json
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, hmac, keywrap
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from mikeyhost import crypto

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
DOC = json.loads((VECTORS / "crypto.json").read_text(encoding="utf-8"))


def unhex(s: str) -> bytes:
    return bytes.fromhex(s)


from reference import (  # noqa: E402 - independent code, from the RFC text
    HASH, MAC_HASH, ref_aes_cm, ref_hmac, ref_mikey_label, ref_prf, ref_tgk_label,
)


def ref_kemac_iv(salt: bytes, csb_id: int, t: bytes) -> bytes:
    """RFC 3830 §4.2.3 as 128-bit integers: (S XOR (0x0000 || CSB ID || T)) || 0x0000,
    i.e. like RFC 3711's (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)."""
    s = int.from_bytes(salt, "big")
    return ((s ^ (csb_id << 64) ^ int.from_bytes(t, "big")) << 16).to_bytes(16, "big")


def ref_key_wrap(kek: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """RFC 3394 §2.2.1, the shifting description: A[t], R[t][1..n] for t = 1..6n."""
    aes = Cipher(algorithms.AES(kek), modes.ECB()).encryptor()
    n = len(plaintext) // 8
    a = iv
    r = [plaintext[8 * i:8 * i + 8] for i in range(n)]
    for t in range(1, 6 * n + 1):
        b = aes.update(a + r[0])
        a = (int.from_bytes(b[:8], "big") ^ t).to_bytes(8, "big")
        r = r[1:] + [b[8:]]
    return a + b"".join(r)


def ref_key_unwrap(kek: bytes, iv: bytes, ciphertext: bytes) -> bytes | None:
    """RFC 3394 §2.2.2, the shifting description; None on a wrong A[0]."""
    aes = Cipher(algorithms.AES(kek), modes.ECB()).decryptor()
    n = len(ciphertext) // 8 - 1
    a = ciphertext[:8]
    r = [ciphertext[8 * (i + 1):8 * (i + 2)] for i in range(n)]
    for t in range(6 * n, 0, -1):
        b = aes.update((int.from_bytes(a, "big") ^ t).to_bytes(8, "big") + r[-1])
        a = b[:8]
        r = [b[8:]] + r[:-1]
    return b"".join(r) if a == iv else None


# -- the reference against published known answers ---------------------------------

def test_reference_prf_reproduces_the_public_prf_hmac_sha256_cases():
    pub = json.loads((VECTORS / "public.json").read_text())["prf_hmac_sha256"]
    for c in pub["cases"]:
        label = ref_tgk_label(int(c["constant"], 16), c["cs_id"], int(c["csb_id"], 16), unhex(pub["rand"]))
        assert ref_prf(unhex(pub["inkey"]), label, c["bits"] // 8, 1).hex() == c["out"]


def test_reference_aes_cm_reproduces_rfc3711_b2():
    key, iv = unhex("2B7E151628AED2A6ABF7158809CF4F3C"), unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")
    assert ref_aes_cm(key, iv, bytes(48)).hex().upper() == (
        "E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0")


def test_reference_key_wrap_reproduces_rfc3394_4_1_and_cryptography():
    kek, data = unhex("000102030405060708090A0B0C0D0E0F"), unhex("00112233445566778899AABBCCDDEEFF")
    wrapped = ref_key_wrap(kek, unhex("A6A6A6A6A6A6A6A6"), data)
    assert wrapped.hex().upper() == "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"
    assert wrapped == keywrap.aes_key_wrap(kek, data)
    assert ref_key_unwrap(kek, unhex("A6A6A6A6A6A6A6A6"), wrapped) == data


# -- the file -------------------------------------------------------------------------

def test_committed_file_equals_a_fresh_generation():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_vectors
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert (VECTORS / "crypto.json").read_text(encoding="utf-8") == make_vectors.render(), \
        "tests/vectors/crypto.json is stale: run python tools/make_vectors.py"


def test_file_covers_the_required_cases():
    prf = DOC["prf"]["cases"]
    for func in (0, 1):
        got = {(len(unhex(c["inkey"])), c["out_len"]) for c in prf if c["func"] == func}
        assert got == {(n, o) for n in (16, 20, 32, 33, 64, 192) for o in (14, 16, 20, 30, 46, 64)}
    assert {c["encr_alg"] for c in DOC["kemac"]["cases"]} >= {1, 2}
    assert {c["mac_alg"] for c in DOC["mac"]["cases"]} == {1, 2}
    assert {c["minisip_v"] for c in DOC["verification"]["cases"]} == {False, True}
    for group in ("prf", "tgk_keys", "mikey_keys", "kemac", "mac", "verification"):
        for c in DOC[group]["cases"]:
            assert c["made_by"], c["id"]
    ids = [c["id"] for g in DOC.values() if isinstance(g, dict) and "cases" in g for c in g["cases"]]
    assert len(ids) == len(set(ids))


def cases(group):
    return pytest.mark.parametrize("case", DOC[group]["cases"], ids=lambda c: c["id"])


# -- §4.1.2 PRF -------------------------------------------------------------------------

@cases("prf")
def test_prf_vector(case):
    inkey, label, out = unhex(case["inkey"]), unhex(case["label"]), unhex(case["out"])
    assert ref_prf(inkey, label, case["out_len"], case["func"]) == out
    assert crypto.prf(inkey, label, case["out_len"], case["func"]) == out


# -- §4.1.3 keys from the TGK ----------------------------------------------------------

@cases("tgk_keys")
def test_tgk_key_vector(case):
    constant, csb_id = int(case["constant"], 16), int(case["csb_id"], 16)
    tgk, rand, out = unhex(case["tgk"]), unhex(case["rand"]), unhex(case["out"])
    label = ref_tgk_label(constant, case["cs_id"], csb_id, rand)
    assert label == unhex(case["label"])
    assert ref_prf(tgk, label, case["out_len"], case["func"]) == out
    assert crypto.data_protocol_key(tgk, constant, case["cs_id"], csb_id, rand, case["out_len"],
                                    case["func"]) == out


# -- §4.1.4 keys from the PSK -----------------------------------------------------------

KEY_LENS = {  # (encr_alg, mac_alg) -> (encr, auth, salt) bytes, docs/profile.md "Keys"
    (1, 1): (16, 20, 14), (2, 1): (16, 20, 8), (1, 2): (16, 32, 14), (0, 1): (0, 20, 0), (3, 2): (32, 32, 14),
}


def ref_mikey_keys(psk: bytes, csb_id: int, rand: bytes, encr_alg: int, mac_alg: int, func: int):
    encr_len, auth_len, salt_len = KEY_LENS[(encr_alg, mac_alg)]
    return tuple(ref_prf(psk, ref_mikey_label(c, csb_id, rand), n, func) if n else b""
                 for c, n in ((0x150533E1, encr_len), (0x2D22AC75, auth_len), (0x29B88916, salt_len)))


@cases("mikey_keys")
def test_mikey_keys_vector(case):
    psk, rand, csb_id = unhex(case["psk"]), unhex(case["rand"]), int(case["csb_id"], 16)
    want = (unhex(case["encr_key"]), unhex(case["auth_key"]), unhex(case["salt_key"]))
    assert unhex(case["encr_label"]) == ref_mikey_label(0x150533E1, csb_id, rand)
    assert unhex(case["auth_label"]) == ref_mikey_label(0x2D22AC75, csb_id, rand)
    assert unhex(case["salt_label"]) == ref_mikey_label(0x29B88916, csb_id, rand)
    assert ref_mikey_keys(psk, csb_id, rand, case["encr_alg"], case["mac_alg"], case["func"]) == want
    keys = crypto.mikey_keys(psk, csb_id, rand, case["encr_alg"], case["mac_alg"], case["func"])
    assert (keys.encr_key, keys.auth_key, keys.salt_key) == want


# -- §4.2.3 KEMAC encryption ---------------------------------------------------------------

@cases("kemac")
def test_kemac_vector(case):
    psk, rand, csb_id, t = unhex(case["psk"]), unhex(case["rand"]), int(case["csb_id"], 16), unhex(case["t"])
    plaintext, ciphertext = unhex(case["plaintext"]), unhex(case["ciphertext"])
    encr_alg, func = case["encr_alg"], case["func"]
    mac_alg = 2 if encr_alg == 3 else 1
    encr_key, _, salt_key = ref_mikey_keys(psk, csb_id, rand, encr_alg, mac_alg, func)
    assert (encr_key, salt_key) == (unhex(case["encr_key"]), unhex(case["salt_key"]))
    # The plaintext is one TGK Key data sub-payload (§6.13) carrying 202122...2f.
    assert plaintext[:4] == bytes.fromhex("00000010") and plaintext[4:] == bytes(range(0x20, 0x30))

    if encr_alg in (1, 3):  # AES-CM-128, AES-CM-256
        assert unhex(case["iv_operand"]) == b"\x00\x00" + csb_id.to_bytes(4, "big") + t
        iv = ref_kemac_iv(salt_key, csb_id, t)
        assert iv == unhex(case["iv"])
        assert ref_aes_cm(encr_key, iv, plaintext) == ciphertext
        assert crypto.kemac_iv(salt_key, csb_id, t) == iv
    else:  # AES-KW-128, IV = the 64-bit salt key
        padded = unhex(case["padded_plaintext"])
        assert padded[:len(plaintext)] == plaintext and not any(padded[len(plaintext):])
        assert len(padded) % 8 == 0 and len(padded) - len(plaintext) < 8
        assert ref_key_wrap(encr_key, salt_key, padded) == ciphertext
        assert ref_key_unwrap(encr_key, salt_key, ciphertext) == padded
        plaintext = padded

    keys = crypto.mikey_keys(psk, csb_id, rand, encr_alg, mac_alg, func)
    assert crypto.kemac_encrypt(encr_alg, keys, csb_id, t, unhex(case["plaintext"])) == ciphertext
    assert crypto.kemac_decrypt(encr_alg, keys, csb_id, t, ciphertext) == plaintext


# -- §5.2 MAC of the I_MESSAGE ---------------------------------------------------------------

@cases("mac")
def test_i_message_mac_vector(case):
    parts = {k: unhex(v) for k, v in case["parts"].items()}
    message, mac_input, tag = unhex(case["message"]), unhex(case["mac_input"]), unhex(case["mac"])
    mac_alg = case["mac_alg"]
    psk, rand, csb_id = unhex(case["psk"]), unhex(case["rand"]), int(case["csb_id"], 16)

    assert mac_input == b"".join(parts.values()) and message == mac_input + tag
    hdr, t, kemac = parts["HDR"], parts["T"], parts["KEMAC up to the MAC"]
    assert hdr[:2] == b"\x01\x00" and hdr[3] == 0x80 | case["func"]  # version 1, PSK init, V=1
    assert int.from_bytes(hdr[4:8], "big") == csb_id
    assert parts["RAND"][2:] == rand and t[1] == 0  # NTP-UTC
    # KEMAC: Next 0 (last), Encr alg 1, Encr data len, Encr data, MAC alg.
    assert kemac[0] == 0 and kemac[1] == 1 and kemac[-1] == mac_alg
    encr_data = kemac[4:-1]
    assert int.from_bytes(kemac[2:4], "big") == len(encr_data)

    encr_key, auth_key, salt_key = ref_mikey_keys(psk, csb_id, rand, 1, mac_alg, case["func"])
    assert auth_key == unhex(case["auth_key"])
    kemac_case = next(c for c in DOC["kemac"]["cases"] if c["id"] == "kemac-aescm128")
    iv = ref_kemac_iv(salt_key, csb_id, t[2:])
    assert ref_aes_cm(encr_key, iv, encr_data) == unhex(kemac_case["plaintext"])
    assert ref_hmac(MAC_HASH[mac_alg], auth_key, mac_input) == tag
    assert len(tag) == {1: 20, 2: 32}[mac_alg]

    assert crypto.mac(mac_alg, auth_key, mac_input) == tag
    crypto.verify_mac(mac_alg, auth_key, mac_input, tag)


# -- §5.2, §6.9 verification message V -------------------------------------------------------

@cases("verification")
def test_verification_vector(case):
    parts = {k: unhex(v) for k, v in case["parts"].items()}
    prefix, ver = unhex(case["r_message_prefix"]), unhex(case["ver_data"])
    id_i, id_r, t = unhex(case["id_i"]), unhex(case["id_r"]), unhex(case["t_value"])
    auth_key, mac_alg = unhex(case["auth_key"]), case["mac_alg"]

    i_message = next(c for c in DOC["mac"]["cases"] if c["mac_alg"] == mac_alg)
    assert auth_key == unhex(i_message["auth_key"])
    i_parts = {k: unhex(v) for k, v in i_message["parts"].items()}
    # Identities are the ID data of the I_MESSAGE's ID payloads; T is its T value.
    assert i_parts["IDi"][4:] == id_i and i_parts["IDr"][4:] == id_r and i_parts["T"][2:] == t
    assert prefix == b"".join(parts.values())
    assert parts["HDR"][:2] == b"\x01\x01" and parts["HDR"][3] == 0  # PSK ver msg, V=0, MIKEY-1
    assert parts["T"][1:] == i_parts["T"][1:]  # T echoed
    assert parts["V up to the Ver data"] == bytes([0, mac_alg])

    covered = prefix + t if case["minisip_v"] else prefix + id_i + id_r + t
    assert unhex(case["mac_input"]) == covered
    assert ref_hmac(MAC_HASH[mac_alg], auth_key, covered) == ver
    assert unhex(case["message"]) == prefix + ver

    assert crypto.verification_mac(mac_alg, auth_key, prefix, id_i, id_r, t, minisip_v=case["minisip_v"]) == ver
    crypto.verify_verification_mac(mac_alg, auth_key, prefix, id_i, id_r, t, ver, minisip_v=case["minisip_v"])


# -- the vector messages, read by an independent MIKEY decoder -------------------------

def test_tshark_decodes_the_vector_messages():
    """Wireshark's MIKEY dissector reads the I_MESSAGEs and R_MESSAGEs the
    MAC and V vectors are computed over: every byte decoded, the fields where
    the vectors say. tshark 4.0 knows no HMAC-SHA-256-256 (RFC 6043), so it
    leaves that MAC's 32 bytes undecoded."""
    from peers import tshark

    i_cases, v_cases = DOC["mac"]["cases"], DOC["verification"]["cases"]
    messages = [unhex(c["message"]) for c in i_cases + v_cases]
    for case, d in zip(i_cases + v_cases, tshark.dissect(messages), strict=True):
        assert not d.malformed and not d.expert, case["id"]
        assert d.first("mikey.csb_id").value == DOC["inputs"]["csb_id"]
        assert d.first("mikey.srtp_id.ssrc").value == DOC["inputs"]["ssrc"]
        if case in i_cases:
            tag = unhex(case["mac"])
            assert d.first("mikey.kemac.key_data").value == case["parts"]["KEMAC up to the MAC"][8:-2]
            assert int(d.first("mikey.kemac.mac_alg").value, 16) == case["mac_alg"]
            assert [f.value for f in d.all("mikey.id.data")] == [DOC["inputs"]["id_i"].encode().hex(),
                                                                 DOC["inputs"]["id_r"].encode().hex()]
            if case["mac_alg"] == 1:
                assert d.uncovered() == [] and d.first("mikey.kemac.mac").value == tag.hex()
            else:
                assert d.uncovered() == list(range(len(d.message) - len(tag), len(d.message)))
        else:
            assert d.uncovered() == []
            assert d.first("mikey.v.ver_data").value == case["ver_data"]
            assert d.first("mikey.t.ntp").value == case["t_value"]
