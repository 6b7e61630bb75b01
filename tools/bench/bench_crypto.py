"""Benchmarks of the crypto part: HMAC, the MIKEY PRF, AES-CM, the DRBG and
constant-time compare, as one MIKEY-PSK exchange uses them."""

PSK = b"\x5a" * 16
CSB_ID = b"\x12\x34\x56\x78"
T = b"\xe9\x3a\x5c\x10\x00\x00\x00\x00"  # an NTP-UTC value


def _hmac():
    from mikey.hmac import Hmac

    hm = Hmac(PSK)
    msg = bytes(100)

    def op():
        h = hm.begin()
        h.update(msg)
        return hm.end(h)

    return op


def _psk_keys(prf, lab, rand, keys):
    # RFC 3830 §4.1.4: encr (16 B), auth (20 B) and salt (14 B) keys
    from mikey.prf import PSK_AUTH, PSK_CS_ID, PSK_ENCR, PSK_SALT, label

    prf.derive(lab, label(lab, PSK_ENCR, PSK_CS_ID, CSB_ID, 0, rand), keys, 0, 16)
    prf.derive(lab, label(lab, PSK_AUTH, PSK_CS_ID, CSB_ID, 0, rand), keys, 16, 20)
    prf.derive(lab, label(lab, PSK_SALT, PSK_CS_ID, CSB_ID, 0, rand), keys, 36, 14)


def _srtp_keys(tgk, lab, rand, out):
    # RFC 3830 §4.1.3: a new TGK's PRF, then CS 1's master key and salt
    from mikey.prf import SALT, TEK, Prf, label

    prf = Prf(tgk)
    prf.derive(lab, label(lab, TEK, 1, CSB_ID, 0, rand), out, 0, 16)
    prf.derive(lab, label(lab, SALT, 1, CSB_ID, 0, rand), out, 16, 14)


def _prf():
    # The PSK's Prf (its HMAC pads) is made once, when the PSK is provisioned.
    from mikey.prf import Prf

    prf = Prf(PSK)
    rand = bytes(16)
    lab = bytearray(25)
    keys = bytearray(50)
    return lambda: _psk_keys(prf, lab, rand, keys)


def _tgk():
    tgk = bytes(range(16))
    rand = bytes(16)
    lab = bytearray(25)
    out = bytearray(30)
    return lambda: _srtp_keys(tgk, lab, rand, out)


def _kemac():
    # RFC 3830 §4.2.3: a cipher from the encr key, the KEMAC IV, and a Key
    # data sub-payload (4 B header, 16 B TGK) encrypted in place.
    from mikey.aescm import AesCm

    keys = bytes(30)
    data = bytearray(20)

    def op():
        c = AesCm(keys, 0, 16)
        c.start_kemac(keys, 16, CSB_ID, 0, T, 0)
        c.xor(data, 0, 20)

    return op


def _xor():
    from mikey.aescm import AesCm

    c = AesCm(PSK)
    data = bytearray(20)

    def op():
        c.start(PSK)
        c.xor(data, 0, 20)

    return op


def _eq():
    from mikey.ct import eq

    a = bytes(20)
    b = bytearray(20)
    return lambda: eq(a, 0, b, 0, 20)


def _drbg():
    from mikey.drbg import Drbg

    d = Drbg(b"bench", bytes(48))
    out = bytearray(32)
    return lambda: d.generate_into(out, 0, 32)


BENCHES = (
    ("crypto: HMAC-SHA-1 of 100 B, key pads cached", _hmac),
    ("crypto: MIKEY-1 PRF, PSK encr+auth+salt keys (16+20+14 B)", _prf),
    ("crypto: MIKEY-1 PRF, new 16 B TGK, TEK+salt (16+14 B)", _tgk),
    ("crypto: AES-CM-128 new key, KEMAC IV, 20 B", _kemac),
    ("crypto: AES-CM XOR 20 B, prebuilt cipher", _xor),
    ("crypto: constant-time compare, 20 B", _eq),
    ("crypto: HMAC_DRBG-SHA-256, 32 B", _drbg),
)
