"""MIKEY DH-HMAC (RFC 4650): HMAC-authenticated Diffie-Hellman over the
OAKLEY groups, sans-IO.

    I_MESSAGE = HDR(7), T, RAND, [IDi], IDr, {SP}, DHi, [GenExt(SDP IDs)], KEMAC
    R_MESSAGE = HDR(8), T, [IDr], IDi, DHr, DHi, KEMAC

The KEMAC carries no key, only the HMAC over the whole message but its MAC
field, keyed with auth_key from the pre-shared key (RFC 3830 §4.1.4, with
the I_MESSAGE's RAND). TGK = g^(xi·xr) mod p, big-endian, left-padded to the
modulus length; the SRTP keys come from it as in PSK mode. Private values
can be fixed for known answers. Wire choices: docs/profile.md "DH-HMAC".
"""

import os
from dataclasses import dataclass, field

from mikeyhost import crypto, ecc
from mikeyhost.errors import (
    AuthFailure, BadIdentity, BadPolicyParam, InvalidTimestamp,
    UnexpectedPayload, UnsupportedDataType, UnsupportedDHGroup, UnsupportedEncryption, UnsupportedMAC,
    UnsupportedPRF,
)
from mikeyhost.payloads import (
    DH, ID, KEMAC, RAND, SP, DataType, DhGroup, EncrAlg, GeneralExtension, Header, KeyData,
    KeyDataType, KvNull, MacAlg, Message, PayloadType, PrfFunc, SdpIdsExt, SrtpIdEntry, SrtpIdMap, SrtpPolicy, T,
    TsType, auth_field_offset, decode_message, encode_message,
)
from mikeyhost.psk import Answering, CryptoSession, Result, _policies, open_answer
from mikeyhost.replay import ReplayCache
from mikeyhost.srtp import SrtpContext, master_key_and_salt, policy_dict

KEMAC_4650 = "kemac-rfc4650-numbers"  # tolerated: Encr alg 2 with no data (RFC 4650 §4.2)

# RFC 3526 §2 (OAKLEY 5), RFC 2409 §6.1, §6.2 (OAKLEY 1, 2); generator 2.
_OAKLEY1 = ("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
            "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A3620"
            "FFFFFFFFFFFFFFFF")
_OAKLEY2 = ("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
            "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
            "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF")
_OAKLEY5 = ("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
            "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
            "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
            "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
            "F1746C08CA237327FFFFFFFFFFFFFFFF")
PRIMES = {DhGroup.OAKLEY_5: int(_OAKLEY5, 16), DhGroup.OAKLEY_1: int(_OAKLEY1, 16),
          DhGroup.OAKLEY_2: int(_OAKLEY2, 16)}
GENERATOR = 2
SECRET_BITS = 256  # RFC 3526 §8: twice the 128-bit strength


def modulus_len(group: int) -> int:
    return (PRIMES[DhGroup(group)].bit_length() + 7) // 8


def new_secret(group: int = DhGroup.OAKLEY_5) -> int:
    """A private exponent of 256 random bits (never 0 or 1); for P-256 a
    scalar in [1, n-1]."""
    if group == DhGroup.P_256:
        return ecc.new_scalar()
    while True:
        x = int.from_bytes(os.urandom(SECRET_BITS // 8), "big")
        if x > 1:
            return x


def public_value(group: int, x: int) -> bytes:
    """g^x mod p as the DH payload carries it: fixed length (§6.4); for
    P-256 (profile extension) the uncompressed point x·G."""
    if group == DhGroup.P_256:
        return ecc.point_bytes(x)
    p = PRIMES[DhGroup(group)]
    return pow(GENERATOR, x, p).to_bytes(modulus_len(group), "big")


def check_peer_value(group: int, value: bytes) -> int:
    """The peer's public value, checked before any exponentiation: its
    exact length for the group and 1 < y < p − 1 (a value outside that
    range forces the shared secret into a tiny subgroup). Invalid DH (6).
    A P-256 value must be a point on the curve (ecc.decode_point)."""
    if group == DhGroup.P_256:
        return ecc.decode_point(value)
    if group not in PRIMES:
        raise UnsupportedDHGroup(f"DH-Group {int(group)} is not supported for DH-HMAC")
    if len(value) != modulus_len(group):
        raise UnsupportedDHGroup(f"DH value of {len(value)} bytes for a {modulus_len(group)}-byte group")
    y = int.from_bytes(value, "big")
    if not 1 < y < PRIMES[DhGroup(group)] - 1:
        raise UnsupportedDHGroup("DH value outside 2..p-2")
    return y


def tgk(group: int, peer: bytes, x: int) -> bytes:
    """TGK = peer^x mod p, left-padded to the modulus length (docs/profile.md);
    for P-256 the x coordinate of x·peer, 32 bytes (docs/ecc-profile.md)."""
    y = check_peer_value(group, peer)
    if group == DhGroup.P_256:
        return ecc.ecdh_x(x, y)
    return pow(y, x, PRIMES[DhGroup(group)]).to_bytes(modulus_len(group), "big")


@dataclass
class DhOffer:
    """Everything a DH-HMAC I_MESSAGE is made of; random and time inputs
    (and the private exponent) can be fixed for known answers."""

    csb_id: int
    t: int  # NTP 64-bit
    idr: ID  # RFC 4650 §3: the Initiator SHALL include the Responder's identity
    cs: list = field(default_factory=list)  # [CryptoSession]
    rand: bytes | None = None  # None in an update (§3.1)
    idi: ID | None = None
    group: int = DhGroup.OAKLEY_5
    x: int | None = None  # private exponent: None draws one
    dh: bool = True  # an update may leave the DH values out (§3.1 b)
    policies: list = field(default_factory=lambda: [SrtpPolicy.profile_default()])
    mac_alg: int = MacAlg.HMAC_SHA_1_160
    prf_func: int = PrfFunc.MIKEY_1
    sdp_ids: str | None = None  # the KMPID list when the message rides in SDP (RFC 4567 §4.1.4)


def _auth_key(psk: bytes, csb_id: int, rand: bytes, mac_alg: int, prf_func: int) -> bytes:
    return crypto.mikey_keys(psk, csb_id, rand, EncrAlg.NULL, mac_alg, prf_func).auth_key


def _sealed(header: Header, payloads: list, auth_key: bytes, mac_alg: int) -> bytes:
    """Encode with the KEMAC last and its MAC over all but the MAC field."""
    payloads = payloads + [KEMAC(EncrAlg.NULL, b"", mac_alg, bytes(crypto.mac_len(mac_alg)))]
    data = bytearray(encode_message(Message(header, payloads)))
    at = auth_field_offset(bytes(data))
    data[at:] = crypto.mac(mac_alg, auth_key, bytes(data[:at]))
    return bytes(data)


def _srtp_map(cs: list) -> SrtpIdMap:
    return SrtpIdMap([SrtpIdEntry(c.policy_no, c.ssrc, c.roc) for c in cs])


def _contexts(header: Header, tgk_value: bytes, rand: bytes, policies: dict, kv) -> list:
    """§4.1.3 from the TGK for every crypto session (MKI: the DH payload's
    KV SPI, when it has one)."""
    kd = KeyData(KeyDataType.TGK, tgk_value, b"", kv)
    out = []
    entries = header.cs_map.entries if isinstance(header.cs_map, SrtpIdMap) else []
    for cs_id, entry in enumerate(entries, start=1):
        policy = policies.get(entry.policy_no, policy_dict(None) if not policies else None)
        if policy is None:
            raise BadPolicyParam(f"CS {cs_id} refers to policy {entry.policy_no}, which no SP defines")
        mk, ms = master_key_and_salt(kd, cs_id, header.csb_id, rand, policy, header.prf_func)
        out.append(SrtpContext(cs_id, entry.ssrc, entry.roc, mk, ms, kd.spi, policy))
    return out


@dataclass
class DhInitiator:
    psk: bytes
    offer: DhOffer
    rand: bytes = b""  # of the initial exchange
    message: bytes = b""
    tgk: bytes | None = None

    def __post_init__(self):
        o = self.offer
        if o.rand is not None:
            self.rand = o.rand
        if o.dh and o.x is None:
            o.x = new_secret(o.group)
        header = Header(DataType.DHHMAC_INIT, o.csb_id, _srtp_map(o.cs), v=False, prf_func=o.prf_func)
        payloads = [T(TsType.NTP_UTC, o.t)]
        if o.rand is not None:
            payloads.append(RAND(o.rand))
        payloads += [p for p in (o.idi, o.idr) if p is not None]
        payloads += [SP.from_srtp(p, policy_no=i) for i, p in enumerate(o.policies)]
        if o.dh:
            payloads.append(DH(o.group, public_value(o.group, o.x)))
        if o.sdp_ids is not None:
            payloads.append(SdpIdsExt(o.sdp_ids.split(";")))
        key = _auth_key(self.psk, o.csb_id, self.rand, o.mac_alg, o.prf_func)
        self.message = _sealed(header, payloads, key, o.mac_alg)

    @classmethod
    def from_message(cls, psk: bytes, data: bytes, x: int) -> "DhInitiator":
        """The Initiator of an I_MESSAGE it sent earlier, from the message
        and its private exponent (for `mikey finish dhhmac`)."""
        decoded = decode_message(bytes(data))
        msg, h = decoded.message, decoded.message.header
        if h.data_type != DataType.DHHMAC_INIT:
            raise UnsupportedDataType(f"data type {int(h.data_type)} is not a DH-HMAC I_MESSAGE")
        dhi, rand_p, kemac = msg.find(DH), msg.find(RAND), msg.find(KEMAC)
        if dhi is None or rand_p is None:
            raise UnexpectedPayload("an initial DH-HMAC I_MESSAGE has RAND and DHi")
        if public_value(dhi.group, x) != dhi.value:
            raise ValueError("the private exponent does not match DHi")
        ids = msg.find_all(ID)
        ext = next((p for p in msg.payloads if isinstance(p, SdpIdsExt)), None)
        offer = DhOffer(csb_id=h.csb_id, t=msg.find(T).value, idr=ids[-1],
                        cs=[CryptoSession(e.ssrc, e.roc, e.policy_no) for e in h.cs_map.entries],
                        rand=rand_p.rand, idi=ids[0] if len(ids) == 2 else None, group=dhi.group, x=x,
                        policies=[sp.srtp() for sp in msg.find_all(SP)], mac_alg=kemac.mac_alg,
                        prf_func=h.prf_func, sdp_ids=";".join(ext.kmpids) if ext else None)
        init = cls(psk, offer)
        if init.message != bytes(data):
            raise AuthFailure("the PSK does not make this I_MESSAGE")
        return init

    def update(self, t: int, *, dh: bool = True, x: int | None = None) -> bytes:
        """An update (§3.1): same CSB ID, new T, no RAND; fresh DH values
        (re-keying) or none (other information only)."""
        fields = dict(self.offer.__dict__)
        fields.update(t=t, rand=None, dh=dh, x=x)
        self.offer = DhOffer(**fields)
        self.__post_init__()
        return self.message

    def finish(self, data: bytes, expect_idr: ID | None = None) -> list:
        """Check the R_MESSAGE and return the SRTP contexts."""
        o = self.offer
        decoded = open_answer(data, DataType.DHHMAC_RESP, o.csb_id, "DH-HMAC R_MESSAGE")
        msg, h = decoded.message, decoded.message.header
        _grammar(msg, response=True)
        kemac = msg.find(KEMAC)
        key = _auth_key(self.psk, o.csb_id, self.rand, kemac.mac_alg, o.prf_func)
        if kemac.mac_alg != o.mac_alg:
            raise UnsupportedMAC("the R_MESSAGE uses another MAC algorithm")
        crypto.verify_mac(kemac.mac_alg, key, data[:decoded.auth_field_offset()], kemac.mac)
        t = msg.find(T)
        if t.value != o.t:
            raise InvalidTimestamp("the R_MESSAGE does not echo our timestamp")
        ids = msg.find_all(ID)
        r_idi = ids[-1]
        if o.idi is not None and r_idi.data != o.idi.data:
            raise BadIdentity("IDi in the R_MESSAGE is not ours")
        if expect_idr is not None and (len(ids) < 2 or ids[0].data != expect_idr.data):
            raise BadIdentity("IDr is not the expected Responder")
        dhs = msg.find_all(DH)
        if o.dh:
            if len(dhs) != 2:
                raise UnexpectedPayload("a DH-HMAC R_MESSAGE carries DHr and DHi")
            dhr, dhi = dhs
            if dhi.group != o.group or dhi.value != public_value(o.group, o.x):
                raise AuthFailure("DHi in the R_MESSAGE is not ours")
            if dhr.group != o.group:
                raise UnsupportedDHGroup("DHr in another group")
            self.tgk = tgk(o.group, dhr.value, o.x)
        elif dhs:
            raise UnexpectedPayload("DH values in answer to an update without them")
        policies = {i: policy_dict(p) for i, p in enumerate(o.policies)}
        return _contexts(h, self.tgk, self.rand, policies, KvNull())


# R_MESSAGE grammar: T, [IDr], IDi, [DHr, DHi], KEMAC; I_MESSAGE: T, [RAND],
# [IDi], IDr, {SP}, [DHi], {GenExt}, KEMAC (RFC 4650 §3, §3.1)
_ORDER = {T: 0, RAND: 1, ID: 2, SP: 3, DH: 4, GeneralExtension: 5, KEMAC: 6}


def _grammar(msg: Message, response: bool) -> None:
    allowed = (T, ID, DH, GeneralExtension, KEMAC) if response else tuple(_ORDER)
    last, counts = -1, {}
    for p in msg.payloads:
        kind = GeneralExtension if p.payload_type == PayloadType.GENERAL_EXT else type(p)
        if kind not in allowed:
            raise UnexpectedPayload(f"{kind.__name__} does not belong in a DH-HMAC message")
        if _ORDER[kind] < last:
            raise UnexpectedPayload(f"{kind.__name__} out of order")
        last = _ORDER[kind]
        counts[kind] = counts.get(kind, 0) + 1
    limits = {T: 1, RAND: 1, ID: 2, KEMAC: 1, DH: 2 if response else 1}
    for kind, n in counts.items():
        if n > limits.get(kind, 1 << 30):
            raise UnexpectedPayload(f"repeated {kind.__name__}")
    if counts.get(T) != 1 or counts.get(KEMAC) != 1 or not isinstance(msg.payloads[-1], KEMAC):
        raise UnexpectedPayload("T and a last KEMAC are required")
    if not counts.get(ID):
        raise UnexpectedPayload("IDr (I_MESSAGE) or IDi (R_MESSAGE) is required (RFC 4650 §3)")
    if response and counts.get(DH, 0) == 1:
        raise UnexpectedPayload("DHr and DHi come together (RFC 4650 §3.1)")


@dataclass
class _Csb:
    rand: bytes
    tgk: bytes | None
    group: int


@dataclass
class DhResponder(Answering):
    """The Responder of DH-HMAC."""

    psk: bytes
    idr: ID  # our identity: the I_MESSAGE must name it (RFC 4650 §3)
    peer_idi: ID | None = None  # the Initiator's identity when its message has none
    replay: ReplayCache = field(default_factory=ReplayCache)
    tolerant: bool = False
    sdp_ids: str | None = None  # the KMPID list of the SDP the message came in
    csbs: dict = field(default_factory=dict)
    x: int | None = None  # fix the next private exponent (known answers)
    p256: bool = False  # accept DH-Group 10, the P-256 profile extension (docs/ecc-profile.md)

    def _respond(self, data: bytes, now: int) -> Result:
        decoded = decode_message(data, tolerant=self.tolerant)
        msg, h, tolerated = decoded.message, decoded.message.header, list(decoded.tolerated)
        if h.data_type != DataType.DHHMAC_INIT:
            raise UnsupportedDataType(f"data type {int(h.data_type)} is not a DH-HMAC I_MESSAGE")
        if h.prf_func not in (PrfFunc.MIKEY_1, PrfFunc.PRF_HMAC_SHA_256):
            raise UnsupportedPRF(f"PRF func {int(h.prf_func)}")
        _grammar(msg, response=False)
        rand_p = msg.find(RAND)
        state = self.csbs.get(h.csb_id)
        if rand_p is None and state is None:
            raise UnexpectedPayload("no RAND payload in an initial I_MESSAGE")
        t = msg.find(T)
        self.replay.check(now if t.ts_type == TsType.COUNTER else t.t64(), data, now)
        ids = msg.find_all(ID)
        idi, idr = (ids[0], ids[1]) if len(ids) == 2 else (None, ids[0])
        if idr.data != self.idr.data:
            raise BadIdentity("IDr names another Responder")
        if idi is None:
            idi = self.peer_idi
            if idi is None:
                raise BadIdentity("no IDi, and no Initiator identity configured (RFC 4650 §3)")
        elif self.peer_idi is not None and idi.data != self.peer_idi.data:
            raise BadIdentity("IDi is not the expected Initiator")
        kemac = msg.find(KEMAC)
        if kemac.encr_alg != EncrAlg.NULL or kemac.encr_data:
            if self.tolerant and kemac.encr_alg == 2 and not kemac.encr_data:
                tolerated.append(KEMAC_4650)  # RFC 4650's own table: 2 = NULL
            else:
                raise UnsupportedEncryption("a DH-HMAC KEMAC carries no encrypted data (RFC 4650 §4.2)")
        if kemac.mac_alg == MacAlg.NULL:
            raise UnsupportedMAC("DH-HMAC needs a MAC")
        rand = rand_p.rand if rand_p is not None else state.rand
        key = _auth_key(self.psk, h.csb_id, rand, kemac.mac_alg, h.prf_func)
        crypto.verify_mac(kemac.mac_alg, key, data[:decoded.auth_field_offset()], kemac.mac)
        self.replay.add(now if t.ts_type == TsType.COUNTER else t.t64(), data, now)
        if self.sdp_ids is not None:
            ext = next((p for p in msg.payloads if isinstance(p, SdpIdsExt)), None)
            if ext is None or ";".join(ext.kmpids) != self.sdp_ids:
                raise AuthFailure("the SDP IDs the Initiator signed are not the SDP's (bidding down?)")
        policies = _policies(msg.find_all(SP), self.tolerant, tolerated)
        dhi = msg.find(DH)
        payloads = [t] + [self.idr, idi]
        tgk_value = state.tgk if state is not None else None
        group = dhi.group if dhi is not None else (state.group if state else DhGroup.OAKLEY_5)
        if dhi is not None:
            if dhi.group == DhGroup.P_256 and not self.p256:
                raise UnsupportedDHGroup("DH-Group 10 (P-256) is a profile extension this Responder is not set for")
            check_peer_value(dhi.group, dhi.value)  # before any exponentiation
            x = self.x if self.x is not None else new_secret(dhi.group)
            self.x = None
            payloads += [DH(dhi.group, public_value(dhi.group, x)), dhi]
            tgk_value = tgk(dhi.group, dhi.value, x)
        elif tgk_value is None:
            raise UnexpectedPayload("an initial DH-HMAC I_MESSAGE needs DHi")
        self.csbs[h.csb_id] = _Csb(rand, tgk_value, group)
        contexts = _contexts(h, tgk_value, rand, policies, dhi.kv if dhi is not None else KvNull())
        header = Header(DataType.DHHMAC_RESP, h.csb_id, h.cs_map, v=False, prf_func=h.prf_func)
        reply = _sealed(header, payloads, key, kemac.mac_alg)
        return Result(reply, contexts, tolerated)


__all__ = ["DhOffer", "DhInitiator", "DhResponder", "CryptoSession", "PRIMES", "public_value", "tgk",
           "check_peer_value", "new_secret", "KEMAC_4650"]
