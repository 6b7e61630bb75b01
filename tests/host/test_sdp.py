"""RFC 4567: MIKEY in SDP (a=key-mgmt, session and media level, the
bidding-down protocol list) and in the RTSP KeyMgmt header."""

import base64

import pytest

from mikeyhost import sdp

# RFC 4567 §5.1, Alice's offer (the RFC folds the base64 over lines; real
# SDP carries it on one line, as here).
OFFER_B64 = ("AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAGEEoo2pee4hp2"
             "UaDX8ZE22YwKAAAPZG9uYWxkQGR1Y2suY29tAQAAAAAAAQAk0JKpgaVkDaawi9whVBtBt"
             "0KZ14ymNuu62+Nv3ozPLygwK/GbAV9iemnGUIZ19fWQUOSrzKTAv9zV")
OFFER = ("v=0\r\no=alice 2891092738 2891092738 IN IP4 w-land.example.com\r\ns=Cool stuff\r\n"
         "t=0 0\r\nc=IN IP4 w-land.example.com\r\n"
         f"a=key-mgmt:mikey {OFFER_B64}\r\n"
         "m=audio 49000 RTP/SAVP 98\r\na=rtpmap:98 AMR/8000\r\n"
         "m=video 52230 RTP/SAVP 31\r\na=rtpmap:31 H261/90000\r\n")


def test_rfc4567_example_offer_at_session_level_applies_to_every_m_line():
    km = sdp.parse_sdp(OFFER)
    msg = base64.b64decode(OFFER_B64)
    assert len(msg) == 132 and msg[:2] == b"\x01\x00"  # PSK I_MESSAGE, 132 bytes
    assert km.for_media(0) == msg and km.for_media(1) == msg
    assert km.protocol_list() == "mikey"


def test_media_level_overrides_session_level():
    text = ("v=0\r\ns=-\r\na=key-mgmt:mikey AAAA\r\nm=audio 1 RTP/SAVP 0\r\n"
            "a=key-mgmt:mikey AQID\r\nm=video 2 RTP/SAVP 31\r\n")
    km = sdp.parse_sdp(text)
    assert km.for_media(0) == b"\x01\x02\x03"
    assert km.for_media(1) == b"\x00\x00\x00"


def test_protocol_list_keeps_sdp_order():
    # RFC 4567 §4.1.4's example: three protocols offered.
    text = ("v=0\r\na=key-mgmt:mikey AQID\r\na=key-mgmt:keyp1 AAAA\r\na=key-mgmt:keyp2 AAAA\r\n"
            "m=audio 1 RTP/SAVP 0\r\n")
    assert sdp.parse_sdp(text).protocol_list() == "mikey;keyp1;keyp2"
    assert sdp.parse_sdp(text).protocol_list(0) == "mikey;keyp1;keyp2"


def test_attribute_round_trip_and_optional_space():
    line = sdp.format_attribute(b"\x01\x00\xff")
    assert line == "a=key-mgmt:mikey AQD/"
    assert sdp.parse_attribute(line) == sdp.KeyMgmt("mikey", b"\x01\x00\xff")
    assert sdp.parse_attribute("key-mgmt: mikey AQD/").data == b"\x01\x00\xff"  # 0*1SP


@pytest.mark.parametrize("bad", ["a=key-mgmt:mikey", "a=key-mgmt:mikey !!!", "a=rtpmap:98 AMR/8000",
                                 "a=key-mgmt:mi-key AQID"])
def test_bad_attributes_are_typed_errors(bad):
    with pytest.raises(sdp.SdpError):
        sdp.parse_attribute(bad)


def test_add_to_sdp_at_session_and_media_level():
    base = "v=0\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/SAVP 0\r\nm=video 2 RTP/SAVP 31\r\na=x\r\n"
    at_session = sdp.add_to_sdp(base, b"\x01")
    assert sdp.parse_sdp(at_session).session == [sdp.KeyMgmt("mikey", b"\x01")]
    at_video = sdp.add_to_sdp(base, b"\x02", media=1)
    km = sdp.parse_sdp(at_video)
    assert km.media[1] == [sdp.KeyMgmt("mikey", b"\x02")] and km.for_media(0) is None
    with pytest.raises(sdp.SdpError):
        sdp.add_to_sdp(base, b"\x02", media=2)


def test_rtsp_keymgmt_header_as_the_examples_write_it():
    # RFC 4567 §5.3 writes prot, uri and data; the ABNF lacks data=.
    h = sdp.format_rtsp_header(b"\x01\x02", uri="rtsp://example.com/movie")
    assert h == 'prot=mikey; uri="rtsp://example.com/movie"; data="AQI="'
    assert sdp.parse_rtsp_header(h) == [("mikey", "rtsp://example.com/movie", b"\x01\x02")]
    assert sdp.parse_rtsp_header('prot=MIKEY; uri=""; data="AQI="') == [("mikey", "", b"\x01\x02")]
    with pytest.raises(sdp.SdpError):
        sdp.parse_rtsp_header('prot=mikey; uri="x"')
