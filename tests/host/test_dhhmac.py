"""DH-HMAC (RFC 4650) in the twin: known answers recomputed independently,
exchanges over the three OAKLEY groups, updates, bidding-down protection,
the tolerant reader, and every refusal with its Error no."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mikeyhost import dhhmac
from mikeyhost.dhhmac import PRIMES, DhInitiator, DhOffer, DhResponder
from mikeyhost.errors import ErrorNo, PeerError
from mikeyhost.payloads import (
    DH, ERR, ID, KEMAC, DataType, DhGroup, Message, SdpIdsExt, decode_message, encode_message,
)
from mikeyhost.psk import CryptoSession, identity
from mikeyhost.replay import NTP_ONE_SECOND
from reference import ref_hmac, ref_mikey_label, ref_prf, ref_tgk_label
from cryptography.hazmat.primitives import hashes

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests" / "vectors" / "dhhmac.json").read_text())["vectors"]
PSK = bytes(range(0x30, 0x40))
NOW = 0xE9000000_80000000
ALICE, BOB = identity("alice@example.org"), identity("sip:bob@example.org")


def test_vectors_file_is_what_the_twin_makes():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "make_dh_vectors.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: f"group-{v['group']}")
def test_known_answer_recomputed_independently(v):
    i = v["inputs"]
    p = PRIMES[DhGroup(v["group"])]
    size = (p.bit_length() + 7) // 8
    xi, xr = int(i["xi"], 16), int(i["xr"], 16)
    psk, rand, csb = bytes.fromhex(i["psk"]), bytes.fromhex(i["rand"]), int(i["csb_id"], 16)
    imsg, rmsg = bytes.fromhex(v["i_message"]), bytes.fromhex(v["r_message"])

    # RFC 4650 §3: TGK = g^(xi*xr) mod p, fixed length (docs/profile.md)
    tgk = pow(pow(2, xi, p), xr, p).to_bytes(size, "big")
    assert v["tgk"] == tgk.hex()
    # the DH values in the messages are g^xi and g^xr, left-padded
    gi, gr = pow(2, xi, p).to_bytes(size, "big"), pow(2, xr, p).to_bytes(size, "big")
    di = decode_message(imsg).message
    dr = decode_message(rmsg).message
    assert [d.value for d in di.find_all(DH)] == [gi]
    assert [d.value for d in dr.find_all(DH)] == [gr, gi]  # DHr, DHi (RFC 4650 §3)
    # auth_key: RFC 3830 §4.1.4 from the PSK (constant 0x2D22AC75), the
    # I_MESSAGE's RAND for both; the MAC covers all but the MAC field.
    auth = ref_prf(psk, ref_mikey_label(0x2D22AC75, csb, rand), 20, 0)
    assert imsg[-20:] == ref_hmac(hashes.SHA1, auth, imsg[:-20])
    assert rmsg[-20:] == ref_hmac(hashes.SHA1, auth, rmsg[:-20])
    # SRTP keys from the TGK (§4.1.3): the TGK is 3 to 6 PRF chunks
    (k,) = v["keys"]
    assert k["master_key"] == ref_prf(tgk, ref_tgk_label(0x2AD01C64, 1, csb, rand), 16, 0).hex()
    assert k["master_salt"] == ref_prf(tgk, ref_tgk_label(0x39A2C14B, 1, csb, rand), 14, 0).hex()
    # and the twin makes exactly these bytes from these inputs
    offer = DhOffer(csb_id=csb, t=int(i["t"], 16), rand=rand, idi=identity(i["idi"]), idr=identity(i["idr"]),
                    cs=[CryptoSession(int(i["ssrc"], 16))], group=v["group"], x=xi)
    init = DhInitiator(psk, offer)
    assert init.message == imsg
    res = DhResponder(psk, identity(i["idr"]), x=xr).respond(imsg, int(i["t"], 16))
    assert res.message == rmsg and [c.to_json() for c in res.contexts] == v["keys"]


def offer(**kw):
    base = dict(csb_id=0x0D0E0F10, t=NOW, rand=bytes(range(16)), idi=ALICE, idr=BOB,
                cs=[CryptoSession(0xABCD)], group=DhGroup.OAKLEY_2)
    base.update(kw)
    return DhOffer(**base)


def codes(res):
    assert res.error is not None
    return [e.error_no for e in decode_message(res.message).message.find_all(ERR)]


@pytest.mark.parametrize("group", [0, 1, 2])
@pytest.mark.parametrize("n_cs", [1, 3])
def test_exchange_both_ends_agree(group, n_cs):
    i = DhInitiator(PSK, offer(group=group, cs=[CryptoSession(0x100 + k, k) for k in range(n_cs)]))
    res = DhResponder(PSK, BOB).respond(i.message, NOW)
    assert res.error is None
    assert [c.to_json() for c in i.finish(res.message, expect_idr=BOB)] == [c.to_json() for c in res.contexts]
    h = decode_message(res.message).message
    assert h.header.data_type == DataType.DHHMAC_RESP
    assert [type(p).__name__ for p in h.payloads] == ["T", "ID", "ID", "DH", "DH", "KEMAC"]
    k = h.find(KEMAC)
    assert (k.encr_alg, k.encr_data, k.mac_alg) == (0, b"", 1)  # RFC 3830 numbers (docs/profile.md)


def test_responder_names_the_initiator_even_when_the_i_message_does_not():
    i = DhInitiator(PSK, offer(idi=None))
    assert codes(DhResponder(PSK, BOB).respond(i.message, NOW)) == [ErrorNo.INVALID_ID]
    res = DhResponder(PSK, BOB, peer_idi=ALICE).respond(i.message, NOW)
    assert res.error is None
    assert decode_message(res.message).message.find_all(ID)[-1].data == ALICE.data  # IDi, RFC 4650 §3
    i.finish(res.message)


@pytest.mark.parametrize("value,name", [(0, "zero"), (1, "one"), ("p-1", "p-1"), ("p", "p"), ("p+1", ">= p")])
def test_bad_peer_values_are_refused_before_any_exponentiation(value, name, monkeypatch):
    p = PRIMES[DhGroup.OAKLEY_2]
    y = {"p-1": p - 1, "p": p, "p+1": p + 1}.get(value, value)
    y = y % (1 << 1024)  # still 128 bytes on the wire
    msg = decode_message(DhInitiator(PSK, offer()).message).message
    msg.payloads[[type(q) for q in msg.payloads].index(DH)] = DH(DhGroup.OAKLEY_2, y.to_bytes(128, "big"))
    data = _remac(msg)
    calls = []
    real_pow = pow
    monkeypatch.setattr(dhhmac, "pow", lambda *a: calls.append(a) or real_pow(*a), raising=False)
    res = DhResponder(PSK, BOB).respond(data, NOW)
    assert codes(res) == [ErrorNo.INVALID_DH], name
    assert not [c for c in calls if c[0] == y]  # no exponentiation of the bad value


def _remac(msg: Message, psk=PSK) -> bytes:
    from mikeyhost import crypto
    from mikeyhost.payloads import RAND

    data = bytearray(encode_message(msg))
    rand = msg.find(RAND).rand
    key = crypto.mikey_keys(psk, msg.header.csb_id, rand, 0, 1).auth_key
    data[-20:] = crypto.mac(1, key, bytes(data[:-20]))
    return bytes(data)


def test_wrong_group_wrong_length_mac_ids_replay_time():
    good = DhInitiator(PSK, offer()).message
    dh_at = _payload_offset(good, DH)
    wrong_group = bytearray(good)
    wrong_group[dh_at + 1] = 7  # DH-Group 7: unknown
    assert codes(DhResponder(PSK, BOB).respond(bytes(wrong_group), NOW)) == [ErrorNo.INVALID_DH]
    other = bytearray(good)
    other[dh_at + 1] = 1  # OAKLEY 1: 96 bytes, so the message no longer parses as sent
    assert codes(DhResponder(PSK, BOB).respond(bytes(other), NOW))[0] in (ErrorNo.UNSUPPORTED_MESSAGE,
                                                                            ErrorNo.INVALID_DH)
    mac = bytearray(good)
    mac[-1] ^= 1
    assert codes(DhResponder(PSK, BOB).respond(bytes(mac), NOW)) == [ErrorNo.AUTH_FAILURE]
    assert codes(DhResponder(PSK, identity("carol@example.org")).respond(good, NOW)) == [ErrorNo.INVALID_ID]
    assert codes(DhResponder(PSK, BOB, peer_idi=identity("mallory")).respond(good, NOW)) == [ErrorNo.INVALID_ID]
    r = DhResponder(PSK, BOB)
    assert r.respond(good, NOW).error is None
    assert codes(r.respond(good, NOW)) == [ErrorNo.INVALID_TS]  # replay
    assert codes(DhResponder(PSK, BOB).respond(good, NOW + 400 * NTP_ONE_SECOND)) == [ErrorNo.INVALID_TS]
    # missing IDr: RFC 4650 §3 makes it mandatory
    no_ids = decode_message(good).message
    no_ids.payloads = [q for q in no_ids.payloads if not isinstance(q, ID)]
    assert codes(DhResponder(PSK, BOB).respond(_remac(no_ids), NOW)) == [ErrorNo.UNSUPPORTED_MESSAGE]


def _payload_offset(data: bytes, kind) -> int:
    d = decode_message(data)
    i = [type(p) for p in d.message.payloads].index(kind)
    return d.spans[i + 1].start


def test_update_with_fresh_values_rekeys_and_without_keeps_the_tgk():
    r = DhResponder(PSK, BOB)
    i = DhInitiator(PSK, offer())
    first = i.finish(r.respond(i.message, NOW).message)
    upd = i.update(NOW + NTP_ONE_SECOND)
    assert "RAND" not in [type(p).__name__ for p in decode_message(upd).message.payloads]
    res = r.respond(upd, NOW + NTP_ONE_SECOND)
    second = i.finish(res.message)
    assert [c.to_json() for c in second] == [c.to_json() for c in res.contexts]
    assert second[0].master_key != first[0].master_key
    info = i.update(NOW + 2 * NTP_ONE_SECOND, dh=False)
    assert not decode_message(info).message.find_all(DH)
    res = r.respond(info, NOW + 2 * NTP_ONE_SECOND)
    third = i.finish(res.message)
    assert third[0].master_key == second[0].master_key  # the TGK stays


def test_sdp_ids_protect_against_bidding_down():
    i = DhInitiator(PSK, offer(sdp_ids="mikey;keyp1"))
    assert [p.kmpids for p in decode_message(i.message).message.payloads if isinstance(p, SdpIdsExt)] == \
        [["mikey", "keyp1"]]
    assert DhResponder(PSK, BOB, sdp_ids="mikey;keyp1").respond(i.message, NOW).error is None
    # a man in the middle peeled keyp1 off the SDP: the signed list no longer matches
    assert codes(DhResponder(PSK, BOB, sdp_ids="mikey").respond(i.message, NOW)) == [ErrorNo.AUTH_FAILURE]
    plain = DhInitiator(PSK, offer(csb_id=5)).message
    assert codes(DhResponder(PSK, BOB, sdp_ids="mikey").respond(plain, NOW)) == [ErrorNo.AUTH_FAILURE]


def test_tolerant_reader_takes_rfc4650s_own_kemac_numbers():
    msg = decode_message(DhInitiator(PSK, offer()).message).message
    msg.payloads[-1] = KEMAC(2, b"", 1, bytes(20))  # "Encr alg SHALL be set to 2 (NULL)"
    data = _remac(msg)
    assert codes(DhResponder(PSK, BOB).respond(data, NOW)) == [ErrorNo.INVALID_EA]
    res = DhResponder(PSK, BOB, tolerant=True).respond(data, NOW)
    assert res.error is None and res.tolerated == ["kemac-rfc4650-numbers"]


def test_initiator_checks_the_answer():
    i = DhInitiator(PSK, offer())
    res = DhResponder(PSK, BOB).respond(i.message, NOW)
    bad = bytearray(res.message)
    bad[-1] ^= 1
    with pytest.raises(Exception) as e:
        i.finish(bytes(bad))
    assert e.value.code == ErrorNo.AUTH_FAILURE
    err = DhResponder(PSK, identity("x")).respond(i.message, NOW).message
    with pytest.raises(PeerError):
        i.finish(err)
