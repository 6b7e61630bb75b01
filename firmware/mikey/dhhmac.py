"""MIKEY DH-HMAC (RFC 4650) on the device, sans-IO: HMAC-authenticated
Diffie-Hellman over the OAKLEY groups, for perfect forward secrecy with a
pre-shared key (RFC 5197 §3.5); and over P-256 (DH-Group 10), the profile
extension of docs/ecc-profile.md, with mikey.p256 (imported only then).

    I_MESSAGE = HDR(7), T, RAND, [IDi], IDr, {SP}, DHi, [SDP IDs], KEMAC
    R_MESSAGE = HDR(8), T, [IDr], IDi, DHr, DHi, KEMAC

The KEMAC carries no key, only the MAC over the whole message but its MAC
field, keyed with auth_key from the PSK and the I_MESSAGE's RAND (RFC 3830
§4.1.4). TGK = g^(xi·xr) mod p, left-padded to the modulus (P-256: the
X coordinate of xi·xr·G, 32 bytes); the SRTP keys
come from it as in PSK mode (mikey.base does that part). Wire choices:
docs/profile.md "DH-HMAC".

    i = Initiator(psk, idr=b"pbx@example.org", idi=b"cam1@example.org")
    i.prepare()                           # g^x in idle time (optional)
    n = i.build(buf, csb_id, rand, t, ((ssrc, roc, 0),))
    r = Responder(psk, idr=b"pbx@example.org")
    m = r.respond(buf, n, now, out)       # R_MESSAGE (or Error) in out[:m]
    i.finish(out, m)                      # SRTP contexts in i.ctx

g^x costs one exponentiation (about R); prepare() does it ahead of time,
for the next exchange only: a prepared value is used once, then dropped.
A peer's public value is checked (1 < y < p - 1; its length is the
group's; a P-256 point: on the curve) before any exponentiation with it.
"""

from micropython import const
from struct import pack_into

from mikey import base, codec
from mikey.base import DEFAULT_SRTP, SLOT, _contexts, _is, _keys, _policy
from mikey.crypto import _eq, _mix, hmac
from mikey.errors import MikeyError

_R_UNEXPECTED_PAYLOAD = const(3)  # reasons: copies of mikey.errors
_R_DATA_TYPE = const(6)
_R_PRF = const(7)
_R_MAC_ALG = const(8)
_R_ENCRYPTION = const(9)
_R_DH_GROUP = const(11)
_R_IDENTITY = const(12)
_R_POLICY_PARAM = const(15)
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)
_R_OVERFLOW = const(19)
_R_PEER = const(20)

_KEMAC = const(1)  # Next payload values (RFC 3830 Table 6.1.b)
_DH = const(3)
_T = const(5)
_ID = const(6)
_SP = const(10)
_RAND = const(11)
_ERR = const(12)
_GEN_EXT = const(21)

_Q_KEMAC_4650 = const(32)  # quirk `kemac-rfc4650-numbers` (mikey.srtp.QUIRKS)

# floor(2^1406 pi): the OAKLEY primes are 2^n - 2^(n-64) - 1 + 2^64 *
# (floor(2^(n-130) pi) + c), RFC 3526 §2 (group 5), RFC 2409 §6.1, §6.2
# (groups 1, 2); generator 2
_PI = const(
    b"\xc9\x0f\xda\xa2\x21\x68\xc2\x34\xc4\xc6\x62\x8b\x80\xdc\x1c\xd1\x29\x02\x4e\x08\x8a\x67\xcc\x74"
    b"\x02\x0b\xbe\xa6\x3b\x13\x9b\x22\x51\x4a\x08\x79\x8e\x34\x04\xdd\xef\x95\x19\xb3\xcd\x3a\x43\x1b"
    b"\x30\x2b\x0a\x6d\xf2\x5f\x14\x37\x4f\xe1\x35\x6d\x6d\x51\xc2\x45\xe4\x85\xb5\x76\x62\x5e\x7e\xc6"
    b"\xf4\x4c\x42\xe9\xa6\x37\xed\x6b\x0b\xff\x5c\xb6\xf4\x06\xb7\xed\xee\x38\x6b\xfb\x5a\x89\x9f\xa5"
    b"\xae\x9f\x24\x11\x7c\x4b\x1f\xe6\x49\x28\x66\x51\xec\xe4\x5b\x3d\xc2\x00\x7c\xb8\xa1\x63\xbf\x05"
    b"\x98\xda\x48\x36\x1c\x55\xd3\x9a\x69\x16\x3f\xa8\xfd\x24\xcf\x5f\x83\x65\x5d\x23\xdc\xa3\xad\x96"
    b"\x1c\x62\xf3\x56\x20\x85\x52\xbb\x9e\xd5\x29\x07\x70\x96\x96\x6d\x67\x0c\x35\x4e\x4a\xbc\x98\x04"
    b"\xf1\x74\x6c\x08\xca\x18\x21\x7c"
)

# The `_k` buffer of the Initiator: auth_key at 32 (mikey.base._keys), then
_K_MAC = const(64)  # our MAC alg,
_K_ALEN = const(65)  # the auth key's length,
_K_G = const(66)  # the TGK's group (0xFF: none yet),
_K_RAND = const(67)  # RAND length (0xFF: no initial exchange yet) and RAND,
_K_TGK = const(100)  # the TGK (at most 192 bytes)
# The Responder keeps mikey.base's layout; the TGK and the MKI are its
# "KEMAC plaintext" (base._K_KD), and each remembered CSB's group and TGK
# lie in `_tg`, 193 bytes a CSB slot.
_K_KD = const(111)  # a copy of mikey.base's: the TGK and the MKI


def size(g):
    """The bytes of a DH value in group g: 192, 96, 128 (OAKLEY 5, 1, 2),
    65 for P-256 (DH-Group 10: an uncompressed point, the profile
    extension of docs/ecc-profile.md)."""
    if g > 2 and g != 10:
        raise MikeyError(_R_DH_GROUP)
    return 192 if g == 0 else 96 if g == 1 else 128 if g == 2 else 65


def tgk_len(g):
    """The bytes of the TGK in group g: g^(xi·xr) as long as a value, the
    X coordinate (32 bytes) for P-256."""
    return 32 if g == 10 else size(g)


_P = [0, 0, 0]  # the primes made so far


def prime(g):
    """The prime of OAKLEY group 5 (DH-Group 0), 1 (1) or 2 (2), as an int
    (made once: its making leaves kilobytes of garbage)."""
    if g > 2:
        raise MikeyError(_R_DH_GROUP)  # P-256 has no prime of this kind
    n = size(g) * 8
    if not _P[g]:
        c = 741804 if g == 0 else 149686 if g == 1 else 129093
        _P[g] = (1 << n) - (1 << n - 64) - 1 + ((int.from_bytes(_PI, "big") >> 1536 - n) + c << 64)
    return _P[g]


def peer(d, s, e, g):
    """The public value d[s:e] of group g as an int, checked before any use:
    its length is the group's and 1 < y < p - 1 (0, 1 and p - 1 would force
    the secret into a subgroup of order 1 or 2; y >= p is no residue);
    otherwise Invalid DH (6)."""
    if g == 10:  # a point on P-256 (compressed ones too), or Invalid DH
        from mikey.p256 import decode_point

        y = memoryview(d)[s:e]
        decode_point(y)
        return y
    if e - s != size(g):
        raise MikeyError(_R_DH_GROUP)
    y = int.from_bytes(memoryview(d)[s:e], "big")
    if y < 2 or y >= prime(g) - 1:
        raise MikeyError(_R_DH_GROUP)
    return y


def _prepare(self, x=None, g=0):
    """Compute g^x for the next exchange now (in idle time): x is 32 bytes,
    big-endian (known answers), else 256 bits drawn from `rng` (RFC 3526
    §8: twice the 128-bit strength of OAKLEY 5; for P-256 a key pair from
    40 bytes, mikey.p256.keypair). Kept for one exchange."""
    if x is None:
        if self.rng is None:
            from mikey.drbg import Drbg

            self.rng = Drbg(b"mikey dhhmac")
        x = bytearray(40)
        self.rng.generate_into(x, 0, 40)
        if g == 10:
            from mikey import p256

            x = p256.keypair(x)
            self.pre = (g, x[0], x[1])
            return
    x = int.from_bytes(memoryview(x)[:32], "big")
    if g == 10:
        from mikey import p256

        self.pre = (g, x, p256.public(x))  # a fixed scalar: 1 <= x < n, or MikeyError
        return
    if x < 2:
        x += 2  # 0 and 1 give away the secret (one value in 2^255)
    self.pre = (g, x, pow(2, x, prime(g)))


def _secret(g, x, y):
    """The TGK of our private value x and the peer's checked value y."""
    if g == 10:
        from mikey.p256 import ecdh

        return ecdh(x, y)
    return pow(y, x, prime(g)).to_bytes(size(g), "big")


def _take(self, g):
    """(group, x, g^x) for one exchange: the prepared one when it is for g
    (`prepared` tells which it was)."""
    self.prepared = self.pre is not None and self.pre[0] == g
    if not self.prepared:
        _prepare(self, None, g)
    v = self.pre
    self.pre = None
    return v


def _id(b, p, x):
    """ID payload (§6.7) of x at b[p]: Next (0) | ID type (URI when it has
    a colon, else NAI) | ID len | data; returns its end."""
    pack_into(">BBH", b, p, 0, 1 if b":" in x else 0, len(x))
    b[p + 4 : p + 4 + len(x)] = x
    return p + 4 + len(x)


def _dh(b, p, g, v):
    """DH payload (§6.4) at b[p]: Next (0) | DH-Group | g^x, fixed length |
    KV Null; returns its end."""
    n = size(g)
    b[p] = 0
    b[p + 1] = g
    b[p + 2 : p + 2 + n] = v if g == 10 else v.to_bytes(n, "big")
    b[p + 2 + n] = 0
    return p + 3 + n


def _tgk(k, o, n, kv, s, m):
    """Key data table (base._KEYS) of one TGK at k[o:o+n] (§4.1.3), KV type
    kv with the SPI (the MKI) at k[s:s+m]: what base._contexts reads."""
    y = base._KEYS
    y.count = 1
    y.type[0] = 0
    y.kv[0] = kv
    y.key[0] = o
    y.key_len[0] = n
    y.spi[0] = s
    y.spi_len[0] = m


class Initiator:
    """The Initiator of DH-HMAC.

    psk         the pre-shared key (bytes)
    idr         the Responder's identity (bytes): an I_MESSAGE names it
                (RFC 4650 §3)
    idi         our identity (bytes), sent as IDi and expected back
    expect_idr  when set, the IDr the R_MESSAGE must carry
    group       DH-Group: 0 OAKLEY 5 (mandatory), 1 OAKLEY 1, 2 OAKLEY 2,
                10 P-256 (the profile extension of docs/ecc-profile.md)
    rng         mikey.drbg.Drbg for private exponents (one is made if None)
    cs          crypto sessions with an SRTP context (`ctx`)
    buf         bytes kept of our I_MESSAGE (its policies and DHi are
                needed when the answer comes)
    """

    prepare = _prepare

    def __init__(self, psk, idr, idi=None, expect_idr=None, group=0, rng=None, cs=4, buf=600):
        size(group)
        self.psk = psk
        self.idr = idr
        self.idi = idi
        self.expect_idr = expect_idr
        self.group = group
        self.rng = rng
        self.pre = None
        self.prepared = False  # whether the last message's g^x was prepared ahead
        self.ctx = bytearray(max(1, cs) * SLOT)
        self.ncs = 0
        self._m = bytearray(buf)  # our last I_MESSAGE,
        self._n = 0  # its length,
        self._dp = 0  # where its DHi starts (0: none),
        self._x = 0  # and our private exponent for it
        self._k = bytearray(_K_TGK + 192)  # _K_*
        self._k[_K_G] = self._k[_K_RAND] = 0xFF
        base.tables()

    def build(self, buf, csb_id, rand, t, cs, policies=None, mac=1, prf=0, sdp_ids=None, dh=True):
        """Write the I_MESSAGE (RFC 4650 §3) into buf and return its length.

        csb_id      4 bytes
        rand        RAND (16 bytes, at most 32); None for an update (§3.1):
                    same CSB ID, a new T, no RAND payload
        t           NTP-UTC time, 8 bytes (unique per message)
        cs          crypto sessions: (SSRC, ROC, policy no) each, CS ID i + 1
        policies    SP parameters (Type | Length | Value bytes) per policy
                    no; None: the profile's default set
        mac, prf    MAC alg HMAC-SHA-1-160 (1) or HMAC-SHA-256-256 (2);
                    PRF func MIKEY-1 (0) or PRF-HMAC-SHA-256 (1)
        sdp_ids     the ";"-joined KMPIDs (bytes) when the message rides in
                    SDP (RFC 4567 §4.1.4: bidding-down protection)
        dh          False: an update without DH values (the TGK stays)

        Uses the prepared g^x if there is one for this group."""
        k = self._k
        if (rand is None and k[_K_RAND] == 0xFF or rand is not None and len(rand) > 32
                or not 0 < mac < 3 or not dh and k[_K_G] == 0xFF):
            raise ValueError()  # nothing to update; RAND too long to keep; no MAC; no TGK
        g = self.group
        v = _take(self, g) if dh else None
        try:  # a buffer too small: IndexError or ValueError on the way
            # HDR (§6.1, RFC 4650 §3): version 1, data type 7, Next T, V 0 |
            # PRF func, CSB ID, #CS, SRTP-ID map: Policy_no | SSRC | ROC each
            pack_into(">BBHI", buf, 0, 1, 7, _T << 8 | prf, 0)
            buf[4:8] = csb_id
            pack_into(">H", buf, 8, len(cs) << 8)
            p = 10
            for x in cs:
                pack_into(">BII", buf, p, x[2], x[0], x[1])
                p += 9
            n = p  # T (§6.6): Next | NTP-UTC | value
            buf[p + 1] = 0
            buf[p + 2 : p + 10] = t
            p += 10
            if rand is not None:  # RAND (§6.11): Next | RAND len | RAND
                buf[n] = _RAND
                n = p
                buf[p + 1] = k[_K_RAND] = len(rand)
                k[_K_RAND + 1 : _K_RAND + 1 + len(rand)] = rand
                buf[p + 2 : p + 2 + len(rand)] = rand
                p += 2 + len(rand)
            for x in (self.idi, self.idr):
                if x is not None:
                    buf[n] = _ID
                    n = p
                    p = _id(buf, p, x)
            if policies is None:
                policies = (DEFAULT_SRTP,)
            for i in range(len(policies)):  # SP (§6.10): Next | Policy no | Prot type | len | params
                x = policies[i]
                buf[n] = _SP
                n = p
                pack_into(">BBBH", buf, p, 0, i, 0, len(x))
                buf[p + 5 : p + 5 + len(x)] = x
                p += 5 + len(x)
            self._dp = 0
            if v is not None:
                buf[n] = _DH
                n = self._dp = p
                p = _dh(buf, p, g, v[2])
                self._x = v[1]
            if sdp_ids is not None:  # General Extension (§6.15): Next | Type 1 | len | data
                buf[n] = _GEN_EXT
                n = p
                pack_into(">BBH", buf, p, 0, 1, len(sdp_ids))
                buf[p + 4 : p + 4 + len(sdp_ids)] = sdp_ids
                p += 4 + len(sdp_ids)
            buf[n] = _KEMAC  # KEMAC (RFC 4650 §4.2): Next | Encr NULL | len 0 | MAC alg | MAC
            pack_into(">BBHB", buf, p, 0, 0, 0, mac)
            p += 5
            a = 20 if mac == 1 else 32
            if p + a > len(buf) or p + a > len(self._m):
                raise ValueError()
        except (IndexError, ValueError):
            raise MikeyError(_R_OVERFLOW)
        r = memoryview(k)[_K_RAND + 1 : _K_RAND + 1 + k[_K_RAND]]
        k[_K_MAC] = mac
        k[_K_ALEN] = _keys(self.psk, buf, r, 0, mac, prf, k)
        buf[p : p + a] = hmac(k, 32, a, mac == 2, buf, p, ())  # over every byte before the MAC
        p += a
        self._m[:p] = memoryview(buf)[:p]
        self._n = p
        return p

    def finish(self, d, n):
        """Check the R_MESSAGE d[:n] (RFC 4650 §3, §5) and compute the TGK;
        return the number of SRTP contexts in `ctx`. An Error message from
        the Responder raises MikeyError(reason peer) with its Error no as
        `code`; anything else wrong raises the MikeyError that names it."""
        t = base._TBL
        codec.decode(d, n, t)
        m = self._m
        k = self._k
        if t.data_type == 6:
            i = t.find(_ERR)
            raise MikeyError(_R_PEER, d[t.start[i] + 1] if i >= 0 else 12)
        if t.data_type != 8:
            raise MikeyError(_R_DATA_TYPE)
        if not self._n or not _eq(d, 4, m, 4, 4):
            raise MikeyError(_R_AUTH)  # an answer for another CSB, or nothing sent
        c = t.count  # T, [IDr], IDi, [DHr, DHi], KEMAC
        p = t.ptype
        i = 1
        while i < c and p[i] == _ID:
            i += 1
        j = i  # the first DH
        while i < c and p[i] == _DH:
            i += 1
        if p[0] != _T or not 1 < j < 4 or i - j not in (0, 2) or i != c - 1 or p[i] != _KEMAC:
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)
        e = t.body_end[i]
        if d[e] != k[_K_MAC]:
            raise MikeyError(_R_MAC_ALG)
        a = k[_K_ALEN]
        if not _eq(hmac(k, 32, a, d[e] == 2, d, e + 1, ()), 0, d, e + 1, a):
            raise MikeyError(_R_AUTH)
        h = 10 + 9 * m[8]  # our T, echoed (§5.2)
        if not _eq(d, t.start[0] + 1, m, h + 1, 9):
            raise MikeyError(_R_TIMESTAMP)
        x = self.idi  # IDi is the last ID; IDr, when there are two, the first
        if x is not None and not _is(d, t, j - 1, x):
            raise MikeyError(_R_IDENTITY)
        x = self.expect_idr
        if x is not None and (j < 3 or not _is(d, t, 1, x)):
            raise MikeyError(_R_IDENTITY)
        q = self._dp
        g = m[q + 1] if q else k[_K_G]
        if i > j:  # DHr, DHi: DHi must be ours, DHr of our group
            if not q or not _eq(d, t.start[j + 1] + 1, m, q + 1, 1 + size(g)):
                raise MikeyError(_R_AUTH if q else _R_UNEXPECTED_PAYLOAD)
            if d[t.start[j] + 1] != g:
                raise MikeyError(_R_DH_GROUP)
            y = peer(d, t.body[j], t.body_end[j], g)
            k[_K_TGK : _K_TGK + tgk_len(g)] = _secret(g, self._x, y)
            k[_K_G] = g
            self._x = 0  # used once
        elif q:
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # DHi sent, none answered
        r = memoryview(k)[_K_RAND + 1 : _K_RAND + 1 + k[_K_RAND]]
        codec.decode(m, self._n, t)  # the policies of our I_MESSAGE
        _tgk(k, _K_TGK, tgk_len(g), 0, 0, 0)
        self.ncs = _contexts(m, t, k, r, self.ctx, False) & 0xFF
        return self.ncs


# I_MESSAGE order (RFC 4650 §3) by Next payload value below 22: T 0, RAND
# 1, ID 2, SP 3, DH 4, General Extension 5, KEMAC 6; 9 not allowed
_RANK = const(b"\x09\x06\x09\x04\x09\x00\x02\x09\x09\x09\x03\x01\x09\x09\x09\x09\x09\x09\x09\x09\x09\x05")


class Responder(base.Responder):
    """The Responder of DH-HMAC: mikey.base.Responder's replay cache, window,
    CSB memory, `ctx`, `ncs`, `quirks`, `error` and `not_before`, with

    idr         our identity (bytes): the I_MESSAGE must name it
    expect_idi  the Initiator's identity: what IDi must be when the message
                carries one, and what the R_MESSAGE names when it has none
    tolerant    accept the deployed quirks, and RFC 4650's own KEMAC
                numbers (Encr alg 2 with no data: `kemac-rfc4650-numbers`)
    sdp_ids     the ";"-joined KMPIDs (bytes) of the SDP the message came
                in: the Initiator must have signed the same list
    rng         mikey.drbg.Drbg for private exponents (one is made if None)
    p256        accept DH-Group 10, the P-256 profile extension
                (docs/ecc-profile.md); off, it is Invalid DH (6)
    """

    prepare = _prepare

    def __init__(self, psk, idr, expect_idi=None, tolerant=False, window=300, cache=16, csbs=2, cs=4,
                 rng=None, sdp_ids=None, p256=False):
        if idr is None:
            raise ValueError()  # RFC 4650 §3: IDr is mandatory
        super().__init__(psk, idr, expect_idi, False, tolerant, False, window, cache, csbs, cs, 209)
        self.rng = rng
        self.sdp_ids = sdp_ids
        self.p256 = p256
        self.group = 0  # the group to prepare g^x for (the Initiator picks; OAKLEY 5 is mandatory)
        self.pre = None
        self.prepared = False  # whether the last answer's g^x was prepared ahead
        self._tg = bytearray(193 * csbs)  # the TGK of each CSB slot: group | TGK

    def respond(self, d, n, now, out):
        """Process the I_MESSAGE d[:n] received at NTP time `now` (8 bytes);
        write the R_MESSAGE (or the Error message that refuses it: `error`
        is then the MikeyError) into out and return its length. Accepted:
        `ncs` SRTP contexts in `ctx`, tolerated quirks in `quirks`. The
        steps are docs/profile.md "DH-HMAC", processing order."""
        if len(now) != 8 or len(out) < 24:
            raise ValueError()
        self.ncs = 0
        self.quirks = 0
        self.error = None
        t = base._TBL
        bd = t.body
        be = t.body_end
        k = self._k
        try:
            codec.decode(d, n, t, 1 if self.tolerant else 0)
            q = 1 if t.trailing_zero else 0
            if t.data_type != 7:
                raise MikeyError(_R_DATA_TYPE)
            f = d[3] & 0x7F
            if f > 1:
                raise MikeyError(_R_PRF)
            # grammar: T, [RAND], [IDi], IDr, {SP}, [DHi], {General Extension}, KEMAC
            ir = idi = idr = dh = -1
            p = 0
            for i in range(t.count):
                x = t.ptype[i]
                x = _RANK[x] if x < 22 else 9
                if x < p or x == 9 or x == p and i and x in (0, 1, 4, 6) or x == 2 and idi >= 0:
                    raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # out of order, repeated
                if x == 1:
                    ir = i
                elif x == 2:
                    idi = idr
                    idr = i
                elif x == 4:
                    dh = i
                p = x
            ik = t.count - 1
            if ik < 0 or t.ptype[0] != _T or p != 6 or idr < 0:
                raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # T, IDr, a last KEMAC
            c = self._csb
            slot = self._slot(d)
            if ir < 0 and slot < 0:
                raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # no RAND: an update of a CSB we know (§3.1)
            o = self._when(d, n, t, now, False)  # T within the window, not a replay
            if not _is(d, t, idr, self.idr):  # identities (RFC 4650 §3)
                raise MikeyError(_R_IDENTITY)
            x = self.expect_idi
            if idi < 0 and x is None or idi >= 0 and x is not None and not _is(d, t, idi, x):
                raise MikeyError(_R_IDENTITY)
            s = t.start[ik]  # KEMAC: NULL encryption, a MAC
            e = be[ik]
            if d[s + 1] or e > bd[ik]:
                if self.tolerant and d[s + 1] == 2 and e == bd[ik]:
                    q |= _Q_KEMAC_4650  # RFC 4650 §4.2's table: Encr alg 2 is NULL
                else:
                    raise MikeyError(_R_ENCRYPTION)
            m = d[e]
            if not m:
                raise MikeyError(_R_MAC_ALG)
            if self.psk is None:
                raise MikeyError(_R_AUTH)
            r = memoryview(d)[bd[ir] : be[ir]] if ir >= 0 else memoryview(c)[slot + 5 : slot + 5 + c[slot + 4]]
            a = _keys(self.psk, d, r, 0, m, f, k)
            if not _eq(hmac(k, 32, a, m == 2, d, e + 1, ()), 0, d, e + 1, a):
                raise MikeyError(_R_AUTH)  # over the message up to the MAC field
            self._replay(o, now, True, False)  # authenticated: cached
            x = self.sdp_ids
            if x is not None:  # RFC 4567 §4.1.4: the SDP IDs the Initiator signed
                i = t.find(_GEN_EXT)
                while i >= 0 and d[t.start[i] + 1] != 1:
                    i = t.find(_GEN_EXT, i)
                if i < 0 or not _is(d, t, i, x):
                    raise MikeyError(_R_AUTH)  # missing or another list: bidding down
            for i in range(t.count):  # policies
                if t.ptype[i] == _SP:
                    q |= _policy(d, t.start[i], t.end[i], self.ctx, 9, self.tolerant)
            y = self._tg  # the TGK: fresh from DHi, or the CSB's for an update
            j = slot // 37 * 193
            if dh >= 0:
                g = d[t.start[dh] + 1]
                if g == 10 and not self.p256:
                    raise MikeyError(_R_DH_GROUP)  # P-256: only with peers set for the extension
                x = peer(d, bd[dh], be[dh], g)  # checked before any exponentiation
                v = _take(self, g)
                s = tgk_len(g)
                k[_K_KD : _K_KD + s] = _secret(g, v[1], x)
                x = be[dh]  # KV SPI: the MKI (§6.14)
                i = d[x] & 15 == 1
                if i and d[x + 1] > 16:
                    raise MikeyError(_R_POLICY_PARAM)  # an MKI longer than this device keeps
                if i:
                    _mix(k, _K_KD + s, d, x + 2, d[x + 1], 0)
                _tgk(k, _K_KD, s, 1 if i else 0, _K_KD + s, d[x + 1] if i else 0)
            elif slot >= 0:
                g = y[j]
                _mix(k, _K_KD, y, j + 1, tgk_len(g), 0)
                _tgk(k, _K_KD, tgk_len(g), 0, 0, 0)
            else:
                raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # an initial I_MESSAGE needs DHi
            c = _contexts(d, t, k, r, self.ctx, self.tolerant)
            q |= c >> 8
            j = self._keep(d, slot, r) // 37 * 193  # the CSB: its RAND, and its TGK
            y[j] = g
            _mix(y, j + 1, k, _K_KD, tgk_len(g), 0)
            self.ncs = c & 0xFF
            self.quirks = q
            # R_MESSAGE: HDR(8), T (echoed), IDr, IDi, [DHr, DHi], KEMAC
            try:
                c = t.hdr_end
                out[:c] = memoryview(d)[:c]
                out[1] = 8
                out[3] = f  # V 0, the same PRF func
                s = t.start[0]
                p = c + t.end[0] - s
                out[c:p] = memoryview(d)[s : t.end[0]]
                out[2] = _T
                out[c] = _ID
                n = p
                p = _id(out, p, self.idr)
                out[n] = _ID
                n = p
                if idi >= 0:  # the I_MESSAGE's IDi as it came
                    s = t.start[idi]
                    p += t.end[idi] - s
                    out[n:p] = memoryview(d)[s : t.end[idi]]
                    out[n] = 0
                else:
                    p = _id(out, p, self.expect_idi)
                if dh >= 0:
                    out[n] = _DH
                    n = p
                    p = _dh(out, p, g, v[2])
                    out[n] = _DH
                    n = p
                    s = t.start[dh]
                    p += t.end[dh] - s
                    out[n:p] = memoryview(d)[s : t.end[dh]]
                    out[n] = 0
                out[n] = _KEMAC
                pack_into(">BBHB", out, p, 0, 0, 0, m)
                p += 5
                out[p + a - 1] = 0
            except (IndexError, ValueError):
                raise MikeyError(_R_OVERFLOW)
            out[p : p + a] = hmac(k, 32, a, m == 2, out, p, ())
            return p + a
        except MikeyError as e:
            self.error = e
            self.ncs = 0
        import mikey._reject as j  # the Error message

        return j.write(d, n, now, out, t, self.error.code)
