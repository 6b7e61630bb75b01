"""`mikey init|respond|finish dhsign-ecdsa|ecies|ecmqv` and `mikey keygen`:
the signed ECC modes from the command line (docs/ecc-profile.md). The
wiring follows `dhhmac`'s: every private value can be fixed with a hex
flag, and `init --json` reports the ones `finish` needs.

Keys: `--key` is our P-256 private key (a hex scalar, or a file holding a
PEM key or the hex scalar); `--peer ID=KEY` pins a peer's public key (SEC1
hex, or a file: PEM, DER or hex), repeatable; `--cert FILE` is our X.509
certificate (DER or PEM), sent instead of our ID; `--trust-certs` takes a
peer's certificate without a pinned key (chains are not checked).
"""

import argparse
import json
import os
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mikeyhost import ecc, sdp
from mikeyhost.cli import UsageError, secret_hex
from mikeyhost.payloads import EncrAlg, KvNull, KvSpi, SrtpPolicy

ECC_MODES = ["dhsign-ecdsa", "ecies", "ecmqv"]


def _text_or_file(value: str) -> bytes:
    if len(value) < 4096 and os.path.isfile(value):
        return Path(value).read_bytes()
    return value.encode()


def private_arg(value: str):
    """--key: a hex scalar, or a file with a PEM private key or the hex scalar."""
    data = _text_or_file(value)
    try:
        if b"-----BEGIN" in data:
            return serialization.load_pem_private_key(data, password=None).private_numbers().private_value
        return int(data.decode().strip().removeprefix("0x"), 16)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise argparse.ArgumentTypeError("--key: a P-256 private key (hex scalar or PEM file)") from None


def peer_arg(value: str):
    """--peer ID=KEY: an identity and its P-256 public key."""
    ident, sep, key = value.partition("=")
    if not sep or not ident or not key:
        raise argparse.ArgumentTypeError("--peer ID=PUBLIC_KEY (SEC1 hex, or a PEM/DER/hex file)")
    is_file = len(key) < 4096 and os.path.isfile(key)
    data = Path(key).read_bytes() if is_file else key.encode()
    try:
        if b"-----BEGIN" not in data:
            try:
                data = bytes.fromhex(data.decode().strip())
            except (ValueError, UnicodeDecodeError):
                if not is_file:
                    raise ValueError("not hex") from None  # else: a DER file
        return ident, ecc.public_key(data)
    except (ValueError, TypeError, IndexError, ecc.InvalidPoint):
        raise argparse.ArgumentTypeError(f"--peer {ident}: not a P-256 public key") from None


def cert_arg(value: str) -> bytes:
    """--cert FILE: an X.509 certificate, DER or PEM (or DER as hex)."""
    data = _text_or_file(value)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
        if not (len(value) < 4096 and os.path.isfile(value)):
            data = bytes.fromhex(data.decode())
        x509.load_der_x509_certificate(data)
        return data
    except ValueError:
        raise argparse.ArgumentTypeError("--cert: an X.509 certificate (DER or PEM file)") from None


def add_arguments(init, respond, finish) -> None:
    """The flags of the ECC modes on `init`, `respond` and `finish`."""
    for sp in (init, respond, finish):
        sp.add_argument("--key", type=private_arg, metavar="KEY",
                        help="ecc modes: our P-256 private key (hex scalar or PEM file)")
        sp.add_argument("--peer", type=peer_arg, action="append", metavar="ID=PUBKEY",
                        help="ecc modes: pin a peer's P-256 public key to its identity (repeatable)")
        sp.add_argument("--trust-certs", action="store_true",
                        help="ecc modes: take a peer's certificate key without a pinned key (no chain check)")
    for sp in (init, respond):
        sp.add_argument("--cert", type=cert_arg, metavar="FILE",
                        help="ecc modes: our X.509 certificate, sent instead of our ID")
    init.add_argument("--tgk-len", type=int, default=16, help="ecmqv: TGK length in bytes (ECCPT TGK len)")
    for sp in (init, finish):
        sp.add_argument("--env-key", type=_hex("--env-key"), help="ecies: the envelope key (init draws one)")
    init.add_argument("--ecdsa-k", type=_hex("--ecdsa-k"), help="ecc modes: a fixed ECDSA nonce (default RFC 6979)")


def _hex(what: str):
    def parse(value: str) -> bytes:
        try:
            return bytes.fromhex(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}: not hex") from None
    return parse


def _trust(args) -> ecc.Trust:
    return ecc.Trust(dict(args.peer or []), trust_certs=args.trust_certs)


def _need_key(args):
    if args.key is None:
        raise UsageError(f"{args.mode} needs --key (our P-256 private key)")
    return args.key


def _scalar(value: bytes | None):
    return int.from_bytes(value, "big") if value else None


def init(args, common) -> int:
    """`mikey init dhsign-ecdsa|ecies|ecmqv`; `common` gives ntp_now,
    identity, the CS list and the MAC table of cli.py."""
    from mikeyhost.psk import CryptoSession, identity, key_data

    key = _need_key(args)
    csb_id = int.from_bytes(args.csb_id if args.csb_id is not None else os.urandom(4), "big")
    t = args.time if args.time is not None else common["ntp_now"]()
    rand = args.rand if args.rand is not None else os.urandom(16)
    cs = args.cs or [CryptoSession(int.from_bytes(os.urandom(4), "big"))]
    idi, idr = identity(args.idi), identity(args.idr)
    policies = [args.policy or SrtpPolicy.profile_default()]
    k = _scalar(args.ecdsa_k)
    x = _scalar(args.dh_secret)
    out = {}
    try:
        if args.mode == "dhsign-ecdsa":
            from mikeyhost.dhsign import DhSignInitiator, DhSignOffer

            x = x or ecc.new_scalar()
            i = DhSignInitiator(key, DhSignOffer(csb_id, t, rand, cs, idi=idi, idr=idr, cert=args.cert, x=x, k=k,
                                                 kv=KvSpi(args.mki) if args.mki else KvNull(), policies=policies,
                                                 prf_func=args.prf), _trust(args))
            out["dh_secret"] = secret_hex(x)
        elif args.mode == "ecmqv":
            from mikeyhost.ecmqv import EcmqvInitiator, EcmqvOffer

            x = x or ecc.new_scalar()
            i = EcmqvInitiator(key, EcmqvOffer(csb_id, t, rand, cs, idi=idi, idr=idr, cert=args.cert, x=x, k=k,
                                               auth_alg=common["MAC"][args.mac], tgk_len=args.tgk_len,
                                               kv=KvSpi(args.mki) if args.mki else KvNull(), policies=policies,
                                               prf_func=args.prf), _trust(args))
            out["dh_secret"] = secret_hex(x)
        else:
            from mikeyhost.ecies import EciesInitiator, EciesOffer

            encr = {"aes-cm": EncrAlg.AES_CM_128, "aes-cm-256": EncrAlg.AES_CM_256}.get(args.encr)
            if encr is None:
                raise UsageError("ecies: --encr aes-cm or aes-cm-256")
            env_key = args.env_key or os.urandom(16)
            tgk = args.tek if args.tek is not None else args.tgk if args.tgk is not None else os.urandom(16)
            offer = EciesOffer(csb_id, t, rand, [key_data(tgk, tek=args.tek is not None, salt=args.salt, mki=args.mki)],
                               cs, idi=idi, idr=idr, cert=args.cert, v=args.verify, env_key=env_key, eph=x, k=k,
                               policies=policies, encr_alg=encr, mac_alg=common["MAC"][args.mac], prf_func=args.prf)
            i = EciesInitiator(key, offer, trust=_trust(args))
            out["env_key"] = env_key.hex()
            out["keys"] = [c.to_json() for c in i.contexts()]
    except ValueError as e:
        raise UsageError(str(e)) from None
    if args.json:
        print(json.dumps({"message": i.message.hex(), **out}, indent=1))
    else:
        print(sdp.format_attribute(i.message) if args.sdp else i.message.hex())
    return 0


def responder(args):
    from mikeyhost.psk import identity
    from mikeyhost.replay import ReplayCache

    key = _need_key(args)
    kw = dict(trust=_trust(args), idr=identity(args.idr), peer_idi=identity(args.expect_idi),
              replay=ReplayCache(window=args.window))
    if args.mode == "dhsign-ecdsa":
        from mikeyhost.dhsign import DhSignResponder

        return DhSignResponder(key, cert=args.cert, x=_scalar(args.dh_secret), **kw)
    if args.mode == "ecmqv":
        from mikeyhost.ecmqv import EcmqvResponder

        return EcmqvResponder(key, cert=args.cert, x=_scalar(args.dh_secret), **kw)
    from mikeyhost.ecies import EciesResponder

    if args.cert is not None:
        raise UsageError("ecies: the R_MESSAGE carries no certificate (HDR, T, [IDr], V)")
    return EciesResponder(key, **kw)


def initiator(args, data: bytes):
    key = _need_key(args)
    if args.mode == "ecies":
        from mikeyhost.ecies import EciesInitiator

        if args.env_key is None:
            raise UsageError("ecies finish needs --env-key (init --json reports it)")
        return EciesInitiator.from_message(key, data, args.env_key, _trust(args))
    if args.dh_secret is None:
        raise UsageError(f"{args.mode} finish needs --dh-secret (the ephemeral scalar init used)")
    if args.mode == "dhsign-ecdsa":
        from mikeyhost.dhsign import DhSignInitiator

        return DhSignInitiator.from_message(key, data, _scalar(args.dh_secret), _trust(args))
    from mikeyhost.ecmqv import EcmqvInitiator

    return EcmqvInitiator.from_message(key, data, _scalar(args.dh_secret), _trust(args))


def add_keygen(sub) -> None:
    kg = sub.add_parser("keygen", help="make a P-256 key pair (and a self-signed certificate)")
    kg.add_argument("--key", type=private_arg, metavar="KEY", help="use this private key instead of a new one")
    kg.add_argument("--cert", metavar="ID", help="also make a self-signed X.509 certificate naming ID")
    kg.add_argument("--out", metavar="PREFIX",
                    help="write PREFIX.key (PEM), PREFIX.pub (SEC1 hex) and PREFIX.der (with --cert)")
    kg.add_argument("--json", action="store_true")
    kg.set_defaults(func=keygen)


def keygen(args) -> int:
    d = args.key if args.key is not None else ecc.new_scalar()
    try:
        key = ecc.private_key(d)
    except ValueError as e:
        raise UsageError(str(e)) from None
    pub = ecc.point_bytes(key)
    cert = ecc.self_signed_cert(key, args.cert) if args.cert else None
    if args.out:
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        Path(args.out + ".key").write_bytes(pem)
        os.chmod(args.out + ".key", 0o600)
        Path(args.out + ".pub").write_text(pub.hex() + "\n")
        if cert is not None:
            Path(args.out + ".der").write_bytes(cert)
        print(f"wrote {args.out}.key, {args.out}.pub" + (f", {args.out}.der" if cert else ""), file=sys.stderr)
    if args.json:
        out = {"private": f"{ecc.scalar(key):064x}", "public": pub.hex()}
        if cert is not None:
            out["cert"] = cert.hex()
        print(json.dumps(out, indent=1))
    elif not args.out:
        print(f"private {ecc.scalar(key):064x}\npublic  {pub.hex()}" + (f"\ncert    {cert.hex()}" if cert else ""))
    return 0
