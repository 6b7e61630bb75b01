"""The `mikey` command line: inspect MIKEY messages and run the PSK and
NULL exchanges from a PC, with every random and time input fixable so that
known-answer vectors can be made.

Protocol errors exit with status 1 and one line on stderr. Keys appear in
readable output only with --show-keys; JSON output carries them (it is what
tools consume: docs/profile.md, "SRTP contexts").
"""

import argparse
import base64
import binascii
import json
import os
import re
import sys
import time
from pathlib import Path

from mikeyhost import __version__, sdp
from mikeyhost.errors import MikeyError, PeerError
from mikeyhost.payloads import EncrAlg, MacAlg, SrtpPolicy, decode_message
from mikeyhost.render import render_tree, to_json
from mikeyhost.replay import ReplayCache

UNIX_TO_NTP = 2208988800  # seconds from 1900-01-01 to 1970-01-01


class UsageError(Exception):
    """Bad command-line input (exit status 2)."""


def secret_hex(x: int) -> str:
    """A private value as `init --json` prints it for `finish --dh-secret`:
    whole bytes, at least 32 (a value with a leading zero nibble printed
    as an odd number of hex digits would not read back)."""
    return x.to_bytes(max(32, -(-x.bit_length() // 8)), "big").hex()


# -- inputs --------------------------------------------------------------------------

_HEX = re.compile(r"^[0-9a-fA-F\s:]+$")


def parse_message_text(text: str) -> bytes:
    """A MIKEY message written as hex, base64, an SDP a=key-mgmt line, a
    whole SDP description or an RTSP KeyMgmt header value."""
    text = text.strip()
    if not text:
        raise UsageError("empty message")
    if "key-mgmt:" in text:
        lines = [ln for ln in text.splitlines() if "key-mgmt:" in ln]
        return sdp.parse_attribute(lines[0][lines[0].index("key-mgmt:") - (2 if "a=key-mgmt:" in lines[0] else 0):]).data
    if text.startswith("prot=") or text.lower().startswith("keymgmt:"):
        return sdp.parse_rtsp_header(text.split(":", 1)[1] if text.lower().startswith("keymgmt:") else text)[0][2]
    compact = re.sub(r"[\s:]", "", text)
    if _HEX.match(text) and len(compact) % 2 == 0:
        return bytes.fromhex(compact)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise UsageError("message is not hex, base64, an SDP key-mgmt line or a KeyMgmt header") from None


def read_message(arg: str | None) -> bytes:
    """MESSAGE argument: text as above, a file (binary or text), or stdin
    when absent or '-'."""
    if arg is None or arg == "-":
        raw = sys.stdin.buffer.read()
    elif len(arg) < 4096 and os.path.isfile(arg):
        raw = Path(arg).read_bytes()
    else:
        return parse_message_text(arg)
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return raw  # a binary message
    if raw[:1] == b"\x01" and not text.isprintable():
        return raw
    return parse_message_text(text)


def hex_arg(what: str, length: int | None = None):
    def parse(value: str) -> bytes:
        try:
            b = bytes.fromhex(value.replace(":", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}: not hex") from None
        if length is not None and len(b) != length:
            raise argparse.ArgumentTypeError(f"{what}: {length} bytes expected, got {len(b)}")
        return b
    return parse


def ntp64(value: str) -> int:
    v = value.lower().removeprefix("0x")
    if not re.fullmatch(r"[0-9a-f]{1,16}", v):
        raise argparse.ArgumentTypeError("NTP timestamp: up to 16 hex digits (seconds << 32 | fraction)")
    return int(v, 16)


def ntp_now() -> int:
    t = time.time()
    return (int(t) + UNIX_TO_NTP) % (1 << 32) << 32 | int((t % 1) * (1 << 32))


def cs_arg(value: str):
    from mikeyhost.psk import CryptoSession

    parts = value.split(":")
    if not 1 <= len(parts) <= 3:
        raise argparse.ArgumentTypeError("--cs SSRC[:ROC[:POLICY]]")
    try:
        ssrc = int(parts[0], 16)
        roc = int(parts[1]) if len(parts) > 1 else 0
        policy = int(parts[2]) if len(parts) > 2 else 0
    except ValueError:
        raise argparse.ArgumentTypeError("--cs SSRC (hex)[:ROC (decimal)[:POLICY no]]") from None
    if not (0 <= ssrc < 1 << 32 and 0 <= roc < 1 << 32 and 0 <= policy < 256):
        raise argparse.ArgumentTypeError("--cs values out of range")
    return CryptoSession(ssrc, roc, policy)


# Names accepted by --policy, mapped to SrtpPolicy fields (RFC 3830 Table 6.10.1.a).
POLICY_NAMES = {
    "cipher": ("encr_alg", {"null": 0, "aes-cm": 1, "aes-f8": 2}),
    "key_len": ("encr_key_len", None), "auth": ("auth_alg", {"null": 0, "hmac-sha1": 1}),
    "auth_key_len": ("auth_key_len", None), "salt_len": ("salt_key_len", None),
    "kdr": ("kdr", None), "srtp_encryption": ("srtp_encr", None), "srtcp_encryption": ("srtcp_encr", None),
    "srtp_auth": ("srtp_auth", None), "tag_len": ("auth_tag_len", None), "prefix_len": ("prefix_len", None),
    "fec_order": ("fec_order", None),
}


def policy_arg(value: str) -> SrtpPolicy:
    pol = SrtpPolicy.profile_default()
    for item in filter(None, value.split(",")):
        k, _, v = item.partition("=")
        if k not in POLICY_NAMES or not v:
            raise argparse.ArgumentTypeError(f"--policy: {k!r}; known: {', '.join(POLICY_NAMES)}")
        field, names = POLICY_NAMES[k]
        try:
            setattr(pol, field, names[v.lower()] if names and v.lower() in names else int(v, 0))
        except (KeyError, ValueError):
            raise argparse.ArgumentTypeError(f"--policy {k}={v}") from None
    return pol


ENCR = {"aes-cm": EncrAlg.AES_CM_128, "aes-kw": EncrAlg.AES_KW_128, "aes-cm-256": EncrAlg.AES_CM_256}
MAC = {"sha1": MacAlg.HMAC_SHA_1_160, "sha256": MacAlg.HMAC_SHA_256_256}


# -- outputs -------------------------------------------------------------------------


def contexts_text(contexts, show_keys: bool) -> str:
    lines = []
    for c in contexts:
        p = c.policy
        key = c.master_key.hex() if show_keys else "*" * 8
        salt = c.master_salt.hex() if show_keys else "*" * 8
        lines.append(f"CS {c.cs_id}: SSRC {c.ssrc:08x} ROC {c.roc} MKI {c.mki.hex() if c.mki else '-'}  "
                     f"{p['cipher']}/{p['auth']} tag {p['tag_len']}  master key {key}  salt {salt}")
    if contexts and not show_keys:
        lines.append("(keys hidden: --show-keys shows them)")
    return "\n".join(lines)


def keys_json(contexts) -> list:
    return [c.to_json(show_keys=True) for c in contexts]


# -- commands ------------------------------------------------------------------------


def cmd_decode(args) -> int:
    data = read_message(args.message)
    contexts, tolerated = None, None
    if args.psk is not None or args.protected:
        from mikeyhost.psk import open_i_message

        decoded, contexts, tolerated = open_i_message(data, args.psk, protected=args.protected)
    else:
        decoded = decode_message(data, tolerant=True)
    if args.json:
        out = to_json(decoded, show_keys=True)
        if tolerated is not None:
            out["tolerated"] = tolerated
        if contexts is not None:
            out["keys"] = keys_json(contexts)
        print(json.dumps(out, indent=1))
    else:
        print(render_tree(decoded, show_keys=args.show_keys))
        if tolerated or decoded.tolerated:
            print("tolerated: " + ", ".join(tolerated or decoded.tolerated))
        if contexts is not None:
            print(contexts_text(contexts, args.show_keys))
    return 0


def _offer(args):
    from mikeyhost.psk import CryptoSession, Offer, identity, key_data

    null = args.mode == "null"
    if not null and args.psk is None:
        raise UsageError("psk mode needs --psk")
    key = args.tek if args.tek is not None else args.tgk if args.tgk is not None else os.urandom(16)
    return Offer(
        csb_id=int.from_bytes(args.csb_id if args.csb_id is not None else os.urandom(4), "big"),
        t=args.time if args.time is not None else ntp_now(),
        rand=args.rand if args.rand is not None else os.urandom(16),
        keys=[key_data(key, tek=args.tek is not None, salt=args.salt, mki=args.mki)],
        cs=args.cs or [CryptoSession(int.from_bytes(os.urandom(4), "big"))],
        idi=identity(args.idi), idr=identity(args.idr),
        policies=[args.policy or SrtpPolicy.profile_default()], v=args.verify,
        encr_alg=EncrAlg.NULL if null else ENCR[args.encr], mac_alg=MacAlg.NULL if null else MAC[args.mac],
        prf_func=args.prf)


GROUPS = {5: 0, 1: 1, 2: 2}  # OAKLEY group -> DH-Group (RFC 3830 Table 6.4)
ECC_MODES = ["dhsign-ecdsa", "ecies", "ecmqv"]  # mikeyhost.cli_ecc (docs/ecc-profile.md)
MODES = ["psk", "null", "dhhmac", "dhhmac-p256"] + ECC_MODES


def cmd_init_dhhmac(args) -> int:
    from mikeyhost.dhhmac import DhInitiator, DhOffer, new_secret
    from mikeyhost.psk import CryptoSession, identity

    if args.psk is None or args.idr is None:
        raise UsageError("dhhmac needs --psk and --idr (RFC 4650 §3: the Initiator names the Responder)")
    group = 10 if args.mode == "dhhmac-p256" else GROUPS[args.group]  # P-256: profile extension
    x = int.from_bytes(args.dh_secret, "big") if args.dh_secret else new_secret(group)
    offer = DhOffer(csb_id=int.from_bytes(args.csb_id if args.csb_id is not None else os.urandom(4), "big"),
                    t=args.time if args.time is not None else ntp_now(),
                    rand=args.rand if args.rand is not None else os.urandom(16),
                    idi=identity(args.idi), idr=identity(args.idr),
                    cs=args.cs or [CryptoSession(int.from_bytes(os.urandom(4), "big"))],
                    group=group, x=x, policies=[args.policy or SrtpPolicy.profile_default()],
                    mac_alg=MAC[args.mac], prf_func=args.prf, sdp_ids=args.sdp_ids)
    init = DhInitiator(args.psk, offer)
    if args.json:
        print(json.dumps({"message": init.message.hex(), "dh_secret": secret_hex(x)}, indent=1))
    else:
        print(sdp.format_attribute(init.message) if args.sdp else init.message.hex())
    return 0


def cmd_init(args) -> int:
    from mikeyhost.psk import Initiator

    if args.mode in ("dhhmac", "dhhmac-p256"):
        return cmd_init_dhhmac(args)
    if args.mode in ECC_MODES:
        from mikeyhost import cli_ecc

        return cli_ecc.init(args, {"ntp_now": ntp_now, "MAC": MAC})
    init = Initiator(args.psk if args.mode == "psk" else None, _offer(args))
    if args.json:
        print(json.dumps({"message": init.message.hex(), "keys": keys_json(init.contexts())}, indent=1))
    else:
        print(sdp.format_attribute(init.message) if args.sdp else init.message.hex())
        if args.show_keys:
            print(contexts_text(init.contexts(), True), file=sys.stderr)
    return 0


def cmd_respond(args) -> int:
    from mikeyhost.psk import Responder, identity

    if args.mode in ("psk", "dhhmac", "dhhmac-p256") and args.psk is None:
        raise UsageError(f"{args.mode} mode needs --psk")
    if args.mode in ECC_MODES:
        from mikeyhost import cli_ecc

        r = cli_ecc.responder(args)
    elif args.mode in ("dhhmac", "dhhmac-p256"):
        from mikeyhost.dhhmac import DhResponder

        if args.idr is None:
            raise UsageError("dhhmac needs --idr (our identity, which the I_MESSAGE must name)")
        r = DhResponder(args.psk, identity(args.idr), peer_idi=identity(args.expect_idi),
                        replay=ReplayCache(window=args.window), tolerant=args.tolerant,
                        sdp_ids=args.sdp_ids, p256=args.mode == "dhhmac-p256",
                        x=int.from_bytes(args.dh_secret, "big") if args.dh_secret else None)
    else:
        r = Responder(args.psk, idr=identity(args.idr), expect_idi=identity(args.expect_idi),
                      replay=ReplayCache(window=args.window), protected=args.protected or args.mode == "null",
                      tolerant=args.tolerant, minisip_v=args.minisip_v)
    res = r.respond(read_message(args.message), args.now if args.now is not None else ntp_now())
    if args.json:
        print(json.dumps({"message": res.message.hex() if res.message else None,
                          "keys": keys_json(res.contexts), "tolerated": res.tolerated,
                          "error": None if res.error is None else
                          {"code": int(res.error.code), "reason": str(res.error)}}, indent=1))
    else:
        if res.message is not None:
            print(sdp.format_attribute(res.message) if args.sdp else res.message.hex())
        if res.contexts:
            print(contexts_text(res.contexts, args.show_keys), file=sys.stderr)
        if res.tolerated:
            print("tolerated: " + ", ".join(res.tolerated), file=sys.stderr)
        if res.message is None and res.error is None:
            print("no response: the Initiator asked for no verification message (V = 0)", file=sys.stderr)
    if res.error is not None:
        print(f"mikey respond: {_reason(res.error)}", file=sys.stderr)
        return 1
    return 0


def cmd_finish(args) -> int:
    from mikeyhost.psk import Initiator, identity

    try:
        if args.mode in ECC_MODES:
            from mikeyhost import cli_ecc

            init = cli_ecc.initiator(args, read_message(args.init))
        elif args.mode in ("dhhmac", "dhhmac-p256"):
            from mikeyhost.dhhmac import DhInitiator

            if args.psk is None or args.dh_secret is None:
                raise UsageError("dhhmac finish needs --psk and --dh-secret (the private exponent init used)")
            init = DhInitiator.from_message(args.psk, read_message(args.init),
                                            int.from_bytes(args.dh_secret, "big"))
        else:
            init = Initiator.from_message(args.psk if args.mode == "psk" else None, read_message(args.init),
                                          minisip_v=args.minisip_v)
    except ValueError as e:  # the message and the private value given do not belong together
        raise UsageError(str(e)) from None
    contexts = init.finish(read_message(args.message), expect_idr=identity(args.expect_idr))
    if args.json:
        print(json.dumps({"keys": keys_json(contexts)}, indent=1))
    else:
        print(contexts_text(contexts, args.show_keys))
    return 0


def _reason(e: MikeyError) -> str:
    if isinstance(e, PeerError):
        return f"the peer answered with Error no {', '.join(str(int(c)) for c in e.codes)}"
    return f"{type(e).__name__} (Error no {int(e.code)}): {e}"


# -- parser --------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mikey",
        description="MIKEY (RFC 3830) key management: the PC side of the device firmware.")
    p.add_argument("--version", action="version", version=f"mikey {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(sp, message=True):
        sp.add_argument("--json", action="store_true", help="machine-readable output (keys included)")
        sp.add_argument("--show-keys", action="store_true", help="show key material in readable output")
        if message:
            sp.add_argument("message", nargs="?", metavar="MESSAGE",
                            help="hex, base64, an SDP a=key-mgmt line or a file; none or - reads stdin")

    d = sub.add_parser("decode", help="show a MIKEY message as a tree (or JSON)")
    d.add_argument("--psk", type=hex_arg("--psk"), help="pre-shared key: decrypt the KEMAC, check the MAC")
    d.add_argument("--protected", action="store_true",
                   help="the transport was protected: open a MIKEY-NULL message's keys")
    common(d)
    d.set_defaults(func=cmd_decode)

    i = sub.add_parser("init", help="make an I_MESSAGE")
    i.add_argument("mode", choices=MODES)
    i.add_argument("--psk", type=hex_arg("--psk"))
    i.add_argument("--csb-id", type=hex_arg("--csb-id", 4))
    i.add_argument("--rand", type=hex_arg("--rand"))
    i.add_argument("--time", type=ntp64, metavar="NTP64HEX")
    i.add_argument("--idi", metavar="ID")
    i.add_argument("--idr", metavar="ID")
    i.add_argument("--cs", type=cs_arg, action="append", metavar="SSRC[:ROC[:POLICY]]")
    keys = i.add_mutually_exclusive_group()
    keys.add_argument("--tgk", type=hex_arg("--tgk"))
    keys.add_argument("--tek", type=hex_arg("--tek"))
    i.add_argument("--salt", type=hex_arg("--salt"))
    i.add_argument("--mki", type=hex_arg("--mki"))
    i.add_argument("--policy", type=policy_arg, metavar="K=V,...",
                   help="SRTP policy over the default: " + ", ".join(POLICY_NAMES))
    i.add_argument("--verify", action="store_true", help="ask for a verification message (V flag)")
    i.add_argument("--encr", choices=sorted(ENCR), default="aes-cm")
    i.add_argument("--mac", choices=sorted(MAC), default="sha1")
    i.add_argument("--prf", type=int, choices=[0, 1], default=0, help="0 MIKEY-1, 1 PRF-HMAC-SHA-256")
    i.add_argument("--sdp", action="store_true", help="print as an SDP a=key-mgmt line")
    i.add_argument("--group", type=int, choices=[5, 1, 2], default=5, help="dhhmac: OAKLEY group")
    i.add_argument("--dh-secret", type=hex_arg("--dh-secret"),
                   help="dhhmac: the private exponent (hex; drawn at random when absent, and then "
                        "reported in --json output: finish needs it)")
    i.add_argument("--sdp-ids", metavar="KMPIDS", help="dhhmac: the SDP's key management IDs, e.g. mikey")
    common(i, message=False)
    i.set_defaults(func=cmd_init)

    r = sub.add_parser("respond", help="answer an I_MESSAGE (R_MESSAGE or Error message)")
    r.add_argument("mode", choices=MODES)
    r.add_argument("--psk", type=hex_arg("--psk"))
    r.add_argument("--idr", metavar="ID", help="our identity")
    r.add_argument("--expect-idi", metavar="ID", help="refuse an Initiator with another IDi")
    r.add_argument("--now", type=ntp64, metavar="NTP64HEX", help="the time to judge T against")
    r.add_argument("--window", type=int, default=300, help="replay window in seconds (default 300)")
    r.add_argument("--protected", action="store_true", help="the transport is protected (MIKEY-NULL allowed)")
    r.add_argument("--tolerant", action="store_true", help="accept the deployed quirks (docs/profile.md)")
    r.add_argument("--minisip-v", action="store_true", help="V without identities, as minisip")
    r.add_argument("--sdp", action="store_true")
    r.add_argument("--dh-secret", type=hex_arg("--dh-secret"),
                   help="dhhmac: our private exponent; dhhmac-p256, dhsign-ecdsa, ecmqv: our ephemeral scalar (hex)")
    r.add_argument("--sdp-ids", metavar="KMPIDS", help="dhhmac: the KMPIDs of the SDP the message came in")
    common(r)
    r.set_defaults(func=cmd_respond)

    f = sub.add_parser("finish", help="check the R_MESSAGE and print the keys")
    f.add_argument("mode", choices=MODES)
    f.add_argument("--psk", type=hex_arg("--psk"))
    f.add_argument("--init", required=True, metavar="I_MESSAGE")
    f.add_argument("--expect-idr", metavar="ID")
    f.add_argument("--minisip-v", action="store_true")
    f.add_argument("--dh-secret", type=hex_arg("--dh-secret"),
                   help="dhhmac: the private exponent init used; dhhmac-p256, dhsign-ecdsa, ecmqv: the ephemeral scalar")
    common(f)
    f.set_defaults(func=cmd_finish)
    from mikeyhost import cli_ecc

    cli_ecc.add_arguments(i, r, f)
    cli_ecc.add_keygen(sub)

    ux = sub.add_parser("exchange", help="run an exchange with a device over UDP (port 2269, RFC 5197 §6)")
    ux.add_argument("mode", choices=["psk"])
    ux.add_argument("--udp", required=True, metavar="HOST[:PORT]")
    ux.add_argument("--psk", type=hex_arg("--psk"), required=True)
    ux.add_argument("--cs", type=cs_arg, action="append", metavar="SSRC[:ROC[:POLICY]]")
    ux.add_argument("--idi", metavar="ID")
    ux.add_argument("--timeout", type=float, default=2.0, help="seconds per attempt (3 attempts)")
    ux.add_argument("--json", action="store_true")
    ux.add_argument("--show-keys", action="store_true")
    ux.set_defaults(func=cmd_exchange_udp)

    dv = sub.add_parser("device", help="a device agent over its serial line (docs/serial-protocol.md)")
    dsub = dv.add_subparsers(dest="device_command", metavar="SUBCOMMAND", required=True)

    def port(sp):
        sp.add_argument("--port", required=True,
                        help="the board's serial port (e.g. /dev/ttyACM0), or 'sim' for the simulated board")

    port(dsub.add_parser("info", help="firmware, board, modes, heap, what is provisioned"))
    pv = dsub.add_parser("provision", help="store settings on the device (never read back)")
    port(pv)
    pv.add_argument("--psk", type=hex_arg("--psk"))
    pv.add_argument("--identity", metavar="ID", help="the device's own identity (IDi/IDr)")
    pv.add_argument("--peer-identity", metavar="ID")
    pv.add_argument("--window", type=int, help="replay window, seconds")
    pv.add_argument("--proxy", metavar="HOST[:PORT]", help="the trusted time proxy")
    pv.add_argument("--time-key", type=hex_arg("--time-key"),
                    help="authenticates the clock: NTP with the proxy, TIME over the link (docs/clock.md)")
    pv.add_argument("--time-key-id", type=int, help="the time key's id in the proxy's keyfile (default 1)")
    pv.add_argument("--time-mac", choices=["sha1", "aes128"], help="the time key's type in the keyfile")
    pv.add_argument("--max-step", type=int, help="seconds a proxy sync may step the clock (default 600)")
    pv.add_argument("--report-keys", action=argparse.BooleanOptionalAction, default=None,
                    help="whether KEYS may report SRTP keys over the link")
    pv.add_argument("--protected", action=argparse.BooleanOptionalAction, default=None,
                    help="the Initiators reach the device over TLS/RTSPS: MIKEY-NULL allowed")
    pv.add_argument("--tolerant", action=argparse.BooleanOptionalAction, default=None,
                    help="accept the deployed quirks (docs/profile.md)")
    pv.add_argument("--p256", action=argparse.BooleanOptionalAction, default=None,
                    help="accept DH-HMAC over P-256, a profile extension (docs/ecc-profile.md)")
    pv.add_argument("--peer-key", type=_device_peer_key, action="append", metavar="ID=PUBHEX",
                    help="pin a peer's P-256 public key (SEC1 hex) to its identity, for the ECC modes; repeatable")
    kg = dsub.add_parser("keygen", help="the device's P-256 key pair, made on the device: prints its public key")
    port(kg)
    kg.add_argument("--new", action="store_true", help="replace the device's key pair")
    ex = dsub.add_parser("exchange", help="run an exchange with the device; compare both ends' keys")
    port(ex)
    ex.add_argument("mode", choices=["psk", "null", "dhhmac", "dhhmac-p256", "dhsign-ecdsa", "ecies", "ecmqv"],
                    help="null: MIKEY-NULL, for a device provisioned with --protected; dhhmac: RFC 4650, "
                         "for a device provisioned with --identity (and --peer-identity to initiate); "
                         "dhhmac-p256: over P-256, for a device provisioned with --p256 too; "
                         "dhsign-ecdsa, ecies, ecmqv: the ECC modes, for a device with a key pair (keygen) "
                         "and this PC's public key pinned (provision --peer-key)")
    ex.add_argument("--psk", type=hex_arg("--psk"), help="the PSK provisioned on the device (psk, dhhmac)")
    ex.add_argument("--group", type=int, choices=[5, 1, 2], default=5,
                    help="dhhmac: the OAKLEY group (default 5)")
    ex.add_argument("--device-id", metavar="ID", help="dhhmac, ECC: the device's identity (its --identity)")
    ex.add_argument("--host-id", metavar="ID",
                    help="dhhmac, ECC: this PC's identity (the device's --peer-identity)")
    ex.add_argument("--key", type=cli_ecc.private_arg, metavar="KEY",
                    help="ECC: this PC's P-256 private key (hex scalar or PEM file)")
    ex.add_argument("--initiator", choices=["host", "device"], default="host")
    ex.add_argument("--cs", type=cs_arg, action="append", metavar="SSRC[:ROC[:POLICY]]")
    ex.add_argument("--no-verify", action="store_true", help="do not ask for a verification message")
    ex.add_argument("--json", action="store_true")
    ex.add_argument("--show-keys", action="store_true")
    ex.add_argument("--time-key", help="hex: to set the device's clock when it has none")
    ks = dsub.add_parser("keys", help="the SRTP contexts of a CSB on the device")
    port(ks)
    ks.add_argument("--csb-id", type=hex_arg("--csb-id", 4), required=True)
    tm = dsub.add_parser("time", help="read the device's clock, or set it")
    port(tm)
    g = tm.add_mutually_exclusive_group()
    g.add_argument("--sync", action="store_true", help="set it from this PC's clock")
    g.add_argument("--set", type=ntp64, metavar="NTP64HEX")
    tm.add_argument("--time-key", help="hex: the device's time key (or MIKEY_TIME_KEY)")
    tm.add_argument("--allow-step", action="store_true",
                    help="the operator consents to a step beyond max_step: of this set, or else of the next proxy sync")
    bn = dsub.add_parser("bench", help="run a benchmark on the device")
    port(bn)
    bn.add_argument("name", nargs="?", default="psk", choices=["psk", "r", "echo"],
                    help="psk: an exchange on the device in R units measured there; r: R alone")
    port(dsub.add_parser("repl", help="end the agent: the line goes back to the REPL"))
    dv.set_defaults(func=cmd_device)
    from mikeyhost import timeproxy

    timeproxy.add_parser(sub)
    return p


def _device_peer_key(value: str) -> tuple:
    """--peer-key ID=PUBHEX for `mikey device provision`: (ID, SEC1 hex)."""
    from mikeyhost import cli_ecc, ecc

    ident, key = cli_ecc.peer_arg(value)
    return ident, ecc.point_bytes(key).hex()


def cmd_exchange_udp(args) -> int:
    """PSK over UDP: our I_MESSAGE to HOST:PORT, its answer checked."""
    import socket

    from mikeyhost.psk import CryptoSession, Initiator, Offer, identity, key_data

    host, _, port = args.udp.rpartition(":") if ":" in args.udp else (args.udp, "", "2269")
    offer = Offer(csb_id=int.from_bytes(os.urandom(4), "big"), t=ntp_now(), rand=os.urandom(16),
                  keys=[key_data(os.urandom(16))],
                  cs=args.cs or [CryptoSession(int.from_bytes(os.urandom(4), "big"))], v=True,
                  idi=identity(args.idi))
    init = Initiator(args.psk, offer)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(args.timeout)
        for _ in range(3):
            s.sendto(init.message, (host, int(port)))
            try:
                answer, _peer = s.recvfrom(4096)
                break
            except TimeoutError:
                continue
        else:
            print(f"mikey exchange: no answer from {host}:{port}", file=sys.stderr)
            return 1
    contexts = init.finish(answer)
    if args.json:
        print(json.dumps({"csb_id": f"{offer.csb_id:08x}", "keys": keys_json(contexts)}, indent=1))
    else:
        print(contexts_text(contexts, args.show_keys))
    return 0


def cmd_device(args) -> int:
    from mikeyhost import device

    try:
        return device.run(args)
    except device.errors() as e:
        print(f"mikey device {args.device_command}: {e}", file=sys.stderr)
        return 1


def main(argv=None) -> int:
    parser = build_parser()
    # "respond MODE [options] MESSAGE": argparse fills both positionals at
    # MODE, so a MESSAGE after the options arrives as a leftover.
    args, extra = parser.parse_known_args(argv)
    if extra:
        if len(extra) == 1 and not extra[0].startswith("-") and getattr(args, "message", "") is None:
            args.message = extra[0]
        else:
            parser.error("unrecognized arguments: " + " ".join(extra))
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except BrokenPipeError:
        sys.stderr.close()  # output cut short by the reader (| head): not an error
        return 0
    except UsageError as e:
        print(f"mikey {args.command}: {e}", file=sys.stderr)
        return 2
    except MikeyError as e:
        print(f"mikey {args.command}: {_reason(e)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
