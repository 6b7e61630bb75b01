"""Benchmarks of the crypto part (mikey.crypto, mikey.drbg): HMAC, the
MIKEY PRF, AES-CM, the DRBG, constant-time compare and NTP time
differences, as one MIKEY-PSK exchange uses them."""

PSK = b"\x5a" * 16
CSB_ID = b"\x12\x34\x56\x78"
T = b"\xe9\x3a\x5c\x10\x00\x00\x00\x00"  # an NTP-UTC value


def _hmac():
    from mikey.crypto import mac_begin, mac_end

    msg = bytes(100)

    def op():
        h = mac_begin(PSK, 0, 16, False)
        h.update(msg)
        return mac_end(h, False)

    return op


def _prf():
    # RFC 3830 §4.1.4: encr (16 B), auth (20 B) and salt (14 B) keys
    from mikey.crypto import prf

    rand = bytes(16)
    keys = bytearray(50)

    def op():
        prf(PSK, 0, 16, 0, 0x150533E1, 0xFF, CSB_ID, 0, rand, keys, 0, 16)
        prf(PSK, 0, 16, 0, 0x2D22AC75, 0xFF, CSB_ID, 0, rand, keys, 16, 20)
        prf(PSK, 0, 16, 0, 0x29B88916, 0xFF, CSB_ID, 0, rand, keys, 36, 14)

    return op


def _tgk():
    # RFC 3830 §4.1.3: CS 1's master key and salt from a TGK
    from mikey.crypto import prf

    tgk = bytes(range(16))
    rand = bytes(16)
    out = bytearray(30)

    def op():
        prf(tgk, 0, 16, 0, 0x2AD01C64, 1, CSB_ID, 0, rand, out, 0, 16)
        prf(tgk, 0, 16, 0, 0x39A2C14B, 1, CSB_ID, 0, rand, out, 16, 14)

    return op


def _kemac():
    # RFC 3830 §4.2.3: a cipher from the encr key and a Key data
    # sub-payload (4 B header, 16 B TGK) encrypted in place
    from mikey.crypto import aes_cm

    keys = bytes(32)
    data = bytearray(20)
    return lambda: aes_cm(keys, 0, 16, keys, 16, data, 0, 20)


def _eq():
    from mikey.crypto import _eq

    a = bytes(20)
    b = bytearray(20)
    return lambda: _eq(a, 0, b, 0, 20)


def _tdiff():
    # the replay cache's comparison of two 64-bit NTP times (RFC 4330 §3)
    from mikey.crypto import _tdiff

    b = bytearray(T)
    b[3] += 1
    return lambda: _tdiff(T, 0, b, 0, 300)


def _drbg():
    from mikey.drbg import Drbg

    d = Drbg(b"bench", bytes(48))
    out = bytearray(32)
    return lambda: d.generate_into(out, 0, 32)


BENCHES = (
    ("crypto: HMAC-SHA-1 of 100 B", _hmac),
    ("crypto: MIKEY-1 PRF, PSK encr+auth+salt keys (16+20+14 B)", _prf),
    ("crypto: MIKEY-1 PRF, 16 B TGK, TEK+salt (16+14 B)", _tgk),
    ("crypto: AES-CM-128 new key, 20 B", _kemac),
    ("crypto: constant-time compare, 20 B", _eq),
    ("crypto: NTP time difference against a window", _tdiff),
    ("crypto: HMAC_DRBG-SHA-256, 32 B", _drbg),
)
