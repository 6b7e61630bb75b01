"""The firmware codec (firmware/mikey/codec.py) against the public vectors
(tests/vectors/public.json), run under MicroPython through the `upy`
fixture: every vector decodes, without allocating, to the values its
source's own tests assert."""

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests" / "vectors" / "public.json").read_text())["vectors"]

# Runs on the device side: one line of hex in, one Python literal out.
DEVICE = r'''
import sys
from fwtest import no_alloc
from mikey.codec import Keys, Table, decode, keys
from mikey.errors import MikeyError

t = Table()
k = Keys()


def attempt(m, tolerant):
    try:
        decode(m, len(m), t, tolerant)
    except MikeyError as e:
        return (e.reason, e.code)
    no_alloc(decode, m, len(m), t, tolerant)  # again, heap locked
    return None


for line in sys.stdin:
    m = bytes.fromhex(line.strip())
    strict = attempt(m, False)
    tolerant = attempt(m, True)
    ssrc = []
    for cs in range(1, t.ncs + 1 if t.map_type == 0 else 1):
        o = 10 + 9 * (cs - 1)  # SRTP-ID entry: Policy_no | SSRC | ROC
        ssrc.append(m[o + 1 : o + 5].hex())
    found = []
    i = t.find(1)
    if i >= 0 and m[t.start[i] + 1] == 0:  # KEMAC with NULL encryption
        for j in range(no_alloc(keys, m, t.body[i], t.body_end[i], k)):
            found.append((k.type[j], k.kv[j], m[k.key[j] : k.key[j] + k.key_len[j]].hex(),
                          m[k.salt[j] : k.salt[j] + k.salt_len[j]].hex(),
                          m[k.spi[j] : k.spi[j] + k.spi_len[j]].hex()))
    print(repr((strict, tolerant, t.data_type, t.trailing_zero, list(t.ptype[: t.count]),
                ssrc, found, t.steps <= len(m))))
'''


@pytest.fixture(scope="module", params=[("tight", "mpy"), ("rp2040", "py")], ids=lambda p: "-".join(p))
def decoded(request, upy):
    profile, fmt = request.param
    out = upy.run(DEVICE, profile=profile, fmt=fmt,
                  stdin="".join(v["hex"] + "\n" for v in VECTORS).encode())
    rows = [ast.literal_eval(line) for line in out.splitlines()]
    assert len(rows) == len(VECTORS)
    return {v["id"]: row for v, row in zip(VECTORS, rows)}


def test_every_vector_decodes_without_allocating(decoded):
    for vid, (strict, tolerant, _dt, _tz, types, _ssrc, _keys, bounded) in decoded.items():
        assert tolerant is None, vid
        assert bounded, vid
        if vid != "V-GORT-milestone":
            assert strict is None, (vid, strict)
        assert types or vid in ("V-GST-1", "V-GST-2"), vid


def test_milestone_trailing_zero_only_when_tolerant(decoded):
    strict, tolerant, _dt, trailing_zero, types, *_ = decoded["V-GORT-milestone"]
    assert strict == (4, 13)  # mikey/errors.py _R_TRAILING_DATA
    assert tolerant is None and trailing_zero is True  # quirk `trailing-zero`
    assert types == [5, 11, 10, 1]


def test_expected_values_are_visible(decoded):
    # "expect" holds what each source's own tests assert. A 30-byte TEK is
    # master key || master salt (quirk `tek-key-and-salt`, split by the mode
    # layer); here the codec shows the bytes it is made of.
    checked = 0
    for v in VECTORS:
        _s, _t, _dt, _tz, _types, ssrc, found, _b = decoded[v["id"]]
        want = v["expect"]
        if "ssrc" in want:
            assert ssrc[0] == want["ssrc"], v["id"]
            checked += 1
        if "mki" in want:
            assert [(kt, kv, spi) for kt, kv, _, _, spi in found] == [(2, 1, want["mki"])], v["id"]
            checked += 1
        if "tek" in want:
            assert [key for _, _, key, _, _ in found] == [want["tek"]], v["id"]
            checked += 1
        if "master_key" in want:
            assert [key for _, _, key, _, _ in found] == [want["master_key"] + want["master_salt"]], v["id"]
            checked += 1
    assert checked == sum(len(v["expect"]) for v in VECTORS) - sum("master_salt" in v["expect"] for v in VECTORS)


def test_structure_of_the_other_shapes(decoded):
    # V-SW-3: MIKEY-SAKKE (data type 26, RFC 6509), empty CS ID map (RFC 4563):
    # T, RAND, four IDR, SP, SAKKE, General Extension, SIGN (last, no Next)
    assert decoded["V-SW-3"][2] == 26
    assert decoded["V-SW-3"][4] == [5, 11, 14, 14, 14, 14, 10, 26, 21, 4]
    # V-GORT-spi: KEMAC only; TEK of 3 bytes, KV SPI of 2 bytes; ROC 1432778632
    assert decoded["V-GORT-spi"][4] == [1]
    assert decoded["V-GORT-spi"][6] == [(2, 1, "aabbcc", "", "1122")]
    assert decoded["V-GST-2"][5] == ["12345678", "23456789"]


def test_fuzz_module_embeds_the_public_vectors():
    # tests/firmware/test_codec_fuzz.py carries its own copy (a device has
    # no JSON file to read): it must be the file's vectors, in order.
    tree = ast.parse((ROOT / "tests" / "firmware" / "test_codec_fuzz.py").read_text())
    consts = {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body
              if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
              and n.targets[0].id in ("VECTORS", "MILESTONE")}
    assert list(consts["VECTORS"]) == [v["hex"] for v in VECTORS]
    assert VECTORS[consts["MILESTONE"]]["id"] == "V-GORT-milestone"
