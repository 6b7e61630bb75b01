"""The MIKEY key derivation (RFC 3830 §4.1): the PRF of §4.1.2 and the
labels of §4.1.3 (keys from a TGK) and §4.1.4 (keys from a pre-shared or
envelope key).

PRF func 0 (MIKEY-1) is built on HMAC-SHA-1 with 160-bit output blocks;
func 1 (PRF-HMAC-SHA-256, RFC 6043 §6.1) is the same construction on
HMAC-SHA-256 with 256-bit blocks. The inkey is cut into 256-bit chunks, the
last one not padded, each chunk its own HMAC key:

    P(s, label, m) = HMAC(s, A_1 || label) || ... || HMAC(s, A_m || label),
    A_0 = label, A_i = HMAC(s, A_(i-1))
    PRF(inkey, label) = P(s_1, label, m) XOR ... XOR P(s_n, label, m)

truncated to the output length. A Prf computes the HMAC pads of each chunk
once, so the three keys of §4.1.4 (or the TEK and salt of every crypto
session, §4.1.3) cost no key setup after the first.
"""

from micropython import const
from struct import pack_into

from mikey.ct import _mix
from mikey.errors import BadLength, Overflow, Truncated, UnsupportedPRF
from mikey.hmac import Hmac

# Table 4.1.3, keys from a TGK (the encryption and authentication key
# constants, 0x15798CEF and 0x1B5C7973, are for protocols that cannot
# derive their own keys from a TEK; SRTP can)
TEK = const(0x2AD01C64)
SALT = const(0x39A2C14B)

# Table 4.1.4, keys from a pre-shared or envelope key; their cs_id is 0xFF
PSK_ENCR = const(0x150533E1)
PSK_AUTH = const(0x2D22AC75)
PSK_SALT = const(0x29B88916)
PSK_CS_ID = const(0xFF)


def label(buf, constant, cs_id, csb_id, coff, rand, roff=0, rlen=-1):
    """Write `constant || cs_id || csb_id || RAND` into buf[0:] and return its
    length (9 + RAND's). csb_id is the 4 bytes at csb_id[coff:] (the CSB ID
    field of a header, read in place); RAND is rand[roff:roff+rlen], all of
    rand by default. For the keys of §4.1.4, cs_id is PSK_CS_ID. The label
    constants are all below 2**30: small ints on every port."""
    if rlen < 0:
        rlen = len(rand) - roff
    if coff < 0 or coff + 4 > len(csb_id) or roff < 0 or rlen < 0 or roff + rlen > len(rand):
        raise Truncated()
    if 9 + rlen > len(buf):
        raise Overflow()
    pack_into(">IB", buf, 0, constant, cs_id)  # raises TypeError on bytes
    _mix(buf, 5, csb_id, coff, 4, 0)
    _mix(buf, 9, rand, roff, rlen, 0)
    return 9 + rlen


class Prf:
    """PRF(inkey, ·) for inkey[off:off+n] (all of inkey by default) and PRF
    func `func` of the common header: 0 (MIKEY-1) or 1 (PRF-HMAC-SHA-256);
    others raise UnsupportedPRF, an empty inkey BadLength."""

    def __init__(self, inkey, off=0, n=-1, func=0):
        if func != 0 and func != 1:
            raise UnsupportedPRF()
        if n < 0:
            n = len(inkey) - off
        if off < 0 or n < 0 or off + n > len(inkey):
            raise Truncated()
        if n == 0:
            raise BadLength()  # no chunk: §4.1.2 defines nothing
        self.chunks = c = []
        end = off + n
        while off < end:  # 256-bit chunks, the last one as it is
            c.append(Hmac(inkey, off, min(32, end - off), func))
            off += 32

    def derive(self, label, llen, out, off, n):
        """Write the first n bytes of PRF(inkey, label[0:llen]) into
        out[off:off+n]; return n."""
        if off < 0 or n < 0 or off + n > len(out):
            raise Overflow()
        if type(out) is bytes:
            raise TypeError()  # viper would write into an immutable object
        if llen < 0 or llen > len(label):
            raise Truncated()
        if llen != len(label):
            label = memoryview(label)[:llen]
        end = off + n
        keep = 0  # copy the first chunk's P, XOR the others into it
        for hm in self.chunks:
            # begin()/end() inlined: this is the hot loop of every exchange
            H = hm.hash
            ipad = hm.ipad
            opad = hm.opad
            a = label
            o = off
            while o < end:
                h = H(ipad)  # A_i = HMAC(s, A_(i-1))
                h.update(a)
                g = H(opad)
                g.update(h.digest())
                a = g.digest()
                h = H(ipad)  # HMAC(s, A_i || label)
                h.update(a)
                h.update(label)
                g = H(opad)
                g.update(h.digest())
                d = g.digest()
                k = min(end - o, len(d))
                _mix(out, o, d, 0, k, keep)
                o += k
            keep = 0xFF
        return n
