"""Typed views: T values as times and as the 64-bit AES-CM IV input (RFC
3830 §6.6, RFC 6043 §6.3, RFC 4330 §3), SP parameters as an SRTP policy
(RFC 3830 §6.10.1, RFC 4771 §4, docs/profile.md), and where the MAC field
of an encoded message starts (§5.2)."""

from datetime import datetime, timedelta, timezone

import pytest

from mikeyhost.errors import BadPolicyParam, ErrorNo, UnsupportedPolicy
from mikeyhost.payloads import (
    KEMAC, RAND, SIGN, SP, T, TR, DataType, EncrAlg, Header, KeyData, KeyDataType, MacAlg, Message,
    SrtpAuthAlg, SrtpEncrAlg, SrtpIdEntry, SrtpIdMap, SrtpParam, SrtpPolicy, SrtpPrf, TsRole,
    TsType, V, auth_field_offset, datetime_to_ntp, decode_message, encode_key_data,
    encode_message, ntp_to_datetime,
)

UTC = timezone.utc
UNIX_EPOCH_NTP = 0x83AA7E80  # NTP seconds at 1970-01-01 (RFC 4330 §3)


# -- NTP time scale -------------------------------------------------------

def test_ntp_epoch_offset_of_1970():
    assert ntp_to_datetime(UNIX_EPOCH_NTP << 32) == datetime(1970, 1, 1, tzinfo=UTC)


def test_ntp_seconds_with_top_bit_clear_are_after_2036_rfc4330_3():
    assert ntp_to_datetime(0) == datetime(2036, 2, 7, 6, 28, 16, tzinfo=UTC)
    assert ntp_to_datetime(0x7FFFFFFF << 32).year == 2104
    assert ntp_to_datetime(0x80000000 << 32).year == 1968


def test_ntp_fraction_is_binary():
    assert ntp_to_datetime(UNIX_EPOCH_NTP << 32 | 0x80000000) == \
        datetime(1970, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)


@pytest.mark.parametrize("when", [
    datetime(1970, 1, 1, tzinfo=UTC), datetime(2024, 5, 17, 12, 30, 1, 123456, tzinfo=UTC),
    datetime(2036, 2, 7, 6, 28, 15, 999999, tzinfo=UTC),
    datetime(2036, 2, 7, 6, 28, 16, tzinfo=UTC),
    datetime(2100, 1, 1, tzinfo=UTC)])
def test_datetime_ntp_round_trip(when):
    assert ntp_to_datetime(datetime_to_ntp(when)) == when


def test_naive_datetime_is_utc():
    assert datetime_to_ntp(datetime(1970, 1, 1)) == UNIX_EPOCH_NTP << 32


@pytest.mark.parametrize("when", [datetime(1968, 1, 1, tzinfo=UTC),
                                  datetime(2105, 1, 1, tzinfo=UTC)])
def test_times_ntp_cannot_carry_are_refused(when):
    with pytest.raises(ValueError):
        datetime_to_ntp(when)


# -- T and its 64-bit form (KEMAC AES-CM IV, §4.2.3) ---------------------------

def test_t64_of_ntp_types_is_the_value():
    assert T(TsType.NTP_UTC, 0x0102030405060708).t64() == 0x0102030405060708
    assert T(TsType.NTP, 0x0102030405060708).t64() == 0x0102030405060708


def test_t64_of_counter_is_left_padded_6_6():
    assert T(TsType.COUNTER, 0x01020304).t64() == 0x0000000001020304
    assert T(TsType.COUNTER, 7).time is None


def test_t64_of_ntp_utc_32_has_a_zero_fraction_rfc6043_6_3():
    t = T(TsType.NTP_UTC_32, 0xE3A1B2C3)
    assert t.t64() == 0xE3A1B2C300000000
    assert t.time == ntp_to_datetime(0xE3A1B2C300000000)


def test_t_from_datetime():
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert T.from_datetime(when) == T(TsType.NTP_UTC, datetime_to_ntp(when))
    assert T.from_datetime(when).time == when
    assert T.from_datetime(when, TsType.NTP_UTC_32).value == datetime_to_ntp(when) >> 32
    assert TR.from_datetime(TsRole.END_OF_VALIDITY, when).time == when
    with pytest.raises(ValueError):
        T.from_datetime(when, TsType.COUNTER)


# -- SP as an SRTP policy ---------------------------------------------------------

PROFILE_DEFAULT_SP = bytes.fromhex(
    "000101 010110 020101 030114 04010e 050100 070101 080101 0a0101 0b010a".replace(" ", ""))


def test_profile_default_policy_is_the_documented_set_in_ascending_order():
    sp = SP.from_srtp(SrtpPolicy.profile_default())
    assert b"".join(bytes([t, len(v)]) + v for t, v in sp.params) == PROFILE_DEFAULT_SP
    data = sp.write(0)
    assert data[:5] == bytes([0, 0, 0, 0, len(PROFILE_DEFAULT_SP)])


def test_srtp_view_reads_ints_and_names():
    sp = SP(0, 0, [(SrtpParam.ENCR_ALG, b"\x01"), (SrtpParam.AUTH_ALG, b"\x04"),
                   (SrtpParam.SRTP_PRF, b"\x00"), (SrtpParam.AUTH_TAG_LEN, b"\x0a"),
                   (SrtpParam.ROC_TRANSMISSION_RATE, b"\x00\x10")])
    policy = sp.srtp()
    assert policy.encr_alg is SrtpEncrAlg.AES_CM
    assert policy.auth_alg is SrtpAuthAlg.RCCM3
    assert policy.prf is SrtpPrf.AES_CM
    assert (policy.auth_tag_len, policy.roc_rate) == (10, 16)
    assert policy.encr_key_len is None  # not sent: SRTP default applies


@pytest.mark.parametrize("kdr,wire", [(0, "00"), (1, "01"), (0x100, "0100"), (1 << 16, "010000"),
                                      (1 << 24, "01000000")])
def test_key_derivation_rate_in_fewest_bytes(kdr, wire):
    sp = SP.from_srtp(SrtpPolicy(kdr=kdr))
    assert sp.params == [(SrtpParam.KEY_DERIVATION_RATE, bytes.fromhex(wire))]
    assert sp.srtp().kdr == kdr


def test_rfc4771_parameters_13_to_19():
    policy = SrtpPolicy(roc_rate=1, srtp_auth_alg=SrtpAuthAlg.RCCM1, srtcp_auth_alg=1,
                        srtp_auth_key_len=20, srtcp_auth_key_len=20, srtp_auth_tag_len=14,
                        srtcp_auth_tag_len=10)
    sp = SP.from_srtp(policy)
    assert [t for t, _ in sp.params] == list(range(13, 20))
    assert sp.params[0] == (13, b"\x00\x01")
    assert sp.srtp() == policy


def test_unknown_parameter_types_are_kept_as_extra():
    sp = SP(0, 0, [(SrtpParam.ENCR_ALG, b"\x06"), (20, b"\x10")])
    policy = sp.srtp()
    assert policy.extra == [(20, b"\x10")] and policy.encr_alg == 6
    assert SP.from_srtp(policy).params == sp.params


@pytest.mark.parametrize("params", [
    [(SrtpParam.ENCR_ALG, b"\x01\x00")],                  # one byte expected
    [(SrtpParam.KEY_DERIVATION_RATE, b"")],               # 1-4 bytes
    [(SrtpParam.KEY_DERIVATION_RATE, b"\x00" * 5)],
    [(SrtpParam.ROC_TRANSMISSION_RATE, b"\x01")],         # 16-bit
    [(SrtpParam.AUTH_TAG_LEN, b"\x0a"), (SrtpParam.AUTH_TAG_LEN, b"\x04")],  # twice
])
def test_srtp_view_refuses_bad_parameters_with_10(params):
    with pytest.raises(BadPolicyParam) as e:
        SP(0, 0, params).srtp()
    assert e.value.code == ErrorNo.INVALID_SPPAR


def test_srtp_view_of_another_prot_type_is_9():
    with pytest.raises(UnsupportedPolicy) as e:
        SP(0, 1, []).srtp()
    assert e.value.code == ErrorNo.INVALID_SP


def test_gstreamer_sp_reads_as_sent():
    # V-NX-axis: type 3 carries 10 (the tag length) and there is no type 11.
    data = bytes.fromhex("010005009cb9c964010000696f1248000000000b00ee1ef0715b776c480a1014e25d7f"
                         "419d2f1a1f52dd09bd0d7141010000001500010101011002010103010a0701010801"
                         "010a0101000000220020001e3bbe35802d7fb7368e165c1ef3d8994e476e93a49f8e"
                         "42fe7562490c8f1a00")
    policy = decode_message(data).message.find(SP).srtp()
    assert (policy.auth_key_len, policy.auth_tag_len, policy.salt_key_len) == (10, None, None)


# -- the MAC field of the last payload (§5.2) ----------------------------------------

def psk_i_message(mac: bytes) -> Message:
    keys = encode_key_data([KeyData(KeyDataType.TGK, b"\x11" * 16)])
    return Message(Header(DataType.PSK_INIT, 0xCAFEBABE, SrtpIdMap([SrtpIdEntry(0, 0xDEADBEEF)])),
                   [T(TsType.NTP_UTC, 1 << 63), RAND(b"\x22" * 16),
                    SP.from_srtp(SrtpPolicy.profile_default()),
                    KEMAC(EncrAlg.AES_CM_128, keys, MacAlg.HMAC_SHA_1_160, mac)])


def test_encode_with_zero_mac_then_fill_it_in():
    message = psk_i_message(bytes(20))
    data = encode_message(message)
    offset = auth_field_offset(message)
    assert offset == len(data) - 20
    assert data[offset - 1] == MacAlg.HMAC_SHA_1_160  # the MAC covers up to the MAC alg byte
    filled = data[:offset] + b"\x5a" * 20
    assert filled == encode_message(psk_i_message(b"\x5a" * 20))
    assert decode_message(filled).auth_field_offset() == offset


def test_auth_field_of_v_and_sign():
    message = Message(Header(DataType.PSK_RESP, 1),
                      [T(TsType.COUNTER, 1), V(MacAlg.HMAC_SHA_256_256, bytes(32))])
    assert auth_field_offset(message) == len(encode_message(message)) - 32
    message = Message(Header(DataType.DH_INIT, 1), [T(TsType.COUNTER, 1), SIGN(0, bytes(128))])
    assert auth_field_offset(message) == len(encode_message(message)) - 128


def test_no_auth_field_when_the_last_payload_has_none():
    with pytest.raises(ValueError):
        auth_field_offset(Message(Header(DataType.ERROR, 1), [T(TsType.COUNTER, 1)]))


def test_encoding_refuses_a_mac_of_the_wrong_length():
    with pytest.raises(ValueError):
        encode_message(psk_i_message(bytes(19)))


def test_ntp_era_1_starts_2_pow_32_seconds_after_1900():
    assert timedelta(seconds=1 << 32) == datetime(2036, 2, 7, 6, 28, 16, tzinfo=UTC) - \
        datetime(1900, 1, 1, tzinfo=UTC)
