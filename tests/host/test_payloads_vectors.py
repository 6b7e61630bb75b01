"""Every public MIKEY message (tests/vectors/public.json) and the RFC 4567
§5.1 examples: they decode, re-encode to exactly their bytes, carry the
values their sources assert, and every truncation of them is an error with
Error no 13 (RFC 4738)."""

import base64
import json
from pathlib import Path

import pytest

from mikeyhost.errors import ErrorNo, MikeyError, TrailingData
from mikeyhost.payloads import (
    ID, KEMAC, RAND, SIGN, SP, T, V, DataType, EncrAlg, IdType, KeyDataType, KvSpi, MacAlg,
    PrfFunc, SrtpIdEntry, SrtpIdMap, TsType, auth_field_offset, decode_key_data, decode_message,
    encode_message,
)

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "public.json").read_text())["vectors"]
BY_ID = {v["id"]: v for v in VECTORS}
TOLERANT_ONLY = {"V-GORT-milestone"}  # one 0x00 after the last payload


def canonical(vector) -> bytes:
    """The vector's bytes without a tolerated trailing zero."""
    data = bytes.fromhex(vector["hex"])
    return data[:-1] if vector["id"] in TOLERANT_ONLY else data


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["id"])
def test_vector_decodes_and_reencodes_byte_exact(vector):
    data = bytes.fromhex(vector["hex"])
    tolerant = vector["id"] in TOLERANT_ONLY
    decoded = decode_message(data, tolerant=tolerant)
    assert decoded.tolerated == (["trailing-zero"] if tolerant else [])
    assert encode_message(decoded.message) == canonical(vector)
    assert decoded.spans[-1].end == len(canonical(vector))


def test_milestone_trailing_zero_is_an_error_when_strict():
    with pytest.raises(TrailingData) as e:
        decode_message(bytes.fromhex(BY_ID["V-GORT-milestone"]["hex"]))
    assert e.value.code == ErrorNo.UNSUPPORTED_MESSAGE
    assert e.value.offset == len(canonical(BY_ID["V-GORT-milestone"]))


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["id"])
def test_vector_expected_values_are_in_the_decoded_objects(vector):
    message = decode_message(bytes.fromhex(vector["hex"]), tolerant=True).message
    expect = vector["expect"]
    if "ssrc" in expect:
        assert message.header.cs_map.entries[0].ssrc == int(expect["ssrc"], 16)
    keys = []
    kemac = message.find(KEMAC)
    if kemac is not None and kemac.encr_alg == EncrAlg.NULL:
        keys = decode_key_data(kemac.encr_data)
    if "tek" in expect:
        assert keys[0].key_type == KeyDataType.TEK
        assert keys[0].key.hex() == expect["tek"]
    if "mki" in expect:
        assert keys[0].spi.hex() == expect["mki"]
    if "master_key" in expect:  # one 30-byte TEK = master key || master salt
        assert len(keys[0].key) == 30
        assert keys[0].key[:16].hex() == expect["master_key"]
        assert keys[0].key[16:].hex() == expect["master_salt"]


def test_gstreamer_two_srtp_id_entries():
    header = decode_message(bytes.fromhex(BY_ID["V-GST-2"]["hex"])).message.header
    assert header.cs_map == SrtpIdMap([SrtpIdEntry(1, 0x12345678, 0),
                                       SrtpIdEntry(2, 0x23456789, 1)])


def test_gstreamer_t_kemac_spans():
    decoded = decode_message(bytes.fromhex(BY_ID["V-GST-3"]["hex"]))
    assert decoded.spans == [(0, 10), (10, 20), (20, 45)]
    t = decoded.message.payloads[0]
    assert t == T(TsType.NTP, 0x0102030405060708)


def test_gortsplib_spi_vector_roc_and_two_byte_spi():
    message = decode_message(bytes.fromhex(BY_ID["V-GORT-spi"]["hex"])).message
    assert message.header.cs_map.entries == [SrtpIdEntry(3, 0x11223344, 1432778632)]
    keys = decode_key_data(message.find(KEMAC).encr_data)
    assert keys[0].key == bytes.fromhex("aabbcc") and keys[0].kv == KvSpi(bytes.fromhex("1122"))


def test_onvif_vector_has_no_rand_and_a_filetime_in_ntp_utc():
    message = decode_message(bytes.fromhex(BY_ID["V-ONVIF-1"]["hex"])).message
    assert message.find(RAND) is None
    t = message.find(T)
    assert t.ts_type == TsType.NTP_UTC
    assert t.time.year > 2036  # top bit clear: read in the era after 2036 (RFC 4330 §3)


def test_streamwide_sakke_vector_parses_to_the_end():
    decoded = decode_message(bytes.fromhex(BY_ID["V-SW-3"]["hex"]))
    header = decoded.message.header
    assert header.data_type == DataType.SAKKE and header.prf_func == PrfFunc.PRF_HMAC_SHA_256
    assert header.n_cs == 0
    kinds = [p.payload_type.name for p in decoded.message.payloads]
    assert kinds == ["T", "RAND", "IDR", "IDR", "IDR", "IDR", "SP", "SAKKE", "GENERAL_EXT", "SIGN"]
    sign = decoded.message.payloads[-1]
    assert isinstance(sign, SIGN) and sign.s_type == 2  # ECCSI under data type 26
    assert decoded.auth_field_offset() == len(decoded.data) - len(sign.signature)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["id"])
def test_every_truncation_is_error_13(vector):
    data = canonical(vector)
    for n in range(len(data)):
        with pytest.raises(MikeyError) as e:
            decode_message(data[:n], tolerant=True)
        assert e.value.code == ErrorNo.UNSUPPORTED_MESSAGE, (n, e.value)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["id"])
@pytest.mark.parametrize("tail", [b"\x00\x00", b"\x01", b"\x00\x01", b"\xff"])
def test_trailing_bytes_are_trailing_data_even_when_tolerant(vector, tail):
    with pytest.raises(TrailingData):
        decode_message(canonical(vector) + tail, tolerant=True)


# -- RFC 4567 §5.1: the offer and answer of the SIP/SDP example -------------
# The a=key-mgmt:mikey values as printed, lines joined (structure only: the
# example's PSK is not given, so its MAC cannot be checked).

RFC4567_OFFER = ("AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAGEEoo2pee4hp2"
                 "UaDX8ZE22YwKAAAPZG9uYWxkQGR1Y2suY29tAQAAAAAAAQAk0JKpgaVkDaawi9whVBtBt"
                 "0KZ14ymNuu62+Nv3ozPLygwK/GbAV9iemnGUIZ19fWQUOSrzKTAv9zV")
RFC4567_ANSWER = ("AQEFgM0XflABAAAAAAAAAAAAAAYAyONQ6gAAAAAJAAAQbWlja2"
                  "V5QG1vdXNlLmNvbQABn8HdGE5BMDXFIuGEga+62AgY5cc=")


def test_rfc4567_offer_is_a_psk_i_message():
    data = base64.b64decode(RFC4567_OFFER)
    assert len(data) == 132
    decoded = decode_message(data)
    message = decoded.message
    header = message.header
    assert (header.data_type, header.v, header.csb_id) == (DataType.PSK_INIT, True, 0xCD177E50)
    assert header.cs_map == SrtpIdMap([SrtpIdEntry(0, 0, 0)])
    t, rand, ident, sp, kemac = message.payloads
    assert t == T(TsType.NTP_UTC, 0xC8E350EA00000000)
    assert t.time.isoformat().startswith("2006-10-20")
    assert len(rand.rand) == 16
    assert ident == ID(IdType.NAI, b"donald@duck.com")
    assert sp == SP(0, 0, [])
    assert (kemac.encr_alg, len(kemac.encr_data), kemac.mac_alg) == \
        (EncrAlg.AES_CM_128, 36, MacAlg.HMAC_SHA_1_160)
    assert kemac.mac.hex().startswith("5f627a69") and kemac.mac.hex().endswith("c0bfdcd5")
    assert encode_message(message) == data
    # The MAC covers everything up to and including the MAC alg byte (§5.2).
    assert decoded.auth_field_offset() == auth_field_offset(message) == 132 - 20
    assert data[111] == MacAlg.HMAC_SHA_1_160


def test_rfc4567_answer_is_a_psk_verification_message():
    data = base64.b64decode(RFC4567_ANSWER)
    assert len(data) == 71
    decoded = decode_message(data)
    header = decoded.message.header
    assert (header.data_type, header.v, header.csb_id) == (DataType.PSK_RESP, True, 0xCD177E50)
    t, ident, v = decoded.message.payloads
    offer_t = decode_message(base64.b64decode(RFC4567_OFFER)).message.payloads[0]
    assert t == offer_t  # the Responder echoes the Initiator's T (§5.2)
    assert ident == ID(IdType.NAI, b"mickey@mouse.com")
    assert v == V(MacAlg.HMAC_SHA_1_160, bytes.fromhex("9fc1dd184e413035c522e18481afbad80818e5c7"))
    assert encode_message(decoded.message) == data
    assert auth_field_offset(data) == 71 - 20
