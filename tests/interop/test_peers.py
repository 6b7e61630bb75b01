"""The independent peers themselves, checked on public data before they are
trusted to judge the project's messages: tshark and GStreamer on every
public MIKEY message, libsrtp against RFC 3711's own derivation."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from peers import gst, srtp, tshark

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "public.json").read_text())["vectors"]
NULL_MODE = [v for v in VECTORS if v["id"] != "V-SW-3"]  # SAKKE: GStreamer cannot parse it


@pytest.fixture(scope="module")
def dissected():
    return dict(zip((v["id"] for v in VECTORS), tshark.dissect(bytes.fromhex(v["hex"]) for v in VECTORS)))


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: v["id"])
def test_tshark_decodes_every_public_message(dissected, v):
    d = dissected[v["id"]]
    assert not d.malformed
    gaps = d.uncovered()
    if v["id"] == "V-GORT-milestone":
        assert gaps == [len(d.message) - 1]  # the trailing 0x00 it carries
    else:
        assert gaps == []
    assert int(d.first("mikey.csb_id").value, 16) == int(v["hex"][8:16], 16)
    if "ssrc" in v["expect"]:
        assert d.first("mikey.srtp_id.ssrc").value == v["expect"]["ssrc"]
    if "mki" in v["expect"]:
        assert d.first("mikey.key.kv.spi").value == v["expect"]["mki"]


def test_tshark_flags_an_overrunning_length():
    # V-GST-3 with the KEMAC's Encr data len raised past the end.
    m = bytearray.fromhex(VECTORS[2]["hex"])
    m[21:23] = b"\x00\x40"
    (d,) = tshark.dissect([bytes(m)])
    assert d.malformed


@pytest.mark.parametrize("v", NULL_MODE, ids=lambda v: v["id"])
def test_gstreamer_reads_every_public_null_message(v):
    g = gst.parse(bytes.fromhex(v["hex"]))
    assert g["ok"] and g["version"] == 1
    assert g["csb_id"] == v["hex"][8:16]
    if "ssrc" in v["expect"]:
        assert g["cs"][0]["ssrc"] == v["expect"]["ssrc"]
    e = v["expect"]
    if "caps" in g:  # only messages carrying a key map to SRTP caps
        key = gst.caps_fields(g["caps"])["srtp-key"]
        if "master_key" in e:
            assert key == e["master_key"] + e["master_salt"]
        if "tek" in e:
            assert key == e["tek"]
    else:
        assert not any(p["type"] == 1 for p in g["payloads"])
    # GStreamer writes back what it read; it drops the trailing zero.
    original = bytes.fromhex(v["hex"])
    if v["id"] == "V-GORT-milestone":
        original = original[:-1]
    assert bytes.fromhex(g["encoded"]) == original


def test_gstreamer_hangs_on_payloads_it_lacks():
    # An ID payload after T: libgstsdp's parser never returns (PEERS.md);
    # the driver turns that into GstHang instead of hanging the suite.
    m = bytes.fromhex("01 00 05 00 12345678 00 00"  # HDR, next T
                      "06 00 e1a2b3c400000000"  # T (NTP-UTC), next ID
                      "00 00 0003 616263")  # ID (NAI "abc"), last
    with pytest.raises(gst.GstHang):
        gst.parse(m, timeout=3)


def test_gstreamer_builds_the_rtsp_server_message_and_tshark_reads_it():
    key = bytes(range(30)).hex()
    g = gst.from_caps(
        f"application/x-srtp, srtp-key=(buffer){key}, srtp-cipher=(string)aes-128-icm, "
        "srtp-auth=(string)hmac-sha1-80, srtcp-cipher=(string)aes-128-icm, srtcp-auth=(string)hmac-sha1-80",
        cs=[{"policy": 0, "ssrc": "deadbeef", "roc": 7}])
    assert g["ok"]
    assert [p["type"] for p in g["payloads"]] == [5, 11, 10, 1]  # T, RAND, SP, KEMAC
    assert g["payloads"][3]["subs"][0]["key"] == key  # one TEK = key || salt
    sp = dict((t, v) for t, v in g["payloads"][2]["params"])
    assert sp[3] == "0a"  # auth *tag* length in the auth key length slot
    (d,) = tshark.dissect([bytes.fromhex(g["encoded"])])
    assert not d.malformed and d.uncovered() == []
    assert d.first("mikey.srtp_id.roc").value == "00000007"


# -- libsrtp, checked against an SRTP receiver written here from RFC 3711 --


def aes_cm(key, iv, data):
    enc = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def srtp_kdf(master_key, master_salt, label, n):
    """RFC 3711 §4.3.1 with key derivation rate 0."""
    x = bytearray(master_salt)
    x[7] ^= label
    return aes_cm(master_key, bytes(x) + b"\x00\x00", bytes(n))


def test_srtp_kdf_here_matches_rfc3711_b3():
    mk = bytes.fromhex("E1F97A0D3E018BE0D64FA32C06DE4139")
    ms = bytes.fromhex("0EC675AD498AFEEBB6960B3AABE6")
    assert srtp_kdf(mk, ms, 0, 16).hex() == "c61e7a93744f39ee10734afe3ff7a087"
    assert srtp_kdf(mk, ms, 2, 14).hex() == "30cbbc08863d8c85d49db34a9ae1"
    assert srtp_kdf(mk, ms, 1, 94).hex().startswith("cebe321f6ff7716b6fd4ab49af256a15")


def unprotect_here(ctx, packet):
    """An SRTP receiver for AES_CM_128_HMAC_SHA1_{80,32} (RFC 3711 §3.3, §4)."""
    mk, ms = bytes.fromhex(ctx["master_key"]), bytes.fromhex(ctx["master_salt"])
    tag_len = ctx["policy"]["tag_len"]
    body, tag = packet[:-tag_len], packet[-tag_len:]
    roc = ctx["roc"]
    auth = hmac.HMAC(srtp_kdf(mk, ms, 1, 20), hashes.SHA1())
    auth.update(body + roc.to_bytes(4, "big"))
    assert auth.finalize()[:tag_len] == tag, "authentication tag"
    seq = int.from_bytes(body[2:4], "big")
    ssrc = body[8:12]
    index = (roc << 16) | seq
    iv = bytearray(srtp_kdf(mk, ms, 2, 14) + b"\x00\x00")
    for i, b in enumerate(b"\x00\x00\x00\x00" + ssrc + index.to_bytes(6, "big") + b"\x00\x00"):
        iv[i] ^= b
    return body[:12] + aes_cm(srtp_kdf(mk, ms, 0, 16), bytes(iv), body[12:])


@pytest.mark.parametrize("tag_len,roc", [(10, 0), (4, 0), (10, 5)])
def test_libsrtp_wiring_matches_rfc3711(tag_len, roc):
    ctx = {"ssrc": "deadbeef", "roc": roc, "mki": None,
           "master_key": "e1f97a0d3e018be0d64fa32c06de4139", "master_salt": "0ec675ad498afeebb6960b3aabe6",
           "policy": {"cipher": "AES-CM", "auth": "HMAC-SHA1", "key_len": 16, "salt_len": 14,
                      "tag_len": tag_len, "kdr": 0}}
    pkt = srtp.rtp_packet(0xDEADBEEF, seq=42)
    protected = srtp.session(ctx, True).protect(pkt)
    assert len(protected) == len(pkt) + tag_len
    assert unprotect_here(ctx, protected) == pkt
    assert srtp.round_trip(ctx, ctx)
    other = dict(ctx, master_key="00" * 16)
    assert not srtp.round_trip(ctx, other)


def test_libsrtp_refuses_what_it_cannot_express():
    ctx = {"ssrc": "01020304", "roc": 0, "mki": "01", "master_key": "00" * 16, "master_salt": "00" * 14,
           "policy": {"cipher": "AES-CM", "auth": "HMAC-SHA1", "key_len": 16, "salt_len": 14, "tag_len": 10, "kdr": 0}}
    with pytest.raises(srtp.Unsupported):
        srtp.session(ctx, True)
