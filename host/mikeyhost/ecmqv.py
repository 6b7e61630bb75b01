"""MIKEY-ECMQV (draft-ietf-msec-mikey-ecc-03 §5): two-pass ECMQV over P-256
with the ECCPT payload (22), sans-IO.

    I_MESSAGE = HDR(4), T, RAND, [IDi|CERTi], [IDr], {SP}, ECCPTi, SIGNi
    R_MESSAGE = HDR(5), T, [IDr|CERTr], IDi, ECCPTr, ECCPTi, V
    Error     = HDR(6), T, ERR, [SIGNr]  (SIGNr once SIGNi has verified)

Each party has a static P-256 key (the one that signs, pinned to its
identity or in its certificate) and an ephemeral one (the ECCPT point).
z = ECMQV(static, ephemeral, peer static, peer ephemeral) (SEC1 §3.4);
the shared secret is X9.63-KDF-SHA-256(z, TGK len + auth_key len) with no
SharedInfo: its first TGK len bytes are the TGK, the rest the auth_key
(20 bytes for HMAC-SHA-1-160, 32 for HMAC-SHA-256-256, the ECCPT's Auth
alg). V is PSK mode's verification message keyed with that auth_key.
The data types are DH-SIGN's (the draft names none); the ECCPT payload
tells the modes apart. Wire choices: docs/ecc-profile.md.
"""

from dataclasses import dataclass, field

from mikeyhost import crypto, ecc
from mikeyhost.dhhmac import _contexts, _srtp_map
from mikeyhost.dhsign import _identity_payloads, _offer_payloads, _sent_offer
from mikeyhost.errors import (
    AuthFailure, BadIdentity, BadPolicyParam, InvalidTimestamp, MikeyError, PeerError, UnsupportedDataType,
    UnsupportedMAC,
)
from mikeyhost.payloads import (
    ECCPT, ERR, ID, RAND, SIGN, SP, DataType, EccCurve, Header, KvNull, MacAlg, Message, PrfFunc,
    SrtpPolicy, T, TsType, V, decode_message, encode_message,
)
from mikeyhost.psk import Result, _policies, error_message
from mikeyhost.replay import ReplayCache
from mikeyhost.srtp import policy_dict

I_GRAMMAR = r"TR(I|C+)?I?S*X*EG"
R_GRAMMAR = r"T(I|C+)?IEEV"
TGK_LEN = 16
TGK_LEN_RANGE = (16, 256)
AUTH_KEY_LEN = {MacAlg.HMAC_SHA_1_160: 20, MacAlg.HMAC_SHA_256_256: 32}


def shared_secret(z: bytes, tgk_len: int, auth_alg: int) -> tuple:
    """(TGK, auth_key) from the ECMQV value z: the first tgk_len bytes of
    X9.63-KDF-SHA-256(z) and the auth_len after them (ECC-03 §5)."""
    out = ecc.x963_kdf(z, tgk_len + AUTH_KEY_LEN[MacAlg(auth_alg)])
    return out[:tgk_len], out[tgk_len:]


def _check_eccpt(p: ECCPT) -> ecc.ec.EllipticCurvePublicKey:
    if p.auth_alg not in AUTH_KEY_LEN:
        raise UnsupportedMAC(f"ECCPT Auth alg {int(p.auth_alg)}")
    if not TGK_LEN_RANGE[0] <= p.tgk_len <= TGK_LEN_RANGE[1]:
        raise BadPolicyParam(f"ECCPT TGK len {p.tgk_len} (16 to 256 are taken)")
    return ecc.decode_point(p.point)  # curve 7 is the codec's only curve


def _v_input(r_prefix: bytes, i_idi: ID | None, i_idr: ID | None, r_idr: ID | None, t: T) -> tuple:
    id_r = i_idr.data if i_idr is not None else (r_idr.data if r_idr is not None else b"")
    return r_prefix, i_idi.data if i_idi is not None else b"", id_r, t.value_bytes()


@dataclass
class EcmqvOffer:
    """Everything a MIKEY-ECMQV I_MESSAGE is made of; the ephemeral scalar
    `x` and the ECDSA nonce `k` can be fixed."""

    csb_id: int
    t: int
    rand: bytes
    cs: list = field(default_factory=list)
    idi: ID | None = None
    idr: ID | None = None
    cert: bytes | None = None
    x: int | None = None
    k: int | None = None
    auth_alg: int = MacAlg.HMAC_SHA_1_160
    tgk_len: int = TGK_LEN
    kv: object = field(default_factory=KvNull)
    policies: list = field(default_factory=lambda: [SrtpPolicy.profile_default()])
    prf_func: int = PrfFunc.MIKEY_1

    def eccpt(self) -> ECCPT:
        return ECCPT(EccCurve.P_256, ecc.point_bytes(self.x), self.auth_alg, self.tgk_len, self.kv)


@dataclass
class EcmqvInitiator:
    key: object  # our static P-256 key: signs SIGNi, enters ECMQV
    offer: EcmqvOffer
    trust: ecc.Trust = field(default_factory=ecc.Trust)
    message: bytes = b""
    tgk: bytes | None = None

    def __post_init__(self):
        o = self.offer
        if o.x is None:
            o.x = ecc.new_scalar()
        # V = 1: the R_MESSAGE carries a verification message, and ECMQV
        # needs ECCPTr, so the Responder always answers.
        header = Header(DataType.DH_INIT, o.csb_id, _srtp_map(o.cs), v=True, prf_func=o.prf_func)
        payloads = _offer_payloads(o) + [o.eccpt()]
        self.message = ecc.signed(header, payloads, self.key, o.k)

    @classmethod
    def from_message(cls, key, data: bytes, x: int, trust: ecc.Trust | None = None) -> "EcmqvInitiator":
        """The Initiator of an I_MESSAGE it sent earlier (`mikey finish ecmqv`)."""
        p, fields = _sent_offer(key, data, I_GRAMMAR, "MIKEY-ECMQV I_MESSAGE", ECCPT, "point", x)
        init = cls(key, EcmqvOffer(auth_alg=p.auth_alg, tgk_len=p.tgk_len, **fields), trust or ecc.Trust())
        init.message = bytes(data)
        return init

    def finish(self, data: bytes, expect_idr: ID | None = None) -> list:
        """Check the R_MESSAGE (its V proves the Responder holds its static
        key) and return the SRTP contexts. An Error message raises PeerError
        (its SIGNr, when present, is checked when the Responder's key is
        known; an unsigned one is only a hint, §5.1.2)."""
        o = self.offer
        decoded = decode_message(bytes(data))
        msg, h = decoded.message, decoded.message.header
        if h.data_type == DataType.ERROR:
            codes = [e.error_no for e in msg.find_all(ERR)]
            key = self.trust.pinned(expect_idr or o.idr)
            if isinstance(msg.payloads[-1], SIGN) and key is not None:
                ecc.check_signature(decoded, key)
                raise PeerError(codes, "peer sent a signed Error: " + ", ".join(str(int(c)) for c in codes))
            raise PeerError(codes)
        if h.data_type != DataType.DH_RESP:
            raise UnsupportedDataType(f"data type {int(h.data_type)} is not a MIKEY-ECMQV R_MESSAGE")
        if h.csb_id != o.csb_id:
            raise AuthFailure("R_MESSAGE for another CSB")
        ecc.check_grammar(msg, R_GRAMMAR, "MIKEY-ECMQV R_MESSAGE")
        idr, idi, certs = ecc.responder_ids(msg)
        named, peer_static = self.trust.resolve(idr if idr is not None or certs else (expect_idr or o.idr), certs)
        if expect_idr is not None and not ecc.same_id(named, expect_idr):
            raise BadIdentity("IDr is not the expected Responder")
        if o.idr is not None and not ecc.same_id(named, o.idr):
            raise BadIdentity("the R_MESSAGE is not from the Responder the I_MESSAGE named")
        eccpt_r, eccpt_i = msg.find_all(ECCPT)
        if eccpt_i != o.eccpt():
            raise AuthFailure("ECCPTi in the R_MESSAGE is not ours")
        if (eccpt_r.auth_alg, eccpt_r.tgk_len) != (o.auth_alg, o.tgk_len):
            raise AuthFailure("ECCPTr does not repeat our Auth alg and TGK len")
        peer_eph = _check_eccpt(eccpt_r)
        z = ecc.ecmqv(self.key, o.x, peer_static, peer_eph)
        tgk, auth_key = shared_secret(z, o.tgk_len, o.auth_alg)
        v = msg.find(V)
        if v.auth_alg != o.auth_alg:
            raise UnsupportedMAC("V uses another MAC algorithm than ECCPTi")
        crypto.verify_verification_mac(
            v.auth_alg, auth_key,
            *_v_input(decoded.data[:decoded.auth_field_offset()], o.idi, o.idr, idr, T(TsType.NTP_UTC, o.t)),
            v.ver_data)
        if msg.find(T).value != o.t:
            raise InvalidTimestamp("the R_MESSAGE does not echo our timestamp")
        own = ecc.own_identity(o.idi, o.cert)
        if own is not None and not ecc.same_id(idi, own):
            raise BadIdentity("IDi in the R_MESSAGE is not ours")
        self.tgk = tgk
        return _contexts(h, tgk, o.rand, {i: policy_dict(p) for i, p in enumerate(o.policies)}, o.kv)


@dataclass
class EcmqvResponder:
    """The Responder of MIKEY-ECMQV."""

    key: object  # our static P-256 key
    trust: ecc.Trust = field(default_factory=ecc.Trust)
    idr: ID | None = None
    cert: bytes | None = None
    peer_idi: ID | None = None
    replay: ReplayCache = field(default_factory=ReplayCache)
    x: int | None = None  # fix the next ephemeral scalar
    k: int | None = None  # fix the next ECDSA nonce (a signed Error message)
    _authenticated: bool = field(default=False, repr=False)  # SIGNi verified: sign the Error message

    def respond(self, data: bytes, now: int) -> Result:
        """Process an I_MESSAGE; never raises for bad input. An error found
        after SIGNi verified is answered with a signed Error message
        (ECC-03 §5: HDR, T, ERR, SIGNr)."""
        self._authenticated = False
        try:
            return self._respond(bytes(data), now)
        except MikeyError as e:
            reply = error_message(int(e.code), data, now)
            if self._authenticated:
                err = decode_message(reply).message
                reply = ecc.signed(err.header, err.payloads, self.key, self.k)
            return Result(reply, error=e)

    def _respond(self, data: bytes, now: int) -> Result:
        decoded, _, idi, idr, named, peer_static = ecc.accept_signed(
            data, now, DataType.DH_INIT, I_GRAMMAR, "MIKEY-ECMQV I_MESSAGE", self.replay,
            ecc.own_identity(self.idr, self.cert), self.peer_idi, self.trust)
        msg, h = decoded.message, decoded.message.header
        t = msg.find(T)
        self._authenticated = True
        eccpt_i = msg.find(ECCPT)
        peer_eph = _check_eccpt(eccpt_i)  # before any multiplication
        policies = _policies(msg.find_all(SP))
        x = self.x if self.x is not None else ecc.new_scalar()
        self.x = None
        z = ecc.ecmqv(self.key, x, peer_static, peer_eph)
        tgk, auth_key = shared_secret(z, eccpt_i.tgk_len, eccpt_i.auth_alg)
        contexts = _contexts(h, tgk, msg.find(RAND).rand, policies, eccpt_i.kv)
        eccpt_r = ECCPT(EccCurve.P_256, ecc.point_bytes(x), eccpt_i.auth_alg, eccpt_i.tgk_len, eccpt_i.kv)
        header = Header(DataType.DH_RESP, h.csb_id, h.cs_map, v=False, prf_func=h.prf_func)
        payloads = [t] + _identity_payloads(self.idr, self.cert) + [named, eccpt_r, eccpt_i]
        payloads.append(V(eccpt_i.auth_alg, bytes(crypto.mac_len(eccpt_i.auth_alg))))
        out = bytearray(encode_message(Message(header, payloads)))
        at = len(out) - len(payloads[-1].ver_data)
        out[at:] = crypto.verification_mac(eccpt_i.auth_alg, auth_key,
                                           *_v_input(bytes(out[:at]), idi, idr,
                                                     self.idr if self.cert is None else None, t))
        return Result(bytes(out), contexts)


__all__ = ["EcmqvOffer", "EcmqvInitiator", "EcmqvResponder", "shared_secret", "TGK_LEN", "I_GRAMMAR",
           "R_GRAMMAR"]
