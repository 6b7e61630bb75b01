"""The readable tree and the JSON form of decoded messages: every field by
its RFC name, enums by name and number, key material only on request."""

import base64
import json
from pathlib import Path

import pytest

from mikeyhost.payloads import (
    KEMAC, DataType, EncrAlg, Header, KeyData, KeyDataType, KvSpi, MacAlg, Message, SIGN, T,
    TsType, decode_message, encode_key_data,
)
from mikeyhost.render import render_tree, to_json

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "public.json").read_text())["vectors"]
BY_ID = {v["id"]: v for v in VECTORS}
TSI_1 = BY_ID["V-TSI-1"]
MASTER_KEY = TSI_1["expect"]["master_key"]
MASTER_SALT = TSI_1["expect"]["master_salt"]


def decoded(vector_id: str):
    return decode_message(bytes.fromhex(BY_ID[vector_id]["hex"]), tolerant=True)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["id"])
@pytest.mark.parametrize("show_keys", [False, True])
def test_every_vector_renders_and_is_json_serialisable(vector, show_keys):
    d = decode_message(bytes.fromhex(vector["hex"]), tolerant=True)
    tree = render_tree(d, show_keys=show_keys)
    assert tree.startswith("HDR")
    doc = to_json(d, show_keys=show_keys)
    assert set(doc) == {"header", "payloads", "tolerated"}
    assert len(doc["payloads"]) == len(d.message.payloads)
    assert json.loads(json.dumps(doc)) == doc


def test_tree_has_one_block_per_payload_with_rfc_field_names():
    tree = render_tree(decoded("V-TSI-1"))
    blocks = [line.split()[0] for line in tree.splitlines() if not line.startswith(" ")]
    assert blocks == ["HDR", "T", "RAND", "SP", "KEMAC"]
    for text in ["CSB ID: 0xb4effbf2", "CS ID 1: Policy_no 0, SSRC 0x048f147f, ROC 0",
                 "TS type: NTP_UTC (0)", "RAND len: 16", "ENCR_ALG (0): AES_CM (1)",
                 "AUTH_TAG_LEN (11): 10", "Encr alg: NULL (0)", "Type: TEK (2)",
                 "Key data len: 30", "KV: SPI (1)", "SPI: 09fa4021", "MAC alg: NULL (0)"]:
        assert text in tree


def test_key_material_is_hidden_unless_asked_for():
    tree = render_tree(decoded("V-TSI-1"))
    assert MASTER_KEY not in tree and MASTER_SALT not in tree
    assert "30 bytes hidden" in tree
    shown = render_tree(decoded("V-TSI-1"), show_keys=True)
    assert MASTER_KEY + MASTER_SALT in shown


def test_json_key_data_hidden_as_null_with_its_length():
    kemac = to_json(decoded("V-TSI-1"))["payloads"][-1]
    assert kemac["payload"] == {"name": "KEMAC", "value": 1}
    key = kemac["key_data"][0]
    assert key["type"] == {"name": "TEK", "value": 2}
    assert key["key_data"] is None and key["key_data_len"] == 30
    assert key["spi"] == "09fa4021"
    shown = to_json(decoded("V-TSI-1"), show_keys=True)["payloads"][-1]["key_data"][0]
    assert shown["key_data"] == MASTER_KEY + MASTER_SALT
    assert MASTER_KEY not in json.dumps(to_json(decoded("V-TSI-1")))


def test_salt_is_key_material_too():
    keys = encode_key_data([KeyData(KeyDataType.TEK_SALT, b"\xaa" * 16, b"\xbb" * 14,
                                    KvSpi(b"\x01"))])
    message = Message(Header(DataType.PSK_INIT, 1),
                      [T(TsType.NTP_UTC, 0), KEMAC(EncrAlg.NULL, keys, MacAlg.NULL)])
    tree = render_tree(message)
    assert "bb" * 14 not in tree and "Salt len: 14" in tree
    assert "bb" * 14 in render_tree(message, show_keys=True)


def test_encrypted_kemac_shows_the_encr_data_length_only():
    offer = base64.b64decode(
        "AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAGEEoo2pee4hp2UaDX8ZE22YwKAAAPZG9uYWxkQGR1Y2suY29t"
        "AQAAAAAAAQAk0JKpgaVkDaawi9whVBtBt0KZ14ymNuu62+Nv3ozPLygwK/GbAV9iemnGUIZ19fWQUOSrzKTAv9zV")
    d = decode_message(offer)
    kemac = d.message.payloads[-1]
    for show_keys in (False, True):
        tree = render_tree(d, show_keys=show_keys)
        assert "Encr data len: 36" in tree and kemac.encr_data.hex() not in tree
        assert kemac.encr_data.hex() not in json.dumps(to_json(d, show_keys=show_keys))
    assert 'ID data: "donald@duck.com"' in render_tree(d)
    ident = to_json(d)["payloads"][2]
    assert ident["id_data"] == b"donald@duck.com".hex()
    assert ident["id_data_text"] == "donald@duck.com"


def test_json_header_shape():
    header = to_json(decoded("V-GST-2"))["header"]
    assert header["data_type"] == {"name": "PSK_INIT", "value": 0}
    assert header["csb_id"] == "12345678"
    assert header["n_cs"] == 2
    assert header["cs_id_map_info"] == [
        {"cs_id": 1, "policy_no": 1, "ssrc": "12345678", "roc": 0},
        {"cs_id": 2, "policy_no": 2, "ssrc": "23456789", "roc": 1}]
    assert header["span"] == [0, 28]


def test_unknown_enum_values_are_shown_by_number():
    d = decoded("V-SW-3")
    tree = render_tree(d)
    assert "ID Role: unknown (8)" in tree
    assert "S type: ECCSI (2)" in tree  # S type 2 under data type SAKKE (RFC 6509 §4.3)
    payloads = to_json(d)["payloads"]
    assert payloads[2]["id_role"] == {"name": None, "value": 8}
    assert payloads[-1]["s_type"] == {"name": "ECCSI", "value": 2}
    assert "next_payload" not in payloads[-1]  # SIGN has no Next payload field


def test_ecdsa_outside_sakke():
    message = Message(Header(DataType.DH_INIT, 1), [SIGN(2, b"\x00" * 64)])
    assert "S type: ECDSA (2)" in render_tree(message)


def test_tolerated_quirks_are_reported():
    d = decoded("V-GORT-milestone")
    assert render_tree(d).rstrip().endswith("tolerated: trailing-zero")
    assert to_json(d)["tolerated"] == ["trailing-zero"]


def test_null_kemac_whose_plaintext_does_not_parse():
    message = Message(Header(DataType.PSK_INIT, 1), [KEMAC(EncrAlg.NULL, b"\x07\x00", MacAlg.NULL)])
    tree = render_tree(message)
    assert "Encr data does not parse" in tree and "0700" not in tree
    assert "0700" in render_tree(message, show_keys=True)


def test_t_shows_its_time():
    # NTP 0x01020304.05060708: top bit clear, so 0x01020304 s after 2036-02-07T06:28:16Z
    d = decoded("V-GST-3")
    assert to_json(d)["payloads"][0]["time"] == "2036-08-20T23:25:56.019623Z"
    assert to_json(d)["payloads"][0]["ts_value"] == "0102030405060708"
    assert "TS value: 0x0102030405060708" in render_tree(d)
