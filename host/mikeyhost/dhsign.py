"""MIKEY DH-SIGN (RFC 3830 §3.3) with ECDH over P-256 and ECDSA
(draft-ietf-msec-mikey-ecc-03 §2, §3), sans-IO.

    I_MESSAGE = HDR(4), T, RAND, [IDi|CERTi], [IDr], {SP}, DHi, SIGNi
    R_MESSAGE = HDR(5), T, [IDr|CERTr], IDi, DHr, DHi, SIGNr

DH-Group 10 (P-256); a DH value is the uncompressed SEC1 point (65 bytes;
compressed points are accepted); TGK = the x coordinate of (xi·xr)·G, 32
bytes. SIGN: S type 2 (ECDSA), SHA-256, r || s (64 bytes), over every byte
of the message before the Signature field. Peers are authenticated by keys
pinned to identities, or by an X.509 CERT (ecc.Trust). Private values can
be fixed for known answers. Wire choices: docs/ecc-profile.md.
"""

from dataclasses import dataclass, field

from mikeyhost import ecc
from mikeyhost.dhhmac import _contexts, _srtp_map
from mikeyhost.errors import (
    AuthFailure, BadIdentity, InvalidTimestamp, UnsupportedDataType, UnsupportedDHGroup,
)
from mikeyhost.payloads import (
    CERT, DH, ID, RAND, SP, CertType, DataType, DhGroup, Header, KvNull, PrfFunc, SrtpPolicy, T,
    TsType, decode_message,
)
from mikeyhost.psk import Answering, CryptoSession, Result, _policies, open_answer
from mikeyhost.replay import ReplayCache
from mikeyhost.srtp import policy_dict

I_GRAMMAR = r"TR(I|C+)?I?S*X*DG"
R_GRAMMAR = r"T(I|C+)?IDDG"


@dataclass
class DhSignOffer:
    """Everything a DH-SIGN I_MESSAGE is made of; random and time inputs,
    the ephemeral scalar `x` and the ECDSA nonce `k` can be fixed."""

    csb_id: int
    t: int  # NTP 64-bit
    rand: bytes
    cs: list = field(default_factory=list)  # [CryptoSession]
    idi: ID | None = None
    idr: ID | None = None
    cert: bytes | None = None  # our X.509 certificate (DER): sent as CERTi instead of IDi
    x: int | None = None  # ephemeral ECDH scalar: None draws one
    k: int | None = None  # ECDSA nonce: None is RFC 6979's
    kv: object = field(default_factory=KvNull)  # DHi key validity (KV SPI: the MKI)
    policies: list = field(default_factory=lambda: [SrtpPolicy.profile_default()])
    prf_func: int = PrfFunc.MIKEY_1


def _identity_payloads(ident: ID | None, cert: bytes | None) -> list:
    if cert is not None:
        return [CERT(CertType.X509V3_SIGN, bytes(cert))]
    return [ident] if ident is not None else []


def _offer_payloads(o) -> list:
    """The payloads a signed I_MESSAGE's offer opens with (DH-SIGN and
    MIKEY-ECMQV): T, RAND, IDi or CERTi, [IDr], {SP}."""
    payloads = [T(TsType.NTP_UTC, o.t), RAND(o.rand)] + _identity_payloads(o.idi, o.cert)
    payloads += [o.idr] if o.idr is not None else []
    return payloads + [SP.from_srtp(p, policy_no=i) for i, p in enumerate(o.policies)]


def _sent_offer(key, data: bytes, grammar: str, what: str, kind, attr: str, x: int):
    """An I_MESSAGE we sent earlier (DH-SIGN or MIKEY-ECMQV, data type 4),
    checked against our key and our ephemeral scalar x, whose point is
    `attr` of its `kind` payload (DH or ECCPT): (that payload, the fields
    every offer has)."""
    decoded = decode_message(bytes(data))
    msg, h = decoded.message, decoded.message.header
    if h.data_type != DataType.DH_INIT:
        raise UnsupportedDataType(f"data type {int(h.data_type)} is not a {what}")
    ecc.check_grammar(msg, grammar, what)
    p = msg.find(kind)
    if getattr(p, attr) != ecc.point_bytes(x):
        raise ValueError(f"the ephemeral scalar does not match the point of the {what}")
    ecc.check_signature(decoded, ecc.private_key(key).public_key())
    idi, idr, certs = ecc.initiator_ids(msg, None)
    return p, dict(csb_id=h.csb_id, t=msg.find(T).value, rand=msg.find(RAND).rand,
                   cs=[CryptoSession(e.ssrc, e.roc, e.policy_no) for e in h.cs_map.entries],
                   idi=idi, idr=idr, cert=certs[0].data if certs else None, x=x, kv=p.kv,
                   policies=[sp.srtp() for sp in msg.find_all(SP)], prf_func=h.prf_func)


@dataclass
class DhSignInitiator:
    key: object  # our P-256 private key (scalar or key object)
    offer: DhSignOffer
    trust: ecc.Trust = field(default_factory=ecc.Trust)
    message: bytes = b""
    tgk: bytes | None = None

    def __post_init__(self):
        o = self.offer
        if o.x is None:
            o.x = ecc.new_scalar()
        header = Header(DataType.DH_INIT, o.csb_id, _srtp_map(o.cs), v=False, prf_func=o.prf_func)
        payloads = _offer_payloads(o) + [DH(DhGroup.P_256, ecc.point_bytes(o.x), o.kv)]
        self.message = ecc.signed(header, payloads, self.key, o.k)

    @classmethod
    def from_message(cls, key, data: bytes, x: int, trust: ecc.Trust | None = None) -> "DhSignInitiator":
        """The Initiator of an I_MESSAGE it sent earlier, from the message,
        its signing key and its ephemeral scalar (`mikey finish dhsign-ecdsa`)."""
        _, fields = _sent_offer(key, data, I_GRAMMAR, "DH-SIGN I_MESSAGE", DH, "value", x)
        init = cls(key, DhSignOffer(**fields), trust or ecc.Trust())
        init.message = bytes(data)  # as sent (its nonce may not have been RFC 6979's)
        return init

    def finish(self, data: bytes, expect_idr: ID | None = None) -> list:
        """Check the R_MESSAGE (SIGNr first) and return the SRTP contexts."""
        o = self.offer
        decoded = open_answer(data, DataType.DH_RESP, o.csb_id, "DH-SIGN R_MESSAGE")
        msg, h = decoded.message, decoded.message.header
        ecc.check_grammar(msg, R_GRAMMAR, "DH-SIGN R_MESSAGE")
        idr, idi, certs = ecc.responder_ids(msg)
        named, peer = self.trust.resolve(idr if idr is not None or certs else (expect_idr or o.idr), certs)
        ecc.check_signature(decoded, peer)
        if expect_idr is not None and not ecc.same_id(named, expect_idr):
            raise BadIdentity("IDr is not the expected Responder")
        if o.idr is not None and not ecc.same_id(named, o.idr):
            raise BadIdentity("the R_MESSAGE is not from the Responder the I_MESSAGE named")
        if msg.find(T).value != o.t:
            raise InvalidTimestamp("the R_MESSAGE does not echo our timestamp")
        own = ecc.own_identity(o.idi, o.cert)
        if own is not None and not ecc.same_id(idi, own):
            raise BadIdentity("IDi in the R_MESSAGE is not ours")
        dhr, dhi = msg.find_all(DH)
        if dhi.group != DhGroup.P_256 or dhi.value != ecc.point_bytes(o.x):
            raise AuthFailure("DHi in the R_MESSAGE is not ours")
        if dhr.group != DhGroup.P_256:
            raise UnsupportedDHGroup("DHr in another group")
        self.tgk = ecc.ecdh_x(o.x, ecc.decode_point(dhr.value))
        policies = {i: policy_dict(p) for i, p in enumerate(o.policies)}
        return _contexts(h, self.tgk, o.rand, policies, o.kv)


@dataclass
class DhSignResponder(Answering):
    """The Responder of DH-SIGN over P-256."""

    key: object  # our P-256 private key
    trust: ecc.Trust = field(default_factory=ecc.Trust)
    idr: ID | None = None  # our identity: sent as IDr, checked against IDr
    cert: bytes | None = None  # our certificate (DER): sent as CERTr instead of IDr
    peer_idi: ID | None = None  # the Initiator when its message names nobody; else an IDi must be this
    replay: ReplayCache = field(default_factory=ReplayCache)
    x: int | None = None  # fix the next ephemeral scalar (known answers)
    k: int | None = None  # fix the next ECDSA nonce (known answers)

    def _respond(self, data: bytes, now: int) -> Result:
        decoded, _, idi, idr, named, peer = ecc.accept_signed(
            data, now, DataType.DH_INIT, I_GRAMMAR, "DH-SIGN I_MESSAGE", self.replay,
            ecc.own_identity(self.idr, self.cert), self.peer_idi, self.trust)
        msg, h = decoded.message, decoded.message.header
        t = msg.find(T)
        dhi = msg.find(DH)
        if dhi.group != DhGroup.P_256:
            raise UnsupportedDHGroup(f"DH-Group {int(dhi.group)}: this DH-SIGN is P-256 (10) only")
        peer_dh = ecc.decode_point(dhi.value)  # before any multiplication
        policies = _policies(msg.find_all(SP))
        x = self.x if self.x is not None else ecc.new_scalar()
        self.x = None
        tgk = ecc.ecdh_x(x, peer_dh)
        contexts = _contexts(h, tgk, msg.find(RAND).rand, policies, dhi.kv)
        header = Header(DataType.DH_RESP, h.csb_id, h.cs_map, v=False, prf_func=h.prf_func)
        payloads = [t] + _identity_payloads(self.idr, self.cert) + [named]
        payloads += [DH(DhGroup.P_256, ecc.point_bytes(x), dhi.kv), dhi]
        reply = ecc.signed(header, payloads, self.key, self.k)
        self.k = None
        return Result(reply, contexts)


__all__ = ["DhSignOffer", "DhSignInitiator", "DhSignResponder", "I_GRAMMAR", "R_GRAMMAR"]
