"""The project's DH-HMAC (RFC 4650) known answers: tests/vectors/dhhmac.json.

For each OAKLEY group (5, 1, 2) one exchange with every input fixed (PSK,
CSB ID, RAND, T, identities, crypto session, both private exponents): the
I_MESSAGE and R_MESSAGE bytes the twin makes, the TGK, and the SRTP
contexts. tests/host/test_dhhmac.py recomputes the TGK with pow() and the
MACs and keys with the `cryptography` HMAC (tests/reference.py), and checks
that the twin reproduces every byte; `--check` fails when the file is stale.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "vectors" / "dhhmac.json"

from mikeyhost.dhhmac import DhInitiator, DhOffer, DhResponder  # noqa: E402
from mikeyhost.psk import CryptoSession, identity  # noqa: E402

import toolchain  # noqa: E402

PSK = bytes(range(0x30, 0x40))
T = 0xE9000000_80000000  # NTP-UTC, 2023-12-21, half a second
# Fixed private exponents: 256-bit, top bit set (obviously synthetic).
XI = int("c0ffee" * 10 + "0001", 16)
XR = int("deadbeef" * 8, 16)


def exchange(group: int) -> dict:
    offer = DhOffer(csb_id=0x4D494B45, t=T, rand=bytes(range(0xA0, 0xB0)),
                    idi=identity("alice@example.org"), idr=identity("sip:bob@example.org"),
                    cs=[CryptoSession(0x01020304, 0, 0)], group=group, x=XI)
    init = DhInitiator(PSK, offer)
    resp = DhResponder(PSK, identity("sip:bob@example.org"), x=XR)
    res = resp.respond(init.message, T)
    if res.error is not None:
        raise SystemExit(f"make_dh_vectors: {res.error}")
    contexts = init.finish(res.message)
    return {
        "group": group,
        "inputs": {"psk": PSK.hex(), "csb_id": "4d494b45", "rand": offer.rand.hex(), "t": f"{T:016x}",
                   "idi": "alice@example.org", "idr": "sip:bob@example.org", "ssrc": "01020304",
                   "xi": f"{XI:064x}", "xr": f"{XR:064x}"},
        "i_message": init.message.hex(),
        "r_message": res.message.hex(),
        "tgk": init.tgk.hex(),
        "keys": [c.to_json() for c in contexts],
    }


def render() -> str:
    doc = {"about": "DH-HMAC (RFC 4650) exchanges with every input fixed, made by "
                    "tools/make_dh_vectors.py; tests/host/test_dhhmac.py recomputes the TGK with pow() "
                    "and the MACs and SRTP keys with the cryptography HMAC, independently of the twin.",
           "vectors": [exchange(g) for g in (0, 1, 2)]}
    return json.dumps(doc, indent=1) + "\n"


def main(argv=None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    return toolchain.write_generated(OUT, render(), check, "make_dh_vectors.py")

if __name__ == "__main__":
    sys.exit(main())
