"""What the twin emits, judged by independent implementations: every PSK and
NULL message decodes in tshark with no malformed flag and the same field
values; NULL messages parse in GStreamer and yield the same key; messages
GStreamer makes parse in the twin; SRTP contexts from both ends work in
libsrtp."""

import itertools

import pytest

from mikeyhost.payloads import (
    ERR, ID, KEMAC, RAND, SP, EncrAlg, MacAlg, SrtpPolicy, T, V, decode_message,
)
from mikeyhost.psk import CryptoSession, Initiator, Offer, Responder, identity, key_data
from peers import gst, srtp, tshark

PSK = bytes(range(16))
NOW = 0xE8000000 << 32


def offer(**kw):
    base = dict(csb_id=0x0A0B0C0D, t=NOW, rand=bytes(range(0x20, 0x30)), keys=[key_data(b"\x42" * 16)],
                cs=[CryptoSession(0x11223344, 7)], v=True)
    base.update(kw)
    return Offer(**base)


def cases():
    """Messages the twin sends: I_MESSAGEs over a matrix, their R_MESSAGEs,
    Error messages, NULL messages and an update."""
    out = []
    for n_cs, tek, salt, mki, ids, kw in itertools.product(
            (1, 3), (False, True), (False, True), (False, True), (False, True),
            ({}, {"encr_alg": EncrAlg.AES_KW_128}, {"prf_func": 1})):
        keys = [key_data(bytes([k]) * 16, tek=tek, salt=bytes(14) if salt else None,
                         mki=bytes([k, 0, 0, 1]) if mki else None) for k in range(1, n_cs + 1)]
        o = offer(cs=[CryptoSession(0x1000 + k, k) for k in range(n_cs)], keys=keys,
                  idi=identity("alice@example.com") if ids else None,
                  idr=identity("sip:bob@example.com") if ids else None, **kw)
        i = Initiator(PSK, o)
        res = Responder(PSK, idr=identity("sip:bob@example.com") if ids else None).respond(i.message, NOW)
        assert res.error is None
        out += [("I", i.message), ("R", res.message)]
    bad = bytearray(out[0][1])
    bad[-1] ^= 1
    out.append(("E", Responder(PSK).respond(bytes(bad), NOW).message))
    out.append(("E", Responder(PSK).respond(out[0][1], NOW + (3600 << 32)).message))
    null = Initiator(None, offer(encr_alg=EncrAlg.NULL, mac_alg=MacAlg.NULL,
                                 keys=[key_data(bytes(range(30)), tek=True, mki=b"\x00\x00\x00\x2f")]))
    out.append(("N", null.message))
    pol = SrtpPolicy.profile_default()
    pol.auth_tag_len, pol.kdr = 4, 1 << 24
    upd = Initiator(PSK, offer(policies=[pol]))
    out.append(("I", upd.message))
    out.append(("U", upd.update(NOW + (1 << 32))))
    return out


CASES = cases()


@pytest.fixture(scope="module")
def dissections():
    return tshark.dissect(m for _, m in CASES)


def values(d, name):
    return [f.value for f in d.all(name)]


def test_tshark_decodes_every_twin_message_fully(dissections):
    assert len(dissections) == len(CASES) > 100
    for (kind, msg), d in zip(CASES, dissections):
        assert not d.malformed, kind
        assert d.uncovered() == [], (kind, msg.hex(), d.uncovered())


def test_tshark_sees_the_same_fields_as_the_twin(dissections):
    for (kind, msg), d in zip(CASES, dissections):
        m = decode_message(msg).message
        h = m.header
        assert int(d.first("mikey.type").show) == h.data_type
        assert int(d.first("mikey.csb_id").value, 16) == h.csb_id
        assert int(d.first("mikey.prf_func").show) == h.prf_func
        assert [int(x, 16) for x in values(d, "mikey.srtp_id.ssrc")] == [e.ssrc for e in h.cs_map.entries]
        assert [int(x, 16) for x in values(d, "mikey.srtp_id.roc")] == [e.roc for e in h.cs_map.entries]
        t = m.find(T)
        assert d.first("mikey.t.ntp").value == f"{t.value:016x}"
        if m.find(RAND):
            assert d.first("mikey.rand.data").value == m.find(RAND).rand.hex()
        assert [bytes.fromhex(x) for x in values(d, "mikey.id.data")] == [p.data for p in m.find_all(ID)]
        assert [int(f.show) for f in d.all("mikey.sp.no")] == [sp.policy_no for sp in m.find_all(SP)]
        for sp in m.find_all(SP):
            pol = sp.srtp()
            assert int(d.first("mikey.sp.auth_tag_len").show) == pol.auth_tag_len
            assert int(d.first("mikey.sp.auth_key_len").show) == pol.auth_key_len
        if m.find(KEMAC):
            k = m.find(KEMAC)
            assert int(d.first("mikey.kemac.encr_alg").show) == k.encr_alg
            if k.encr_alg != EncrAlg.NULL:
                assert d.first("mikey.kemac.key_data").value == k.encr_data.hex()
            assert int(d.first("mikey.kemac.mac_alg").show) == k.mac_alg
            if k.mac:
                assert d.first("mikey.kemac.mac").value == k.mac.hex()
        if m.find(V):
            assert d.first("mikey.v.ver_data").value == m.find(V).ver_data.hex()
        assert [int(x) for x in (f.show for f in d.all("mikey.err.no"))] == [e.error_no for e in m.find_all(ERR)]


def test_tshark_shows_the_null_messages_key(dissections):
    (i,) = [i for i, (k, _) in enumerate(CASES) if k == "N"]
    d = dissections[i]
    assert d.first("mikey.key.data").value == bytes(range(30)).hex()
    assert d.first("mikey.key.kv.spi").value == "0000002f"


def test_gstreamer_reads_a_twin_null_message_and_gets_the_same_key():
    # The de facto RTSP profile (docs/profile.md): one TEK = key || salt.
    o = offer(encr_alg=EncrAlg.NULL, mac_alg=MacAlg.NULL, v=False,
              keys=[key_data(bytes(range(30)), tek=True)], cs=[CryptoSession(0xCAFEBABE)])
    msg = Initiator(None, o).message
    g = gst.parse(msg)
    assert g["ok"] and g["cs"] == [{"policy": 0, "ssrc": "cafebabe", "roc": 0}]
    caps = gst.caps_fields(g["caps"])
    res = Responder(None, protected=True, tolerant=True).respond(msg, NOW)
    (ctx,) = res.contexts
    assert caps["srtp-key"] == (ctx.master_key + ctx.master_salt).hex()
    assert caps["srtp-cipher"] == "aes-128-icm"
    assert bytes.fromhex(g["encoded"]) == msg  # GStreamer writes back the same bytes


def test_gstreamer_reads_the_standard_twin_null_message():
    # TGK + separate salt: GStreamer takes the key field alone (it ignores
    # a salt field), so it cannot key SRTP from this; it still parses it.
    o = offer(encr_alg=EncrAlg.NULL, mac_alg=MacAlg.NULL, keys=[key_data(bytes(16), salt=bytes(14))])
    g = gst.parse(Initiator(None, o).message)
    assert g["ok"] and g["payloads"][-1]["subs"][0]["salt"] == "00" * 14


@pytest.mark.parametrize("tag", ["hmac-sha1-80", "hmac-sha1-32"])
def test_gstreamer_made_messages_key_the_twin_and_libsrtp_agrees(tag):
    key = bytes(range(100, 130))
    g = gst.from_caps(f"application/x-srtp, srtp-key=(buffer){key.hex()}, srtp-cipher=(string)aes-128-icm, "
                      f"srtp-auth=(string){tag}, srtcp-cipher=(string)aes-128-icm, srtcp-auth=(string){tag}",
                      cs=[{"policy": 0, "ssrc": "01020304", "roc": 2}])
    msg = bytes.fromhex(g["encoded"])
    res = Responder(None, protected=True, tolerant=True).respond(msg, NOW)
    assert res.error is None, res.error
    (ctx,) = res.contexts
    assert (ctx.master_key, ctx.master_salt, ctx.ssrc, ctx.roc) == (key[:16], key[16:], 0x01020304, 2)
    assert ctx.policy["tag_len"] == (10 if tag.endswith("80") else 4)
    assert {"tek-key-and-salt", "sp-tag-length-in-param-3"} <= set(res.tolerated)
    gst_ctx = {"ssrc": "01020304", "roc": 2, "mki": None, "master_key": key[:16].hex(),
               "master_salt": key[16:].hex(), "policy": dict(ctx.policy)}
    assert srtp.round_trip(gst_ctx, ctx.to_json())
    assert srtp.round_trip(ctx.to_json(), gst_ctx)


@pytest.mark.parametrize("tag,roc,n_cs", [(10, 0, 1), (4, 0, 1), (10, 70000, 2), (4, 1, 3)])
def test_libsrtp_accepts_packets_between_initiator_and_responder_contexts(tag, roc, n_cs):
    pol = SrtpPolicy.profile_default()
    pol.auth_tag_len = tag
    o = offer(cs=[CryptoSession(0x5000 + k, roc + k) for k in range(n_cs)], policies=[pol])
    i = Initiator(PSK, o)
    res = Responder(PSK).respond(i.message, NOW)
    mine = [c.to_json() for c in i.finish(res.message)]
    theirs = [c.to_json() for c in res.contexts]
    for a, b in zip(mine, theirs, strict=True):
        assert srtp.round_trip(a, b) and srtp.round_trip(b, a)
    # Keys of one session do not open another's packets.
    if n_cs > 1:
        wrong = dict(theirs[1], ssrc=mine[0]["ssrc"])
        assert not srtp.round_trip(mine[0], wrong)


def dhhmac_cases():
    from mikeyhost.dhhmac import DhInitiator, DhOffer, DhResponder
    from mikeyhost.psk import identity

    out = []
    for group in (0, 1, 2):
        i = DhInitiator(PSK, DhOffer(csb_id=0x5A5A0000 + group, t=NOW, rand=bytes(16), idi=identity("a@x"),
                                     idr=identity("sip:b@x"), cs=[CryptoSession(0x77)], group=group,
                                     sdp_ids="mikey" if group == 1 else None))
        r = DhResponder(PSK, identity("sip:b@x")).respond(i.message, NOW)
        out += [i.message, r.message, i.update(NOW + (1 << 32))]
    bad = bytearray(out[0])
    bad[-1] ^= 1
    out.append(DhResponder(PSK, identity("sip:b@x")).respond(bytes(bad), NOW).message)
    return out


def test_tshark_decodes_every_dhhmac_message_fully():
    tshark.check_dh_messages(dhhmac_cases())
