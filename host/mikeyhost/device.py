"""`mikey device …`: a device agent over its serial line (docs/serial-protocol.md)
— information, provisioning, exchanges in either direction with the keys of
both ends compared, SRTP contexts, time, benchmarks, back to the REPL.

`--port sim` starts the simulated board (mikeyhost.sim): the MicroPython
unix port running the same agent code on a pseudo-terminal.
"""

import contextlib
import json
import os
import sys
import time

from mikeyhost.errors import ErrorNo, MikeyError
from mikeyhost.link import DeviceError, Link, LinkTimeout, SerialStream
from mikeyhost.psk import CryptoSession, Initiator, Offer, Responder, identity, key_data
from mikeyhost.replay import ReplayCache

UNIX_TO_NTP = 2208988800


def ntp_now() -> int:
    t = time.time()
    return (int(t) + UNIX_TO_NTP) % (1 << 32) << 32 | int((t % 1) * (1 << 32))


@contextlib.contextmanager
def connect(port: str, *, verbose: bool = True):
    """A Link to the agent at `port` (a serial device, a pty path, or "sim")."""
    board = None
    if port == "sim":
        from mikeyhost import sim

        sim.install(sim.DEFAULT_FLASH)
        board = sim.SimBoard(sim.DEFAULT_FLASH)
        port = board.start()
    stream = SerialStream(port)
    log = (lambda text: print(f"device: {text}", file=sys.stderr)) if verbose else None
    try:
        link = Link(stream, on_log=log)
        if board is not None:
            _await_agent(link)
            link.sim_flash = board.flash
        yield link
    finally:
        stream.close()
        if board is not None:
            board.stop()


def _await_agent(link: Link, seconds: float = 10) -> None:
    """The simulated board boots into its agent: wait for a HELLO answer."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            link.request(0x01, timeout=0.5)
            return
        except LinkTimeout:
            if time.monotonic() > deadline:
                raise


class Progress:
    """Elapsed time on stderr while a long device operation runs."""

    def __init__(self, what: str):
        self.what = what
        self.start = time.monotonic()
        self.shown = False

    def __call__(self):
        t = time.monotonic() - self.start
        if t > 1 and sys.stderr.isatty():
            print(f"\r{self.what}: {t:.0f} s", end="", file=sys.stderr, flush=True)
            self.shown = True

    def done(self):
        if self.shown:
            print(file=sys.stderr)


def ensure_time(link: Link) -> None:
    """The device judges T against its clock: when it has none (no proxy
    sync yet), set it from this PC's over the link, authenticated with the
    device's time key (link.time_key: --time-key, MIKEY_TIME_KEY, or on the
    simulated board its own flash)."""
    caps = link.hello()
    if caps.get("clock"):
        return
    if link.time_key is None:
        link.time_key = _sim_time_key(link, caps)
    if link.time_key is None:
        raise ValueError("the device's clock is not set: give its time key (--time-key or MIKEY_TIME_KEY), "
                         "or let it sync from its time proxy (docs/clock.md)")
    link.time(ntp_now)


def _sim_time_key(link: Link, caps: dict) -> bytes | None:
    """The simulated board's time key, read from its flash (a directory of
    this PC); one is provisioned when it has none. None for a real board."""
    flash = getattr(link, "sim_flash", None)
    if flash is None:
        return None
    if "time_key" in caps.get("provisioned", ()):
        return bytes.fromhex(json.loads((flash / "mikey.json").read_text())["time_key"])
    key = os.urandom(16)
    link.provision({"time_key": key.hex()})
    return key


# What a refusal most often means when the PC keys a device it provisioned
_REFUSAL_HINTS = {
    ErrorNo.AUTH_FAILURE: "does the device hold this PSK? (mikey device provision --psk)",
    ErrorNo.INVALID_TS: "is the device's clock set? (mikey device time --sync)",
    ErrorNo.INVALID_ID: "do the identities match the device's identity and peer_identity? (mikey device info)",
}


def refused(error_no: int) -> MikeyError:
    """The error for a device's MIKEY Error message: its Error no, named,
    with the likely cause; it carries the device's Error no as its code."""
    try:
        no = ErrorNo(error_no)
    except ValueError:
        e = MikeyError(f"the device refused the I_MESSAGE with Error no {error_no}")
    else:
        hint = _REFUSAL_HINTS.get(no)
        e = MikeyError(f"the device refused the I_MESSAGE with Error no {error_no} "
                       f"({no.name.lower().replace('_', ' ')})" + (f": {hint}" if hint else ""))
        e.code = no
    return e


def host_to_device(link: Link, psk: bytes | None, cs: list, *, idi=None, idr=None, v=True,
                   mode: str = "psk") -> tuple[list, list, dict]:
    """The PC is Initiator: (host keys, device keys, details). MIKEY-NULL
    needs a device provisioned with protected=true."""
    ensure_time(link)
    null = mode == "null"
    offer = Offer(csb_id=int.from_bytes(os.urandom(4), "big"), t=ntp_now(), rand=os.urandom(16),
                  keys=[key_data(os.urandom(16), tek=null, salt=os.urandom(14) if null else None)],
                  cs=cs, v=v, idi=identity(idi), idr=identity(idr),
                  encr_alg=0 if null else 1, mac_alg=0 if null else 1)
    init = Initiator(None if null else psk, offer)
    reply = link.mikey(init.message)
    if reply.status != 0:
        raise refused(reply.error_no)
    host = init.finish(reply.message) if v else init.contexts()
    device = link.keys(offer.csb_id)
    return [c.to_json() for c in host], device, {"csb_id": f"{offer.csb_id:08x}",
                                                 "i_message": init.message.hex(),
                                                 "r_message": reply.message.hex()}


def device_to_host(link: Link, psk: bytes | None, cs: list, *, idr=None, v=True,
                   mode: str = "psk") -> tuple[list, list, dict]:
    """The device is Initiator: (host keys, device keys, details)."""
    ensure_time(link)
    spec = {"mode": mode, "v": v, "cs": [{"ssrc": c.ssrc, "roc": c.roc, "policy": c.policy_no} for c in cs]}
    i_msg = link.exchange(spec)
    res = Responder(psk, idr=identity(idr), replay=ReplayCache(window=300),
                    protected=mode == "null").respond(i_msg, ntp_now())
    if res.error is not None:
        raise res.error
    csb_id = int.from_bytes(i_msg[4:8], "big")
    if res.message is not None:
        reply = link.mikey(res.message)
        if reply.status != 2:
            raise MikeyError(f"the device refused the R_MESSAGE with Error no {reply.error_no}")
    device = link.keys(csb_id)
    return [c.to_json() for c in res.contexts], device, {"csb_id": f"{csb_id:08x}", "i_message": i_msg.hex(),
                                                          "r_message": res.message.hex() if res.message else None}


DH_TIMEOUT = 60  # seconds: a board computes g^x (about R, 1-2 s) when none was prepared


def host_to_device_dh(link: Link, psk: bytes, cs: list, *, host_id: str | None, device_id: str,
                      group: int = 0) -> tuple[list, list, dict]:
    """DH-HMAC (RFC 4650), the PC as Initiator: the device must be
    provisioned with `device_id` as its identity (IDr); `host_id` is sent
    as IDi (the device's peer_identity, when it has one, must match)."""
    from mikeyhost.dhhmac import DhInitiator, DhOffer

    ensure_time(link)
    offer = DhOffer(csb_id=int.from_bytes(os.urandom(4), "big"), t=ntp_now(), rand=os.urandom(16),
                    idr=identity(device_id), idi=identity(host_id), cs=cs, group=group)
    init = DhInitiator(psk, offer)
    reply = link.mikey(init.message, timeout=DH_TIMEOUT)
    if reply.status != 0:
        raise refused(reply.error_no)
    host = init.finish(reply.message)
    device = link.keys(offer.csb_id)
    return [c.to_json() for c in host], device, {"csb_id": f"{offer.csb_id:08x}",
                                                 "i_message": init.message.hex(),
                                                 "r_message": reply.message.hex()}


def device_to_host_dh(link: Link, psk: bytes, cs: list, *, host_id: str | None, device_id: str | None,
                      group: int = 0) -> tuple[list, list, dict]:
    """DH-HMAC, the device as Initiator: it names its peer_identity as IDr,
    which is `host_id` (default: whatever IDr the device sends)."""
    from mikeyhost.dhhmac import DhResponder
    from mikeyhost.payloads import ID, decode_message

    ensure_time(link)
    spec = {"mode": "dhhmac-p256" if group == 10 else "dhhmac", "group": group,
            "cs": [{"ssrc": c.ssrc, "roc": c.roc, "policy": c.policy_no} for c in cs]}
    i_msg = link.exchange(spec, timeout=DH_TIMEOUT)
    me = identity(host_id) if host_id else decode_message(i_msg).message.find_all(ID)[-1]
    res = DhResponder(psk, me, peer_idi=identity(device_id), p256=group == 10).respond(i_msg, ntp_now())
    if res.error is not None:
        raise res.error
    csb_id = int.from_bytes(i_msg[4:8], "big")
    reply = link.mikey(res.message, timeout=DH_TIMEOUT)
    if reply.status != 2:
        raise MikeyError(f"the device refused the R_MESSAGE with Error no {reply.error_no}")
    device = link.keys(csb_id)
    return [c.to_json() for c in res.contexts], device, {"csb_id": f"{csb_id:08x}", "i_message": i_msg.hex(),
                                                          "r_message": res.message.hex()}


ECC_MODES = ("dhsign-ecdsa", "ecies", "ecmqv")
ECC_TIMEOUT = 60  # seconds: a board's P-256 multiplications when nothing was prepared


def _ecc_peer(link: Link, device_id: str, device_pub: bytes | None):
    """Trust pinning the device's public key (KEYGEN's, made on the device
    on first use, unless given) to its identity."""
    from mikeyhost import ecc

    pub = device_pub if device_pub is not None else bytes.fromhex(link.keygen()["public"])
    return ecc.Trust({device_id: pub})


def host_to_device_ecc(link: Link, mode: str, key, cs: list, *, host_id: str, device_id: str,
                       device_pub: bytes | None = None, v: bool = True) -> tuple[list, list, dict]:
    """DH-SIGN, MIKEY-ECIES or MIKEY-ECMQV (docs/ecc-profile.md), the PC as
    Initiator with its P-256 private key `key`: the device must have the
    PC's public key pinned to `host_id` (`mikey device provision --peer-key`);
    `device_id` is the device's identity (IDr)."""
    from mikeyhost.dhsign import DhSignInitiator, DhSignOffer
    from mikeyhost.ecies import EciesInitiator, EciesOffer
    from mikeyhost.ecmqv import EcmqvInitiator, EcmqvOffer

    ensure_time(link)
    trust = _ecc_peer(link, device_id, device_pub)
    common = dict(csb_id=int.from_bytes(os.urandom(4), "big"), t=ntp_now(), rand=os.urandom(16),
                  idi=identity(host_id), idr=identity(device_id), cs=cs)
    if mode == "dhsign-ecdsa":
        init = DhSignInitiator(key, DhSignOffer(**common), trust=trust)
    elif mode == "ecmqv":
        init = EcmqvInitiator(key, EcmqvOffer(**common), trust=trust)
    else:
        init = EciesInitiator(key, EciesOffer(keys=[key_data(os.urandom(16))], v=v, **common), trust=trust)
    reply = link.mikey(init.message, timeout=ECC_TIMEOUT)
    if reply.status != 0:
        raise refused(reply.error_no)
    host = init.finish(reply.message) if reply.message else init.contexts()
    device = link.keys(common["csb_id"])
    return [c.to_json() for c in host], device, {"csb_id": f"{common['csb_id']:08x}",
                                                 "i_message": init.message.hex(),
                                                 "r_message": reply.message.hex() if reply.message else None}


def device_to_host_ecc(link: Link, mode: str, key, cs: list, *, host_id: str | None, device_id: str | None,
                       device_pub: bytes | None = None, v: bool = True) -> tuple[list, list, dict]:
    """An ECC mode with the device as Initiator: it names its peer_identity
    as IDr (`host_id`, default: whatever IDr it sends) and signs as
    `device_id` (default: its IDi); the PC answers with its key `key`."""
    from mikeyhost.dhsign import DhSignResponder
    from mikeyhost.ecies import EciesResponder
    from mikeyhost.ecmqv import EcmqvResponder
    from mikeyhost.payloads import ID, decode_message

    ensure_time(link)
    spec = {"mode": mode, "v": v, "cs": [{"ssrc": c.ssrc, "roc": c.roc, "policy": c.policy_no} for c in cs]}
    i_msg = link.exchange(spec, timeout=ECC_TIMEOUT)
    ids = decode_message(i_msg).message.find_all(ID)
    me = identity(host_id) if host_id else ids[-1]
    them = identity(device_id) if device_id else ids[0]
    trust = _ecc_peer(link, them.data.decode(), device_pub)
    responder = {"dhsign-ecdsa": DhSignResponder, "ecmqv": EcmqvResponder, "ecies": EciesResponder}[mode]
    res = responder(key, trust, idr=me, peer_idi=them).respond(i_msg, ntp_now())
    if res.error is not None:
        raise res.error
    csb_id = int.from_bytes(i_msg[4:8], "big")
    if res.message is not None:
        reply = link.mikey(res.message, timeout=ECC_TIMEOUT)
        if reply.status != 2:
            raise MikeyError(f"the device refused the R_MESSAGE with Error no {reply.error_no}")
    device = link.keys(csb_id)
    return [c.to_json() for c in res.contexts], device, {"csb_id": f"{csb_id:08x}", "i_message": i_msg.hex(),
                                                          "r_message": res.message.hex() if res.message else None}


def run(args) -> int:
    """Dispatch `mikey device SUBCOMMAND` (argparse namespace from cli.py)."""
    with connect(args.port, verbose=not getattr(args, "json", False)) as link:
        sub = args.device_command
        key = getattr(args, "time_key", None) or os.environ.get("MIKEY_TIME_KEY")
        if key:
            link.time_key = bytes.fromhex(key) if isinstance(key, str) else key
        if sub == "info":
            print(json.dumps(link.hello(), indent=1))
        elif sub == "provision":
            settings = {}
            if args.psk is not None:
                settings["psk"] = args.psk.hex()
            for name in ("identity", "peer_identity", "window", "time_key", "proxy", "time_key_id", "time_mac",
                         "max_step"):
                v = getattr(args, name, None)
                if v is not None:
                    settings[name] = v.hex() if isinstance(v, bytes) else v
            for name in ("report_keys", "protected", "tolerant", "p256"):
                if getattr(args, name, None) is not None:
                    settings[name] = getattr(args, name)
            if getattr(args, "peer_key", None):  # identity -> SEC1 public key (hex), pinned on the device
                settings["peer_keys"] = dict(args.peer_key)
            if not settings:
                print("mikey device provision: nothing to provision", file=sys.stderr)
                return 2
            print(json.dumps(link.provision(settings)))
        elif sub == "exchange":
            cs = args.cs or [CryptoSession(int.from_bytes(os.urandom(4), "big"))]
            progress = Progress("exchange")
            link.on_wait = progress
            if args.mode in ECC_MODES:
                if args.key is None:
                    print(f"mikey device exchange: {args.mode} needs --key (this PC's P-256 private key)",
                          file=sys.stderr)
                    return 2
                if args.initiator == "host" and not (args.device_id and args.host_id):
                    print(f"mikey device exchange: {args.mode} needs --device-id and --host-id (IDr, IDi)",
                          file=sys.stderr)
                    return 2
                run_ecc = host_to_device_ecc if args.initiator == "host" else device_to_host_ecc
                host, device, info = run_ecc(link, args.mode, args.key, cs, host_id=args.host_id,
                                             device_id=args.device_id, v=not args.no_verify)
            elif args.mode != "null" and args.psk is None:
                print(f"mikey device exchange: {args.mode} mode needs --psk", file=sys.stderr)
                return 2
            elif args.mode in ("dhhmac", "dhhmac-p256"):
                if args.initiator == "host" and not args.device_id:
                    print("mikey device exchange: dhhmac needs --device-id (the device's identity, IDr)",
                          file=sys.stderr)
                    return 2
                run_dh = host_to_device_dh if args.initiator == "host" else device_to_host_dh
                host, device, info = run_dh(link, args.psk, cs, host_id=args.host_id, device_id=args.device_id,
                                            group=10 if args.mode == "dhhmac-p256" else {5: 0, 1: 1, 2: 2}[args.group])
            else:
                run_exchange = host_to_device if args.initiator == "host" else device_to_host
                host, device, info = run_exchange(link, args.psk, cs, v=not args.no_verify, mode=args.mode)
            progress.done()
            match = host == device
            if args.json:
                print(json.dumps({"host": {"keys": host}, "device": {"keys": device}, "match": match,
                                  "csb_id": info["csb_id"]}, indent=1))
            else:
                from mikeyhost.cli import contexts_text
                from mikeyhost.srtp import SrtpContext

                print(f"CSB {info['csb_id']}: {'host' if args.initiator == 'host' else 'device'} was Initiator")
                for who, keys in (("host", host), ("device", device)):
                    print(f"{who}:")
                    ctxs = [SrtpContext(k["cs_id"], int(k["ssrc"], 16), k["roc"],
                                        bytes.fromhex(k["master_key"] or ""), bytes.fromhex(k["master_salt"] or ""),
                                        bytes.fromhex(k["mki"]) if k["mki"] else None, k["policy"]) for k in keys]
                    print(contexts_text(ctxs, args.show_keys))
                print("keys match" if match else "KEYS DIFFER")
            return 0 if match else 1
        elif sub == "keygen":
            print(json.dumps(link.keygen(new=args.new)))
        elif sub == "keys":
            print(json.dumps(link.keys(int.from_bytes(args.csb_id, "big")), indent=1))
        elif sub == "time":
            step = getattr(args, "allow_step", False)
            if (args.sync or args.set is not None or step) and link.time_key is None:
                link.time_key = _sim_time_key(link, link.hello())
            if args.sync or args.set is not None:
                link.time(ntp_now if args.sync else args.set, step=step)
            elif step:
                link.time(None, next_step=True)  # consent for the next proxy sync
            t, synced, u = link.clock()
            off = t - ntp_now()
            off = off - (1 << 64) if off >= 1 << 63 else off
            print(json.dumps({"ntp": f"{t:016x}", "set": synced,
                              "offset_s": off / (1 << 32) if synced else None,
                              "uncertainty_s": u / 1e6 if u is not None else None}))
        elif sub == "bench":
            progress = Progress(f"bench {args.name}")
            link.on_wait = progress
            result = link.bench(args.name)
            progress.done()
            print(json.dumps(result, indent=1))
        elif sub == "repl":
            link.repl()
            print("the agent returned to the REPL", file=sys.stderr)
    return 0


def errors():
    """Exceptions `mikey device` turns into one line and exit status 1."""
    return (DeviceError, LinkTimeout, OSError, ValueError)
