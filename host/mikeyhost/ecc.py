"""P-256 for the ECC modes of draft-ietf-msec-mikey-ecc-03 (docs/ecc-profile.md):
points, ECDH, ECDSA with raw r || s, the ANSI X9.63 KDF, ECIES (SEC1) and
the ECMQV primitive, over the `cryptography` package; and what the signed
modes (DH-SIGN, MIKEY-ECIES, MIKEY-ECMQV) share: whose key signs a message
(keys pinned to identities, or an X.509 CERT payload), signing and
checking a message, and the payload grammar of each message.

Every point a peer sends is checked before any scalar multiplication:
length, format byte, coordinates below p, on the curve (InvalidPoint, 6).
Private scalars are ints in [1, n-1]; nothing here logs, and no exception
message carries key material.

ECMQV needs one operation `cryptography` does not offer: a point plus a
multiple of another point. `_add` and `_mul` do it in pure Python on
public values only (the peer's two public points and the public scalar
avf(Q)); the secret scalar enters only through `cryptography`'s ECDH.
"""

import hashlib
import hmac as _stdlib_hmac
import re
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.x963kdf import X963KDF
from cryptography.x509.oid import NameOID

from .errors import (
    AuthFailure, BadIdentity, BadLength, BadSignature, InvalidPoint, UnexpectedPayload, UnknownPeer,
    UnsupportedCert, UnsupportedDataType, UnsupportedPRF,
)
from .payloads import (
    CERT, CHASH, DH, ECCPT, ID, KEMAC, PKE, RAND, SIGN, SP, CertType, IdType,
    Message, PayloadType, PrfFunc, SType, T, TsType, V, decode_message, encode_message,
)

# SEC 2 §2.4.2 (secp256r1 = NIST P-256)
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
A = P - 3
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
GX = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
GY = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5
CURVE = ec.SECP256R1()
FIELD_LEN = 32
POINT_LEN = 65  # uncompressed SEC1: 0x04 || X || Y (what the twin sends)
SIG_LEN = 64  # raw r || s, 32 bytes each, big-endian

# ECIES (ECC-03 §4, ARCHITECTURE §6): ANSI-X9.63-KDF with SHA-256,
# AES-128-CBC (all-zero IV, PKCS#7 padding), HMAC-SHA-1-160 (20-byte key).
ECIES_ENC_KEY_LEN = 16
ECIES_MAC_KEY_LEN = 20
ECIES_TAG_LEN = 20


# -- scalars and points --------------------------------------------------------------


def private_key(value) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from an int scalar in [1, n-1], 32 bytes of it,
    or a key object. ValueError for anything else (caller input)."""
    if isinstance(value, ec.EllipticCurvePrivateKey):
        if not isinstance(value.curve, ec.SECP256R1):
            raise ValueError("not a P-256 key")
        return value
    if isinstance(value, (bytes, bytearray)):
        if len(value) != FIELD_LEN:
            raise ValueError("a P-256 private scalar is 32 bytes")
        value = int.from_bytes(value, "big")
    if not isinstance(value, int) or not 1 <= value < N:
        raise ValueError("a P-256 private scalar is in [1, n-1]")
    return ec.derive_private_key(value, CURVE)


def scalar(key) -> int:
    return private_key(key).private_numbers().private_value


def new_scalar() -> int:
    """A fresh private scalar, uniform in [1, n-1]."""
    return ec.generate_private_key(CURVE).private_numbers().private_value


def point_bytes(key) -> bytes:
    """The uncompressed SEC1 encoding (65 bytes) of a public key, or of the
    public key of a private key or scalar."""
    if not isinstance(key, ec.EllipticCurvePublicKey):
        key = private_key(key).public_key()
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def decode_point(data) -> ec.EllipticCurvePublicKey:
    """A peer's P-256 point: uncompressed (65 bytes) or compressed (33), on
    the curve, not the point at infinity. InvalidPoint (Invalid DH, 6)
    otherwise."""
    data = bytes(data)
    if not data or data[0] not in (2, 3, 4) or len(data) != (POINT_LEN if data[0] == 4 else 1 + FIELD_LEN):
        raise InvalidPoint("not a SEC1 P-256 point (0x04 || X || Y, or 0x02/0x03 || X)")
    x = int.from_bytes(data[1:1 + FIELD_LEN], "big")
    if x >= P:
        raise InvalidPoint("x coordinate not below p")
    if data[0] == 4:
        y = int.from_bytes(data[1 + FIELD_LEN:], "big")
        if y >= P or (y * y - (x * x * x + A * x + B)) % P:
            raise InvalidPoint("the point is not on P-256")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(CURVE, data)
    except ValueError:
        raise InvalidPoint("the point is not on P-256") from None


def public_key(value) -> ec.EllipticCurvePublicKey:
    """A pinned public key: a key object, SEC1 bytes, or PEM/DER text."""
    if isinstance(value, ec.EllipticCurvePublicKey):
        if not isinstance(value.curve, ec.SECP256R1):
            raise ValueError("not a P-256 key")
        return value
    data = bytes(value)
    if data[:1] in (b"\x02", b"\x03", b"\x04"):
        return decode_point(data)
    loaded = (serialization.load_pem_public_key(data) if data.lstrip().startswith(b"-----")
              else serialization.load_der_public_key(data))
    if not isinstance(loaded, ec.EllipticCurvePublicKey) or not isinstance(loaded.curve, ec.SECP256R1):
        raise ValueError("not a P-256 public key")
    return loaded


def _xy(key: ec.EllipticCurvePublicKey) -> tuple:
    n = key.public_numbers()
    return n.x, n.y


def ecdh_x(own, peer: ec.EllipticCurvePublicKey) -> bytes:
    """The ECDH shared secret of ECC-03 §3: the x coordinate of own·peer,
    32 bytes big-endian (the TGK of DH-SIGN and DH-HMAC over P-256)."""
    return private_key(own).exchange(ec.ECDH(), peer)


# -- ECDSA, raw r || s ---------------------------------------------------------------


def sign(key, data: bytes, k: int | None = None) -> bytes:
    """ECDSA over SHA-256 (ECC-03 Table 2 for a 256-bit curve) as r || s.
    The nonce is RFC 6979's deterministic one unless `k` fixes it (known
    answers)."""
    key = private_key(key)
    if k is None:
        der = key.sign(bytes(data), ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        r, s = decode_dss_signature(der)
    else:
        if not 1 <= k < N:
            raise ValueError("the ECDSA nonce is in [1, n-1]")
        e = int.from_bytes(hashlib.sha256(bytes(data)).digest(), "big")
        r = private_key(k).public_key().public_numbers().x % N
        s = pow(k, -1, N) * (e + r * scalar(key)) % N
        if r == 0 or s == 0:
            raise ValueError("this nonce gives r or s = 0")
    return r.to_bytes(FIELD_LEN, "big") + s.to_bytes(FIELD_LEN, "big")


def verify(key: ec.EllipticCurvePublicKey, data: bytes, signature: bytes) -> None:
    """Raise BadSignature (Auth failure, 0) unless `signature` is r || s of
    ECDSA-SHA-256 over `data` with `key`."""
    signature = bytes(signature)
    if len(signature) != SIG_LEN:
        raise BadSignature(f"an ECDSA P-256 signature is 64 bytes (r || s), not {len(signature)}")
    r, s = int.from_bytes(signature[:FIELD_LEN], "big"), int.from_bytes(signature[FIELD_LEN:], "big")
    if not (1 <= r < N and 1 <= s < N):
        raise BadSignature("r or s outside [1, n-1]")
    try:
        key.verify(encode_dss_signature(r, s), bytes(data), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise BadSignature("the signature does not verify") from None


# -- KDF and ECIES (SEC1 §5.1) -------------------------------------------------------


def x963_kdf(z: bytes, length: int, shared_info: bytes = b"") -> bytes:
    """ANSI-X9.63-KDF with SHA-256 (SEC1 §3.6.1)."""
    return X963KDF(algorithm=hashes.SHA256(), length=length, sharedinfo=shared_info or None).derive(bytes(z))


def _ecies_keys(z: bytes) -> tuple:
    k = x963_kdf(z, ECIES_ENC_KEY_LEN + ECIES_MAC_KEY_LEN)  # SharedInfo1 empty
    return k[:ECIES_ENC_KEY_LEN], k[ECIES_ENC_KEY_LEN:]


def _hmac_sha1(key: bytes, data: bytes) -> bytes:
    h = hmac.HMAC(key, hashes.SHA1())
    h.update(data)
    return h.finalize()


def ecies_encrypt(peer: ec.EllipticCurvePublicKey, plaintext: bytes, eph: int | None = None) -> bytes:
    """SEC1 ECIES: R || EM || D, R the ephemeral point (uncompressed),
    EM = AES-128-CBC(EK, IV 0, PKCS#7(plaintext)), D = HMAC-SHA-1(MK, EM)
    (SharedInfo2 empty), EK || MK = KDF(x(eph·peer)). `eph` fixes the
    ephemeral scalar (known answers)."""
    eph_key = private_key(eph if eph is not None else new_scalar())
    ek, mk = _ecies_keys(ecdh_x(eph_key, peer))
    padder = padding.PKCS7(128).padder()
    padded = padder.update(bytes(plaintext)) + padder.finalize()
    enc = Cipher(algorithms.AES(ek), modes.CBC(bytes(16))).encryptor()
    em = enc.update(padded) + enc.finalize()
    return point_bytes(eph_key) + em + _hmac_sha1(mk, em)


def ecies_decrypt(own, data: bytes) -> bytes:
    """The inverse of ecies_encrypt. An R that is not a P-256 point is
    InvalidPoint (6), checked before any multiplication; a ciphertext too
    short for its parts is BadLength (13); a tag or padding that does not
    check is AuthFailure (0) — the same error for both, after the tag, so
    there is no padding oracle."""
    data = bytes(data)
    if not data:
        raise BadLength("empty ECIES ciphertext")
    r_len = POINT_LEN if data[0] == 4 else 1 + FIELD_LEN
    em_len = len(data) - r_len - ECIES_TAG_LEN
    if em_len < 16 or em_len % 16:
        raise BadLength("ECIES ciphertext: no room for R, whole AES blocks and a 20-byte tag")
    peer = decode_point(data[:r_len])
    em, tag = data[r_len:r_len + em_len], data[r_len + em_len:]
    ek, mk = _ecies_keys(ecdh_x(own, peer))
    if not _stdlib_hmac.compare_digest(_hmac_sha1(mk, em), tag):
        raise AuthFailure("ECIES tag mismatch")
    dec = Cipher(algorithms.AES(ek), modes.CBC(bytes(16))).decryptor()
    padded = dec.update(em) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise AuthFailure("ECIES padding") from None


# -- ECMQV (SEC1 §3.4; ANSI X9.63) ---------------------------------------------------

_HALF = 128  # ceil(ceil(log2 n) / 2) for P-256


def avf(key: ec.EllipticCurvePublicKey) -> int:
    """The associate value of a point (SEC1 §3.4 step 2): the low 128 bits
    of its x coordinate, with bit 128 set."""
    return (key.public_numbers().x % (1 << _HALF)) + (1 << _HALF)


def _add(p1, p2):
    """Affine point addition on P-256; None is the point at infinity.
    Public values only (see the module docstring)."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:
        lam = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P


def _mul(k: int, point):
    """k·point by double-and-add; k and point are public (avf, a peer key)."""
    out = None
    while k:
        if k & 1:
            out = _add(out, point)
        point = _add(point, point)
        k >>= 1
    return out


def ecmqv(static, ephemeral, peer_static: ec.EllipticCurvePublicKey,
          peer_ephemeral: ec.EllipticCurvePublicKey) -> bytes:
    """The ECMQV shared secret value z (SEC1 §3.4, cofactor 1), 32 bytes:
    s = (d_e + avf(Q_e)·d_s) mod n, z = x(s·(Q_e' + avf(Q_e')·Q_s'))."""
    d_s, d_e = private_key(static), private_key(ephemeral)
    s = (scalar(d_e) + avf(d_e.public_key()) * scalar(d_s)) % N
    u = _add(_xy(peer_ephemeral), _mul(avf(peer_ephemeral), _xy(peer_static)))
    if u is None or s == 0:
        raise InvalidPoint("the ECMQV point is the point at infinity")
    peer = ec.EllipticCurvePublicNumbers(u[0], u[1], CURVE).public_key()
    return ecdh_x(s, peer)


# -- X.509 (CERT payloads; no chain checking) ---------------------------------------


def load_cert(payload: CERT) -> x509.Certificate:
    """The certificate of a CERT payload (X.509v3 DER, cert type 0 or 2) with
    a P-256 key. Invalid Cert (8) otherwise. Its issuer and chain are not
    checked (docs/ecc-profile.md)."""
    if payload.cert_type not in (CertType.X509V3, CertType.X509V3_SIGN):
        raise UnsupportedCert(f"Cert type {int(payload.cert_type)}: only X.509v3 (0, 2) is taken")
    try:
        cert = x509.load_der_x509_certificate(payload.data)
        key = cert.public_key()
    except ValueError:
        raise UnsupportedCert("the CERT payload is not an X.509 certificate in DER") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise UnsupportedCert("the certificate's key is not a P-256 key")
    return cert


def cert_identity(cert: x509.Certificate) -> ID:
    """The identity a certificate names, as an ID payload: its first
    subjectAltName URI (ID type URI), else its first rfc822Name (NAI), else
    its subject CN (NAI, or URI when it has a scheme)."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        uris = san.get_values_for_type(x509.UniformResourceIdentifier)
        if uris:
            return ID(IdType.URI, uris[0].encode())
        mails = san.get_values_for_type(x509.RFC822Name)
        if mails:
            return ID(IdType.NAI, mails[0].encode())
    except (x509.ExtensionNotFound, ValueError):
        pass
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not cns:
        raise UnsupportedCert("the certificate names no identity (no subjectAltName, no CN)")
    cn = cns[0].value if isinstance(cns[0].value, str) else cns[0].value.decode()
    return ID(IdType.URI if ":" in cn else IdType.NAI, cn.encode())


def self_signed_cert(key, ident: str, *, not_before=None, days: int = 365) -> bytes:
    """A self-signed X.509v3 certificate (DER) for `key` naming `ident` in
    its subjectAltName (URI when it has a scheme, else rfc822Name) and CN."""
    import datetime

    key = private_key(key)
    start = not_before or datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ident)])
    alt = x509.UniformResourceIdentifier(ident) if ":" in ident else x509.RFC822Name(ident)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(int.from_bytes(hashlib.sha256(point_bytes(key)).digest()[:8], "big"))
            .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


# -- who signed: pinned keys and certificates ----------------------------------------


@dataclass
class Trust:
    """Whose public key authenticates a peer. `peers` pins P-256 public keys
    to identities (ID data → key): a device needs no X.509 parser. A CERT
    payload is taken when its key is the one pinned for the identity it
    names, or, with `trust_certs`, any certificate's key (its chain is not
    checked: the caller vouches for it)."""

    peers: dict = field(default_factory=dict)
    trust_certs: bool = False

    def __post_init__(self):
        self.peers = {(k.encode() if isinstance(k, str) else bytes(k)): public_key(v)
                      for k, v in self.peers.items()}

    def pinned(self, ident: ID | None) -> ec.EllipticCurvePublicKey | None:
        return self.peers.get(bytes(ident.data)) if ident is not None else None

    def resolve(self, ident: ID | None, certs: list) -> tuple:
        """(identity, public key) of the peer: from its first CERT payload,
        else from the key pinned to `ident`. Invalid ID (7) when no key is
        pinned, Invalid Cert (8) for a certificate not taken, Auth failure
        (0) for a certificate whose key is not the one pinned."""
        if certs:
            cert = load_cert(certs[0])
            key = cert.public_key()
            named = ident if ident is not None else cert_identity(cert)
            pinned = self.pinned(named)
            if pinned is not None:
                if point_bytes(pinned) != point_bytes(key):
                    raise AuthFailure("the certificate's key is not the one pinned for its identity")
            elif not self.trust_certs:
                raise UnsupportedCert("a certificate for an identity with no pinned key "
                                      "(chains are not checked)")
            return named, key
        key = self.pinned(ident)
        if key is None:
            raise UnknownPeer("no public key pinned for this peer" if ident is not None
                              else "the peer names itself neither by ID nor by CERT")
        return ident, key


# -- signed messages ----------------------------------------------------------------


def signed(header, payloads: list, key, k: int | None = None) -> bytes:
    """Encode with a last SIGN (S type 2, ECDSA) whose signature covers every
    byte before the Signature field (RFC 3830 §5.2)."""
    data = bytearray(encode_message(Message(header, payloads + [SIGN(SType.ECDSA, bytes(SIG_LEN))])))
    data[-SIG_LEN:] = sign(key, bytes(data[:-SIG_LEN]), k)
    return bytes(data)


def check_signature(decoded, key: ec.EllipticCurvePublicKey) -> None:
    """Verify the last payload (SIGN) of a decoded message: S type 2 and an
    ECDSA signature over everything before the Signature field. Any other
    S type is Auth failure (0): no Error no names a signature algorithm,
    and the keys here are ECDSA P-256 keys."""
    sig = decoded.message.payloads[-1]
    if not isinstance(sig, SIGN):
        raise UnexpectedPayload("the message does not end with SIGN")
    if sig.s_type != SType.ECDSA:
        raise BadSignature(f"S type {int(sig.s_type)}: only ECDSA (2) is verified")
    verify(key, decoded.data[:decoded.auth_field_offset()], sig.signature)


_LETTER = {T: "T", RAND: "R", ID: "I", CERT: "C", SP: "S", DH: "D", KEMAC: "K", CHASH: "H", PKE: "P",
           ECCPT: "E", SIGN: "G", V: "V"}


def check_grammar(msg: Message, pattern: str, what: str) -> None:
    """The payloads in order, as letters (T RAND ID CERT SP DH KEMAC CHASH PKE
    ECCPT SIGN V; X a General Extension), must match `pattern` (a regular
    expression): otherwise UnexpectedPayload (13)."""
    letters = "".join("X" if p.payload_type == PayloadType.GENERAL_EXT else _LETTER.get(type(p), "?")
                      for p in msg.payloads)
    if not re.fullmatch(pattern, letters):
        raise UnexpectedPayload(f"payloads {letters} are not a {what}")


def check_id_types(ids) -> None:
    if any(p.id_type not in (IdType.NAI, IdType.URI, IdType.BYTE_STRING) for p in ids):
        raise BadIdentity("ID type not supported")


def initiator_ids(msg: Message, own: ID | None) -> tuple:
    """(IDi, IDr, CERTs) of an I_MESSAGE "[IDi|CERTi], [IDr]": with a CERT
    the one ID is IDr; two IDs are IDi, IDr; a lone ID is IDr when it is
    our identity, IDi otherwise (as in PSK mode)."""
    ids, certs = msg.find_all(ID), msg.find_all(CERT)
    check_id_types(ids)
    if certs:
        return None, (ids[0] if ids else None), certs
    if len(ids) == 2:
        return ids[0], ids[1], certs
    if ids and own is not None and ids[0].data == own.data:
        return None, ids[0], certs
    return (ids[0] if ids else None), None, certs


def responder_ids(msg: Message) -> tuple:
    """(IDr, IDi, CERTs) of an R_MESSAGE "[IDr|CERTr], IDi": the last ID is
    IDi; an ID before it is IDr."""
    ids, certs = msg.find_all(ID), msg.find_all(CERT)
    check_id_types(ids)
    return (ids[0] if len(ids) == 2 else None), ids[-1], certs


def accept_signed(data: bytes, now: int, data_type: int, grammar: str, what: str, replay, own: ID | None,
                  peer_idi: ID | None, trust: "Trust") -> tuple:
    """A Responder's first steps for a signed I_MESSAGE (DH-SIGN, MIKEY-ECIES,
    MIKEY-ECMQV), in the order docs/ecc-profile.md gives: data type (11),
    PRF func (2), grammar (13), T within the window and not a replay (1),
    IDr ours and IDi the expected Initiator (7), the Initiator's key pinned
    to its identity or taken from its CERT (7, 8), SIGNi (0); only then does
    the message enter the replay cache (§5.3). Returns (decoded, T as
    judged, IDi, IDr, the identity the key belongs to, the key)."""
    decoded = decode_message(data)
    msg, h = decoded.message, decoded.message.header
    if h.data_type != data_type:
        raise UnsupportedDataType(f"data type {int(h.data_type)} is not a {what}")
    if h.prf_func not in (PrfFunc.MIKEY_1, PrfFunc.PRF_HMAC_SHA_256):
        raise UnsupportedPRF(f"PRF func {int(h.prf_func)}")
    check_grammar(msg, grammar, what)
    t = msg.find(T)
    t_when = now if t.ts_type == TsType.COUNTER else t.t64()
    replay.check(t_when, data, now)
    idi, idr, certs = initiator_ids(msg, own)
    if idr is not None and own is not None and not same_id(idr, own):
        raise BadIdentity("IDr names another Responder")
    if idi is not None and peer_idi is not None and not same_id(idi, peer_idi):
        raise BadIdentity("IDi is not the expected Initiator")
    named, key = trust.resolve(idi if idi is not None or certs else peer_idi, certs)
    if peer_idi is not None and not same_id(named, peer_idi):
        raise BadIdentity("the certificate names another Initiator")
    check_signature(decoded, key)
    replay.add(t_when, data, now)
    return decoded, t_when, idi, idr, named, key


def same_id(a: ID | None, b: ID | None) -> bool:
    return a is not None and b is not None and bytes(a.data) == bytes(b.data)


def own_identity(idi: ID | None, cert: bytes | None) -> ID | None:
    """Our identity: the configured one, else the one our certificate names."""
    if idi is not None:
        return idi
    if cert is not None:
        return cert_identity(x509.load_der_x509_certificate(cert))
    return None


__all__ = ["P", "N", "A", "B", "GX", "GY", "CURVE", "POINT_LEN", "SIG_LEN", "private_key", "scalar",
           "new_scalar", "point_bytes", "decode_point", "public_key", "ecdh_x", "sign", "verify",
           "x963_kdf", "ecies_encrypt", "ecies_decrypt", "avf", "ecmqv", "load_cert", "cert_identity",
           "self_signed_cert", "Trust", "signed", "check_signature", "check_grammar", "initiator_ids",
           "responder_ids", "same_id", "own_identity"]
