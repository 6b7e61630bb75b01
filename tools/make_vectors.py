"""Write tests/vectors/crypto.json: the project's own known answers for
MIKEY's cryptography, computed by the twin (host/mikeyhost/crypto.py) from
fixed, obviously synthetic inputs.

    python tools/make_vectors.py           # (re)write the file
    python tools/make_vectors.py --check   # exit 1 if the file is stale

The output is deterministic. tests/host/test_crypto_vectors.py checks that
the committed file equals a fresh generation and recomputes every vector
independently from the RFC text with `cryptography`'s HMAC and AES;
tests/vectors/CRYPTO.md says how each group was made and checked.
"""

import argparse
import json
import struct
import sys
from pathlib import Path

from mikeyhost import crypto
from mikeyhost.crypto import EncrAlg, MacAlg

import toolchain

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "vectors" / "crypto.json"

# Fixed inputs. Every byte string is a counting pattern so that it cannot be
# mistaken for a real key, and a misplaced field shows up in a hex dump.
PSK = bytes(range(0x00, 0x10))            # 000102...0f
RAND = bytes(range(0x10, 0x20))           # 101112...1f, the I_MESSAGE's RAND
TGK = bytes(range(0x20, 0x30))            # 202122...2f
TGK_OAKLEY5 = bytes(range(0x40, 0x100))   # 192 bytes, the size of an OAKLEY 5 DH TGK
RAND_32 = bytes(range(0x60, 0x80))        # a longer RAND (§6.11 allows it)
CSB_ID = 0x12345678
T_NTP_UTC = bytes.fromhex("a0a1a2a3a4a5a6a7")  # T value, TS type 0 (NTP-UTC)
SSRC = 0xDEADBEEF
ID_I = b"sip:initiator@example.com"
ID_R = b"sip:responder@example.com"

PRF_INKEY_LENS = (16, 20, 32, 33, 64, 192)
PRF_OUT_LENS = (14, 16, 20, 30, 46, 64)
FUNC_NAMES = {0: "MIKEY-1", 1: "PRF-HMAC-SHA-256"}
TGK_CONST_NAMES = {crypto.TEK_CONST: "TEK", crypto.AUTH_CONST: "auth", crypto.ENCR_CONST: "encr",
                   crypto.SALT_CONST: "salt"}


def h(b: bytes) -> str:
    return bytes(b).hex()


# -- message pieces (RFC 3830 §6), written out by hand -------------------------

NEXT_LAST, NEXT_KEMAC, NEXT_T, NEXT_ID, NEXT_V, NEXT_RAND = 0, 1, 5, 6, 9, 11
ID_TYPE_URI = 1


def hdr(data_type: int, next_payload: int, v_flag: int, func: int) -> bytes:
    """§6.1 HDR, version 1, one crypto session in an SRTP-ID map (§6.1.1)."""
    return (struct.pack(">BBBBIBB", 1, data_type, next_payload, (v_flag << 7) | func, CSB_ID, 1, 0)
            + struct.pack(">BII", 0, SSRC, 0))


def t_payload(next_payload: int) -> bytes:
    return bytes([next_payload, 0]) + T_NTP_UTC  # §6.6, NTP-UTC


def rand_payload(next_payload: int) -> bytes:
    return bytes([next_payload, len(RAND)]) + RAND  # §6.11


def id_payload(next_payload: int, data: bytes) -> bytes:
    return struct.pack(">BBH", next_payload, ID_TYPE_URI, len(data)) + data  # §6.7


def key_data_tgk(tgk: bytes) -> bytes:
    """§6.13 Key data sub-payload: last (Next 0), type TGK (0), KV Null (0)."""
    return struct.pack(">BBH", NEXT_LAST, 0x00, len(tgk)) + tgk


# -- groups --------------------------------------------------------------------

def prf_vectors() -> dict:
    label = crypto.tgk_label(crypto.TEK_CONST, 1, CSB_ID, RAND)
    cases = []
    for func in (0, 1):
        for n in PRF_INKEY_LENS:
            inkey = bytes(range(n))
            for out_len in PRF_OUT_LENS:
                cases.append({
                    "id": f"prf-{FUNC_NAMES[func].lower()}-inkey{n}-out{out_len}",
                    "made_by": f"mikeyhost.crypto.prf(inkey, label, {out_len}, func={func})",
                    "func": func, "inkey": h(inkey), "label": h(label), "out_len": out_len,
                    "out": h(crypto.prf(inkey, label, out_len, func)),
                })
    return {
        "about": "RFC 3830 §4.1.2 PRF (func 0, MIKEY-1) and RFC 6043 §6.1 PRF-HMAC-SHA-256 (func 1). "
                 "inkey = 000102... of inkey_len bytes, cut into 32-byte chunks, the last one not padded "
                 "(33 bytes: chunks of 32 and 1; 192 bytes: six chunks, the size of an OAKLEY 5 TGK). "
                 "label = the §4.1.3 TEK label for CS ID 1. out_len in bytes.",
        "cases": cases,
    }


def tgk_key_vectors() -> dict:
    combos = [
        # (tgk, cs_id, csb_id, rand, func, constants and lengths)
        (TGK, 1, CSB_ID, RAND, 0, [(crypto.TEK_CONST, 16), (crypto.SALT_CONST, 14),
                                   (crypto.AUTH_CONST, 20), (crypto.ENCR_CONST, 16)]),
        (TGK, 2, CSB_ID, RAND, 0, [(crypto.TEK_CONST, 16), (crypto.SALT_CONST, 14)]),
        (TGK_OAKLEY5, 1, 0xFEDCBA98, RAND_32, 0, [(crypto.TEK_CONST, 16), (crypto.SALT_CONST, 14)]),
        (TGK, 1, CSB_ID, RAND, 1, [(crypto.TEK_CONST, 32), (crypto.SALT_CONST, 14)]),
    ]
    cases = []
    for tgk, cs_id, csb_id, rand, func, wanted in combos:
        for constant, out_len in wanted:
            name = TGK_CONST_NAMES[constant]
            cases.append({
                "id": f"tgk{len(tgk)}-{name}-cs{cs_id}-csb{csb_id:08x}-func{func}",
                "made_by": f"mikeyhost.crypto.data_protocol_key(tgk, 0x{constant:08X}, {cs_id}, "
                           f"0x{csb_id:08X}, rand, {out_len}, func={func})",
                "func": func, "tgk": h(tgk), "key": name, "constant": f"{constant:08x}",
                "cs_id": cs_id, "csb_id": f"{csb_id:08x}", "rand": h(rand),
                "label": h(crypto.tgk_label(constant, cs_id, csb_id, rand)), "out_len": out_len,
                "out": h(crypto.data_protocol_key(tgk, constant, cs_id, csb_id, rand, out_len, func)),
            })
    return {
        "about": "RFC 3830 §4.1.3 keys for the data protocol from a TGK: "
                 "label = constant(4) || cs_id(1) || csb_id(4) || RAND. "
                 "TEK 0x2AD01C64, auth 0x1B5C7973, encr 0x15798CEF, salt 0x39A2C14B.",
        "cases": cases,
    }


def mikey_key_vectors() -> dict:
    combos = [
        ("psk16-aescm128-sha1", PSK, 0, EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_1_160),
        ("psk16-aeskw128-sha1", PSK, 0, EncrAlg.AES_KW_128, MacAlg.HMAC_SHA_1_160),
        ("psk16-aescm128-sha256", PSK, 0, EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_256_256),
        ("psk16-null-sha1", PSK, 0, EncrAlg.NULL, MacAlg.HMAC_SHA_1_160),
        ("psk32-aescm128-sha1", bytes(range(32)), 0, EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_1_160),
        ("psk40-aescm128-sha1", bytes(range(40)), 0, EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_1_160),
        ("psk16-aescm256-sha256-func1", PSK, 1, EncrAlg.AES_CM_256, MacAlg.HMAC_SHA_256_256),
    ]
    cases = []
    for name, psk, func, encr_alg, mac_alg in combos:
        keys = crypto.mikey_keys(psk, CSB_ID, RAND, encr_alg, mac_alg, func)
        cases.append({
            "id": f"mikey-keys-{name}",
            "made_by": f"mikeyhost.crypto.mikey_keys(psk, 0x{CSB_ID:08X}, rand, {int(encr_alg)}, "
                       f"{int(mac_alg)}, func={func})",
            "func": func, "psk": h(psk), "csb_id": f"{CSB_ID:08x}", "rand": h(RAND),
            "encr_alg": int(encr_alg), "mac_alg": int(mac_alg),
            "encr_label": h(crypto.mikey_label(crypto.ENCR_KEY_CONST, CSB_ID, RAND)),
            "auth_label": h(crypto.mikey_label(crypto.AUTH_KEY_CONST, CSB_ID, RAND)),
            "salt_label": h(crypto.mikey_label(crypto.SALT_KEY_CONST, CSB_ID, RAND)),
            "encr_key": h(keys.encr_key), "auth_key": h(keys.auth_key), "salt_key": h(keys.salt_key),
        })
    return {
        "about": "RFC 3830 §4.1.4 keys protecting MIKEY, from the PSK: label = constant(4) || ff || "
                 "csb_id(4) || RAND; encr_key 0x150533E1, auth_key 0x2D22AC75, salt_key 0x29B88916. "
                 "Lengths per docs/profile.md: encr 16 (32 for AES-CM-256), auth 20 (HMAC-SHA-1-160) "
                 "or 32 (HMAC-SHA-256-256), salt 14 (AES-CM) or 8 (AES-KW); NULL needs none.",
        "cases": cases,
    }


def kemac_vectors() -> dict:
    plaintext = key_data_tgk(TGK)
    cases = []
    for name, func, encr_alg, mac_alg in [("aescm128", 0, EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_1_160),
                                          ("aescm256-func1", 1, EncrAlg.AES_CM_256, MacAlg.HMAC_SHA_256_256)]:
        keys = crypto.mikey_keys(PSK, CSB_ID, RAND, encr_alg, mac_alg, func)
        iv_operand = b"\x00\x00" + CSB_ID.to_bytes(4, "big") + T_NTP_UTC
        iv = crypto.kemac_iv(keys.salt_key, CSB_ID, T_NTP_UTC)
        cases.append({
            "id": f"kemac-{name}",
            "made_by": f"mikeyhost.crypto.mikey_keys(psk, csb_id, rand, {int(encr_alg)}, {int(mac_alg)}, "
                       f"func={func}); kemac_iv(salt_key, csb_id, t); "
                       f"kemac_encrypt({int(encr_alg)}, keys, csb_id, t, plaintext)",
            "func": func, "encr_alg": int(encr_alg), "psk": h(PSK), "csb_id": f"{CSB_ID:08x}",
            "rand": h(RAND), "t": h(T_NTP_UTC),
            "plaintext": h(plaintext),
            "plaintext_is": "Key data sub-payload (§6.13): Next 00, Type TGK/KV Null 00, "
                            "Key data len 0010, TGK 202122...2f",
            "encr_key": h(keys.encr_key), "salt_key": h(keys.salt_key),
            "iv_operand": h(iv_operand),
            "iv_is": "(salt_key XOR iv_operand) || 0000, iv_operand = 0000 || CSB ID || T (§4.2.3)",
            "iv": h(iv),
            "ciphertext": h(crypto.kemac_encrypt(encr_alg, keys, CSB_ID, T_NTP_UTC, plaintext)),
        })
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, EncrAlg.AES_KW_128, MacAlg.HMAC_SHA_1_160)
    cases.append({
        "id": "kemac-aeskw128",
        "made_by": "mikeyhost.crypto.mikey_keys(psk, csb_id, rand, 2, 1); aes_kw_pad(plaintext); "
                   "kemac_encrypt(2, keys, csb_id, t, plaintext)",
        "func": 0, "encr_alg": int(EncrAlg.AES_KW_128), "psk": h(PSK), "csb_id": f"{CSB_ID:08x}",
        "rand": h(RAND), "t": h(T_NTP_UTC),
        "plaintext": h(plaintext),
        "plaintext_is": "Key data sub-payload (§6.13): Next 00, Type TGK/KV Null 00, "
                        "Key data len 0010, TGK 202122...2f",
        "encr_key": h(keys.encr_key), "salt_key": h(keys.salt_key),
        "padded_plaintext": h(crypto.aes_kw_pad(plaintext)),
        "padded_is": "plaintext || zero bytes up to a multiple of 8 (project profile; RFC 3830 defines no padding)",
        "iv_is": "RFC 3394 initial value = salt_key (§4.2.3); t is not used",
        "ciphertext": h(crypto.kemac_encrypt(EncrAlg.AES_KW_128, keys, CSB_ID, T_NTP_UTC, plaintext)),
    })
    return {
        "about": "KEMAC Encr data (RFC 3830 §4.2.3, §6.2) from the PSK, CSB ID, RAND and T: "
                 "AES-CM-128 (RFC 3711 §4.1.1 counter mode), AES-CM-256 (RFC 6043 §6.2) and "
                 "AES-KW-128 (RFC 3394 with the 8-byte salt key as IV).",
        "cases": cases,
    }


def i_message(func: int, mac_alg: MacAlg) -> tuple[dict, bytes, crypto.MikeyKeys]:
    """A complete PSK I_MESSAGE (§3.1: HDR, T, RAND, IDi, IDr, KEMAC) with
    its parts, and the MAC over all but the MAC field (§5.2)."""
    keys = crypto.mikey_keys(PSK, CSB_ID, RAND, EncrAlg.AES_CM_128, mac_alg, func)
    encr_data = crypto.kemac_encrypt(EncrAlg.AES_CM_128, keys, CSB_ID, T_NTP_UTC, key_data_tgk(TGK))
    parts = {
        "HDR": hdr(0, NEXT_T, 1, func),
        "T": t_payload(NEXT_RAND),
        "RAND": rand_payload(NEXT_ID),
        "IDi": id_payload(NEXT_ID, ID_I),
        "IDr": id_payload(NEXT_KEMAC, ID_R),
        "KEMAC up to the MAC": struct.pack(">BBH", NEXT_LAST, EncrAlg.AES_CM_128, len(encr_data))
        + encr_data + bytes([mac_alg]),
    }
    mac_input = b"".join(parts.values())
    tag = crypto.mac(mac_alg, keys.auth_key, mac_input)
    return {"parts": {k: h(v) for k, v in parts.items()}, "mac_input": h(mac_input),
            "auth_key": h(keys.auth_key), "mac": h(tag), "message": h(mac_input + tag)}, mac_input + tag, keys


def mac_vectors() -> dict:
    cases = []
    for name, mac_alg in [("hmac-sha1-160", MacAlg.HMAC_SHA_1_160), ("hmac-sha256-256", MacAlg.HMAC_SHA_256_256)]:
        fields, _, _ = i_message(0, mac_alg)
        cases.append({
            "id": f"i-message-mac-{name}",
            "made_by": f"tools/make_vectors.py i_message(): payloads written out per RFC 3830 §6; "
                       f"keys = mikeyhost.crypto.mikey_keys(psk, csb_id, rand, 1, {int(mac_alg)}); "
                       f"KEMAC Encr data = kemac_encrypt(1, ...) of the kemac-aescm128 plaintext; "
                       f"mac = mikeyhost.crypto.mac({int(mac_alg)}, auth_key, mac_input)",
            "func": 0, "mac_alg": int(mac_alg), "psk": h(PSK), "csb_id": f"{CSB_ID:08x}", "rand": h(RAND),
            **fields,
        })
    return {
        "about": "MAC of a PSK I_MESSAGE (RFC 3830 §5.2, §6.2; RFC 6043 §6.2): HMAC(auth_key, every byte "
                 "from HDR to the KEMAC's MAC alg byte). The message is HDR (V=1, PRF MIKEY-1, one "
                 "SRTP-ID entry: policy 0, SSRC deadbeef, ROC 0), T (NTP-UTC a0a1...a7), RAND, IDi, "
                 "IDr (URIs), KEMAC (AES-CM-128 over one TGK Key data sub-payload).",
        "cases": cases,
    }


def verification_vectors() -> dict:
    _, _, keys = i_message(0, MacAlg.HMAC_SHA_1_160)
    mac_alg = MacAlg.HMAC_SHA_1_160
    parts = {
        "HDR": hdr(1, NEXT_T, 0, 0),
        "T": t_payload(NEXT_V),
        "V up to the Ver data": bytes([NEXT_LAST, mac_alg]),
    }
    prefix = b"".join(parts.values())
    cases = []
    for name, minisip_v in [("with-identities", False), ("minisip-v", True)]:
        ver = crypto.verification_mac(mac_alg, keys.auth_key, prefix, ID_I, ID_R, T_NTP_UTC, minisip_v=minisip_v)
        cases.append({
            "id": f"v-{name}",
            "made_by": f"mikeyhost.crypto.verification_mac(1, auth_key, r_message_prefix, id_i, id_r, t, "
                       f"minisip_v={minisip_v})",
            "mac_alg": int(mac_alg), "minisip_v": minisip_v, "auth_key": h(keys.auth_key),
            "parts": {k: h(v) for k, v in parts.items()}, "r_message_prefix": h(prefix),
            "id_i": h(ID_I), "id_r": h(ID_R), "t_value": h(T_NTP_UTC),
            "mac_input": h(crypto.verification_input(prefix, ID_I, ID_R, T_NTP_UTC, minisip_v=minisip_v)),
            "ver_data": h(ver), "message": h(prefix + ver),
        })
    return {
        "about": "Verification message V of the PSK R_MESSAGE answering the i-message-mac-hmac-sha1-160 "
                 "I_MESSAGE (RFC 3830 §5.2, §6.9, docs/profile.md): HMAC(auth_key, R_MESSAGE up to the Ver "
                 "data || IDi data || IDr data || the I_MESSAGE's T value). The R_MESSAGE is HDR (data type "
                 "1, V=0, same CSB ID and map), T (echoed), V. minisip_v drops the identities.",
        "cases": cases,
    }


def build() -> dict:
    return {
        "about": "The project's own known answers for MIKEY's cryptography. Made by tools/make_vectors.py "
                 "with the twin (host/mikeyhost/crypto.py) from synthetic inputs; every vector is recomputed "
                 "independently by tests/host/test_crypto_vectors.py from the RFC text with cryptography's "
                 "HMAC and AES. See tests/vectors/CRYPTO.md. Hex strings; lengths in bytes.",
        "inputs": {"psk": h(PSK), "rand": h(RAND), "tgk": h(TGK), "csb_id": f"{CSB_ID:08x}",
                   "t": h(T_NTP_UTC), "ssrc": f"{SSRC:08x}", "id_i": ID_I.decode(), "id_r": ID_R.decode()},
        "prf": prf_vectors(),
        "tgk_keys": tgk_key_vectors(),
        "mikey_keys": mikey_key_vectors(),
        "kemac": kemac_vectors(),
        "mac": mac_vectors(),
        "verification": verification_vectors(),
    }


def render() -> str:
    return json.dumps(build(), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    args = ap.parse_args()
    return toolchain.write_generated(OUT, render(), args.check, "make_vectors.py")


if __name__ == "__main__":
    sys.exit(main())
