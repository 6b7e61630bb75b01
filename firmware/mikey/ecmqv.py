"""MIKEY-ECMQV (draft-ietf-msec-mikey-ecc-03 §5) on the device, sans-IO:
two-pass ECMQV over P-256 with the ECCPT payload (22); byte for byte the
twin's (host/mikeyhost/ecmqv.py). Wire choices: docs/ecc-profile.md.

    I_MESSAGE = HDR(4), T, RAND, [IDi], [IDr], {SP}, ECCPTi, SIGNi
    R_MESSAGE = HDR(5), T, [IDr], IDi, ECCPTr, ECCPTi, V
    Error     = HDR(6), T, ERR, [SIGNr]  (SIGNr once SIGNi has verified)

Each party's static key is its signing key (pinned to its identity); the
ECCPT point is its ephemeral key. z = x(s·(Q_e' + avf(Q_e')·Q_s')), s =
(d_e + avf(Q_e)·d_s) mod n (SEC 1 §3.4, cofactor 1); X9.63-KDF-SHA-256(z)
gives the TGK (TGK len bytes) and then the auth_key of V (20 or 32 bytes,
the ECCPT's Auth alg). The data types are DH-SIGN's: the ECCPT payload
tells the modes apart.

The point addition and avf·Q_s' run on public values only (the peer's
two points, the public scalar avf), with mikey.p256's internal
functions; the secret s enters only mikey.p256.ecdh.
"""

from micropython import const

from mikey import _ecc, base, codec
from mikey.base import _contexts, _is, _policy
from mikey.crypto import _eq, hmac
from mikey.errors import MikeyError

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_UNEXPECTED_PAYLOAD = const(3)
_R_DATA_TYPE = const(6)
_R_MAC_ALG = const(8)
_R_DH_GROUP = const(11)
_R_IDENTITY = const(12)
_R_POLICY_PARAM = const(15)
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)
_R_OVERFLOW = const(19)

_SIGN = const(4)  # Next payload values
_V = const(9)
_SP = const(10)
_ECCPT = const(22)

_N = const(0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551)
_K_KD = const(111)  # mikey.base's: the TGK (up to 256 bytes), then the MKI


def _avf(q):
    # SEC 1 §3.4 step 2: the low 128 bits of Q's x coordinate, bit 128 set
    # (q: a SEC1 encoding, x at 1:33)
    return int.from_bytes(q[17:33], "big") + (1 << 128)


def z(ds, de, qe, ps, pe):
    """The ECMQV value z (32 bytes) of our static and ephemeral scalars ds,
    de (qe: our ephemeral point) and the peer's static and ephemeral points
    ps, pe (SEC1 encodings, checked here before any multiplication)."""
    from mikey.p256 import _add, _affine, _mul, decode_point, ecdh, encode_point

    x, y = decode_point(ps)
    u, v = decode_point(pe)
    X, Y, Z = _mul(_avf(pe), x, y)  # avf(Q_e')·Q_s': public
    X, Y, Z = _add(X, Y, Z, u, v)
    x, y = _affine(X, Y, Z, 1)  # infinity: Invalid DH (6)
    s = (de + _avf(qe) * ds) % _N
    if not s:
        raise MikeyError(_R_DH_GROUP)
    return ecdh(s, encode_point(x, y))


def _pad(d, t, i):
    """Where the Auth alg of ECCPT payload i lies (after the point and its
    padding, counted from the payload's start: docs/ecc-profile.md);
    non-zero padding is 13."""
    s = t.start[i]
    e = t.body_end[i]
    a = s + ((e - s + 3) & ~3)
    for x in range(e, a):
        if d[x]:
            raise MikeyError(_R_BAD_LENGTH)
    return a


def _alen(g):
    # the auth_key of V: HMAC-SHA-1-160 20 bytes, HMAC-SHA-256-256 32;
    # another Auth alg (NULL included) is 3
    if g != 1 and g != 2:
        raise MikeyError(_R_MAC_ALG)
    return 20 if g == 1 else 32


def _secret(k, zz, n, a):
    """TGK (n bytes) at k[_K_KD:], auth_key (a bytes) at k[32:]: the first
    and next bytes of X9.63-KDF-SHA-256(z) (ECC-03 §5)."""
    _ecc.kdf(zz, n + a, k, _K_KD)
    k[32 : 32 + a] = k[_K_KD + n : _K_KD + n + a]


class Responder(_ecc.Responder):
    """The Responder of MIKEY-ECMQV (settings: mikey._ecc.Responder; `key`
    is our static key)."""

    def respond(self, d, n, now, out):
        """Process the I_MESSAGE d[:n] received at NTP time `now` (8 bytes);
        the R_MESSAGE (or the Error message, signed once SIGNi verified)
        into out (at least 94 bytes); returns its length."""
        if len(now) != 8 or len(out) < 94:
            raise ValueError()
        self.error = None
        self.signed = False
        self.ncs = 0
        try:
            a, b, j = self._check(d, n, now, 4, b"\x16")
            t = base._TBL
            e = _pad(d, t, j)
            g = d[e]
            al = _alen(g)
            tl = d[e + 1] << 8 | d[e + 2]
            if not 16 <= tl <= 256:
                raise MikeyError(_R_POLICY_PARAM)
            pe = memoryview(d)[t.body[j] : t.body_end[j]]
            from mikey.p256 import decode_point

            decode_point(pe)  # before any multiplication (6)
            for i in range(t.count):
                if t.ptype[i] == _SP:
                    _policy(d, t.start[i], t.end[i], self.ctx, 9, False)
            v = self._take()
            ps = self.pinned(memoryview(d)[t.body[a] : t.body_end[a]] if a >= 0 else self.expect_idi)
            k = self._k
            _secret(k, z(self.key, v[0], v[1], ps, pe), tl, al)
            kv, m = _ecc.mki(k, _K_KD + tl, d, e + 3)
            _ecc.tgk(k, _K_KD, tl, kv, _K_KD + tl, m)
            r = memoryview(d)[t.body[1] : t.body_end[1]]
            self.ncs = _contexts(d, t, k, r, self.ctx, False) & 0xFF
            try:  # HDR(5), T, [IDr], IDi, ECCPTr, ECCPTi, V
                q, p = self._r(d, t, out, 5, a)
                out[q] = _ECCPT
                q = p
                out[p] = 0  # ECCPTr: curve 7 | point | pad | ECCPTi's Auth alg, TGK len, KV
                out[p + 1] = 7
                out[p + 2 : p + 67] = v[1]
                out[p + 67] = 0
                p += 68
                x = t.end[j] - e
                out[p : p + x] = memoryview(d)[e : t.end[j]]
                p += x
                out[q] = _ECCPT
                q = p
                p = _ecc.copy(out, p, d, t, j)
                out[q] = _V
                out[p] = 0  # V (§6.9): Next | Auth alg | Ver data
                out[p + 1] = g
                p += 2
                out[p + al - 1] = 0
            except (IndexError, ValueError):
                raise MikeyError(_R_OVERFLOW)
            m = memoryview(d)  # over Identity_i, Identity_r (IDr, else ours), T value
            m = hmac(k, 32, al, g == 2, out, p,
                     (m[t.body[a] : t.body_end[a]] if a >= 0 else None,
                      m[t.body[b] : t.body_end[b]] if b >= 0 else self.idr, m[t.body[0] : t.body_end[0]]))
            out[p : p + al] = m
            return p + al
        except MikeyError as e:
            return self._refuse(d, n, now, out, e, True)


class Initiator(_ecc.Signer):
    """The Initiator of MIKEY-ECMQV.

    key, peers, rng  mikey._ecc.Signer (key: our static key)
    idi, idr    our identity, the Responder's (bytes), sent as IDi, IDr
    expect_idr  when set, the IDr the R_MESSAGE must carry
    cs          crypto sessions with an SRTP context (`ctx`)
    buf         bytes kept of our I_MESSAGE
    """

    def __init__(self, key, peers, idi=None, idr=None, expect_idr=None, rng=None, cs=4, buf=600):
        self._initiator(key, peers, rng, idi, idr, expect_idr, cs)
        self._m = bytearray(buf)  # our last I_MESSAGE,
        self._n = 0  # its length,
        self._ep = 0  # where its ECCPTi starts,
        self._x = 0  # our ephemeral scalar for it
        self._k = bytearray(_K_KD + 256)  # auth_key at 32, TGK at _K_KD

    def build(self, buf, csb_id, rand, t, cs, policies=None, prf=0, auth=1, tgk_len=16):
        """Write the I_MESSAGE into buf and return its length (arguments as
        mikey.dhsign.Initiator.build; auth: V's HMAC-SHA-1-160 (1) or
        HMAC-SHA-256-256 (2); tgk_len: 16 to 256). The HDR's V flag is 1."""
        if len(rand) > 32 or not 16 <= tgk_len <= 256:
            raise ValueError()
        _alen(auth)
        v = self._take()
        try:
            p = _ecc.header(buf, 4, csb_id, cs, True, prf)
            n, p = _ecc.front(buf, p, t, rand, self.idi, self.idr, policies)
            buf[n] = _ECCPT  # ECCPT: Next | curve 7 | point | pad | Auth alg | TGK len | KV Null
            self._ep = p
            buf[p] = _SIGN
            buf[p + 1] = 7
            buf[p + 2 : p + 67] = v[1]
            buf[p + 67] = 0
            buf[p + 68] = auth
            buf[p + 69] = tgk_len >> 8
            buf[p + 70] = tgk_len & 0xFF
            buf[p + 71] = 0
            p += 72
        except (IndexError, ValueError):
            raise MikeyError(_R_OVERFLOW)
        return self._seal(buf, p, v[0])

    def finish(self, d, n):
        """Check the R_MESSAGE d[:n] (its V proves the Responder holds its
        static key) and return the number of SRTP contexts in `ctx`. An
        Error message raises MikeyError(peer) with its Error no; a signed
        one is checked first when the Responder's key is pinned (a bad
        signature: Auth failure)."""
        t = base._TBL
        codec.decode(d, n, t)
        m = self._m
        c = t.count
        if t.data_type == 6:
            x = self.expect_idr or self.idr
            if c and t.ptype[c - 1] == _SIGN and x is not None and bytes(x) in self.peers:
                _ecc.verify(d, t, self.peers[bytes(x)])
            _ecc.peer_error(d, t)
        if t.data_type != 5:
            raise MikeyError(_R_DATA_TYPE)
        if not self._n or not _eq(d, 4, m, 4, 4):
            raise MikeyError(_R_AUTH)
        r, i = _ecc.r_ids(d, t, c)  # T, [IDr], IDi, ECCPTr, ECCPTi, V
        p = t.ptype
        if c != i + 4 or p[i + 1] != _ECCPT or p[i + 2] != _ECCPT or p[i + 3] != _V:
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)
        x = self.expect_idr or self.idr
        if r >= 0:
            x = memoryview(d)[t.body[r] : t.body_end[r]]
        ps = self.pinned(x)
        for x in (self.expect_idr, self.idr):
            if x is not None and r >= 0 and not _is(d, t, r, x):
                raise MikeyError(_R_IDENTITY)
        q = self._ep  # ECCPTi: ours, as sent
        s = t.start[i + 2]
        if t.end[i + 2] - s != 72 or not _eq(d, s + 1, m, q + 1, 71):
            raise MikeyError(_R_AUTH)
        e = _pad(d, t, i + 1)  # ECCPTr: our Auth alg and TGK len
        if not _eq(d, e, m, q + 68, 3):
            raise MikeyError(_R_AUTH)
        g = m[q + 68]
        al = _alen(g)
        tl = m[q + 69] << 8 | m[q + 70]
        if not self._x:
            raise MikeyError(_R_AUTH)  # answered already
        k = self._k
        _secret(k, z(self.key, self._x, memoryview(m)[q + 2 : q + 67], ps,
                     memoryview(d)[t.body[i + 1] : t.body_end[i + 1]]), tl, al)
        s = t.start[i + 3]
        if d[s + 1] != g:
            raise MikeyError(_R_MAC_ALG)
        h = 10 + 9 * m[8]  # our T, RAND; Identity_r: the IDr we sent, else the R_MESSAGE's
        x = self.idr
        if x is None and r >= 0:
            x = memoryview(d)[t.body[r] : t.body_end[r]]
        if not _eq(hmac(k, 32, al, g == 2, d, s + 2, (self.idi, x, memoryview(m)[h + 2 : h + 10])),
                   0, d, s + 2, al):
            raise MikeyError(_R_AUTH)
        if not _eq(d, t.start[0] + 1, m, h + 1, 9):
            raise MikeyError(_R_TIMESTAMP)
        if self.idi is not None and not _is(d, t, i, self.idi):
            raise MikeyError(_R_IDENTITY)
        self._x = 0  # used once
        codec.decode(m, self._n, t)  # the policies of our I_MESSAGE
        _ecc.tgk(k, _K_KD, tl, 0, 0, 0)
        r = memoryview(m)[h + 12 : h + 12 + m[h + 11]]
        self.ncs = _contexts(m, t, k, r, self.ctx, False) & 0xFF
        return self.ncs
