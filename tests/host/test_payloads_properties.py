"""Properties over generated input: every valid message round-trips byte
for byte, and no input at all (random bytes, or valid messages cut, grown
or altered) makes the decoder raise anything but a MikeyError."""

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mikeyhost.errors import MikeyError
from mikeyhost.payloads import (
    CERT, CHASH, DH, ECCPT, ERR, HASH_LEN, ID, IDR, KEMAC, MAC_LEN, PKE, RAND, RANDR, SAKKE, SIGN,
    SP, TICKET, TP, TR, CsbIdExt, DataType, DhGroup, EccCurve, EmptyMap, GeneralExtension,
    GenericIdEntry, GenericIdMap, HashFunc, Header, KeyData, KeyDataType, KeyId, KeyIdExt,
    KvInterval, KvNull, KvSpi, MacAlg, Message, SdpIdsExt, SrtpIdEntry, SrtpIdMap, T, TicketFlags,
    TS_LEN, TsType, V, VendorIdExt, decode_key_data, decode_message, decode_partial,
    encode_key_data, encode_message,
)
from mikeyhost.render import render_tree, to_json

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
VECTORS = [bytes.fromhex(v["hex"]) for v in json.loads(
    (Path(__file__).parents[1] / "vectors" / "public.json").read_text())["vectors"]]

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)


def blobs(max_size=24):
    return st.binary(max_size=max_size)


# -- valid objects -------------------------------------------------------------

kv = st.one_of(st.builds(KvNull), st.builds(KvSpi, blobs(8)),
               st.builds(KvInterval, blobs(8), blobs(8)))


@st.composite
def key_data(draw):
    key_type = draw(st.sampled_from(KeyDataType))
    salt = draw(blobs(16)) if key_type in (1, 3, 5) else b""
    return KeyData(key_type, draw(blobs(40)), salt, draw(kv))


srtp_id_map = st.builds(SrtpIdMap, st.lists(st.builds(SrtpIdEntry, u8, u32, u32), max_size=4))
generic_id_map = st.builds(GenericIdMap, st.lists(st.builds(
    GenericIdEntry, u8, u8, st.booleans(), st.lists(u8, max_size=4), blobs(12), blobs(6)),
    max_size=3))
header = st.builds(Header, st.sampled_from(DataType), u32,
                   st.one_of(srtp_id_map, st.builds(EmptyMap, u8), generic_id_map),
                   st.booleans(), st.integers(0, 0x7F))


@st.composite
def mac_pair(draw):
    alg = draw(st.sampled_from(MacAlg))
    return alg, draw(st.binary(min_size=MAC_LEN[alg], max_size=MAC_LEN[alg]))


@st.composite
def kemac(draw):
    alg, mac = draw(mac_pair())
    encr = draw(st.one_of(blobs(48), st.lists(key_data(), max_size=3).map(encode_key_data)))
    return KEMAC(draw(u8), encr, alg, mac)


@st.composite
def v_payload(draw):
    alg, ver = draw(mac_pair())
    return V(alg, ver)


@st.composite
def dh(draw):
    group = draw(st.sampled_from(DhGroup))
    if group == DhGroup.P_256:
        first = draw(st.sampled_from([2, 3, 4]))
        value = bytes([first]) + draw(st.binary(min_size=64 if first == 4 else 32,
                                                max_size=64 if first == 4 else 32))
    else:
        size = {0: 192, 1: 96, 2: 128}[group]
        value = draw(st.binary(min_size=size, max_size=size))
    return DH(group, value, draw(kv), draw(st.integers(0, 15)))


@st.composite
def eccpt(draw):
    first = draw(st.sampled_from([2, 3, 4]))
    size = 64 if first == 4 else 32
    point = bytes([first]) + draw(st.binary(min_size=size, max_size=size))
    return ECCPT(EccCurve.P_256, point, draw(u8), draw(u16), draw(kv), draw(st.integers(0, 15)))


@st.composite
def timestamp(draw, role=False):
    ts_type = draw(st.sampled_from(TsType))
    value = draw(st.integers(0, (1 << (8 * TS_LEN[ts_type])) - 1))
    return TR(draw(u8), ts_type, value) if role else T(ts_type, value)


@st.composite
def chash(draw):
    func = draw(st.sampled_from(HashFunc))
    return CHASH(func, draw(st.binary(min_size=HASH_LEN[func], max_size=HASH_LEN[func])))


ticket_policy = dict(ticket_type=u16, subtype=u8, version=u8, prf_func=st.integers(0, 0x7F),
                     flags=st.integers(0, 0xFFF).map(TicketFlags), tp_data=blobs(),
                     res=st.integers(0, 31))
kmpid = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                min_size=1, max_size=8)

payload = st.one_of(
    kemac(), v_payload(), dh(), eccpt(), timestamp(), timestamp(role=True), chash(),
    st.builds(PKE, st.integers(0, 3), blobs(40)),
    st.builds(ID, u8, blobs()), st.builds(CERT, u8, blobs()), st.builds(IDR, u8, u8, blobs()),
    st.builds(SP, u8, u8, st.lists(st.tuples(u8, blobs(6)), max_size=6)),
    st.builds(RAND, blobs(32)), st.builds(RANDR, u8, blobs(32)), st.builds(ERR, u8, u16),
    st.builds(TP, **ticket_policy),
    st.builds(TICKET, **ticket_policy, ticket_data=blobs(), initiator_data=blobs()),
    st.builds(SAKKE, u8, u8, blobs(40)),
    st.builds(VendorIdExt, blobs()), st.builds(SdpIdsExt, st.lists(kmpid, max_size=4)),
    st.builds(KeyIdExt, st.lists(st.builds(KeyId, u8, blobs(8)), max_size=4)),
    st.builds(CsbIdExt, u32),
    st.builds(GeneralExtension, u8.filter(lambda t: t not in (0, 1, 3, 4)), blobs()),
)
sign = st.builds(SIGN, st.integers(0, 15), blobs(64))


@st.composite
def message(draw):
    payloads = draw(st.lists(payload, max_size=8))
    if draw(st.booleans()):
        payloads.append(draw(sign))
    return Message(draw(header), payloads)


# -- properties -------------------------------------------------------------------

@SETTINGS
@given(message())
def test_valid_messages_round_trip_byte_exact(msg):
    data = encode_message(msg)
    decoded = decode_message(data)
    assert decoded.message == msg
    assert encode_message(decoded.message) == data
    assert decoded.spans[0].start == 0 and decoded.spans[-1].end == len(data)
    assert all(a.end == b.start for a, b in zip(decoded.spans, decoded.spans[1:]))
    assert decoded.tolerated == []


@SETTINGS
@given(st.lists(key_data(), max_size=5))
def test_key_data_round_trips_byte_exact(keys):
    data = encode_key_data(keys)
    assert decode_key_data(data) == keys
    assert encode_key_data(decode_key_data(data)) == data


def decode_only_mikey_errors(data: bytes, tolerant: bool) -> None:
    """Decode; anything but success or a MikeyError fails the test. What
    decodes also re-encodes to the bytes it came from and renders."""
    decode_partial(data)  # never raises
    try:
        decoded = decode_message(data, tolerant=tolerant)
    except MikeyError as e:
        assert isinstance(e.code, int)
        return
    end = decoded.spans[-1].end
    assert encode_message(decoded.message) == data[:end]
    json.dumps(to_json(decoded, show_keys=True))
    render_tree(decoded)
    for p in decoded.message.payloads:
        if isinstance(p, SP):
            try:
                p.srtp()
            except MikeyError:
                pass


@SETTINGS
@given(st.binary(max_size=300), st.booleans())
def test_arbitrary_bytes_raise_only_mikey_errors(data, tolerant):
    decode_only_mikey_errors(data, tolerant)


@SETTINGS
@given(st.binary(max_size=200), st.booleans())
def test_arbitrary_bytes_after_a_plausible_header(body, tolerant):
    # Most random inputs fail at the version byte; start from a valid HDR.
    decode_only_mikey_errors(bytes.fromhex("0100") + body[:1] + bytes.fromhex("00123456780000")
                             + body[1:], tolerant)


@SETTINGS
@given(st.binary(max_size=120))
def test_arbitrary_key_data_raises_only_mikey_errors(data):
    try:
        keys = decode_key_data(data)
    except MikeyError:
        return
    assert encode_key_data(keys) == data


@st.composite
def mutated(draw):
    """A valid message (public vector or generated), then cut, grown or altered."""
    data = bytearray(draw(st.one_of(st.sampled_from(VECTORS), message().map(encode_message))))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "cut"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[at] = draw(u8)
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif op == "delete" and data:
            del data[at:at + draw(st.integers(1, 4))]
        elif op == "cut":
            del data[at:]
    return bytes(data)


@SETTINGS
@given(mutated(), st.booleans())
def test_mutated_valid_messages_raise_only_mikey_errors(data, tolerant):
    decode_only_mikey_errors(data, tolerant)
