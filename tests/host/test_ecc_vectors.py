"""The ECC-mode known answers (tests/vectors/ecc.json), recomputed
independently of the twin: points, ECDH, RFC 6979 ECDSA, ECIES, ECMQV and
the X9.63 KDF with pure-Python P-256 (tests/ecc_reference.py), MACs and
SRTP keys from the RFC 3830 text (tests/reference.py); then the twin must
make exactly these bytes from the same inputs."""

import json
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import hashes

import ecc_reference as ref
from mikeyhost import ecc
from mikeyhost.dhhmac import DhInitiator, DhOffer, DhResponder
from mikeyhost.dhsign import DhSignInitiator, DhSignOffer, DhSignResponder
from mikeyhost.ecies import EciesInitiator, EciesOffer, EciesResponder
from mikeyhost.ecmqv import EcmqvInitiator, EcmqvOffer, EcmqvResponder
from mikeyhost.payloads import KEMAC, PKE, decode_message
from mikeyhost.psk import CryptoSession, identity, key_data
from reference import ref_aes_cm, ref_hmac, ref_mikey_label, ref_prf, ref_tgk_label

ROOT = Path(__file__).resolve().parents[2]
VECTORS = {v["mode"]: v for v in json.loads((ROOT / "tests" / "vectors" / "ecc.json").read_text())["vectors"]}
H = bytes.fromhex


def test_vectors_file_is_what_the_twin_makes():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "make_ecc_vectors.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert set(VECTORS) == {"dhsign-ecdsa", "dhhmac-p256", "ecies", "ecmqv"}


def inputs(v):
    i = v["inputs"]
    return {k: (int(x, 16) if k in ("ki", "kr", "xi", "xr", "eph", "csb_id", "t", "ssrc") else
                x if k in ("idi", "idr") else H(x)) for k, x in i.items()}


def srtp_keys_from(tgk: bytes, i: dict, v: dict):
    (k,) = v["keys"]  # §4.1.3 with the TGK and the I_MESSAGE's RAND, CS ID 1
    assert k["master_key"] == ref_prf(tgk, ref_tgk_label(0x2AD01C64, 1, i["csb_id"], i["rand"]), 16, 0).hex()
    assert k["master_salt"] == ref_prf(tgk, ref_tgk_label(0x39A2C14B, 1, i["csb_id"], i["rand"]), 14, 0).hex()
    assert k["ssrc"] == f"{i['ssrc']:08x}"


def payload_bytes(data: bytes, kind) -> bytes:
    d = decode_message(data)
    at = [type(p) for p in d.message.payloads].index(kind)
    return data[d.spans[at + 1].start:d.spans[at + 1].end]


def dh_payload(next_payload: int, group: int, value: bytes) -> bytes:
    return bytes([next_payload, group]) + value + b"\x00"  # Reserv/KV 0 (RFC 3830 §6.4)


def test_dhsign_ecdsa():
    v = VECTORS["dhsign-ecdsa"]
    i = inputs(v)
    imsg, rmsg = H(v["i_message"]), H(v["r_message"])
    gi, gr = ref.enc(ref.mul(i["xi"])), ref.enc(ref.mul(i["xr"]))
    # I: ..., DHi (DH-Group 10, Next = 4 SIGN), SIGN (S type 2, length 64)
    assert imsg.endswith(dh_payload(4, 10, gi) + b"\x20\x40" + imsg[-64:])
    assert imsg[1] == 4 and rmsg[1] == 5  # data types (RFC 3830 Table 6.1.a)
    # R: ..., DHr (Next 3), DHi (Next 4), SIGNr
    assert rmsg.endswith(dh_payload(3, 10, gr) + dh_payload(4, 10, gi) + b"\x20\x40" + rmsg[-64:])
    # SIGN covers everything but the Signature field; RFC 6979 nonces
    assert imsg[-64:] == ref.ecdsa_sign(i["ki"], imsg[:-64])
    assert rmsg[-64:] == ref.ecdsa_sign(i["kr"], rmsg[:-64])
    assert ref.ecdsa_verify(ref.mul(i["kr"]), rmsg[:-64], rmsg[-64:])
    # TGK = x((xi·xr)·G), 32 bytes (ECC-03 §3)
    tgk = ref.mul(i["xi"], ref.mul(i["xr"]))[0].to_bytes(32, "big")
    assert v["tgk"] == tgk.hex()
    srtp_keys_from(tgk, i, v)
    # the twin makes these bytes
    alice, bob = identity(i["idi"]), identity(i["idr"])
    init = DhSignInitiator(i["ki"], DhSignOffer(i["csb_id"], i["t"], i["rand"], [CryptoSession(i["ssrc"])],
                                                idi=alice, idr=bob, x=i["xi"]),
                           ecc.Trust({i["idr"]: ref.enc(ref.mul(i["kr"]))}))
    assert init.message == imsg
    res = DhSignResponder(i["kr"], ecc.Trust({i["idi"]: ref.enc(ref.mul(i["ki"]))}), idr=bob,
                          x=i["xr"]).respond(imsg, i["t"])
    assert res.message == rmsg
    assert [c.to_json() for c in init.finish(rmsg)] == v["keys"]


def test_dhhmac_p256():
    v = VECTORS["dhhmac-p256"]
    i = inputs(v)
    imsg, rmsg = H(v["i_message"]), H(v["r_message"])
    gi, gr = ref.enc(ref.mul(i["xi"])), ref.enc(ref.mul(i["xr"]))
    assert dh_payload(1, 10, gi) in imsg  # DHi, then the KEMAC (1)
    assert dh_payload(3, 10, gr) + dh_payload(1, 10, gi) in rmsg  # DHr, DHi, KEMAC
    auth = ref_prf(i["psk"], ref_mikey_label(0x2D22AC75, i["csb_id"], i["rand"]), 20, 0)
    assert imsg[-20:] == ref_hmac(hashes.SHA1, auth, imsg[:-20])
    assert rmsg[-20:] == ref_hmac(hashes.SHA1, auth, rmsg[:-20])
    tgk = ref.mul(i["xr"], ref.mul(i["xi"]))[0].to_bytes(32, "big")
    assert v["tgk"] == tgk.hex()
    srtp_keys_from(tgk, i, v)
    bob = identity(i["idr"])
    init = DhInitiator(i["psk"], DhOffer(i["csb_id"], i["t"], bob, [CryptoSession(i["ssrc"])], rand=i["rand"],
                                         idi=identity(i["idi"]), group=10, x=i["xi"]))
    assert init.message == imsg
    assert DhResponder(i["psk"], bob, p256=True, x=i["xr"]).respond(imsg, i["t"]).message == rmsg


def test_ecies():
    v = VECTORS["ecies"]
    i = inputs(v)
    imsg, rmsg = H(v["i_message"]), H(v["r_message"])
    assert imsg[1] == 2 and rmsg[1] == 3 and imsg[3] & 0x80  # PK data types, V requested
    csb, rand = i["csb_id"], i["rand"]
    # PKE: C = 0 | Data len, then R || EM || D of SEC1 ECIES; R from the fixed ephemeral
    pke = payload_bytes(imsg, PKE)
    assert pke[0] == 4 and int.from_bytes(pke[1:3], "big") == len(pke) - 3  # Next = SIGN, C = 0
    assert pke[3:68] == ref.enc(ref.mul(i["eph"]))
    assert ref.ecies_decrypt(i["kr"], pke[3:]) == i["env_key"]
    # KEMAC: keys from env_key (RFC 3830 §4.1.4), AES-CM, IDi || Key data inside
    env = i["env_key"]
    encr = ref_prf(env, ref_mikey_label(0x150533E1, csb, rand), 16, 0)
    auth = ref_prf(env, ref_mikey_label(0x2D22AC75, csb, rand), 20, 0)
    salt = ref_prf(env, ref_mikey_label(0x29B88916, csb, rand), 14, 0)
    kemac = payload_bytes(imsg, KEMAC)
    assert kemac[0] == 2 and kemac[1] == 1  # Next = PKE, AES-CM-128
    n = int.from_bytes(kemac[2:4], "big")
    iv = bytes(a ^ b for a, b in zip(salt, b"\x00\x00" + csb.to_bytes(4, "big") + i["t"].to_bytes(8, "big")))
    plain = ref_aes_cm(encr, iv + b"\x00\x00", kemac[4:4 + n])
    idi = i["idi"].encode()
    assert plain == (b"\x14\x00" + len(idi).to_bytes(2, "big") + idi  # ID (Next = 20 Key data), NAI
                     + b"\x00\x00\x00\x10" + i["tgk"])  # Key data: last, TGK, KV Null, 16 bytes
    # its MAC: over the KEMAC payload alone, Next payload taken as 0 (§5.2)
    assert kemac[-20:] == ref_hmac(hashes.SHA1, auth, b"\x00" + kemac[1:-20]) and kemac[-21] == 1
    assert ref.ecdsa_verify(ref.mul(i["ki"]), imsg[:-64], imsg[-64:])
    assert imsg[-64:] == ref.ecdsa_sign(i["ki"], imsg[:-64])
    # V (§5.2): R_MESSAGE up to Ver data || IDi || IDr || T
    assert rmsg[-20:] == ref_hmac(hashes.SHA1, auth, rmsg[:-20] + idi + i["idr"].encode() + i["t"].to_bytes(8, "big"))
    srtp_keys_from(i["tgk"], i, v)
    alice, bob = identity(i["idi"]), identity(i["idr"])
    offer = EciesOffer(csb, i["t"], rand, [key_data(i["tgk"])], [CryptoSession(i["ssrc"])], idi=alice, idr=bob,
                       env_key=env, eph=i["eph"])
    assert EciesInitiator(i["ki"], offer, responder_key=ref.enc(ref.mul(i["kr"]))).message == imsg
    res = EciesResponder(i["kr"], ecc.Trust({i["idi"]: ref.enc(ref.mul(i["ki"]))}), idr=bob).respond(imsg, i["t"])
    assert res.message == rmsg and [c.to_json() for c in res.contexts] == v["keys"]


def eccpt(next_payload: int, point: bytes, auth_alg=1, tgk_len=16) -> bytes:
    # Next | ECC curve 7 | point | zero padding to 32 bits | Auth alg | TGK len | Reserv/KV
    body = bytes([next_payload, 7]) + point
    return body + bytes(-len(body) % 4) + bytes([auth_alg]) + tgk_len.to_bytes(2, "big") + b"\x00"


def test_ecmqv():
    v = VECTORS["ecmqv"]
    i = inputs(v)
    imsg, rmsg = H(v["i_message"]), H(v["r_message"])
    qi, qr = ref.enc(ref.mul(i["xi"])), ref.enc(ref.mul(i["xr"]))
    assert imsg.endswith(eccpt(4, qi) + b"\x20\x40" + imsg[-64:])
    assert rmsg.endswith(eccpt(22, qr) + eccpt(9, qi) + b"\x00\x01" + rmsg[-20:])  # ECCPTr, ECCPTi, V
    assert imsg[-64:] == ref.ecdsa_sign(i["ki"], imsg[:-64])
    # z from either side's view (SEC1 §3.4), then X9.63-KDF-SHA-256: TGK || auth_key
    z = ref.ecmqv(i["ki"], i["xi"], ref.mul(i["kr"]), ref.mul(i["xr"]))
    assert z == ref.ecmqv(i["kr"], i["xr"], ref.mul(i["ki"]), ref.mul(i["xi"]))
    assert v["z"] == z.hex()
    kd = ref.x963_kdf(z, 16 + 20)
    assert (v["tgk"], v["auth_key"]) == (kd[:16].hex(), kd[16:].hex())
    t = i["t"].to_bytes(8, "big")
    assert rmsg[-20:] == ref_hmac(hashes.SHA1, kd[16:], rmsg[:-20] + i["idi"].encode() + i["idr"].encode() + t)
    srtp_keys_from(kd[:16], i, v)
    alice, bob = identity(i["idi"]), identity(i["idr"])
    init = EcmqvInitiator(i["ki"], EcmqvOffer(i["csb_id"], i["t"], i["rand"], [CryptoSession(i["ssrc"])],
                                              idi=alice, idr=bob, x=i["xi"]),
                          ecc.Trust({i["idr"]: ref.enc(ref.mul(i["kr"]))}))
    assert init.message == imsg
    res = EcmqvResponder(i["kr"], ecc.Trust({i["idi"]: ref.enc(ref.mul(i["ki"]))}), idr=bob,
                         x=i["xr"]).respond(imsg, i["t"])
    assert res.message == rmsg
    assert [c.to_json() for c in init.finish(rmsg)] == v["keys"]

