"""Benchmarks of the codec: decoding whole MIKEY messages (mikey.codec) and
encoding one with the general writer (mikey.encode)."""

# RFC 4567 §5.1's offer: a PSK I_MESSAGE (HDR with one SRTP-ID entry, T, RAND,
# IDi, SP, KEMAC with AES-CM Encr data and an HMAC-SHA-1 MAC), 132 bytes
PSK_I = bytes.fromhex(
    "01000580cd177e5001000000000000000000000b00c8e350ea0000000006104a28da979ee21a"
    "7651a0d7f19136d98c0a00000f646f6e616c64406475636b2e636f6d010000000000010024d0"
    "92a981a5640da6b08bdc21541b41b74299d78ca636ebbadbe36fde8ccf2f28302bf19b015f62"
    "7a69c6508675f5f59050e4abcca4c0bfdcd5"
)
# V-TSI-1 (tests/vectors/public.json): MIKEY-NULL I_MESSAGE from an RTSP
# server, SP with 9 parameters, one TEK with an MKI, 123 bytes
NULL_I = bytes.fromhex(
    "01000500b4effbf2010000048f147f000000000b00ed6d0c97141238110a10807503e9b3d147"
    "e75cc0ca2041a1819c010000001b00010101011002010103011404010e0701010801010a0101"
    "0b010a000000270021001e68ff7f2b360a05ac381a67d784ae63283d884cc40a60ebd2ca7fe0"
    "1f06700409fa402100"
)


def _decode_psk():
    from mikey.codec import Table, decode

    t = Table()
    data = PSK_I
    n = len(data)

    def op():
        return decode(data, n, t)

    return op


def _decode_null():
    from mikey.codec import Keys, Table, decode, keys

    t = Table()
    k = Keys()
    data = NULL_I
    n = len(data)

    def op():
        decode(data, n, t)
        i = t.find(1)  # KEMAC
        return keys(data, t.body[i], t.body_end[i], k)

    return op


def _encode_psk():
    from mikey import encode as W

    buf = bytearray(160)
    csb = b"\xcd\x17\x7e\x50"
    ntp = b"\xc8\xe3\x50\xea\x00\x00\x00\x00"
    rand = bytes(range(16))
    idi = b"donald@duck.com"
    tgk = bytes(range(16, 32))

    def op():
        # the same shape as PSK_I, with the default SP and a TGK to encrypt
        p = W.srtp_id(buf, W.hdr(buf, 0, 1, 0, csb, 0, 1), 0, 0, 0, 0, 0)
        nx, p = p, W.t(buf, p, 2, 0, ntp, 0)
        nx, p = p, W.rand(buf, p, nx, rand, 0, 16)
        nx, p = p, W.ident(buf, p, nx, 6, 0, idi, 0, 15)
        nx, p = p, W.sp(buf, p, nx, 0, W.DEFAULT_SRTP)
        e = W.kemac(buf, p, nx, 1)
        return W.kemac_end(buf, W.key_data(buf, e, -1, 0, tgk, None, None), e, 1) + 20

    return op


BENCHES = (
    ("codec: decode a PSK I_MESSAGE (RFC 4567 offer, 132 B)", _decode_psk),
    ("codec: decode a MIKEY-NULL I_MESSAGE and its key data (V-TSI-1, 123 B)", _decode_null),
    ("codec: encode a PSK I_MESSAGE (HDR, T, RAND, IDi, SP, KEMAC: 146 B)", _encode_psk),
)
