"""The device agent's occasional requests (docs/serial-protocol.md): HELLO,
PROVISION, EXCHANGE, KEYS, BENCH, REPL, and setting up UDP. mikey.agent loads this module
for one request and drops it afterwards."""

import gc
import json
import sys
import time

from micropython import const

from mikey import frame
from mikey.errors import MikeyError

VERSION = "0.1.0"

_HELLO = const(0x01)
_PROVISION = const(0x02)
_KEYS = const(0x05)
_BENCH = const(0x07)
_REPL = const(0x09)
_KEYGEN = const(0x0A)

_E_UNKNOWN_TYPE = const(3)
_E_NOT_PROVISIONED = const(6)
_E_STORAGE = const(7)

_R_TIMESTAMP = const(17)  # a copy of mikey.errors

# Settings PROVISION takes, and their JSON types
_SETTINGS = {"psk": str, "identity": str, "peer_identity": str, "window": int, "proxy": str,
             "time_key": str, "p256": bool, "report_keys": bool, "protected": bool, "tolerant": bool,
             "time_key_id": int, "time_mac": str, "max_step": int, "peer_keys": dict}
_SECRETS = ("psk", "time_key")


def configure(a, settings):
    """Make the engine for the provisioned settings (None: the stored ones)."""
    if settings is None:
        from mikey import store
        from mikey.agent import _drop

        settings = store.load(*a.store)
        _drop("mikey.store")
    a.settings = settings
    a.engine = None
    a.clock.max_step = settings.get("max_step", 600)  # seconds a proxy sync may step (docs/clock.md)
    psk = settings.get("psk")
    if psk:
        from mikey.psk import Initiator, Responder

        ident = settings.get("identity")
        ident = ident.encode() if ident else None
        key = bytes.fromhex(psk)
        # protected: the line to the Initiator is TLS/RTSPS (MIKEY-NULL
        # allowed); tolerant: accept the deployed quirks (docs/profile.md)
        a.engine = (Responder(key, idr=ident, window=settings.get("window", 300), cs=4,
                              protected=settings.get("protected", False),
                              tolerant=settings.get("tolerant", False)),
                    Initiator(key, idi=ident, cs=4))
        dhhmac(a, key, ident, settings)
    ecc(a, settings)


# The signed ECC modes (docs/ecc-profile.md): their engines are made for
# one exchange by mikey._agentecc and dropped after it with their modules
_ECC_MODES = ("dhsign-ecdsa", "ecies", "ecmqv")


def installed(name):
    """Whether mikey.<name> is installed, found without importing it: an
    import would keep the module's names in the heap for good (qstrs are
    never freed). Frozen (no file to look at), it is imported: its names
    are in flash then."""
    import os

    import mikey

    d = mikey.__file__.rpartition("/")[0] + "/"
    try:
        os.stat(mikey.__file__)
    except OSError:  # frozen
        from mikey.agent import _drop

        try:
            __import__("mikey." + name)
            return True
        except ImportError:
            return False
        finally:
            _drop("mikey." + name)
    for ext in (".mpy", ".py"):
        try:
            os.stat(d + name + ext)
            return True
        except OSError:
            pass
    return False


def ecc(a, settings):
    """Offer the ECC modes when the ecc part is installed; with a device
    key (KEYGEN) keep what outlives an exchange: [the ephemeral key pair
    prepared in idle time, the replay cache, its counters and floor]."""
    if not installed("_ecc"):
        return
    for m in _ECC_MODES:
        if m not in a.modes:
            a.modes = tuple(a.modes) + (m,)
    if not settings.get("ecc_key"):
        a.ecc = None
        return
    gc.collect()
    import mikey._p256t  # noqa: F401 - kept: 1 KB objects, which only a heap not yet fragmented holds
    import mikey.p256  # noqa: F401
    if a.ecc is None:
        a.ecc = [None, bytearray(256), bytearray(11)]


def dhhmac(a, key, ident, settings):
    """The DH-HMAC engine (RFC 4650), when the dhhmac part is installed and
    the device has an identity (the I_MESSAGE must name it): a Responder,
    and an Initiator when the peer's identity is provisioned too. Their
    g^x is prepared while the line is idle (Agent.idle)."""
    a.dh = None
    try:
        from mikey.dhhmac import Initiator, Responder
    except ImportError:
        return
    if "dhhmac" not in a.modes:
        a.modes = tuple(a.modes) + ("dhhmac",)
    if ident is None:
        return
    a.random(0)  # the agent's DRBG draws the private exponents
    peer = settings.get("peer_identity")
    peer = peer.encode() if peer else None
    p256 = settings.get("p256", False)  # DH-Group 10: the profile extension, by consent
    if p256:
        if "dhhmac-p256" not in a.modes:
            a.modes = tuple(a.modes) + ("dhhmac-p256",)
        gc.collect()
        import mikey.p256  # noqa: F401 - now, while the heap is whole: its tables are kilobytes
    a.dh = (Responder(key, ident, expect_idi=peer, window=settings.get("window", 300), cs=4, rng=a.drbg,
                      tolerant=settings.get("tolerant", False), p256=p256),
            Initiator(key, peer, idi=ident, cs=4, rng=a.drbg) if peer else None)


def listen(a, port):
    """Also answer MIKEY over UDP on `port` (2269, RFC 5197 §6): an
    I_MESSAGE in, the R_MESSAGE or Error message back to its sender."""
    import socket

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(socket.getaddrinfo("0.0.0.0", port)[0][-1])
    except OSError as e:
        s.close()
        a.log("UDP %d: %s" % (port, e))
        return
    a.udp = s


def datagram(a, _):
    data, peer = a.udp.recvfrom(a.frame_max)
    if a.engine is None or len(data) < 2 or data[1] != 0:
        return  # not provisioned, or not an I_MESSAGE: nothing to say
    try:
        n = a.mikey(data)
    except MikeyError:
        return  # nothing to answer with (mikey() answers what it can, Invalid TS too)
    if n > 6:
        a.udp.sendto(memoryview(a.tx)[frame.HEADER + 6 : frame.HEADER + n], peer)


def handle(a, request):
    ftype, fid, p = request
    if ftype == _HELLO:
        gc.collect()
        v = sys.implementation.version
        caps = {"fw": VERSION, "board": a.board, "modes": list(a.modes),
                "ecc_ready": a.ecc is not None and a.ecc[0] is not None,
                "heap_free": gc.mem_free(), "heap_total": gc.mem_free() + gc.mem_alloc(),
                "frame_max": a.frame_max, "micropython": "%d.%d.%d" % (v[0], v[1], v[2]),
                "provisioned": sorted(a.settings), "dh_ready": [d is not None and d.pre is not None for d in a.dh or ()], "clock": a.clock.syncs > 0}
        a.reply(_HELLO | 0x80, fid, json.dumps(caps).encode())
    elif ftype == _PROVISION:
        provision(a, fid, p)
    elif ftype == _KEYS:
        keys(a, fid, p)
    elif ftype == _BENCH:
        a.reply(_BENCH | 0x80, fid, json.dumps(bench(json.loads(bytes(p)))).encode())
    elif ftype == _KEYGEN:
        return (fid, p)  # mikey._agentecc's, once this module is dropped (RAM)
    elif ftype == _REPL:
        a.reply(_REPL | 0x80, fid, b"")
        a.done = True
    else:
        a.error(fid, _E_UNKNOWN_TYPE, ftype)


def provision(a, fid, p):
    """Merge the settings in, store them atomically, remake the engine;
    answer with the names stored, never the values."""
    new = json.loads(bytes(p))
    if not isinstance(new, dict):
        raise ValueError("PROVISION takes a JSON object")
    merged = dict(a.settings)
    for k, v in new.items():
        if k not in _SETTINGS or not isinstance(v, _SETTINGS[k]):
            raise ValueError("setting %s" % k)
        if k in _SECRETS:
            bytes.fromhex(v)  # hex, or ValueError
        if k == "time_mac" and v not in ("sha1", "aes128"):
            raise ValueError("setting time_mac: sha1 or aes128")
        if k == "peer_keys":  # identity -> SEC1 P-256 public key (hex), merged; null unpins
            v = a.x("peer_keys", (merged.get(k, {}), v), "mikey._agentecc")
        merged[k] = v
    from mikey import store
    from mikey.agent import _drop

    try:
        store.save(merged, *a.store)
    except OSError:
        a.error(fid, _E_STORAGE, 0, "could not store")
        return
    finally:
        _drop("mikey.store")
    configure(a, merged)
    a.reply(_PROVISION | 0x80, fid, json.dumps({"stored": sorted(new)}).encode())


def exchange(a, p):
    """Start an exchange as Initiator: the I_MESSAGE into a.tx; its length."""
    spec = json.loads(bytes(p))
    if a.drbg is None:
        from mikey.drbg import Drbg

        a.drbg = Drbg(b"mikey agent " + a.board.encode())
    rnd = bytearray(66)  # CSB ID, RAND, TGK (or TEK and salt)
    a.drbg.generate_into(rnd, 0, 66)

    def fixed(name, n, default):
        v = spec.get(name)
        if v is None:
            return default
        b = bytes.fromhex(v)
        if len(b) != n:
            raise ValueError(name)
        return b

    csb = fixed("csb_id", 4, bytes(rnd[0:4]))
    rand = fixed("rand", 16, bytes(rnd[4:20]))
    tgk = fixed("tgk", 16, bytes(rnd[20:36]))
    t = a.now
    if spec.get("t"):
        t = bytearray(bytes.fromhex(spec["t"]))
    elif not a.clock.t_into(t):  # unique per I_MESSAGE
        raise MikeyError(_R_TIMESTAMP)
    cs = tuple((c["ssrc"], c.get("roc", 0), c.get("policy", 0)) for c in spec.get("cs", ()))
    if not cs:
        raise ValueError("cs")
    mode = spec.get("mode", "psk")
    if mode not in a.modes:
        raise ValueError("mode %s" % mode)
    if mode in _ECC_MODES:  # built by mikey._agentecc once this module is dropped (RAM)
        if a.ecc is None:
            raise ValueError("%s needs a device key (KEYGEN)" % mode)
        return (mode, csb, rand, tgk, t, cs, spec.get("v", True), spec.get("x"), spec.get("env_key"))
    if mode[:6] == "dhhmac":
        i = a.dh[1] if a.dh else None
        if i is None:
            raise ValueError("dhhmac needs identity and peer_identity provisioned")
        i.group = 10 if mode == "dhhmac-p256" else spec.get("group", 0)
        if spec.get("x"):  # a fixed private exponent (known answers)
            i.prepare(fixed("x", 32, None), i.group)
        n = i.build(memoryview(a.tx)[frame.HEADER :], csb, rand, t, cs)
        a.log("DH-HMAC Initiator: g^x %s" % ("prepared in idle time" if i.prepared else "computed now"))
        a.pending = (csb, i)
        return n
    alg = 0 if mode == "null" else 1  # MIKEY-NULL: NULL encryption and MAC
    if mode == "null":  # keys in the clear (a protected transport): TEK and its salt
        keys = ((True, fixed("tek", 16, bytes(rnd[36:52])), fixed("salt", 14, bytes(rnd[52:66])), None),)
    else:
        keys = ((False, tgk, None, None),)
    i = a.engine[1]
    n = i.build(memoryview(a.tx)[frame.HEADER :], csb, rand, t, cs, keys,
                v=spec.get("v", True), encr=alg, mac=alg)
    a.pending = (csb, i)
    return n


def keys(a, fid, p):
    """CSB ID (4) and a context index (1, default 0): that context of the
    CSB, one per frame, and how many there are."""
    if len(p) not in (4, 5):
        raise ValueError("KEYS takes a CSB ID and an index")
    if not a.settings.get("report_keys", True):
        a.error(fid, _E_NOT_PROVISIONED, 0, "key reports are off")
        return
    csb = bytes(p[:4])
    i = p[4] if len(p) == 5 else 0
    for c, ctx, n in a.csbs:
        if c == csb:
            one = None
            if i < n:
                from mikey import srtp
                from mikey.agent import _drop

                one = srtp.context(ctx, i)
                _drop("mikey.srtp")
            a.reply(_KEYS | 0x80, fid, json.dumps({"n": n, "context": one}).encode())
            return
    a.reply(_KEYS | 0x80, fid, b'{"n": 0, "context": null}')


def _r_us():
    p = int("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
            "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
            "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
            "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
            "9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF", 16)
    x = int("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef", 16)
    y = p // 3
    best = None
    for _ in range(3):  # the best of three: a collection may fall in one
        gc.collect()
        t = time.ticks_us()
        pow(y, x, p)
        t = time.ticks_diff(time.ticks_us(), t)
        best = t if best is None or t < best else best
    return best


def _psk_us(n=5):
    """A whole PSK exchange on the device, both roles, one CS, V requested."""
    from mikey.psk import Initiator, Responder

    k = b"\x5a" * 16
    i = Initiator(k, cs=1)
    r = Responder(k, cs=1, cache=8, csbs=1)
    b = bytearray(160)
    o = bytearray(80)
    t = bytearray(b"\xe9\x3a\x5c\x10\x00\x00\x00\x00")
    gc.collect()
    start = time.ticks_us()
    for j in range(n):
        t[7] = j
        m = i.build(b, b"\x12\x34\x56\x78", b"\xa5" * 16, t, ((0x1234, 0, 0),), ((False, b"\x3c" * 16, None, None),))
        i.finish(o, r.respond(b, m, t, o))
    return time.ticks_diff(time.ticks_us(), start) // n


def bench(spec):
    """On-device timings (docs/benchmarks.md): "r" (one OAKLEY 5 pow() with
    a 256-bit exponent: the unit R, measured on the chip), "psk" (a PSK
    exchange, both roles, with R from the same run), "echo" (nothing: the
    link alone)."""
    name = spec.get("name")
    if name == "psk":
        us = _psk_us()
        r = _r_us()
        return {"name": "psk", "us": us, "r_us": r, "r": us / r}
    if name == "r":
        return {"name": "r", "us": _r_us()}
    if name == "echo":
        return {"name": "echo"}
    raise ValueError("bench %s" % name)
