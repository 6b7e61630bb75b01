"""The project's known answers for the ECC modes (docs/ecc-profile.md):
tests/vectors/ecc.json.

One exchange per mode with every input fixed — static keys, ephemeral
scalars, envelope key, CSB ID, RAND, T, identities, crypto session; ECDSA
nonces are RFC 6979's, so deterministic too: DH-SIGN (ECDH P-256 and
ECDSA), DH-HMAC over P-256 (profile extension), MIKEY-ECIES and
MIKEY-ECMQV. Each gives the I_MESSAGE and R_MESSAGE the twin makes, the
shared values (TGK, and for ECMQV z and auth_key) and the SRTP contexts.
tests/host/test_ecc_vectors.py recomputes all of it with pure-Python P-256
arithmetic, its own RFC 6979 and X9.63 KDF (tests/ecc_reference.py) and the
RFC 3830 PRF of tests/reference.py, and checks that the twin reproduces
every byte; `--check` fails when the file is stale.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "vectors" / "ecc.json"

from mikeyhost import ecc  # noqa: E402
from mikeyhost.dhhmac import DhInitiator, DhOffer, DhResponder  # noqa: E402
from mikeyhost.dhsign import DhSignInitiator, DhSignOffer, DhSignResponder  # noqa: E402
from mikeyhost.ecies import EciesInitiator, EciesOffer, EciesResponder  # noqa: E402
from mikeyhost.ecmqv import EcmqvInitiator, EcmqvOffer, EcmqvResponder, shared_secret  # noqa: E402
from mikeyhost.psk import CryptoSession, identity, key_data  # noqa: E402

import toolchain  # noqa: E402

T = 0xE9000000_80000000  # NTP-UTC, 2023-12-21, half a second
CSB_ID = 0x45434321
RAND = bytes(range(0xB0, 0xC0))
IDI, IDR = "alice@example.org", "sip:bob@example.org"
SSRC = 0x0A0B0C0D
# Fixed private scalars, obviously synthetic, all in [1, n-1].
KI = int("a11ce" * 12 + "0001", 16)  # Alice's static key
KR = int("b0b" * 21 + "7", 16)  # Bob's static key
XI = int("c0ffee" * 10 + "0002", 16)  # ephemeral, Initiator
XR = int("deadbeef" * 8, 16)  # ephemeral, Responder
ENV_KEY = bytes(range(0x50, 0x60))
ECIES_EPH = int("e1e5" * 16, 16)
TGK = bytes(range(0x70, 0x80))
PSK = bytes(range(0x30, 0x40))


def _trusts():
    alice, bob = identity(IDI), identity(IDR)
    return (alice, bob, ecc.Trust({IDR: ecc.point_bytes(KR)}), ecc.Trust({IDI: ecc.point_bytes(KI)}))


def _inputs(**extra) -> dict:
    out = {"csb_id": f"{CSB_ID:08x}", "rand": RAND.hex(), "t": f"{T:016x}", "idi": IDI, "idr": IDR,
           "ssrc": f"{SSRC:08x}"}
    out.update({k: (f"{v:064x}" if isinstance(v, int) else v.hex()) for k, v in extra.items()})
    return out


def _check(res):
    if res.error is not None:
        raise SystemExit(f"make_ecc_vectors: {res.error}")


def dhsign() -> dict:
    alice, bob, ta, tb = _trusts()
    init = DhSignInitiator(KI, DhSignOffer(CSB_ID, T, RAND, [CryptoSession(SSRC)], idi=alice, idr=bob, x=XI), ta)
    res = DhSignResponder(KR, tb, idr=bob, x=XR).respond(init.message, T)
    _check(res)
    contexts = init.finish(res.message)
    return {"mode": "dhsign-ecdsa", "inputs": _inputs(ki=KI, kr=KR, xi=XI, xr=XR),
            "i_message": init.message.hex(), "r_message": res.message.hex(), "tgk": init.tgk.hex(),
            "keys": [c.to_json() for c in contexts]}


def dhhmac_p256() -> dict:
    alice, bob, _, _ = _trusts()
    init = DhInitiator(PSK, DhOffer(CSB_ID, T, bob, [CryptoSession(SSRC)], rand=RAND, idi=alice, group=10, x=XI))
    res = DhResponder(PSK, bob, p256=True, x=XR).respond(init.message, T)
    _check(res)
    contexts = init.finish(res.message)
    return {"mode": "dhhmac-p256", "inputs": _inputs(psk=PSK, xi=XI, xr=XR),
            "i_message": init.message.hex(), "r_message": res.message.hex(), "tgk": init.tgk.hex(),
            "keys": [c.to_json() for c in contexts]}


def ecies() -> dict:
    alice, bob, ta, tb = _trusts()
    offer = EciesOffer(CSB_ID, T, RAND, [key_data(TGK)], [CryptoSession(SSRC)], idi=alice, idr=bob,
                       env_key=ENV_KEY, eph=ECIES_EPH)
    init = EciesInitiator(KI, offer, trust=ta)
    res = EciesResponder(KR, tb, idr=bob).respond(init.message, T)
    _check(res)
    contexts = init.finish(res.message)
    return {"mode": "ecies", "inputs": _inputs(ki=KI, kr=KR, env_key=ENV_KEY, eph=ECIES_EPH, tgk=TGK),
            "i_message": init.message.hex(), "r_message": res.message.hex(), "tgk": TGK.hex(),
            "keys": [c.to_json() for c in contexts]}


def ecmqv() -> dict:
    alice, bob, ta, tb = _trusts()
    init = EcmqvInitiator(KI, EcmqvOffer(CSB_ID, T, RAND, [CryptoSession(SSRC)], idi=alice, idr=bob, x=XI), ta)
    res = EcmqvResponder(KR, tb, idr=bob, x=XR).respond(init.message, T)
    _check(res)
    contexts = init.finish(res.message)
    z = ecc.ecmqv(KI, XI, ecc.decode_point(ecc.point_bytes(KR)), ecc.decode_point(ecc.point_bytes(XR)))
    tgk, auth_key = shared_secret(z, 16, 1)
    return {"mode": "ecmqv", "inputs": _inputs(ki=KI, kr=KR, xi=XI, xr=XR),
            "i_message": init.message.hex(), "r_message": res.message.hex(), "z": z.hex(),
            "tgk": tgk.hex(), "auth_key": auth_key.hex(), "keys": [c.to_json() for c in contexts]}


def render() -> str:
    doc = {"about": "ECC-mode exchanges (draft-ietf-msec-mikey-ecc-03 as profiled in docs/ecc-profile.md) "
                    "with every input fixed and RFC 6979 ECDSA nonces, made by tools/make_ecc_vectors.py; "
                    "tests/host/test_ecc_vectors.py recomputes points, signatures, ECIES, ECMQV, KDF and "
                    "SRTP keys with pure-Python P-256 arithmetic, independently of the twin.",
           "vectors": [dhsign(), dhhmac_p256(), ecies(), ecmqv()]}
    return json.dumps(doc, indent=1) + "\n"


def main(argv=None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    return toolchain.write_generated(OUT, render(), check, "make_ecc_vectors.py")

if __name__ == "__main__":
    sys.exit(main())
