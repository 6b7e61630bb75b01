"""PSK mode and MIKEY-NULL in the twin (RFC 3830 §3.1, §5): exchanges,
SRTP contexts, error replies, replay, updates and the tolerant reader."""

import itertools
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, hmac

from mikeyhost import crypto
from mikeyhost.errors import ErrorNo, PeerError
from mikeyhost.payloads import (
    ERR, DataType, EncrAlg, MacAlg, SrtpPolicy, T, decode_key_data, decode_message,
)
from mikeyhost.psk import CryptoSession, Initiator, Offer, Responder, identity, key_data
from mikeyhost.replay import NTP_ONE_SECOND, ReplayCache
from reference import ref_prf

PSK = bytes(range(16))
NOW = 0xE8000000 << 32
VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "public.json").read_text())["vectors"]


def offer(**kw):
    base = dict(csb_id=0x12345678, t=NOW, rand=bytes(range(0x10, 0x20)), keys=[key_data(bytes(16))],
                cs=[CryptoSession(0xDEADBEEF)], v=True)
    base.update(kw)
    return Offer(**base)


def exchange(o, responder=None, now=NOW):
    i = Initiator(PSK, o)
    r = responder or Responder(PSK)
    res = r.respond(i.message, now)
    assert res.error is None, res.error
    return i, res


def test_one_session_both_ends_agree_on_rfc_derived_keys():
    o = offer()
    i, res = exchange(o)
    assert [c.to_json() for c in i.finish(res.message)] == [c.to_json() for c in res.contexts]
    (ctx,) = res.contexts
    label = lambda const: const.to_bytes(4, "big") + b"\x01" + o.csb_id.to_bytes(4, "big") + o.rand
    assert ctx.master_key == ref_prf(bytes(16), label(0x2AD01C64), 16, 0)  # §4.1.3 TEK
    assert ctx.master_salt == ref_prf(bytes(16), label(0x39A2C14B), 14, 0)  # §4.1.3 salt
    assert (ctx.cs_id, ctx.ssrc, ctx.roc, ctx.mki) == (1, 0xDEADBEEF, 0, None)


def test_i_message_shape_and_mac_coverage():
    o = offer(idi=identity("alice@example.com"), idr=identity("sip:bob@example.com"))
    msg = Initiator(PSK, o).message
    d = decode_message(msg)
    assert [type(p).__name__ for p in d.message.payloads] == ["T", "RAND", "ID", "ID", "SP", "KEMAC"]
    assert d.message.header.v and d.message.header.data_type == DataType.PSK_INIT
    assert [p.id_type for p in d.message.find_all(type(o.idi))] == [0, 1]  # NAI, URI
    # §5.2: HMAC-SHA-1 with the §4.1.4 auth key over all but the MAC field.
    auth_key = ref_prf(PSK, bytes.fromhex("2d22ac75ff12345678") + o.rand, 20, 0)
    h = hmac.HMAC(auth_key, hashes.SHA1())
    h.update(msg[:-20])
    assert msg[-20:] == h.finalize()


MATRIX = list(itertools.product((1, 2, 3), ("tgk", "tek"), (False, True), (False, True), (False, True),
                                (False, True)))


@pytest.mark.parametrize("n_cs,kind,salt,mki,v,ids", MATRIX)
def test_matrix_of_sessions_keys_salts_mkis_v_and_ids(n_cs, kind, salt, mki, v, ids):
    keys = [key_data(bytes([k]) * 16, tek=kind == "tek", salt=bytes([0x50 + k]) * 14 if salt else None,
                     mki=bytes([0, 0, 0, k]) if mki else None) for k in range(1, n_cs + 1)]
    o = offer(cs=[CryptoSession(0x1000 + k, roc=k) for k in range(n_cs)], keys=keys, v=v,
              idi=identity("alice@example.com") if ids else None,
              idr=identity("bob@example.com") if ids else None)
    i, res = exchange(o, Responder(PSK, idr=identity("bob@example.com") if ids else None))
    if v:
        theirs = i.finish(res.message)
    else:
        assert res.message is None
        theirs = i.contexts()
    assert [c.to_json() for c in theirs] == [c.to_json() for c in res.contexts]
    assert [c.cs_id for c in res.contexts] == list(range(1, n_cs + 1))
    for k, c in enumerate(res.contexts, start=1):
        assert c.roc == k - 1 and c.ssrc == 0x1000 + k - 1
        assert c.mki == (bytes([0, 0, 0, k]) if mki else None)
        if kind == "tek":
            assert c.master_key == bytes([k]) * 16
        if salt:
            assert c.master_salt == bytes([0x50 + k]) * 14


@pytest.mark.parametrize("encr,mac", [(EncrAlg.AES_KW_128, MacAlg.HMAC_SHA_1_160),
                                      (EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_256_256),
                                      (EncrAlg.AES_CM_256, MacAlg.HMAC_SHA_1_160)])
def test_other_kemac_algorithms(encr, mac):
    i, res = exchange(offer(encr_alg=encr, mac_alg=mac))
    assert [c.to_json() for c in i.finish(res.message)] == [c.to_json() for c in res.contexts]


def test_prf_hmac_sha_256():
    i, res = exchange(offer(prf_func=1))
    assert [c.to_json() for c in i.finish(res.message)] == [c.to_json() for c in res.contexts]
    assert res.contexts[0].master_key == crypto.data_protocol_key(
        bytes(16), crypto.TEK_CONST, 1, 0x12345678, bytes(range(0x10, 0x20)), 16, 1)


def test_policy_from_sp():
    pol = SrtpPolicy.profile_default()
    pol.auth_tag_len = 4
    pol.kdr = 0x10000
    _, res = exchange(offer(policies=[pol]))
    assert res.contexts[0].policy["tag_len"] == 4 and res.contexts[0].policy["kdr"] == 0x10000


def codes(res):
    assert res.error is not None
    d = decode_message(res.message)
    assert d.message.header.data_type == DataType.ERROR
    return [e.error_no for e in d.message.find_all(ERR)]


def test_error_message_for_a_mac_mismatch_echoes_csb_and_t():
    msg = bytearray(Initiator(PSK, offer()).message)
    msg[-1] ^= 1
    res = Responder(PSK).respond(bytes(msg), NOW)
    assert codes(res) == [ErrorNo.AUTH_FAILURE]
    d = decode_message(res.message)
    assert d.message.header.csb_id == 0x12345678 and d.message.find(T).value == NOW
    assert not d.message.header.v


def test_wrong_psk_is_auth_failure_and_is_not_cached():
    r = Responder(b"\xff" * 16)
    msg = Initiator(PSK, offer()).message
    assert codes(r.respond(msg, NOW)) == [ErrorNo.AUTH_FAILURE]
    assert len(r.replay) == 0  # only authenticated messages are cached (§5.3)


def test_replay_and_stale_or_future_timestamps():
    r = Responder(PSK)
    msg = Initiator(PSK, offer()).message
    assert r.respond(msg, NOW).error is None
    assert codes(r.respond(msg, NOW + NTP_ONE_SECOND)) == [ErrorNo.INVALID_TS]
    for skew in (-301, 301):
        res = Responder(PSK).respond(msg, NOW + skew * NTP_ONE_SECOND)
        assert codes(res) == [ErrorNo.INVALID_TS]


def test_wrong_data_type_and_unparseable_input():
    msg = bytearray(Initiator(PSK, offer()).message)
    msg[1] = 2  # PK init
    assert codes(Responder(PSK).respond(bytes(msg), NOW)) == [ErrorNo.INVALID_DT]
    msg[0] = 2  # version
    assert codes(Responder(PSK).respond(bytes(msg), NOW)) == [ErrorNo.UNSUPPORTED_MESSAGE]
    good = Initiator(PSK, offer()).message
    for cut in range(len(good)):
        res = Responder(PSK).respond(good[:cut], NOW)
        assert res.error is not None and res.error.code == ErrorNo.UNSUPPORTED_MESSAGE


def test_repeated_and_misplaced_payloads():
    from mikeyhost.payloads import Message, encode_message

    d = decode_message(Initiator(PSK, offer()).message).message
    t, rand, sp, kemac = d.payloads
    for payloads in ([t, t, rand, sp, kemac], [rand, t, sp, kemac], [t, rand, kemac, sp],
                     [t, rand, sp, kemac, kemac], [rand, sp, kemac]):
        res = Responder(PSK).respond(encode_message(Message(d.header, payloads)), NOW)
        assert codes(res) == [ErrorNo.UNSUPPORTED_MESSAGE], payloads


def test_identities_are_checked():
    o = offer(idi=identity("alice@example.com"), idr=identity("bob@example.com"))
    msg = Initiator(PSK, o).message
    assert codes(Responder(PSK, idr=identity("carol@example.com")).respond(msg, NOW)) == [ErrorNo.INVALID_ID]
    assert codes(Responder(PSK, expect_idi=identity("mallory@example.com")).respond(msg, NOW)) == [ErrorNo.INVALID_ID]
    assert Responder(PSK, idr=identity("bob@example.com"), expect_idi=identity("alice@example.com")).respond(msg, NOW).error is None


def test_v_covers_identities_unless_minisip():
    o = offer(idi=identity("alice@example.com"))
    i, res = exchange(o, Responder(PSK, idr=identity("bob@example.com")))
    i.finish(res.message)
    _, res_m = exchange(o, Responder(PSK, idr=identity("bob@example.com"), minisip_v=True))
    with pytest.raises(Exception) as e:
        i.finish(res_m.message)
    assert e.value.code == ErrorNo.AUTH_FAILURE
    Initiator(PSK, o, minisip_v=True).finish(res_m.message)


def test_initiator_checks_the_r_message():
    i, res = exchange(offer())
    bad = bytearray(res.message)
    bad[-1] ^= 1
    with pytest.raises(Exception) as e:
        i.finish(bytes(bad))
    assert e.value.code == ErrorNo.AUTH_FAILURE
    other_t = bytearray(res.message)
    other_t[-22 - 1] ^= 1  # inside the echoed T value
    with pytest.raises(Exception):
        i.finish(bytes(other_t))
    err = Responder(PSK).respond(b"\x01\x00", NOW).message
    with pytest.raises(PeerError) as pe:
        i.finish(err)
    assert pe.value.codes == [ErrorNo.UNSUPPORTED_MESSAGE]


def test_update_message_keeps_csb_and_rand():
    r = Responder(PSK)
    i, res = exchange(offer(), r)
    first = res.contexts
    upd = i.update(NOW + NTP_ONE_SECOND, keys=[key_data(b"\x07" * 16)])
    d = decode_message(upd).message
    assert d.header.csb_id == 0x12345678 and d.find(T).value == NOW + NTP_ONE_SECOND
    assert "RAND" not in [type(p).__name__ for p in d.payloads]
    res2 = r.respond(upd, NOW + NTP_ONE_SECOND)
    assert res2.error is None
    assert [c.to_json() for c in i.finish(res2.message)] == [c.to_json() for c in res2.contexts]
    assert res2.contexts[0].master_key != first[0].master_key
    # An update for a CSB the Responder does not know is missing its RAND.
    assert codes(Responder(PSK).respond(upd, NOW)) == [ErrorNo.UNSUPPORTED_MESSAGE]


def test_null_mode_needs_a_protected_transport():
    o = offer(encr_alg=EncrAlg.NULL, mac_alg=MacAlg.NULL)
    msg = Initiator(None, o).message
    assert codes(Responder(PSK).respond(msg, NOW)) == [ErrorNo.INVALID_MAC]
    res = Responder(None, protected=True).respond(msg, NOW)
    assert res.error is None
    assert decode_key_data(decode_message(msg).message.payloads[-1].encr_data)[0].key == bytes(16)


@pytest.mark.parametrize("v", [v for v in VECTORS if "ssrc" in v["expect"] and "0b00" in v["hex"][:80]],
                         ids=lambda v: v["id"])
def test_tolerant_reader_keys_the_deployed_quirks(v):
    res = Responder(None, protected=True, tolerant=True).respond(bytes.fromhex(v["hex"]), NOW)
    assert res.error is None, res.error
    (ctx,) = res.contexts
    e = v["expect"]
    assert ctx.to_json()["ssrc"] == e["ssrc"]
    if "master_key" in e:
        assert (ctx.master_key.hex(), ctx.master_salt.hex()) == (e["master_key"], e["master_salt"])
    assert ctx.to_json()["mki"] == e.get("mki")
    assert "tek-key-and-salt" in res.tolerated and "implausible-timestamp" in res.tolerated
    # Strict, the same message is refused.
    strict = Responder(None, protected=True).respond(bytes.fromhex(v["hex"]), NOW)
    assert strict.error is not None


def test_window_is_configurable():
    msg = Initiator(PSK, offer()).message
    assert Responder(PSK, replay=ReplayCache(window=3600)).respond(msg, NOW + 3000 * NTP_ONE_SECOND).error is None


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALID = Initiator(PSK, offer(idi=identity("alice@example.com"))).message


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_VALID) - 1), st.integers(0, 255)), max_size=4),
       st.integers(0, len(_VALID)), st.binary(max_size=8))
def test_responder_answers_any_mutation_with_a_result_never_a_crash(edits, cut, tail):
    msg = bytearray(_VALID)
    for at, value in edits:
        msg[at] = value
    msg = bytes(msg[:cut]) + tail
    res = Responder(PSK, tolerant=bool(cut % 2), protected=bool(cut % 3)).respond(msg, NOW)
    if res.error is not None:
        assert 0 <= res.error.code <= 13
        d = decode_message(res.message)
        assert [e.error_no for e in d.message.find_all(ERR)] == [res.error.code]
    else:
        # Accepted: the MAC covers every byte, so only the untouched message,
        # a tolerated trailing zero, or — on a protected transport — a cut
        # that leaves the KEMAC's MAC alg NULL (MIKEY-NULL) get here.
        from mikeyhost.payloads import KEMAC

        d = decode_message(msg, tolerant=True).message
        unauthenticated = d.find(KEMAC).mac_alg == MacAlg.NULL
        assert msg.rstrip(b"\x00") == _VALID.rstrip(b"\x00") or unauthenticated


def _with_t(msg: bytes, t: T) -> bytes:
    """The I_MESSAGE with another T payload, MACed again (§5.2)."""
    from mikeyhost.payloads import RAND, Message, encode_message

    d = decode_message(msg).message
    payloads = [t if isinstance(p, T) else p for p in d.payloads]
    data = bytearray(encode_message(Message(d.header, payloads)))
    rand = d.find(RAND).rand
    k = crypto.mikey_keys(PSK, d.header.csb_id, rand, EncrAlg.AES_CM_128, MacAlg.HMAC_SHA_1_160)
    # The KEMAC was encrypted under the old T's IV: re-encrypt for the new one.
    kemac = d.payloads[-1]
    plain = crypto.kemac_decrypt(1, k, d.header.csb_id, d.find(T).t64(), kemac.encr_data)
    kemac.encr_data = crypto.kemac_encrypt(1, k, d.header.csb_id, t.t64(), plain)
    data = bytearray(encode_message(Message(d.header, payloads)))
    data[-20:] = crypto.mac(1, k.auth_key, bytes(data[:-20]))
    return bytes(data)


def test_ntp_utc_32_is_judged_as_seconds_and_counter_by_the_cache_only():
    from mikeyhost.payloads import TsType

    msg = Initiator(PSK, offer()).message
    t32 = _with_t(msg, T(TsType.NTP_UTC_32, NOW >> 32))
    assert Responder(PSK).respond(t32, NOW + 5 * NTP_ONE_SECOND).error is None
    assert codes(Responder(PSK).respond(t32, NOW + 400 * NTP_ONE_SECOND)) == [ErrorNo.INVALID_TS]
    counter = _with_t(msg, T(TsType.COUNTER, 7))
    r = Responder(PSK)
    assert r.respond(counter, NOW).error is None
    assert codes(r.respond(counter, NOW)) == [ErrorNo.INVALID_TS]  # the cache remembers it


def test_update_without_kemac_and_bad_id_type_and_empty_key():
    from mikeyhost.payloads import ID, Message, encode_message

    r = Responder(PSK)
    i, _ = exchange(offer(), r)
    upd = decode_message(i.update(NOW + NTP_ONE_SECOND)).message
    bare = encode_message(Message(upd.header, upd.payloads[:-1]))
    assert codes(r.respond(bare, NOW + NTP_ONE_SECOND)) == [ErrorNo.UNSUPPORTED_MESSAGE]
    odd = Initiator(PSK, offer(idi=ID(5, b"x"))).message
    assert codes(Responder(PSK).respond(odd, NOW)) == [ErrorNo.INVALID_ID]
    empty = Initiator(PSK, offer(keys=[key_data(b"")])).message
    assert codes(Responder(PSK).respond(empty, NOW)) == [ErrorNo.UNSUPPORTED_MESSAGE]


def test_general_extensions_ride_in_a_psk_i_message():
    from mikeyhost.payloads import SdpIdsExt

    o = offer(extensions=[SdpIdsExt(["mikey"])])
    msg = Initiator(PSK, o).message
    assert [type(p).__name__ for p in decode_message(msg).message.payloads][-2:] == ["SdpIdsExt", "KEMAC"]
    assert Responder(PSK).respond(msg, NOW).error is None
