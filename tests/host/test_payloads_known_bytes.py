"""Each payload's wire format, from the figures of RFC 3830 §6 and its
companions: hand-built bytes decode to the expected object, and the object
encodes to exactly those bytes."""

import pytest

from mikeyhost.errors import ErrorNo
from mikeyhost.payloads import (
    CERT, CHASH, DH, ECCPT, ERR, ID, IDR, KEMAC, PKE, RAND, RANDR, SAKKE, SIGN, SP, TICKET, TP, TR,
    CertType, CsbIdExt, CsIdMapType, DataType, DhGroup, EccCurve, EmptyMap, EncrAlg,
    GeneralExtension, GenericIdEntry, GenericIdMap, HashFunc, Header, IdRole, IdType, KeyData,
    KeyDataType, KeyId, KeyIdExt, KeyIdType, KvInterval, KvNull, KvSpi, MacAlg, Message,
    PayloadType, PkeCache, PrfFunc, ProtType, RandRole, SakkeIdScheme, SakkeParams, SdpIdsExt,
    SrtpIdEntry, SrtpIdMap, SrtpParam, SType, T, TicketFlags, TicketType, TsRole, TsType, V,
    VendorIdExt, decode_id_and_key_data, decode_key_data, decode_message, encode_id_and_key_data,
    encode_key_data, encode_message,
)

CSB = 0x12345678
HDR = Header(DataType.PSK_INIT, CSB)


def hdr_bytes(next_payload: int) -> bytes:
    """A bare HDR (§6.1): version 1, PSK init, V 0, PRF 0, #CS 0, SRTP-ID."""
    return bytes([1, 0, next_payload, 0]) + CSB.to_bytes(4, "big") + b"\x00\x00"


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def assert_payload(payload_hex: str, expected) -> None:
    """HDR announcing `expected`, then the payload bytes: both directions."""
    data = hdr_bytes(expected.payload_type) + h(payload_hex)
    decoded = decode_message(data)
    assert decoded.message.payloads == [expected]
    assert encode_message(decoded.message) == data
    assert encode_message(Message(HDR, [expected])) == data


# -- HDR, RFC 3830 §6.1 ----------------------------------------------------

def test_hdr_fields_in_order_6_1():
    # version | data type | next payload | V + PRF func | CSB ID | #CS | map type
    data = h("01 07 00 81 deadbeef 00 00")
    header = decode_message(data).message.header
    assert header == Header(DataType.DHHMAC_INIT, 0xDEADBEEF, SrtpIdMap([]), v=True,
                            prf_func=PrfFunc.PRF_HMAC_SHA_256)
    assert header.version == 1 and header.n_cs == 0
    assert encode_message(Message(header)) == data


def test_hdr_srtp_id_map_is_cs_times_9_bytes_6_1_1():
    # Policy_no_i (1) | SSRC_i (4) | ROC_i (4), #CS times; CS ID i is entry i.
    data = h("01 00 00 00 12345678 02 00  01 12345678 00000000  02 23456789 00000001")
    header = decode_message(data).message.header
    assert header.cs_map == SrtpIdMap([SrtpIdEntry(1, 0x12345678, 0),
                                       SrtpIdEntry(2, 0x23456789, 1)])
    assert header.n_cs == 2
    assert encode_message(Message(header)) == data


def test_hdr_empty_map_has_no_map_info_rfc4563_5():
    data = h("01 00 00 00 12345678 03 01")
    header = decode_message(data).message.header
    assert header.cs_map == EmptyMap(3)
    assert header.cs_map.map_type == CsIdMapType.EMPTY
    assert encode_message(Message(header)) == data


def test_hdr_generic_id_map_rfc6043_6_1_1():
    # CS ID | Prot type | S + #P | Ps | Session Data Length | Session Data
    # (SSRC, ROC, SEQ with S = 1) | SPI Length | SPI
    data = h("01 0e 00 00 12345678 01 02"
             "05 00 82 01 02 000a 11223344 00000007 0102 04 aabbccdd")
    header = decode_message(data).message.header
    entry = GenericIdEntry(cs_id=5, prot_type=0, s=True, policies=[1, 2],
                           session_data=h("11223344 00000007 0102"), spi=h("aabbccdd"))
    assert header.cs_map == GenericIdMap([entry])
    assert (entry.ssrc, entry.roc, entry.seq) == (0x11223344, 7, 0x0102)
    assert encode_message(Message(header)) == data


def test_generic_id_entry_without_s_flag_has_ssrc_only():
    entry = GenericIdEntry(cs_id=0, s=False, session_data=h("01020304"))
    assert (entry.ssrc, entry.roc, entry.seq) == (0x01020304, None, None)


# -- KEMAC §6.2 and Key data §6.13-6.14 ------------------------------------

def test_kemac_aes_cm_with_hmac_sha1_6_2():
    # Next | Encr alg | Encr data len | Encr data | MAC alg | MAC (20 bytes)
    encr = bytes(range(36))
    assert_payload("00 01 0024" + encr.hex() + "01" + "ab" * 20,
                   KEMAC(EncrAlg.AES_CM_128, encr, MacAlg.HMAC_SHA_1_160, b"\xab" * 20))


def test_kemac_hmac_sha256_mac_is_32_bytes_rfc6043_6_2():
    assert_payload("00 03 0000 02" + "cd" * 32,
                   KEMAC(EncrAlg.AES_CM_256, b"", MacAlg.HMAC_SHA_256_256, b"\xcd" * 32))


def test_kemac_null_null_has_no_mac_6_2():
    assert_payload("00 00 0004 00000000 00", KEMAC(EncrAlg.NULL, b"\x00" * 4, MacAlg.NULL, b""))


def test_key_data_tgk_kv_null_6_13():
    # Next | Type (4 bits) + KV (4 bits) | Key data len | Key data
    data = h("00 00 0010") + bytes(range(16))
    keys = decode_key_data(data)
    assert keys == [KeyData(KeyDataType.TGK, bytes(range(16)))]
    assert keys[0].kv == KvNull() and keys[0].spi is None
    assert encode_key_data(keys) == data


def test_key_data_tek_salt_with_interval_6_13_6_14():
    # + Salt len | Salt data, then KV data: VF len | Valid From | VT len | Valid To
    data = (h("00 32 0010") + b"K" * 16 + h("000e") + b"S" * 14
            + h("06 000000000000 06 00000000ffff"))
    keys = decode_key_data(data)
    assert keys == [KeyData(KeyDataType.TEK_SALT, b"K" * 16, b"S" * 14,
                            KvInterval(h("000000000000"), h("00000000ffff")))]
    assert encode_key_data(keys) == data


def test_key_data_chain_next_20_then_0_with_spi_mki_6_13():
    data = (h("14 10 0004 01020304 0002 aabb")     # TGK+SALT, KV Null, Next = Key data
            + h("00 21 0003 cafe00 02 0102"))      # TEK, KV SPI (MKI 0102), Next = Last
    keys = decode_key_data(data)
    assert keys == [KeyData(KeyDataType.TGK_SALT, h("01020304"), h("aabb")),
                    KeyData(KeyDataType.TEK, h("cafe00"), kv=KvSpi(h("0102")))]
    assert keys[1].spi == h("0102")
    assert encode_key_data(keys) == data


def test_key_data_rfc6043_gtgk_salt_carries_a_salt_6_2_1():
    data = h("00 51 0002 aaaa 0001 bb 01 07")
    keys = decode_key_data(data)
    assert keys == [KeyData(KeyDataType.GTGK_SALT, h("aaaa"), h("bb"), KvSpi(h("07")))]
    assert encode_key_data(keys) == data


def test_empty_encr_data_is_no_key_data_update_6_2():
    assert decode_key_data(b"") == []
    assert encode_key_data([]) == b""


def test_public_key_encr_data_is_id_then_key_data_6_2():
    ident = ID(IdType.URI, b"sip:alice@example.com")
    keys = [KeyData(KeyDataType.TGK, b"k" * 16)]
    data = encode_id_and_key_data(ident, keys)
    assert data[0] == PayloadType.KEY_DATA  # the ID's Next payload
    assert decode_id_and_key_data(data) == (ident, keys)
    assert decode_id_and_key_data(encode_id_and_key_data(ident, [])) == (ident, [])


# -- PKE §6.3, DH §6.4, ECCPT ECC-03 §6.1, SAKKE RFC 6509 §4.2 -------------

def test_pke_c_is_2_bits_data_len_14_bits_6_3():
    # C = 1 (cache), Data len = 5 -> 0x4005
    assert_payload("00 4005 0102030405", PKE(PkeCache.CACHE, h("0102030405")))


@pytest.mark.parametrize("group,size", [(DhGroup.OAKLEY_5, 192), (DhGroup.OAKLEY_1, 96),
                                        (DhGroup.OAKLEY_2, 128)])
def test_dh_value_length_is_implied_by_the_group_6_4(group, size):
    value = bytes([0x5A]) * size
    assert_payload(f"00 {group:02x}" + value.hex() + "00", DH(group, value))


def test_dh_with_kv_spi_6_4():
    value = b"\x01" * 192
    assert_payload("00 00" + value.hex() + "01 02 abcd",
                   DH(DhGroup.OAKLEY_5, value, KvSpi(h("abcd"))))


def test_dh_p256_point_length_from_its_format_byte_profile():
    uncompressed = b"\x04" + b"\x11" * 64
    compressed = b"\x03" + b"\x22" * 32
    assert_payload("00 0a" + uncompressed.hex() + "00", DH(DhGroup.P_256, uncompressed))
    assert_payload("00 0a" + compressed.hex() + "00", DH(DhGroup.P_256, compressed))


def test_eccpt_point_padded_to_32_bits_from_payload_start_ecc03_6_1():
    # Next | ECC curve (7 = P-256) | point (65) | 1 pad byte | Auth alg | TGK len | Reserv/KV
    point = b"\x04" + b"\x33" * 64
    payload = "00 07" + point.hex() + "00" + "01 0010 00"
    assert len(h(payload)) % 4 == 0
    assert_payload(payload, ECCPT(EccCurve.P_256, point, MacAlg.HMAC_SHA_1_160, 16))


def test_eccpt_compressed_point_and_kv_spi():
    point = b"\x02" + b"\x44" * 32
    assert_payload("00 07" + point.hex() + "00" + "01 0020 01 01 09",
                   ECCPT(EccCurve.P_256, point, MacAlg.HMAC_SHA_1_160, 32, KvSpi(h("09"))))


def test_sakke_payload_rfc6509_4_2():
    assert_payload("00 01 01 0004 deadbeef",
                   SAKKE(SakkeParams.PARAMETER_SET_1, SakkeIdScheme.TEL_URI_MONTHLY_KEYS,
                         h("deadbeef")))


# -- SIGN §6.5, T §6.6, ID/CERT §6.7, CHASH §6.8, V §6.9 --------------------

def test_sign_has_no_next_field_s_type_4_bits_len_12_bits_6_5():
    # S type 1 (RSA-PSS), Signature len 3 -> 0x1003
    assert_payload("1003 aabbcc", SIGN(SType.RSA_PSS, h("aabbcc")))


@pytest.mark.parametrize("ts_type,value_hex", [
    (TsType.NTP_UTC, "e3a1b2c3 80000000"), (TsType.NTP, "0102030405060708"),
    (TsType.COUNTER, "00000007"), (TsType.NTP_UTC_32, "e3a1b2c3")])
def test_t_value_length_is_implied_by_ts_type_6_6(ts_type, value_hex):
    assert_payload(f"00 {ts_type:02x} {value_hex}", T(ts_type, int(value_hex.replace(" ", ""), 16)))


def test_id_nai_6_7():
    assert_payload("00 00 000f" + b"donald@duck.com".hex(), ID(IdType.NAI, b"donald@duck.com"))


def test_id_byte_string_rfc6043_6_5():
    assert_payload("00 02 0003 000102", ID(IdType.BYTE_STRING, h("000102")))


def test_cert_url_6_7():
    url = b"http://ca.example/c.der"
    assert_payload(f"00 01 {len(url):04x}" + url.hex(), CERT(CertType.X509V3_URL, url))


@pytest.mark.parametrize("func,size", [(HashFunc.SHA_1, 20), (HashFunc.MD5, 16),
                                       (HashFunc.SHA_256, 32)])
def test_chash_length_is_implied_by_hash_func_6_8(func, size):
    assert_payload(f"00 {func:02x}" + "ee" * size, CHASH(func, b"\xee" * size))


def test_v_hmac_sha1_ver_data_is_20_bytes_6_9():
    assert_payload("00 01" + "9f" * 20, V(MacAlg.HMAC_SHA_1_160, b"\x9f" * 20))


def test_v_null_has_no_ver_data_6_9():
    assert_payload("00 00", V(MacAlg.NULL, b""))


# -- SP §6.10, RAND §6.11, ERR §6.12 ----------------------------------------

def test_sp_tlvs_in_wire_order_6_10():
    # Next | Policy no | Prot type | Policy param length | Type | Length | Value ...
    assert_payload("00 01 00 0008 0b 01 04 00 01 01 06 00",
                   SP(1, ProtType.SRTP, [(SrtpParam.AUTH_TAG_LEN, h("04")),
                                         (SrtpParam.ENCR_ALG, h("01")),
                                         (SrtpParam.KEY_DERIVATION_RATE, b"")]))


def test_sp_without_parameters_rfc4567_example():
    assert_payload("00 00 00 0000", SP(0, ProtType.SRTP, []))


def test_sp_of_another_protocol_keeps_plain_types():
    assert_payload("00 02 07 0003 05 01 ff", SP(2, 7, [(5, h("ff"))]))


def test_rand_6_11():
    assert_payload("00 10" + "4a" * 16, RAND(b"\x4a" * 16))


def test_err_6_12_with_rfc4738_error_13():
    assert_payload("00 0d 0000", ERR(ErrorNo.UNSUPPORTED_MESSAGE))


# -- RFC 6043 §6.4, 6.6, 6.8, 6.10 -----------------------------------------

def test_tr_rfc6043_6_4():
    assert_payload("00 02 03 e3a1b2c3", TR(TsRole.START_OF_VALIDITY, TsType.NTP_UTC_32, 0xE3A1B2C3))


def test_idr_rfc6043_6_6():
    assert_payload("00 03 01 0003 6b6d73", IDR(IdRole.KMS, IdType.URI, b"kms"))


def test_randr_rfc6043_6_8():
    assert_payload("00 01 04 01020304", RANDR(RandRole.INITIATOR, h("01020304")))


def test_tp_rfc6043_6_10():
    # Ticket Type 1 | Subtype 1 | Version 1 | PRF Func 1, flags D and E, Res 0
    # (1 << 17 | 0b110000000000 << 5 = 0x038000) | TP Data length | TP Data
    assert_payload("00 0001 01 01 038000 0002 0500",
                   TP(TicketType.MIKEY_BASE_TICKET, 1, 1, PrfFunc.PRF_HMAC_SHA_256,
                      TicketFlags.D | TicketFlags.E, h("0500")))


def test_ticket_rfc6043_6_10():
    assert_payload("00 0002 01 01 000020 0000 0003 abcdef 0001 00",
                   TICKET(TicketType.THREE_GPP_BASE_TICKET, 1, 1, PrfFunc.MIKEY_1,
                          TicketFlags.O, b"", 0, h("abcdef"), h("00")))


# -- General Extension §6.15 ------------------------------------------------

def test_general_extension_vendor_id_6_15():
    assert_payload("00 00 0003 abcdef", VendorIdExt(h("abcdef")))


def test_general_extension_sdp_ids_rfc4567_4_1_4():
    data = b"mikey;keyp1;keyp2"
    assert_payload(f"00 01 {len(data):04x}" + data.hex(), SdpIdsExt(["mikey", "keyp1", "keyp2"]))
    assert SdpIdsExt(["mikey", "keyp1", "keyp2"]).prtcl_list == "mikey;keyp1;keyp2"


def test_general_extension_key_id_rfc4563_4():
    # Key ID Type | Key ID Length | Key ID, repeated
    assert_payload("00 03 0008 01 02 aabb 02 02 ccdd",
                   KeyIdExt([KeyId(KeyIdType.MBMS_SERVICE_KEY_ID, h("aabb")),
                             KeyId(KeyIdType.MBMS_TRAFFIC_KEY_ID, h("ccdd"))]))


def test_general_extension_csb_id_rfc4738_3_6():
    assert_payload("00 04 0004 0a0b0c0d", CsbIdExt(0x0A0B0C0D))


@pytest.mark.parametrize("ext_type", [2, 5, 7, 240])
def test_general_extension_of_other_types_is_kept_as_bytes(ext_type):
    assert_payload(f"00 {ext_type:02x} 0002 beef", GeneralExtension(ext_type, h("beef")))


# -- a whole message: Next payload values follow the payload order ----------

def test_next_payload_fields_chain_the_payloads_6_1():
    message = Message(Header(DataType.PSK_RESP, CSB, SrtpIdMap([SrtpIdEntry(0, 1)])),
                      [T(TsType.COUNTER, 1), ID(IdType.URI, b"a"), V(MacAlg.NULL)])
    data = encode_message(message)
    decoded = decode_message(data)
    assert decoded.message == message
    spans = decoded.spans
    assert data[2] == PayloadType.T
    assert data[spans[1].start] == PayloadType.ID
    assert data[spans[2].start] == PayloadType.V
    assert data[spans[3].start] == PayloadType.LAST


def test_sign_must_be_last_when_encoding():
    with pytest.raises(ValueError):
        encode_message(Message(HDR, [SIGN(0, b"x"), RAND(b"r")]))
