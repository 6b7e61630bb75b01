"""MIKEY-ECIES (draft-ietf-msec-mikey-ecc-03 §4): RFC 3830 public-key mode
(§3.2) with the envelope key under ECIES and an ECDSA signature, sans-IO.

    I_MESSAGE = HDR(2), T, RAND, [IDi|CERTi], [IDr], {SP}, KEMAC, [CHASH], PKE, SIGNi
    R_MESSAGE = HDR(3), T, [IDr], V          (only when the Initiator sets V)

env_key: 16 random bytes. PKE = C || ECIES(PKr, env_key) (ecc.ecies_encrypt:
SEC1, X9.63-KDF SHA-256, AES-128-CBC, HMAC-SHA-1-160). KEMAC =
E(encr_key, IDi || {TGK}) || MAC, encr_key, salt_key and auth_key from
env_key (§4.1.4, this message's CSB ID and RAND); its MAC covers the KEMAC
payload alone but the MAC field, with its Next payload byte taken as 0
(§5.2). SIGNi: ECDSA over the whole message but the Signature field. V as
in PSK mode with auth_key from env_key. Wire choices: docs/ecc-profile.md.
"""

import os
from dataclasses import dataclass, field

from mikeyhost import crypto, ecc
from mikeyhost.errors import (
    AuthFailure, BadIdentity, BadLength, InvalidTimestamp, UnexpectedPayload,
    UnsupportedDataType, UnsupportedEncryption, UnsupportedMAC,
)
from mikeyhost.payloads import (
    ID, KEMAC, PKE, RAND, SP, DataType, EncrAlg, Header, MacAlg, PkeCache, PrfFunc, SrtpIdEntry,
    SrtpIdMap, SrtpPolicy, T, TsType, V, auth_field_offset, decode_id_and_key_data, decode_message,
    encode_id_and_key_data, encode_message, Message,
)
from mikeyhost.dhsign import _identity_payloads
from mikeyhost.psk import Answering, CryptoSession, Result, _contexts, _policies, open_answer
from mikeyhost.replay import ReplayCache
from mikeyhost.srtp import policy_dict

I_GRAMMAR = r"TR(I|C+)?I?S*X*KH?PG"
ENV_KEY_LEN = 16
ENV_KEY_MAX = 64


@dataclass
class EciesOffer:
    """Everything a MIKEY-ECIES I_MESSAGE is made of; the envelope key, the
    ECIES ephemeral scalar `eph` and the ECDSA nonce `k` can be fixed."""

    csb_id: int
    t: int
    rand: bytes
    keys: list  # [KeyData]: the TGKs (or TEKs) to transport
    cs: list = field(default_factory=list)
    idi: ID | None = None
    idr: ID | None = None
    cert: bytes | None = None  # our certificate (DER): sent as CERTi instead of IDi
    v: bool = True  # ask for the verification message
    env_key: bytes | None = None  # None draws 16 random bytes
    eph: int | None = None  # ECIES ephemeral scalar: None draws one
    k: int | None = None  # ECDSA nonce: None is RFC 6979's
    cache: int = PkeCache.NO_CACHE
    policies: list = field(default_factory=lambda: [SrtpPolicy.profile_default()])
    encr_alg: int = EncrAlg.AES_CM_128
    mac_alg: int = MacAlg.HMAC_SHA_1_160
    prf_func: int = PrfFunc.MIKEY_1


def _kemac_mac_input(kemac_bytes: bytes, mac_len: int) -> bytes:
    """§5.2: the KEMAC payload but its MAC field, Next payload set to 0."""
    return b"\x00" + bytes(kemac_bytes[1:len(kemac_bytes) - mac_len])


def _header(data_type, o) -> Header:
    return Header(data_type, o.csb_id, SrtpIdMap([SrtpIdEntry(c.policy_no, c.ssrc, c.roc) for c in o.cs]),
                  v=o.v, prf_func=o.prf_func)


@dataclass
class EciesInitiator:
    key: object  # our P-256 signing key
    offer: EciesOffer
    responder_key: object = None  # the Responder's P-256 public key; None: trust.peers[IDr]
    trust: ecc.Trust = field(default_factory=ecc.Trust)
    message: bytes = b""

    def __post_init__(self):
        o = self.offer
        if o.env_key is None:
            o.env_key = os.urandom(ENV_KEY_LEN)
        peer = (ecc.public_key(self.responder_key) if self.responder_key is not None
                else self.trust.resolve(o.idr, [])[1])
        idi = ecc.own_identity(o.idi, o.cert)
        if idi is None:
            raise ValueError("MIKEY-ECIES needs our identity (IDi or a certificate): the KEMAC carries it")
        keys = crypto.mikey_keys(o.env_key, o.csb_id, o.rand, o.encr_alg, o.mac_alg, o.prf_func)
        t = T(TsType.NTP_UTC, o.t)
        encr = crypto.kemac_encrypt(o.encr_alg, keys, o.csb_id, t.t64(), encode_id_and_key_data(idi, o.keys))
        kemac = KEMAC(o.encr_alg, encr, o.mac_alg, bytes(crypto.mac_len(o.mac_alg)))
        mac_len = crypto.mac_len(o.mac_alg)
        kemac.mac = crypto.mac(o.mac_alg, keys.auth_key, _kemac_mac_input(kemac.write(0), mac_len))
        payloads = [t, RAND(o.rand)] + _identity_payloads(o.idi, o.cert)
        payloads += [o.idr] if o.idr is not None else []
        payloads += [SP.from_srtp(p, policy_no=i) for i, p in enumerate(o.policies)]
        payloads += [kemac, PKE(o.cache, ecc.ecies_encrypt(peer, o.env_key, o.eph))]
        self.message = ecc.signed(_header(DataType.PK_INIT, o), payloads, self.key, o.k)

    def contexts(self) -> list:
        o = self.offer
        return _contexts(_header(DataType.PK_INIT, o), o.keys,
                         {i: policy_dict(p) for i, p in enumerate(o.policies)}, o.rand)

    @classmethod
    def from_message(cls, key, data: bytes, env_key: bytes, trust: ecc.Trust | None = None) -> "EciesInitiator":
        """The Initiator of an I_MESSAGE it sent earlier, from the message
        and its envelope key (`mikey finish ecies`)."""
        decoded = decode_message(bytes(data))
        msg, h = decoded.message, decoded.message.header
        if h.data_type != DataType.PK_INIT:
            raise UnsupportedDataType(f"data type {int(h.data_type)} is not a MIKEY-ECIES I_MESSAGE")
        ecc.check_grammar(msg, I_GRAMMAR, "MIKEY-ECIES I_MESSAGE")
        ecc.check_signature(decoded, ecc.private_key(key).public_key())
        idi, idr, certs = ecc.initiator_ids(msg, None)
        rand = msg.find(RAND).rand
        _, keys, _ = _open_kemac(decoded, env_key, rand)
        init = cls.__new__(cls)
        init.key, init.trust, init.responder_key, init.message = key, trust or ecc.Trust(), None, bytes(data)
        kemac, pke = msg.find(KEMAC), msg.find(PKE)
        init.offer = EciesOffer(
            csb_id=h.csb_id, t=msg.find(T).value, rand=rand, keys=keys,
            cs=[CryptoSession(e.ssrc, e.roc, e.policy_no) for e in h.cs_map.entries], idi=idi, idr=idr,
            cert=certs[0].data if certs else None, v=h.v, env_key=bytes(env_key), cache=pke.c,
            policies=[sp.srtp() for sp in msg.find_all(SP)], encr_alg=kemac.encr_alg, mac_alg=kemac.mac_alg,
            prf_func=h.prf_func)
        return init

    def finish(self, data: bytes, expect_idr: ID | None = None) -> list:
        """Check the R_MESSAGE's V (§5.2) and return the SRTP contexts."""
        o = self.offer
        decoded = open_answer(data, DataType.PK_RESP, o.csb_id, "MIKEY-ECIES R_MESSAGE")
        msg = decoded.message
        ecc.check_grammar(msg, r"TI?V", "MIKEY-ECIES R_MESSAGE")
        v, r_idr = msg.find(V), msg.find(ID)
        if v.auth_alg != o.mac_alg:
            raise UnsupportedMAC("V uses another MAC algorithm than the KEMAC")
        keys = crypto.mikey_keys(o.env_key, o.csb_id, o.rand, o.encr_alg, o.mac_alg, o.prf_func)
        id_r = o.idr.data if o.idr is not None else (r_idr.data if r_idr is not None else b"")
        crypto.verify_verification_mac(v.auth_alg, keys.auth_key, decoded.data[:decoded.auth_field_offset()],
                                       o.idi.data if o.idi is not None else b"", id_r,
                                       T(TsType.NTP_UTC, o.t).value_bytes(), v.ver_data)
        if msg.find(T).value != o.t:
            raise InvalidTimestamp("the R_MESSAGE does not echo our timestamp")
        if expect_idr is not None and not ecc.same_id(r_idr, expect_idr):
            raise BadIdentity("IDr is not the expected Responder")
        return self.contexts()


def _open_kemac(decoded, env_key: bytes, rand: bytes):
    """Check the KEMAC's algorithms and MAC, decrypt it: (MIKEY keys, [KeyData], IDi)."""
    msg, h = decoded.message, decoded.message.header
    kemac = msg.find(KEMAC)
    if kemac.encr_alg not in (EncrAlg.AES_CM_128, EncrAlg.AES_CM_256):
        raise UnsupportedEncryption(f"Encr alg {int(kemac.encr_alg)}: AES-CM-128 or AES-CM-256 here")
    if kemac.mac_alg == MacAlg.NULL:
        raise UnsupportedMAC("MIKEY-ECIES needs a KEMAC MAC")
    keys = crypto.mikey_keys(env_key, h.csb_id, rand, kemac.encr_alg, kemac.mac_alg, h.prf_func)
    at = msg.payloads.index(kemac)
    span = decoded.spans[at + 1]
    crypto.verify_mac(kemac.mac_alg, keys.auth_key,
                      _kemac_mac_input(decoded.data[span.start:span.end], len(kemac.mac)), kemac.mac)
    plaintext = crypto.kemac_decrypt(kemac.encr_alg, keys, h.csb_id, msg.find(T).t64(), kemac.encr_data)
    idi, keydata = decode_id_and_key_data(plaintext)
    return keys, keydata, idi


@dataclass
class EciesResponder(Answering):
    """The Responder of MIKEY-ECIES."""

    key: object  # our P-256 private key (ECIES decryption)
    trust: ecc.Trust = field(default_factory=ecc.Trust)
    idr: ID | None = None
    peer_idi: ID | None = None
    replay: ReplayCache = field(default_factory=ReplayCache)

    def _respond(self, data: bytes, now: int) -> Result:
        decoded, _, idi, idr, named, peer = ecc.accept_signed(
            data, now, DataType.PK_INIT, I_GRAMMAR, "MIKEY-ECIES I_MESSAGE", self.replay, self.idr,
            self.peer_idi, self.trust)
        msg, h = decoded.message, decoded.message.header
        t = msg.find(T)
        env_key = ecc.ecies_decrypt(self.key, msg.find(PKE).data)
        if not ENV_KEY_LEN <= len(env_key) <= ENV_KEY_MAX:
            raise BadLength(f"an envelope key of {len(env_key)} bytes (16 to 64 are taken)")
        rand = msg.find(RAND).rand
        keys, keydata, enc_idi = _open_kemac(decoded, env_key, rand)
        if not ecc.same_id(enc_idi, named):
            raise AuthFailure("the IDi inside the KEMAC is not the signer's identity (§3.2)")
        if not keydata:
            raise UnexpectedPayload("the KEMAC carries no Key data")
        policies = _policies(msg.find_all(SP))
        contexts = _contexts(h, keydata, policies, rand)
        reply = None
        if h.v:
            kemac = msg.find(KEMAC)
            header = Header(DataType.PK_RESP, h.csb_id, h.cs_map, v=False, prf_func=h.prf_func)
            payloads = [t] + ([self.idr] if self.idr is not None else [])
            payloads.append(V(kemac.mac_alg, bytes(crypto.mac_len(kemac.mac_alg))))
            out = bytearray(encode_message(Message(header, payloads)))
            at = auth_field_offset(bytes(out))
            id_r = idr.data if idr is not None else (self.idr.data if self.idr is not None else b"")
            out[at:] = crypto.verification_mac(kemac.mac_alg, keys.auth_key, bytes(out[:at]),
                                               idi.data if idi is not None else b"", id_r, t.value_bytes())
            reply = bytes(out)
        return Result(reply, contexts)


__all__ = ["EciesOffer", "EciesInitiator", "EciesResponder", "ENV_KEY_LEN"]
