"""The device agent's ECC work (docs/ecc-profile.md): an Initiator or
Responder of DH-SIGN, MIKEY-ECIES or MIKEY-ECMQV made from the provisioned
settings for one exchange, the ephemeral key pair prepared in idle time,
and what outlives an exchange (the replay cache). mikey.agent loads this
module, not mikey._agentx, for that work, and drops it, the mode and
mikey._ecc after it: an idle agent keeps only mikey.p256 and its tables,
loaded when the device key is (mikey._agentx.ecc)."""

import gc
import json

from mikey import frame
from mikey.errors import MikeyError

_ECC = ("mikey.dhsign", "mikey.ecies", "mikey.ecmqv", "mikey._ecc", "mikey.ecdsa")


def free(a, r):
    """After an ECC exchange: keep the Responder r's replay state (mikey.base
    _K_FLOOR.._K_NEXT), drop the ECC modules (not mikey.p256: the agent
    keeps it: mikey._agentx.ecc), collect."""
    from mikey.agent import _drop

    if r is not None and a.ecc is not None:
        a.ecc[2][:] = r._k[92:103]
    for m in _ECC:
        _drop(m)
    gc.collect()


def ecc_prepare(a, _):
    """Idle time: the next ECC exchange's ephemeral key pair (mikey.p256)."""
    from mikey import p256

    a.ecc[0] = p256.keypair(a.random(40))
    free(a, None)


def _ecc_engine(a, mode, initiator):
    """An ECC Initiator or Responder of `mode` from the provisioned settings,
    with the prepared ephemeral key (used once) and the agent's replay state."""
    s = a.settings
    m = __import__("mikey." + mode.partition("-")[0], None, None, ("x",))
    gc.collect()
    peers = {}
    for k, v in s.get("peer_keys", {}).items():
        peers[k.encode()] = bytes.fromhex(v)
    me = s.get("identity")
    me = me.encode() if me else None
    peer = s.get("peer_identity")
    peer = peer.encode() if peer else None
    key = int(s["ecc_key"], 16)
    a.random(0)
    if initiator:
        if mode == "ecies":
            e = m.Initiator(key, peers, me, peer, rng=a.drbg, cs=4)
        else:
            e = m.Initiator(key, peers, idi=me, idr=peer, rng=a.drbg, cs=4)
    else:
        e = m.Responder(key, peers, idr=me, expect_idi=peer, window=s.get("window", 300), cs=4, rng=a.drbg)
        e._rc = a.ecc[1]
        e._k[92:103] = a.ecc[2]
    e.pre = a.ecc[0]
    a.ecc[0] = None
    return e


def responder(a, p):
    """The ECC Responder for the I_MESSAGE p: data type 2 MIKEY-ECIES; 4
    DH-SIGN, or MIKEY-ECMQV when it carries an ECCPT (22) payload."""
    mode = "ecies"
    if p[1] == 4:
        from mikey import base, codec

        base.tables()
        mode = "dhsign-ecdsa"
        try:
            codec.decode(p, len(p), base._TBL, 2)
        except MikeyError:
            pass
        if base._TBL.find(22) >= 0:
            mode = "ecmqv"
    return _ecc_engine(a, mode, False)


def initiate(a, spec):
    """The I_MESSAGE of our own ECC exchange (mode, CSB ID, RAND, TGK, T,
    crypto sessions, V, fixed ephemeral scalar and envelope key: parsed by
    mikey._agentx.exchange) into a.tx; its length."""
    mode, csb, rand, tgk, t, cs, v, x, env = spec
    i = _ecc_engine(a, mode, True)
    if x:  # a fixed ephemeral scalar (known answers)
        i.prepare(bytes.fromhex(x))
    gc.collect()
    b = memoryview(a.tx)[frame.HEADER :]
    if mode == "ecies":
        n = i.build(b, csb, rand, t, cs, ((False, tgk, None, None),), v=v,
                    env_key=bytes.fromhex(env) if env else None)
    else:
        n = i.build(b, csb, rand, t, cs)
    a.log("ECC Initiator: ephemeral key %s" % ("prepared in idle time" if i.prepared else "computed now"))
    if mode == "ecies" and not v:  # no answer to wait for: the keys stand
        a.remember(csb, i.ctx, i.ncs)
        free(a, None)
    else:
        a.pending = (csb, i)
    return n


def peer_keys(a, arg):
    """Pinned keys `old` updated with `new` (PROVISION peer_keys); each key
    must be a P-256 point."""
    old, new = arg
    from mikey.p256 import decode_point

    out = dict(old)
    for k, v in new.items():
        if v is None:
            out.pop(k, None)
            continue
        if not isinstance(v, str):
            raise ValueError("setting peer_keys")
        try:
            decode_point(bytes.fromhex(v))
        except MikeyError:
            raise ValueError("setting peer_keys: %s is not a P-256 point" % k)
        out[k] = v
    return out


def keygen(a, arg):
    """The device's ECC key pair, made here from the agent's HMAC_DRBG and
    stored with the settings (the private key never leaves the device):
    answers its public key; {"new": true} replaces an existing one."""
    fid, p = arg
    spec = json.loads(bytes(p)) if len(p) else {}
    s = a.settings
    new = spec.get("new", False) or not s.get("ecc_key")
    gc.collect()
    from mikey import p256

    if new:
        d, pub = p256.keypair(a.random(40))
    else:
        d = int(s["ecc_key"], 16)
        pub = p256.public(d)
    if new:
        merged = dict(s)
        merged["ecc_key"] = "%064x" % d
        from mikey import store
        from mikey.agent import _drop

        try:
            store.save(merged, *a.store)
        except OSError:
            a.error(fid, 7, 0, "could not store")  # storage
            return
        finally:
            _drop("mikey.store")
        a.x("configure", merged)
    a.reply(0x8A, fid, json.dumps({"public": pub.hex(), "new": new}).encode())
