"""What the signed ECC modes of draft-ietf-msec-mikey-ecc-03 share on the
device (mikey.dhsign, mikey.ecies, mikey.ecmqv; wire choices:
docs/ecc-profile.md): ID and SIGN payloads, ECDSA over a message (S type 2,
r || s over every byte before the Signature field, RFC 3830 §5.2), the
ANSI X9.63 KDF with SHA-256, the grammar and the steps 1-8 of an
I_MESSAGE's processing (docs/ecc-profile.md "Processing order"), and the
Error message, signed once SIGNi has verified (ECC-03 §5).

Peers are authenticated by public keys pinned to identities (`peers`: ID
data -> 65-byte SEC1 point): the device has no X.509 parser, so a CERT
payload is Invalid Cert (8). Private keys are ints in [1, n-1].
"""

from hashlib import sha256
from micropython import const
from struct import pack_into

from mikey import base, codec
from mikey.base import _is
from mikey.errors import MikeyError

_R_UNEXPECTED_PAYLOAD = const(3)  # reasons: copies of mikey.errors
_R_DATA_TYPE = const(6)
_R_PRF = const(7)
_R_IDENTITY = const(12)
_R_CERT = const(13)
_R_POLICY_PARAM = const(15)
_R_AUTH = const(16)
_R_OVERFLOW = const(19)
_R_PEER = const(20)

_SIGN = const(4)  # Next payload values (RFC 3830 Table 6.1.b)
_T = const(5)
_ID = const(6)
_CERT = const(7)
_CHASH = const(8)
_SP = const(10)
_RAND = const(11)
_GEN_EXT = const(21)


def ident(b, p, x, nxt=0):
    """ID payload (§6.7) of x at b[p]: Next | ID type (URI when it has a
    colon, else NAI) | ID len | data; returns its end."""
    pack_into(">BBH", b, p, nxt, 1 if b":" in x else 0, len(x))
    b[p + 4 : p + 4 + len(x)] = x
    return p + 4 + len(x)


def copy(out, p, d, t, i):
    """Payload i of the message d (table t) as it came, Next 0, at out[p];
    returns its end."""
    s = t.start[i]
    e = p + t.end[i] - s
    out[p:e] = memoryview(d)[s : t.end[i]]
    out[p] = 0
    return e


def sign(out, p, key):
    """SIGN (§6.5) at out[p]: S type 2 (ECDSA) | length 64 | r || s over
    out[:p + 2] (the S type and length bytes included, §5.2). Returns its
    end."""
    from mikey.ecdsa import sign as s

    out[p] = 0x20
    out[p + 1] = 64
    out[p + 2 : p + 66] = s(key, sha256(memoryview(out)[: p + 2]).digest())
    return p + 66


def verify(d, t, pub):
    """The last payload of d (table t), a SIGN, is ECDSA by pub over every
    byte before its Signature field. S type other than 2, a signature not
    64 bytes, r or s outside [1, n-1], or no match: Auth failure (0)."""
    from mikey.ecdsa import verify as v

    i = t.count - 1
    s = t.start[i]
    b = t.body[i]
    if d[s] >> 4 != 2 or t.body_end[i] - b != 64:
        raise MikeyError(_R_AUTH)
    v(pub, sha256(memoryview(d)[:b]).digest(), memoryview(d)[b : b + 64])


def kdf(z, n, o, p):
    """o[p:p+n] = ANSI-X9.63-KDF with SHA-256 of z, SharedInfo empty (SEC 1
    §3.6.1): SHA-256(z || counter) for counter 1, 2, ..."""
    c = bytearray(4)
    i = 1
    while n > 0:
        pack_into(">I", c, 0, i)
        h = sha256(z)
        h.update(c)
        m = min(n, 32)
        o[p : p + m] = h.digest()[:m]
        p += m
        n -= m
        i += 1


def tgk(k, o, n, kv, s, m):
    """Key data table (base._KEYS) of one TGK at k[o:o+n] (§4.1.3), KV type
    kv with the SPI (the MKI) at k[s:s+m]: what base._contexts reads.
    (mikey.dhhmac._tgk is the same: shared, it would sit where the PSK path
    loads it, in codec or base, and there it costs the PSK exchange 256 B
    of its min heap and its place in the 32 KB profile.)"""
    y = base._KEYS
    y.count = 1
    y.type[0] = 0
    y.kv[0] = kv
    y.key[0] = o
    y.key_len[0] = n
    y.spi[0] = s
    y.spi_len[0] = m


def mki(k, o, d, x):
    """The KV of a DH or ECCPT payload, its KV byte at d[x] (§6.14): KV SPI
    gives the MKI, copied to k[o:]; returns (kv, length). An MKI longer
    than this device keeps is 10."""
    if d[x] & 15 != 1:
        return 0, 0
    m = d[x + 1]
    if m > 16:
        raise MikeyError(_R_POLICY_PARAM)
    k[o : o + m] = memoryview(d)[x + 2 : x + 2 + m]
    return 1, m


def header(b, dt, csb_id, cs, v, prf):
    """HDR (§6.1) at b[0]: version 1, data type dt, Next T, V | PRF func,
    CSB ID, the SRTP-ID map of cs ((SSRC, ROC, policy no) each); returns
    its end, where T goes (NTP-UTC, the value filled by the caller)."""
    pack_into(">BBBB", b, 0, 1, dt, _T, (0x80 if v else 0) | prf)
    b[4:8] = csb_id
    pack_into(">H", b, 8, len(cs) << 8)
    p = 10
    for x in cs:
        pack_into(">BII", b, p, x[2], x[0], x[1])
        p += 9
    return p


def front(b, p, t8, rand, idi, idr, policies):
    """T, RAND, [IDi], [IDr], {SP} of an I_MESSAGE from b[p] (HDR before
    it, Next T): returns (where the next payload's Next goes, its start)."""
    b[p] = _RAND
    b[p + 1] = 0
    b[p + 2 : p + 10] = t8
    n = p + 10
    b[n + 1] = len(rand)
    b[n + 2 : n + 2 + len(rand)] = rand
    p = n + 2 + len(rand)
    for x in (idi, idr):
        if x is not None:
            b[n] = _ID
            n = p
            p = ident(b, p, x)
    if policies is None:
        policies = (base.DEFAULT_SRTP,)
    for i in range(len(policies)):  # SP (§6.10): Next | Policy no | Prot type | len | params
        x = policies[i]
        b[n] = _SP
        n = p
        pack_into(">BBBH", b, p, 0, i, 0, len(x))
        b[p + 5 : p + 5 + len(x)] = x
        p += 5 + len(x)
    return n, p


def peer_error(d, t):
    """An Error message (data type 6) answering us: MikeyError(peer) with
    its first Error no."""
    i = t.find(12)
    raise MikeyError(_R_PEER, d[t.start[i] + 1] if i >= 0 else 12)


def r_ids(d, t, c):
    """(IDr, IDi) indices of an R_MESSAGE "T, [IDr|CERTr], IDi" (-1: none);
    a CERT is Invalid Cert (8), another layout 13."""
    p = t.ptype
    if c > 1 and p[1] == _CERT:
        raise MikeyError(_R_CERT)
    if p[0] != _T or p[1] != _ID:
        raise MikeyError(_R_UNEXPECTED_PAYLOAD)
    if p[2] == _ID:
        return 1, 2
    return -1, 1


class Signer:
    """What every ECC party keeps: our key, the pinned peers, identities,
    the ephemeral key prepared in idle time.

    key         our P-256 private key (int): signs, and is the static key
                of ECMQV and the ECIES decryption key
    peers       {identity bytes: 65-byte public key}: whose key signs
    rng         mikey.drbg.Drbg for ephemeral keys (one is made if None)
    """

    def _init(self, key, peers, rng):
        self.key = key
        self.peers = peers
        self.rng = rng
        self.pre = None
        self.prepared = False

    def _initiator(self, key, peers, rng, idi, idr, expect_idr, cs):
        """An Initiator's common state: the Signer's, identities, SRTP
        contexts out (SLOT bytes each), the tables messages are read into."""
        self._init(key, peers, rng)
        self.idi = idi
        self.idr = idr
        self.expect_idr = expect_idr
        self.ctx = bytearray(max(1, cs) * base.SLOT)
        self.ncs = 0
        base.tables()

    def prepare(self, x=None):
        """Make the ephemeral key pair of the next exchange now (in idle
        time): x 32 bytes big-endian fixes the scalar (known answers),
        else a pair from 40 bytes of `rng` (mikey.p256.keypair). Used once."""
        from mikey import p256

        if x is None:
            if self.rng is None:
                from mikey.drbg import Drbg

                self.rng = Drbg(b"mikey ecc")
            x = bytearray(40)
            self.rng.generate_into(x, 0, 40)
            self.pre = p256.keypair(x)
        else:
            x = int.from_bytes(x, "big")
            self.pre = (x, p256.public(x))

    def _take(self):
        self.prepared = self.pre is not None
        if not self.prepared:
            self.prepare()
        v = self.pre
        self.pre = None
        return v

    def _seal(self, buf, p, x):
        """An Initiator's last step: SIGNi after buf[:p], a copy kept for
        finish() with our ephemeral secret x; the I_MESSAGE's length."""
        if p + 66 > len(buf) or p + 66 > len(self._m):
            raise MikeyError(_R_OVERFLOW)
        p = sign(buf, p, self.key)
        self._x = x
        self._m[:p] = memoryview(buf)[:p]
        self._n = p
        return p

    def pinned(self, name):
        """The key pinned for identity `name`, else Invalid ID (7)."""
        x = self.peers.get(bytes(name)) if name is not None else None
        if x is None:
            raise MikeyError(_R_IDENTITY)
        return x


class Responder(base.Responder, Signer):
    """A Responder of a signed ECC mode: mikey.base.Responder's replay
    cache, window, `ctx`, `ncs`, `error`, `not_before`, with

    key, peers, rng  mikey._ecc.Signer
    idr         our identity (bytes): sent as IDr, checked against IDr
    expect_idi  the Initiator when its message names nobody; an IDi must
                be this one
    """

    def __init__(self, key, peers, idr=None, expect_idi=None, window=300, cache=16, cs=4, rng=None, kd=320):
        base.Responder.__init__(self, None, idr, expect_idi, False, False, False, window, cache, 1, cs, kd)
        self._init(key, peers, rng)
        self.signed = False  # SIGNi verified: an Error message is signed (ECMQV)

    def _check(self, d, n, now, dt, body):
        """Steps 1-8 of docs/ecc-profile.md "Processing order" for the
        I_MESSAGE d[:n] of data type dt: T, RAND, [IDi|CERTi], [IDr], {SP},
        {General Extension}, the mode's payloads (body: their Next payload
        values; CHASH optional), SIGN. Returns (IDi, IDr, first body
        payload) as indices (-1: none)."""
        t = base._TBL
        codec.decode(d, n, t)
        if t.data_type != dt:
            raise MikeyError(_R_DATA_TYPE)
        if d[3] & 0x7F > 1:
            raise MikeyError(_R_PRF)
        p = t.ptype
        c = t.count
        if c < 4 or p[0] != _T or p[1] != _RAND or p[c - 1] != _SIGN:
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)
        a = b = -1  # IDi, IDr
        i = 2
        cert = p[i] == _CERT
        while p[i] == _CERT:  # (stops at SIGN, the last)
            i += 1
        if p[i] == _ID:
            if cert:
                b = i
            else:
                a = i
            i += 1
            if p[i] == _ID and not cert:
                b = i
                i += 1
        while p[i] == _SP:
            i += 1
        while p[i] == _GEN_EXT:
            i += 1
        j = i
        for x in body:
            if p[i] == x:
                i += 1
            elif x != _CHASH:
                raise MikeyError(_R_UNEXPECTED_PAYLOAD)
        if i != c - 1:
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)
        o = self._when(d, n, t, now, False)  # T within the window, not a replay (§5.4)
        for i in (a, b):
            if i >= 0 and d[t.start[i] + 1] > 2:
                raise MikeyError(_R_IDENTITY)  # ID type: NAI, URI, byte string
        me = self.idr
        if b < 0 and a >= 0 and me is not None and _is(d, t, a, me):
            b = a  # a lone ID naming us is IDr (as in PSK mode)
            a = -1
        if b >= 0 and me is not None and not _is(d, t, b, me):
            raise MikeyError(_R_IDENTITY)
        x = self.expect_idi
        if a >= 0 and x is not None and not _is(d, t, a, x):
            raise MikeyError(_R_IDENTITY)
        if cert:
            raise MikeyError(_R_CERT)  # no X.509 on the device: keys are pinned
        verify(d, t, self.pinned(memoryview(d)[t.body[a] : t.body_end[a]] if a >= 0 else x))
        self._replay(o & 0xFF, now, True, False)  # authenticated: cached (§5.3)
        self.signed = True
        return a, b, j

    def _r(self, d, t, out, dt, a):
        """R_MESSAGE head: HDR(dt) as the I_MESSAGE's, V 0; T as it came;
        IDr when we have one; IDi (the I_MESSAGE's as it came, else the
        Initiator configured). Returns (where the next Next goes, its start)."""
        c = t.hdr_end
        out[:c] = memoryview(d)[:c]
        out[1] = dt
        out[3] = d[3] & 0x7F
        p = copy(out, c, d, t, 0)
        n = c
        if self.idr is not None:
            out[n] = _ID
            n = p
            p = ident(out, p, self.idr)
        out[n] = _ID
        n = p
        p = copy(out, p, d, t, a) if a >= 0 else ident(out, p, self.expect_idi)
        return n, p

    def _refuse(self, d, n, now, out, e, signed):
        """The Error message (RFC 3830 §5.1.2) for MikeyError e; signed with
        our key after SIGNi verified when `signed` (ECC-03 §5: HDR, T,
        ERR, SIGNr)."""
        import mikey._reject as j

        self.error = e
        self.ncs = 0
        m = j.write(d, n, now, out, base._TBL, e.code)
        if signed and self.signed and m + 66 <= len(out):
            out[m - 4] = _SIGN
            m = sign(out, m, self.key)
        return m
