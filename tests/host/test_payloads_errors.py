"""What the codec refuses, as the typed error whose code is the Error no
the peer should get (docs/profile.md, "Receiving"; RFC 3830 Table 6.12,
RFC 4738 §3.9.2), with the offset of the offending byte."""

import pytest

from mikeyhost.errors import (
    BadLength, BadVersion, ErrorNo, InvalidTimestamp, TrailingData, Truncated, UnknownPayload,
    UnsupportedDataType, UnsupportedDHGroup, UnsupportedHash, UnsupportedMAC,
)
from mikeyhost.payloads import decode_key_data, decode_message

CSB = "12345678"


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def hdr(next_payload: int, data_type: int = 0) -> str:
    return f"01 {data_type:02x} {next_payload:02x} 00 {CSB} 00 00"


def refused(data: bytes, error, code: ErrorNo, offset: int | None = None, **kw):
    with pytest.raises(error) as e:
        decode_message(data, **kw)
    assert e.value.code == code
    if offset is not None:
        assert e.value.offset == offset
    return e.value


# -- HDR ----------------------------------------------------------------------

@pytest.mark.parametrize("version", [0, 2, 0xFF])
def test_version_other_than_1_is_bad_version_13(version):
    refused(h(f"{version:02x} 00 00 00 {CSB} 00 00"), BadVersion, ErrorNo.UNSUPPORTED_MESSAGE, 0)


@pytest.mark.parametrize("data_type", [19, 25, 27, 241, 255])
def test_undefined_data_type_is_11(data_type):
    refused(h(hdr(0, data_type)), UnsupportedDataType, ErrorNo.INVALID_DT, 1)


@pytest.mark.parametrize("data_type", [0, 6, 10, 11, 18, 26])
def test_defined_data_types_are_accepted(data_type):
    assert decode_message(h(hdr(0, data_type))).message.header.data_type == data_type


def test_empty_input_is_truncated():
    refused(b"", Truncated, ErrorNo.UNSUPPORTED_MESSAGE, 0)


@pytest.mark.parametrize("prefix", ["02", "01 ff", "01 00 00 00 1234"])
def test_a_header_shorter_than_its_fixed_10_bytes_is_truncated_whatever_it_holds(prefix):
    refused(h(prefix), Truncated, ErrorNo.UNSUPPORTED_MESSAGE, 0)


def test_srtp_id_map_shorter_than_cs_times_9_is_truncated():
    refused(h(f"01 00 00 00 {CSB} 02 00 01 12345678 00000000 02 2345"),
            Truncated, ErrorNo.UNSUPPORTED_MESSAGE, 20)


def test_unknown_cs_id_map_type_is_13():
    refused(h(f"01 00 00 00 {CSB} 00 03"), UnknownPayload, ErrorNo.UNSUPPORTED_MESSAGE, 9)


def test_generic_id_session_data_overrun_is_bad_length():
    refused(h(f"01 0e 00 00 {CSB} 01 02 05 00 00 0010 1122"), BadLength,
            ErrorNo.UNSUPPORTED_MESSAGE)


# -- the payload chain ----------------------------------------------------------

@pytest.mark.parametrize("next_payload", [18, 19, 20, 23, 25, 27, 255])
def test_unknown_next_payload_in_hdr_is_13_at_the_next_field(next_payload):
    # 20 (Key data) exists only inside KEMAC Encr data.
    refused(h(hdr(next_payload) + "00 00 0000"), UnknownPayload, ErrorNo.UNSUPPORTED_MESSAGE, 2)


def test_unknown_next_payload_in_a_payload_points_at_that_payload():
    # HDR -> RAND whose Next is 99
    refused(h(hdr(11) + "63 02 aabb"), UnknownPayload, ErrorNo.UNSUPPORTED_MESSAGE, 10)


def test_bytes_after_the_last_payload_are_trailing_data():
    refused(h(hdr(11) + "00 02 aabb ff"), TrailingData, ErrorNo.UNSUPPORTED_MESSAGE, 14)


def test_one_trailing_zero_only_when_tolerant():
    data = h(hdr(11) + "00 02 aabb 00")
    refused(data, TrailingData, ErrorNo.UNSUPPORTED_MESSAGE, 14)
    decoded = decode_message(data, tolerant=True)
    assert decoded.tolerated == ["trailing-zero"]
    assert decoded.spans[-1].end == 14


def test_trailing_zero_after_a_bare_header_when_tolerant():
    assert decode_message(h(hdr(0) + "00"), tolerant=True).tolerated == ["trailing-zero"]


def test_bytes_after_sign_are_trailing_data():
    # SIGN has no Next payload field: the chain ends with it (§6.5).
    refused(h(hdr(4) + "0002 aabb 00"), TrailingData, ErrorNo.UNSUPPORTED_MESSAGE, 14)


# -- lengths ----------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    "00 00 0010 6162",            # ID len 16, 2 bytes left
    "00 00 ffff",                 # ID len 65535, nothing left
])
def test_id_length_overrunning_the_message_is_bad_length(payload):
    refused(h(hdr(6) + payload), BadLength, ErrorNo.UNSUPPORTED_MESSAGE, 14)


def test_rand_length_overrun_is_bad_length():
    refused(h(hdr(11) + "00 10 0102"), BadLength, ErrorNo.UNSUPPORTED_MESSAGE, 12)


def test_kemac_encr_data_len_overrun_is_bad_length():
    refused(h(hdr(1) + "00 00 0020 0000"), BadLength, ErrorNo.UNSUPPORTED_MESSAGE, 14)


def test_sp_policy_param_length_overrun_is_bad_length():
    refused(h(hdr(10) + "00 00 00 0009 000101"), BadLength, ErrorNo.UNSUPPORTED_MESSAGE, 15)


def test_sp_parameter_overrunning_the_policy_param_length_is_bad_length():
    # Policy param length 3, but the TLV says 2 value bytes; the message goes on.
    refused(h(hdr(10) + "0b 00 00 0003 00 02 01 00 02 aabb"), BadLength,
            ErrorNo.UNSUPPORTED_MESSAGE, 17)


def test_sp_tlv_header_cut_by_the_policy_param_length_is_bad_length():
    refused(h(hdr(10) + "0b 00 00 0001 00 00 02 aabb"), BadLength, ErrorNo.UNSUPPORTED_MESSAGE)


def test_key_id_entry_overrunning_its_extension_is_bad_length():
    refused(h(hdr(21) + "00 03 0003 01 05 aa"), BadLength, ErrorNo.UNSUPPORTED_MESSAGE)


def test_csb_id_extension_must_be_4_bytes():
    refused(h(hdr(21) + "00 04 0003 010203"), BadLength, ErrorNo.UNSUPPORTED_MESSAGE)


def test_pke_data_len_overrun_is_bad_length():
    refused(h(hdr(2) + "00 4010 0102"), BadLength, ErrorNo.UNSUPPORTED_MESSAGE)


def test_sign_len_overrun_is_bad_length():
    refused(h(hdr(4) + "0010 0102"), BadLength, ErrorNo.UNSUPPORTED_MESSAGE)


# -- implicit lengths: an unknown algorithm leaves the length unknown ---------------

@pytest.mark.parametrize("mac_alg", [3, 0x80, 0xFF])
def test_kemac_unknown_mac_alg_is_3(mac_alg):
    refused(h(hdr(1) + f"00 00 0000 {mac_alg:02x}" + "00" * 20), UnsupportedMAC,
            ErrorNo.INVALID_MAC, 14)


def test_v_unknown_auth_alg_is_3():
    refused(h(hdr(9) + "00 09" + "00" * 20), UnsupportedMAC, ErrorNo.INVALID_MAC, 11)


def test_kemac_mac_shorter_than_its_algorithm_is_truncated():
    refused(h(hdr(1) + "00 00 0000 01" + "00" * 19), Truncated, ErrorNo.UNSUPPORTED_MESSAGE)


@pytest.mark.parametrize("group", [3, 9, 11, 13, 255])
def test_dh_unknown_group_is_6(group):
    refused(h(hdr(3) + f"00 {group:02x}" + "00" * 200), UnsupportedDHGroup, ErrorNo.INVALID_DH, 11)


def test_dh_value_shorter_than_the_group_is_truncated():
    refused(h(hdr(3) + "00 01" + "00" * 95), Truncated, ErrorNo.UNSUPPORTED_MESSAGE)


@pytest.mark.parametrize("first", [0x00, 0x01, 0x05, 0x06])
def test_dh_p256_point_in_a_format_other_than_sec1_compressed_or_uncompressed_is_6(first):
    refused(h(hdr(3) + f"00 0a {first:02x}" + "11" * 64 + "00"), UnsupportedDHGroup,
            ErrorNo.INVALID_DH, 12)


def test_eccpt_unknown_curve_is_6():
    refused(h(hdr(22) + "00 0a 04" + "11" * 64 + "00 01 0010 00"), UnsupportedDHGroup,
            ErrorNo.INVALID_DH, 11)


def test_eccpt_non_zero_padding_is_bad_length():
    refused(h(hdr(22) + "00 07 04" + "11" * 64 + "ff 01 0010 00"), BadLength,
            ErrorNo.UNSUPPORTED_MESSAGE, 77)


@pytest.mark.parametrize("func", [3, 0xFF])
def test_chash_unknown_hash_func_is_5(func):
    refused(h(hdr(8) + f"00 {func:02x}" + "00" * 32), UnsupportedHash, ErrorNo.INVALID_HA, 11)


@pytest.mark.parametrize("ts_type", [4, 0xFF])
def test_t_unknown_ts_type_is_1(ts_type):
    refused(h(hdr(5) + f"00 {ts_type:02x} 0102030405060708"), InvalidTimestamp,
            ErrorNo.INVALID_TS, 11)


def test_tr_unknown_ts_type_is_1():
    refused(h(hdr(13) + "00 01 07 01020304"), InvalidTimestamp, ErrorNo.INVALID_TS, 12)


# -- Key data sub-payloads --------------------------------------------------------------

def key_data_refused(data: bytes, error, offset: int | None = None):
    with pytest.raises(error) as e:
        decode_key_data(data)
    assert e.value.code == ErrorNo.UNSUPPORTED_MESSAGE
    if offset is not None:
        assert e.value.offset == offset


def test_key_data_next_other_than_20_or_0_is_unknown_payload():
    key_data_refused(h("05 00 0001 aa 00 00 0001 bb"), UnknownPayload, 0)


def test_bytes_after_the_last_key_data_are_trailing_data():
    key_data_refused(h("00 00 0001 aa ff"), TrailingData, 5)


@pytest.mark.parametrize("type_kv", ["70", "f0"])
def test_undefined_key_data_type_is_13(type_kv):
    key_data_refused(h(f"00 {type_kv} 0001 aa"), UnknownPayload, 1)


def test_undefined_kv_type_is_13():
    key_data_refused(h("00 03 0001 aa"), UnknownPayload, 1)


def test_key_data_len_overrun_is_bad_length():
    key_data_refused(h("00 00 0010 aabb"), BadLength, 4)


def test_spi_len_overrun_is_bad_length():
    key_data_refused(h("00 01 0001 aa 04 0102"), BadLength)


def test_key_data_cut_in_a_fixed_field_is_truncated():
    key_data_refused(h("00 00 00"), Truncated)


# -- what can still be read of a refused message (for the Error reply, §5.1.2) --

def test_decode_partial_keeps_the_header_and_payloads_before_the_error():
    from mikeyhost.payloads import T, TsType, decode_partial
    data = h(hdr(5) + "0b 00 0102030405060708" + "00 10 0102")  # T, then a short RAND
    message = decode_partial(data)
    assert message.header.csb_id == 0x12345678
    assert message.payloads == [T(TsType.NTP_UTC, 0x0102030405060708)]


def test_decode_partial_reads_past_an_undefined_data_type():
    from mikeyhost.payloads import T, TsType, decode_partial
    message = decode_partial(h(hdr(5, data_type=99) + "00 00 0102030405060708"))
    assert (message.header.data_type, message.header.csb_id) == (99, 0x12345678)
    assert message.payloads == [T(TsType.NTP_UTC, 0x0102030405060708)]


def test_decode_partial_without_a_header_is_none():
    from mikeyhost.payloads import decode_partial
    assert decode_partial(h("01 00 05")) is None
    assert decode_partial(h("02")) is None
