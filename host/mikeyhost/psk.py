"""MIKEY pre-shared key mode and MIKEY-NULL (RFC 3830 §3.1, §5), sans-IO.

    I_MESSAGE = HDR, T, RAND, [IDi], [IDr], {SP}, KEMAC
    R_MESSAGE = HDR, T, [IDr], V          (only when the Initiator sets V)

The Initiator builds the I_MESSAGE from explicit inputs (CSB ID, RAND, T,
keys: every random or time value can be fixed) and checks the R_MESSAGE;
the Responder checks an I_MESSAGE against its PSK, replay cache and clock
(`now` is an argument) and answers with an R_MESSAGE or an Error message.
Both give the SRTP contexts. Wire choices: docs/profile.md.
"""

from dataclasses import dataclass, field

from mikeyhost import crypto
from mikeyhost.errors import (
    AuthFailure, BadIdentity, BadPolicyParam, ErrorNo, InvalidTimestamp, MikeyError, PeerError,
    UnexpectedPayload, UnsupportedDataType, UnsupportedEncryption, UnsupportedMAC, UnsupportedPRF,
)
from mikeyhost.payloads import (
    ERR, ID, KEMAC, RAND, SP, DataType, Decoded, EncrAlg, GeneralExtension, Header, IdType,
    KeyData, KeyDataType, KvNull, KvSpi, MacAlg, Message, PayloadType, PrfFunc, SrtpIdEntry, SrtpIdMap,
    SrtpPolicy, T, TsType, V, auth_field_offset, decode_key_data, decode_message, decode_partial,
    encode_key_data, encode_message,
)
from mikeyhost.replay import ReplayCache
from mikeyhost.srtp import SrtpContext, key_data_for, master_key_and_salt, policy_dict

NO_RAND = "no-rand"
IMPLAUSIBLE_TIMESTAMP = "implausible-timestamp"
RAND_LEN = 16  # docs/profile.md


@dataclass
class CryptoSession:
    """One SRTP stream: an SRTP-ID map entry (§6.1.1)."""

    ssrc: int
    roc: int = 0
    policy_no: int = 0


def identity(value: str | bytes | None) -> ID | None:
    """An ID payload for a configured identity: a URI when it has a scheme
    ("sip:alice@example.com"), a NAI otherwise ("alice@example.com")."""
    if value is None:
        return None
    data = value.encode() if isinstance(value, str) else bytes(value)
    return ID(IdType.URI if b":" in data else IdType.NAI, data)


@dataclass
class Offer:
    """Everything an I_MESSAGE is made of. Random and time inputs are
    explicit so that known-answer vectors can be built."""

    csb_id: int
    t: int  # NTP 64-bit timestamp (NTP-UTC)
    keys: list  # [KeyData]
    cs: list = field(default_factory=list)  # [CryptoSession]
    rand: bytes | None = None  # None in an update message (§4.5)
    idi: ID | None = None
    idr: ID | None = None
    policies: list = field(default_factory=lambda: [SrtpPolicy.profile_default()])  # policy no = index
    v: bool = False
    encr_alg: int = EncrAlg.AES_CM_128
    mac_alg: int = MacAlg.HMAC_SHA_1_160
    prf_func: int = PrfFunc.MIKEY_1
    extensions: list = field(default_factory=list)  # General Extensions, before the KEMAC


def key_data(key: bytes, *, tek: bool = False, salt: bytes | None = None,
             mki: bytes | None = None) -> KeyData:
    """A Key data sub-payload for a TGK (default) or TEK, with or without
    salt, with an MKI (KV = SPI) when given (§6.13, §6.14)."""
    if tek:
        kind = KeyDataType.TEK_SALT if salt else KeyDataType.TEK
    else:
        kind = KeyDataType.TGK_SALT if salt else KeyDataType.TGK
    return KeyData(kind, bytes(key), bytes(salt or b""), KvSpi(bytes(mki)) if mki is not None else KvNull())


def _mikey_keys(psk, csb_id, rand, encr_alg, mac_alg, prf_func):
    if encr_alg == EncrAlg.NULL and mac_alg == MacAlg.NULL:
        return crypto.MikeyKeys(b"", b"", b"")
    return crypto.mikey_keys(psk, csb_id, rand, encr_alg, mac_alg, prf_func)


def build_i_message(offer: Offer, psk: bytes | None, initial_rand: bytes = b"") -> bytes:
    """The I_MESSAGE (§3.1, §5.2): payloads in the RFC's order, the KEMAC
    last, its MAC over every byte before the MAC field. `psk` is None only
    for MIKEY-NULL (NULL encryption and MAC). An update (offer.rand None)
    derives its keys from the RAND of the initial exchange (§4.5)."""
    null = offer.encr_alg == EncrAlg.NULL and offer.mac_alg == MacAlg.NULL
    if psk is None and not null:
        raise ValueError("a PSK is needed unless encryption and MAC are NULL")
    header = Header(DataType.PSK_INIT, offer.csb_id,
                    SrtpIdMap([SrtpIdEntry(c.policy_no, c.ssrc, c.roc) for c in offer.cs]),
                    v=offer.v, prf_func=offer.prf_func)
    t = T(TsType.NTP_UTC, offer.t)
    payloads = [t]
    if offer.rand is not None:
        payloads.append(RAND(offer.rand))
    payloads += [p for p in (offer.idi, offer.idr) if p is not None]
    payloads += [SP.from_srtp(p, policy_no=i) for i, p in enumerate(offer.policies)]
    payloads += list(offer.extensions)
    plaintext = encode_key_data(offer.keys) if offer.keys else b""
    rand = offer.rand if offer.rand is not None else initial_rand
    keys = _mikey_keys(psk, offer.csb_id, rand, offer.encr_alg, offer.mac_alg, offer.prf_func)
    encr = crypto.kemac_encrypt(offer.encr_alg, keys, offer.csb_id, t.t64(), plaintext)
    kemac = KEMAC(offer.encr_alg, encr, offer.mac_alg, bytes(crypto.mac_len(offer.mac_alg)))
    payloads.append(kemac)
    data = bytearray(encode_message(Message(header, payloads)))
    at = auth_field_offset(bytes(data))
    data[at:] = crypto.mac(offer.mac_alg, keys.auth_key, bytes(data[:at]))
    return bytes(data)


def _contexts(header: Header, keys: list, policies: dict, rand: bytes, *, tolerant=False,
              tolerated=None) -> list:
    """SRTP contexts for every crypto session of the SRTP-ID map."""
    entries = header.cs_map.entries if isinstance(header.cs_map, SrtpIdMap) else []
    out = []
    if not keys:
        return out
    for cs_id, entry in enumerate(entries, start=1):
        if entry.policy_no in policies:
            policy = policies[entry.policy_no]
        elif not policies:
            policy = policy_dict(None)
        else:
            raise BadPolicyParam(f"CS {cs_id} refers to policy {entry.policy_no}, which no SP defines")
        kd = key_data_for(keys, len(entries), cs_id)
        mk, ms = master_key_and_salt(kd, cs_id, header.csb_id, rand, policy, header.prf_func,
                                     tolerant, tolerated)
        out.append(SrtpContext(cs_id, entry.ssrc, entry.roc, mk, ms, kd.spi, policy))
    return out


def _policies(sps, tolerant=False, tolerated=None) -> dict:
    return {sp.policy_no: policy_dict(sp.srtp(), tolerant, tolerated) for sp in sps}


def offer_contexts(offer: Offer, rand: bytes | None = None) -> list:
    """The Initiator's own SRTP contexts for an offer (the RAND of the
    initial exchange for an update)."""
    header = Header(DataType.PSK_INIT, offer.csb_id,
                    SrtpIdMap([SrtpIdEntry(c.policy_no, c.ssrc, c.roc) for c in offer.cs]),
                    prf_func=offer.prf_func)
    return _contexts(header, offer.keys, {i: policy_dict(p) for i, p in enumerate(offer.policies)},
                     offer.rand if offer.rand is not None else (rand or b""))


# -- Responder ---------------------------------------------------------------------


@dataclass
class Result:
    """What the Responder makes of an I_MESSAGE: the message to send back
    (an R_MESSAGE, an Error message, or None when the Initiator asked for no
    verification), the SRTP contexts, the quirks tolerated, and the error
    when there was one."""

    message: bytes | None
    contexts: list = field(default_factory=list)
    tolerated: list = field(default_factory=list)
    error: MikeyError | None = None


def open_answer(data: bytes, data_type: int, csb_id: int, what: str):
    """An Initiator's first look at the answer to its I_MESSAGE (every
    mode): the decoded message, of `data_type` and for our CSB. An Error
    message raises PeerError with its Error nos."""
    decoded = decode_message(bytes(data))
    h = decoded.message.header
    if h.data_type == DataType.ERROR:
        raise PeerError([e.error_no for e in decoded.message.find_all(ERR)])
    if h.data_type != data_type:
        raise UnsupportedDataType(f"data type {int(h.data_type)} is not a {what}")
    if h.csb_id != csb_id:
        raise AuthFailure(f"{what} for another CSB")
    return decoded


def error_message(code: int, received: bytes | None, now: int) -> bytes:
    """An Error message (§5.1.2; docs/profile.md): HDR with the CSB ID and
    PRF func of the message answered, its T (or our time), one ERR."""
    partial = decode_partial(received) if received else None
    csb_id, prf = 0, PrfFunc.MIKEY_1
    t = T(TsType.NTP_UTC, now)
    if partial is not None:
        csb_id, prf = partial.header.csb_id, partial.header.prf_func
        found = partial.find(T)
        if found is not None:
            t = found
    header = Header(DataType.ERROR, csb_id, SrtpIdMap([]), v=False, prf_func=prf)
    return encode_message(Message(header, [t, ERR(code)]))


class Answering:
    """What every mode's Responder does with an I_MESSAGE: respond() never
    raises for bad input; a refusal is a Result holding the Error message
    for the peer and the error. The mode's own work is _respond()."""

    def respond(self, data: bytes, now: int) -> Result:
        try:
            return self._respond(bytes(data), now)
        except MikeyError as e:
            return Result(error_message(int(e.code), data, now), error=e)


def open_kemac(decoded: Decoded, psk: bytes | None, rand: bytes, *, protected: bool):
    """Check the KEMAC's algorithms, verify its MAC over the message (§5.2)
    and decrypt its Key data (§4.2.3): (MIKEY keys, [KeyData]). NULL
    encryption or MAC only on a protected transport (MIKEY-NULL)."""
    h, kemac = decoded.message.header, decoded.message.find(KEMAC)
    if kemac.mac_alg == MacAlg.NULL and not protected:
        raise UnsupportedMAC("NULL MAC on a transport not declared protected")
    if kemac.encr_alg == EncrAlg.NULL and not protected:
        raise UnsupportedEncryption("NULL encryption on a transport not declared protected")
    if kemac.encr_alg not in (EncrAlg.NULL, EncrAlg.AES_CM_128, EncrAlg.AES_KW_128, EncrAlg.AES_CM_256):
        raise UnsupportedEncryption(f"Encr alg {int(kemac.encr_alg)}")
    keys = crypto.MikeyKeys(b"", b"", b"")
    if not (kemac.encr_alg == EncrAlg.NULL and kemac.mac_alg == MacAlg.NULL):
        if psk is None:
            raise AuthFailure("no pre-shared key configured")
        keys = _mikey_keys(psk, h.csb_id, rand, kemac.encr_alg, kemac.mac_alg, h.prf_func)
        crypto.verify_mac(kemac.mac_alg, keys.auth_key, decoded.data[:decoded.auth_field_offset()], kemac.mac)
    plaintext = crypto.kemac_decrypt(kemac.encr_alg, keys, h.csb_id, decoded.message.find(T).t64(),
                                     kemac.encr_data)
    return keys, decode_key_data(plaintext, padded=kemac.encr_alg == EncrAlg.AES_KW_128)


def open_i_message(data: bytes, psk: bytes | None, *, protected: bool = False, tolerant: bool = True):
    """Authenticate and decrypt an I_MESSAGE without the Responder's replay
    and clock checks (for inspecting a message): (Decoded, contexts,
    tolerated)."""
    decoded = decode_message(data, tolerant=tolerant)
    tolerated = list(decoded.tolerated)
    msg = decoded.message
    if msg.find(KEMAC) is None or msg.find(T) is None:
        raise UnexpectedPayload("no KEMAC or T: nothing to open")
    rand_p = msg.find(RAND)
    _, keydata = open_kemac(decoded, psk, rand_p.rand if rand_p else b"", protected=protected)
    policies = _policies(msg.find_all(SP), tolerant, tolerated)
    contexts = _contexts(msg.header, keydata, policies, rand_p.rand if rand_p else b"",
                         tolerant=tolerant, tolerated=tolerated)
    return decoded, contexts, tolerated


# I_MESSAGE grammar (§3.1): the payload kinds in order, and how many of each.
_I_ORDER = {T: 0, RAND: 1, ID: 2, SP: 3, GeneralExtension: 4, KEMAC: 5}


def _check_grammar(message: Message) -> None:
    last = -1
    counts = {}
    for p in message.payloads:
        kind = GeneralExtension if p.payload_type == PayloadType.GENERAL_EXT else type(p)
        kind = kind if kind in _I_ORDER else None
        if kind is None:
            raise UnexpectedPayload(f"{type(p).__name__} does not belong in a PSK I_MESSAGE")
        rank = _I_ORDER[kind]
        if rank < last:
            raise UnexpectedPayload(f"{kind.__name__} out of order")
        counts[kind] = counts.get(kind, 0) + 1
        if kind in (T, RAND, KEMAC) and counts[kind] > 1 or kind is ID and counts[kind] > 2:
            raise UnexpectedPayload(f"repeated {kind.__name__}")
        last = rank
    if T not in counts:
        raise UnexpectedPayload("no T payload")
    if KEMAC not in counts:  # an update too: its MAC authenticates it (§4.5, Figure 4.1)
        raise UnexpectedPayload("no KEMAC payload")
    if message.payloads and KEMAC in counts and not isinstance(message.payloads[-1], KEMAC):
        raise UnexpectedPayload("KEMAC is not the last payload")


@dataclass
class _Csb:
    rand: bytes  # of the initial exchange: updates derive from it (§4.5)


@dataclass
class Responder(Answering):
    """The Responder of PSK mode (and of MIKEY-NULL when `protected`)."""

    psk: bytes | None
    idr: ID | None = None  # our identity: checked against IDr, sent in R_MESSAGE
    expect_idi: ID | None = None  # when set, an IDi must be this one
    replay: ReplayCache = field(default_factory=ReplayCache)
    protected: bool = False  # the transport is already protected: MIKEY-NULL allowed
    tolerant: bool = False  # accept the deployed quirks (docs/profile.md)
    minisip_v: bool = False
    csbs: dict = field(default_factory=dict)  # CSB ID -> state for updates

    def _respond(self, data: bytes, now: int) -> Result:
        decoded: Decoded = decode_message(data, tolerant=self.tolerant)
        msg, tolerated = decoded.message, list(decoded.tolerated)
        h = msg.header
        if h.data_type != DataType.PSK_INIT:
            raise UnsupportedDataType(f"data type {int(h.data_type)} is not a PSK I_MESSAGE")
        if h.prf_func not in (PrfFunc.MIKEY_1, PrfFunc.PRF_HMAC_SHA_256):
            raise UnsupportedPRF(f"PRF func {int(h.prf_func)}")
        rand_p = msg.find(RAND)
        update = rand_p is None and h.csb_id in self.csbs
        kemac = msg.find(KEMAC)
        null = kemac is not None and kemac.encr_alg == EncrAlg.NULL and kemac.mac_alg == MacAlg.NULL
        if rand_p is None and not update:
            if not (self.tolerant and null and self.protected):
                raise UnexpectedPayload("no RAND payload in an initial I_MESSAGE")
            tolerated.append(NO_RAND)
        _check_grammar(msg)

        t = msg.find(T)
        # The window judges T as a 64-bit NTP time; a COUNTER carries no time
        # (only the cache guards it) (docs/profile.md "Processing" 4).
        t_when = now if t.ts_type == TsType.COUNTER else t.t64()
        if null and self.tolerant and self.protected:
            try:
                self.replay.check(t_when, data, now)
            except InvalidTimestamp:
                tolerated.append(IMPLAUSIBLE_TIMESTAMP)
        else:
            self.replay.check(t_when, data, now)

        # §3.1 "[IDi], [IDr]": with two IDs the order says which is which;
        # a single one is IDr when it names us, IDi otherwise.
        ids = msg.find_all(ID)
        if any(p.id_type not in (IdType.NAI, IdType.URI, IdType.BYTE_STRING) for p in ids):
            raise BadIdentity("ID type not supported")
        idi = idr = None
        if len(ids) == 2:
            idi, idr = ids
        elif ids and self.idr is not None and ids[0].data == self.idr.data:
            idr = ids[0]
        elif ids:
            idi = ids[0]
        if idr is not None and self.idr is not None and idr.data != self.idr.data:
            raise BadIdentity("IDr names another Responder")
        if self.expect_idi is not None and (idi is None or idi.data != self.expect_idi.data):
            raise BadIdentity("IDi is not the expected Initiator")

        rand = rand_p.rand if rand_p is not None else (self.csbs[h.csb_id].rand if update else b"")
        keys, keydata = open_kemac(decoded, self.psk, rand, protected=self.protected)  # 6
        if not null:
            self.replay.add(t_when, data, now)  # only authenticated messages (§5.3)
        policies = _policies(msg.find_all(SP), self.tolerant, tolerated)  # 7
        contexts = _contexts(h, keydata, policies, rand, tolerant=self.tolerant, tolerated=tolerated)
        self.csbs[h.csb_id] = _Csb(rand)

        reply = None
        if h.v:
            reply = self._r_message(h, t, idi, idr, kemac.mac_alg, keys)
        return Result(reply, contexts, tolerated)

    def _r_message(self, ih: Header, t: T, idi: ID | None, idr: ID | None, mac_alg, keys) -> bytes:
        header = Header(DataType.PSK_RESP, ih.csb_id, ih.cs_map, v=False, prf_func=ih.prf_func)
        payloads = [t] + ([self.idr] if self.idr is not None else [])
        payloads.append(V(mac_alg, bytes(crypto.mac_len(mac_alg))))
        data = bytearray(encode_message(Message(header, payloads)))
        at = auth_field_offset(bytes(data))
        id_r = idr.data if idr is not None else (self.idr.data if self.idr is not None else b"")
        data[at:] = crypto.verification_mac(mac_alg, keys.auth_key, bytes(data[:at]),
                                            idi.data if idi is not None else b"", id_r,
                                            t.value_bytes(), minisip_v=self.minisip_v)
        return bytes(data)


# -- Initiator ---------------------------------------------------------------------


@dataclass
class Initiator:
    """The Initiator of PSK mode: builds the I_MESSAGE, checks the answer."""

    psk: bytes | None
    offer: Offer
    minisip_v: bool = False
    message: bytes = b""
    rand: bytes = b""  # of the initial exchange, kept for updates
    lone_id: bool = False  # rebuilt from a message with one ID of unknown role

    def __post_init__(self):
        if not self.message:
            self.message = build_i_message(self.offer, self.psk)
        if self.offer.rand is not None:
            self.rand = self.offer.rand

    def contexts(self) -> list:
        return offer_contexts(self.offer, self.rand)

    @classmethod
    def from_message(cls, psk: bytes | None, data: bytes, *, minisip_v: bool = False) -> "Initiator":
        """The Initiator of an I_MESSAGE it sent earlier (for `mikey finish`):
        its PSK opens the message again and gives back the offer."""
        decoded = decode_message(bytes(data))
        msg, h = decoded.message, decoded.message.header
        if h.data_type != DataType.PSK_INIT:
            raise UnsupportedDataType(f"data type {int(h.data_type)} is not a PSK I_MESSAGE")
        kemac, rand_p = msg.find(KEMAC), msg.find(RAND)
        null = kemac.encr_alg == EncrAlg.NULL and kemac.mac_alg == MacAlg.NULL
        _, keydata = open_kemac(decoded, psk, rand_p.rand if rand_p else b"", protected=null)
        ids = msg.find_all(ID)
        offer = Offer(csb_id=h.csb_id, t=msg.find(T).value, keys=keydata,
                      cs=[CryptoSession(e.ssrc, e.roc, e.policy_no) for e in h.cs_map.entries],
                      rand=rand_p.rand if rand_p else None,
                      idi=ids[0] if len(ids) == 2 else None, idr=ids[-1] if len(ids) == 2 else None,
                      policies=[sp.srtp() for sp in msg.find_all(SP)], v=h.v,
                      encr_alg=kemac.encr_alg, mac_alg=kemac.mac_alg, prf_func=h.prf_func)
        init = cls(psk, offer, minisip_v=minisip_v, message=bytes(data),
                   rand=rand_p.rand if rand_p else b"")
        if len(ids) == 1:
            # A lone ID is IDi or IDr (§3.1 "[IDi], [IDr]"); the answer
            # tells: a Responder that finds itself named echoes that IDr.
            offer.idi, init.lone_id = ids[0], True
        return init

    def update(self, t: int, keys: list | None = None, **changes) -> bytes:
        """An update message (§4.5): same CSB ID, new T, no RAND; new keys
        or policy when given."""
        fields = dict(self.offer.__dict__)
        fields.update(changes, t=t, rand=None, keys=keys if keys is not None else self.offer.keys)
        self.offer = Offer(**fields)
        self.message = build_i_message(self.offer, self.psk, self.rand)
        return self.message

    def finish(self, data: bytes, expect_idr: ID | None = None) -> list:
        """Check the R_MESSAGE (§5.2, §6.9); return the SRTP contexts. An
        Error message from the Responder raises PeerError."""
        decoded = open_answer(data, DataType.PSK_RESP, self.offer.csb_id, "PSK R_MESSAGE")
        msg = decoded.message
        kinds = [type(p) for p in msg.payloads]
        if kinds not in ([T, V], [T, ID, V]):
            raise UnexpectedPayload("PSK R_MESSAGE is HDR, T, [IDr], V")
        t, v = msg.find(T), msg.find(V)
        if t.ts_type != TsType.NTP_UTC or t.value != self.offer.t:
            raise InvalidTimestamp("the R_MESSAGE does not echo our timestamp")
        r_idr = msg.find(ID)
        if self.lone_id and r_idr is not None and r_idr.data == self.offer.idi.data:
            self.offer.idi, self.offer.idr, self.lone_id = None, self.offer.idi, False
        if expect_idr is not None and (r_idr is None or r_idr.data != expect_idr.data):
            raise BadIdentity("IDr is not the expected Responder")
        if v.auth_alg != self.offer.mac_alg:
            raise UnsupportedMAC("V uses another MAC algorithm than the KEMAC")
        keys = _mikey_keys(self.psk, self.offer.csb_id, self.rand, self.offer.encr_alg,
                           self.offer.mac_alg, self.offer.prf_func)
        id_i = self.offer.idi.data if self.offer.idi is not None else b""
        id_r = (self.offer.idr.data if self.offer.idr is not None
                else r_idr.data if r_idr is not None else b"")
        crypto.verify_verification_mac(v.auth_alg, keys.auth_key, data[:decoded.auth_field_offset()],
                                       id_i, id_r, T(TsType.NTP_UTC, self.offer.t).value_bytes(),
                                       v.ver_data, minisip_v=self.minisip_v)
        return self.contexts()


def error_codes(exc: MikeyError) -> list:
    return exc.codes if isinstance(exc, PeerError) else [ErrorNo(int(exc.code))]
