"""The ECC modes in the twin, both roles: DH-SIGN with ECDH P-256 and ECDSA,
DH-HMAC over P-256 (profile extension), MIKEY-ECIES and MIKEY-ECMQV —
round trips, certificates, and every refusal with its Error no (RFC 3830
§6.12): invalid points, bad signatures, unknown or mispinned peers,
replays, stale timestamps. Bad input never escapes as anything but a
typed error."""

import pytest

from mikeyhost import ecc
from mikeyhost.dhhmac import DhInitiator, DhOffer, DhResponder
from mikeyhost.dhsign import DhSignInitiator, DhSignOffer, DhSignResponder
from mikeyhost.ecies import EciesInitiator, EciesOffer, EciesResponder
from mikeyhost.ecmqv import EcmqvInitiator, EcmqvOffer, EcmqvResponder
from mikeyhost.errors import ErrorNo, MikeyError, PeerError
from mikeyhost.payloads import (
    CERT, DH, ECCPT, ERR, PKE, SIGN, CertType, DataType, EncrAlg, KvSpi, MacAlg, SType,
    decode_message,
)
from mikeyhost.psk import CryptoSession, identity, key_data
from mikeyhost.replay import NTP_ONE_SECOND

NOW = 0xE9000000_80000000
ALICE, BOB = identity("alice@example.org"), identity("sip:bob@example.org")
KA, KB, KM = 0xA11CE, 0xB0B, 0x3A11037  # Alice, Bob, Mallory
PUB = {k: ecc.point_bytes(k) for k in (KA, KB, KM)}
A_TRUST = ecc.Trust({BOB.data: PUB[KB]})  # what Alice pins
B_TRUST = ecc.Trust({ALICE.data: PUB[KA]})  # what Bob pins
CERT_A = ecc.self_signed_cert(KA, "alice@example.org")
CERT_B = ecc.self_signed_cert(KB, "sip:bob@example.org")


def codes(res):
    assert res.error is not None and res.message is not None
    m = decode_message(res.message).message
    assert m.header.data_type == DataType.ERROR
    return [e.error_no for e in m.find_all(ERR)]


def same(a, b):
    assert [c.to_json() for c in a] == [c.to_json() for c in b] and a


def resign(data: bytes, key=KA, change=None) -> bytes:
    """The message with its payloads changed by `change` and signed again
    with `key` (what a peer holding that key could send)."""
    m = decode_message(data).message
    payloads = m.payloads[:-1]
    if change:
        payloads = change(payloads)
    return ecc.signed(m.header, payloads, key)


def replace(kind, new):
    def change(payloads):
        return [new if isinstance(p, kind) else p for p in payloads]
    return change


# -- modes: a constructor of (Initiator, Responder) per mode --------------------------

def dhsign(**kw):
    o = dict(csb_id=0x0D5, t=NOW, rand=bytes(range(16)), cs=[CryptoSession(0xABCD)], idi=ALICE, idr=BOB)
    r = dict(idr=BOB)
    r.update(kw.pop("responder", {}))
    o.update(kw)
    return DhSignInitiator(KA, DhSignOffer(**o), A_TRUST), DhSignResponder(KB, r.pop("trust", B_TRUST), **r)


def ecies(**kw):
    o = dict(csb_id=0xEC1E5, t=NOW, rand=bytes(range(16)), keys=[key_data(bytes(range(16)))],
             cs=[CryptoSession(0xABCD)], idi=ALICE, idr=BOB)
    r = dict(idr=BOB)
    r.update(kw.pop("responder", {}))
    o.update(kw)
    return EciesInitiator(KA, EciesOffer(**o), trust=A_TRUST), EciesResponder(KB, r.pop("trust", B_TRUST), **r)


def ecmqv(**kw):
    o = dict(csb_id=0x3C3, t=NOW, rand=bytes(range(16)), cs=[CryptoSession(0xABCD)], idi=ALICE, idr=BOB)
    r = dict(idr=BOB)
    r.update(kw.pop("responder", {}))
    o.update(kw)
    return EcmqvInitiator(KA, EcmqvOffer(**o), A_TRUST), EcmqvResponder(KB, r.pop("trust", B_TRUST), **r)


SIGNED = {"dhsign": dhsign, "ecies": ecies, "ecmqv": ecmqv}


# -- round trips ---------------------------------------------------------------------

@pytest.mark.parametrize("mode", SIGNED)
@pytest.mark.parametrize("n_cs", [1, 3])
@pytest.mark.parametrize("prf", [0, 1])
def test_round_trip(mode, n_cs, prf):
    i, r = SIGNED[mode](cs=[CryptoSession(0x100 + k, k) for k in range(n_cs)], prf_func=prf)
    res = r.respond(i.message, NOW)
    assert res.error is None, res.error
    same(i.finish(res.message, expect_idr=BOB), res.contexts)
    assert len(res.contexts) == n_cs and len({c.master_key for c in res.contexts}) == n_cs


@pytest.mark.parametrize("mode", SIGNED)
def test_certificates_instead_of_ids(mode):
    # CERTi: the Responder takes the key the certificate carries when it is
    # the one pinned for the identity the certificate names ...
    i, r = SIGNED[mode](idi=None, cert=CERT_A)
    assert [type(p) for p in decode_message(i.message).message.payloads][2] is CERT
    res = r.respond(i.message, NOW)
    assert res.error is None, res.error
    same(i.finish(res.message), res.contexts)
    # ... or any certificate's key with trust_certs (no chain is checked)
    i, r = SIGNED[mode](idi=None, cert=CERT_A, responder={"trust": ecc.Trust(trust_certs=True)})
    assert r.respond(i.message, NOW).error is None
    # not pinned, not trusted: Invalid Cert (8)
    i, r = SIGNED[mode](idi=None, cert=CERT_A, responder={"trust": ecc.Trust()})
    assert codes(r.respond(i.message, NOW)) == [ErrorNo.INVALID_CERT]
    # a certificate whose key is not the one pinned for the identity it names: Auth failure
    i, r = SIGNED[mode](idi=None, cert=ecc.self_signed_cert(KM, "alice@example.org"))
    i.key = KM
    assert codes(r.respond(resign(i.message, KM), NOW)) == [ErrorNo.AUTH_FAILURE]


@pytest.mark.parametrize("mode", ["dhsign", "ecmqv"])
def test_responder_certificate(mode):
    i, r = SIGNED[mode](responder={"cert": CERT_B})
    res = r.respond(i.message, NOW)
    assert [type(p) for p in decode_message(res.message).message.payloads][1] is CERT
    same(i.finish(res.message), res.contexts)


def test_certificate_payload_errors():
    i, r = dhsign(idi=None, cert=b"not a certificate")
    assert codes(r.respond(i.message, NOW)) == [ErrorNo.INVALID_CERT]
    i, r = dhsign(idi=None, cert=CERT_A)
    url = resign(i.message, change=replace(CERT, CERT(CertType.X509V3_URL, b"https://example.org/a.der")))
    assert codes(r.respond(url, NOW)) == [ErrorNo.INVALID_CERT]
    # a certificate with a P-384 key: not a key of this profile
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    k384 = ec.derive_private_key(7, ec.SECP384R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "alice@example.org")])
    when = datetime.datetime(2026, 1, 1)
    c384 = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(k384.public_key())
            .serial_number(1).not_valid_before(when).not_valid_after(when + datetime.timedelta(days=1))
            .sign(k384, hashes.SHA384()).public_bytes(serialization.Encoding.DER))
    assert codes(r.respond(resign(i.message, change=replace(CERT, CERT(0, c384))), NOW)) == [ErrorNo.INVALID_CERT]
    # the certificate's own signature is not checked (no chains: docs/ecc-profile.md)
    broken = CERT_A[:-1] + bytes([CERT_A[-1] ^ 1])
    assert r.respond(resign(i.message, change=replace(CERT, CERT(0, broken))), NOW).error is None


def test_mki_from_the_dh_and_eccpt_key_validity():
    for make in (dhsign, ecmqv):
        i, r = make(kv=KvSpi(b"\x00\x00\x00\x07"))
        res = r.respond(i.message, NOW)
        assert res.contexts[0].mki == b"\x00\x00\x00\x07"
        same(i.finish(res.message), res.contexts)


def test_ecies_variants():
    i, r = ecies(v=False)
    res = r.respond(i.message, NOW)
    assert res.error is None and res.message is None  # no V asked for, nothing sent
    same(i.contexts(), res.contexts)
    i, r = ecies(encr_alg=EncrAlg.AES_CM_256, mac_alg=MacAlg.HMAC_SHA_256_256,
                 keys=[key_data(bytes([k]) * 16, salt=bytes(14)) for k in range(3)],
                 cs=[CryptoSession(k) for k in range(3)])
    res = r.respond(i.message, NOW)
    same(i.finish(res.message), res.contexts)
    assert len({c.master_key for c in res.contexts}) == 3
    again = EciesInitiator.from_message(KA, i.message, i.offer.env_key)
    same(again.finish(res.message), res.contexts)


def test_ecmqv_parameters():
    for auth, tgk_len in ((1, 16), (2, 32), (2, 256), (1, 17)):
        i, r = ecmqv(auth_alg=auth, tgk_len=tgk_len)
        res = r.respond(i.message, NOW)
        assert res.error is None, res.error
        same(i.finish(res.message), res.contexts)
        assert len(i.tgk) == tgk_len


def test_from_message_rebuilds_the_initiator():
    i, r = dhsign()
    res = r.respond(i.message, NOW)
    same(DhSignInitiator.from_message(KA, i.message, i.offer.x, A_TRUST).finish(res.message), res.contexts)
    i, r = ecmqv()
    res = r.respond(i.message, NOW)
    same(EcmqvInitiator.from_message(KA, i.message, i.offer.x, A_TRUST).finish(res.message), res.contexts)
    with pytest.raises(ValueError):
        EcmqvInitiator.from_message(KA, i.message, i.offer.x + 1, A_TRUST)


# -- refusals, with their Error no ----------------------------------------------------

OFF_CURVE = b"\x04" + ecc.GX.to_bytes(32, "big") + ((ecc.GY + 1) % ecc.P).to_bytes(32, "big")


def test_invalid_points_are_invalid_dh_in_every_mode():
    i, r = dhsign()
    bad = resign(i.message, change=replace(DH, DH(10, OFF_CURVE)))
    assert codes(r.respond(bad, NOW)) == [ErrorNo.INVALID_DH]
    i, r = ecmqv()
    p = decode_message(i.message).message.find(ECCPT)
    bad = resign(i.message, change=replace(ECCPT, ECCPT(7, OFF_CURVE, p.auth_alg, p.tgk_len)))
    assert codes(r.respond(bad, NOW)) == [ErrorNo.INVALID_DH]
    i, r = ecies()
    pke = decode_message(i.message).message.find(PKE)
    bad_r = bytearray(pke.data)
    bad_r[64] ^= 1
    bad = resign(i.message, change=replace(PKE, PKE(pke.c, bytes(bad_r))))
    assert codes(r.respond(bad, NOW)) == [ErrorNo.INVALID_DH]
    # and in DH-HMAC over P-256
    di = DhInitiator(b"k" * 16, DhOffer(1, NOW, BOB, [CryptoSession(1)], rand=bytes(16), group=10, idi=ALICE))
    msg = decode_message(di.message).message
    msg.payloads = [DH(10, OFF_CURVE) if isinstance(p, DH) else p for p in msg.payloads]
    from mikeyhost.dhhmac import _sealed, _auth_key

    data = _sealed(msg.header, msg.payloads[:-1], _auth_key(b"k" * 16, 1, bytes(16), 1, 0), 1)
    assert codes(DhResponder(b"k" * 16, BOB, p256=True).respond(data, NOW)) == [ErrorNo.INVALID_DH]


def test_compressed_points_are_taken():
    i, r = dhsign()
    full = ecc.point_bytes(i.offer.x)
    comp = bytes([2 + (full[-1] & 1)]) + full[1:33]
    r.x = 0x5EED
    res = r.respond(resign(i.message, change=replace(DH, DH(10, comp))), NOW)
    assert res.error is None and comp in res.message  # DHi echoed as received
    _, r2 = dhsign()
    r2.x = 0x5EED
    same(r2.respond(i.message, NOW).contexts, res.contexts)  # the same point, the same TGK


def test_dh_group_other_than_p256():
    i, r = dhsign()
    from mikeyhost.dhhmac import public_value

    data = resign(i.message, change=replace(DH, DH(2, public_value(2, 12345))))
    assert codes(r.respond(data, NOW)) == [ErrorNo.INVALID_DH]
    di = DhInitiator(b"k" * 16, DhOffer(1, NOW, BOB, [CryptoSession(1)], rand=bytes(16), group=10, idi=ALICE))
    assert codes(DhResponder(b"k" * 16, BOB).respond(di.message, NOW)) == [ErrorNo.INVALID_DH]  # not configured
    res = DhResponder(b"k" * 16, BOB, p256=True).respond(di.message, NOW)
    same(di.finish(res.message), res.contexts)


def test_eccpt_with_unknown_curve_auth_alg_or_tgk_len():
    i, r = ecmqv()
    d = decode_message(i.message)
    at = d.spans[[type(p) for p in d.message.payloads].index(ECCPT) + 1].start
    for curve in (0, 10, 13, 200):  # P-192, P-384, P-521: not in the profile; 200 undefined
        bad = bytearray(i.message)
        bad[at + 1] = curve
        assert codes(r.respond(bytes(bad), NOW)) == [ErrorNo.INVALID_DH]
    p = d.message.find(ECCPT)
    for auth, tgk_len, code in ((0, 16, ErrorNo.INVALID_MAC), (7, 16, ErrorNo.INVALID_MAC),
                                (1, 0, ErrorNo.INVALID_SPPAR), (1, 257, ErrorNo.INVALID_SPPAR)):
        i, r = ecmqv()
        bad = resign(i.message, change=replace(ECCPT, ECCPT(7, p.point, auth, tgk_len)))
        res = r.respond(bad, NOW)
        assert codes(res) == [code]
        # found after SIGNi verified: the Error message is signed (ECC-03 §5)
        err = decode_message(res.message)
        assert isinstance(err.message.payloads[-1], SIGN)
        ecc.check_signature(err, ecc.decode_point(PUB[KB]))
        with pytest.raises(PeerError) as e:
            i.finish(res.message)
        assert e.value.codes == [code] and "signed" in str(e.value)


@pytest.mark.parametrize("mode", SIGNED)
def test_signature_refusals(mode):
    i, r = SIGNED[mode]()
    sig_at = len(i.message) - 64
    n = ecc.N.to_bytes(32, "big")
    # altered bytes: one bit of RAND
    rand_at = i.message.index(bytes(range(16)))
    flipped = bytearray(i.message)
    flipped[rand_at] ^= 1
    cases = {"altered": bytes(flipped), "r = 0": i.message[:sig_at] + bytes(32) + i.message[-32:],
             "s = n": i.message[:sig_at + 32] + n, "r = n": i.message[:sig_at] + n + i.message[-32:],
             "last bit": i.message[:-1] + bytes([i.message[-1] ^ 1])}
    for name, data in cases.items():
        assert codes(SIGNED[mode]()[1].respond(data, NOW)) == [ErrorNo.AUTH_FAILURE], name
    # a 63-byte and a 65-byte signature, S type ECGDSA (3)
    m = decode_message(i.message).message
    from mikeyhost.payloads import Message, encode_message

    for sign in (SIGN(SType.ECDSA, m.payloads[-1].signature[:63]), SIGN(SType.ECDSA, m.payloads[-1].signature + b"\0"),
                 SIGN(SType.ECGDSA, m.payloads[-1].signature), SIGN(SType.RSA_PKCS1_V1_5, bytes(128))):
        data = encode_message(Message(m.header, m.payloads[:-1] + [sign]))
        assert codes(SIGNED[mode]()[1].respond(data, NOW)) == [ErrorNo.AUTH_FAILURE]


@pytest.mark.parametrize("mode", SIGNED)
def test_peer_refusals(mode):
    make = SIGNED[mode]
    i, _ = make()
    # wrong pinned key: Bob pinned Mallory's key for Alice
    _, r = make(responder={"trust": ecc.Trust({ALICE.data: PUB[KM]})})
    assert codes(r.respond(i.message, NOW)) == [ErrorNo.AUTH_FAILURE]
    # nobody pinned for Alice: Invalid ID
    _, r = make(responder={"trust": ecc.Trust({b"carol@example.org": PUB[KA]})})
    assert codes(r.respond(i.message, NOW)) == [ErrorNo.INVALID_ID]
    # Mallory signs with her own key in Alice's name
    assert codes(make()[1].respond(resign(i.message, KM), NOW)) == [ErrorNo.AUTH_FAILURE]
    # IDr names another Responder; IDi not the one expected
    _, r = make(responder={"idr": identity("sip:carol@example.org")})
    assert codes(r.respond(make(idi=ALICE, idr=BOB)[0].message, NOW)) == [ErrorNo.INVALID_ID]
    _, r = make(responder={"peer_idi": identity("dave@example.org")})
    assert codes(r.respond(i.message, NOW)) == [ErrorNo.INVALID_ID]
    # no IDi at all: the Responder's configured peer, else Invalid ID
    if mode == "ecies":  # the KEMAC carries IDi: an identity is needed
        with pytest.raises(ValueError):
            make(idi=None)
    else:
        i2, r = make(idi=None)
        assert codes(r.respond(i2.message, NOW)) == [ErrorNo.INVALID_ID]
        _, r = make(responder={"peer_idi": ALICE})
        res = r.respond(i2.message, NOW)
        assert res.error is None
        same(i2.finish(res.message), res.contexts)


@pytest.mark.parametrize("mode", SIGNED)
def test_replay_and_stale_timestamps(mode):
    i, r = SIGNED[mode]()
    assert r.respond(i.message, NOW).error is None
    assert codes(r.respond(i.message, NOW)) == [ErrorNo.INVALID_TS]  # replay
    assert codes(SIGNED[mode]()[1].respond(i.message, NOW + 301 * NTP_ONE_SECOND)) == [ErrorNo.INVALID_TS]
    assert codes(SIGNED[mode]()[1].respond(i.message, NOW - 301 * NTP_ONE_SECOND)) == [ErrorNo.INVALID_TS]
    # a message that failed to authenticate does not enter the cache
    _, r = SIGNED[mode]()
    assert codes(r.respond(resign(i.message, KM), NOW)) == [ErrorNo.AUTH_FAILURE]
    assert r.respond(i.message, NOW).error is None


def test_ecies_envelope_and_kemac_refusals():
    i, r = ecies()
    m = decode_message(i.message).message
    from mikeyhost.payloads import KEMAC

    k = m.find(KEMAC)
    bad_mac = KEMAC(k.encr_alg, k.encr_data, k.mac_alg, bytes(20))
    assert codes(ecies()[1].respond(resign(i.message, change=replace(KEMAC, bad_mac)), NOW)) == [ErrorNo.AUTH_FAILURE]
    # the PKE sealed to Mallory instead of Bob: Bob cannot open it
    wrong = PKE(0, ecc.ecies_encrypt(ecc.decode_point(PUB[KM]), i.offer.env_key))
    assert codes(ecies()[1].respond(resign(i.message, change=replace(PKE, wrong)), NOW)) == [ErrorNo.AUTH_FAILURE]
    # Mallory forwards Alice's KEMAC and PKE under her own IDi and signature
    mallory = identity("mallory@example.org")
    assert m.payloads[2] == ALICE
    fwd = resign(i.message, KM, change=lambda ps: ps[:2] + [mallory] + ps[3:])
    _, r = ecies(responder={"trust": ecc.Trust({ALICE.data: PUB[KA], mallory.data: PUB[KM]})})
    res = r.respond(fwd, NOW)
    assert codes(res) == [ErrorNo.AUTH_FAILURE] and "KEMAC" in str(res.error)
    # NULL encryption is refused (the TGK would travel in clear)
    null = KEMAC(EncrAlg.NULL, b"", k.mac_alg, bytes(20))
    assert codes(ecies()[1].respond(resign(i.message, change=replace(KEMAC, null)), NOW)) == [ErrorNo.INVALID_EA]


@pytest.mark.parametrize("mode", SIGNED)
def test_initiator_checks_the_answer(mode):
    i, r = SIGNED[mode]()
    res = r.respond(i.message, NOW)
    for at in (len(res.message) - 1, 12, len(res.message) // 2):
        bad = bytearray(res.message)
        bad[at] ^= 1
        with pytest.raises(MikeyError):
            i.finish(bytes(bad))
    with pytest.raises(MikeyError) as e:
        i.finish(res.message[:-1] + bytes([res.message[-1] ^ 1]))
    assert e.value.code == ErrorNo.AUTH_FAILURE
    with pytest.raises(PeerError):
        i.finish(SIGNED[mode](responder={"idr": identity("x@y")})[1].respond(i.message, NOW).message)
    # the answer signed or keyed by another static key than the one pinned for Bob
    if mode != "ecies":
        _, mallory = SIGNED[mode]()
        mallory.key = KM
        with pytest.raises(MikeyError) as e:
            i.finish(mallory.respond(i.message, NOW).message)
        assert e.value.code == ErrorNo.AUTH_FAILURE


@pytest.mark.parametrize("mode", SIGNED)
def test_bad_input_never_escapes_untyped(mode):
    """Every truncation and every single-byte corruption of a valid
    I_MESSAGE gets an Error message, never an exception."""
    i, _ = SIGNED[mode]()
    data = i.message
    for n in range(len(data)):
        res = SIGNED[mode]()[1].respond(data[:n], NOW)
        assert res.error is not None and res.message is not None
    _, r = SIGNED[mode]()
    for at in range(0, len(data), 3):
        bad = bytearray(data)
        bad[at] ^= 0xA5
        res = r.respond(bytes(bad), NOW)
        assert res.error is not None and decode_message(res.message).message.header.data_type == DataType.ERROR


def test_no_key_material_in_errors():
    """Error texts name what failed, never a key, scalar or envelope key."""
    errors = []
    for mode, make in SIGNED.items():
        i, _ = make()
        for data in (resign(i.message, KM), i.message[:-3], resign(i.message, change=lambda ps: ps[:1] + ps[2:])):
            errors.append(make()[1].respond(data, NOW).error)
        res = make()[1].respond(i.message, NOW)
        bad = bytearray(res.message)
        bad[-1] ^= 1
        with pytest.raises(MikeyError) as e:
            i.finish(bytes(bad))
        errors.append(e.value)
    i, _ = ecies()
    secrets = [f"{k:x}" for k in (KA, KB, KM)] + [i.offer.env_key.hex(), bytes(range(16)).hex()]
    assert all(e is not None for e in errors)
    for e in errors:
        assert not any(sec in str(e).lower() or sec in repr(e).lower() for sec in secrets), e


@pytest.mark.parametrize("mode", SIGNED)
def test_initiator_never_escapes_untyped(mode):
    """Every truncation and single-byte corruption of a valid R_MESSAGE is
    refused with a typed error by the Initiator."""
    i, r = SIGNED[mode]()
    data = r.respond(i.message, NOW).message
    for n in range(len(data)):
        with pytest.raises(MikeyError):
            i.finish(data[:n])
    for at in range(0, len(data), 3):
        bad = bytearray(data)
        bad[at] ^= 0x5A
        with pytest.raises(MikeyError):
            i.finish(bytes(bad))
