"""MIKEY DH-SIGN (RFC 3830 §3.3) with ECDH over P-256 and ECDSA
(draft-ietf-msec-mikey-ecc-03 §2, §3) on the device, sans-IO; byte for
byte the twin's (host/mikeyhost/dhsign.py). Wire choices:
docs/ecc-profile.md.

    I_MESSAGE = HDR(4), T, RAND, [IDi], [IDr], {SP}, DHi, SIGNi
    R_MESSAGE = HDR(5), T, [IDr], IDi, DHr, DHi, SIGNr

DH-Group 10: a DH value is a SEC1 point (65 bytes sent; compressed ones
taken); TGK = the X coordinate of (xi·xr)·G, 32 bytes; SRTP keys from it
as in the other modes (mikey.base). Peers are keys pinned to identities.

    i = Initiator(ki, {b"sip:bob@example.org": pub_r}, idi=b"alice@example.org",
                  idr=b"sip:bob@example.org")
    i.prepare()                           # x·G in idle time (optional)
    n = i.build(buf, csb_id, rand, t, ((ssrc, roc, 0),))
    r = Responder(kr, {b"alice@example.org": pub_i}, idr=b"sip:bob@example.org")
    m = r.respond(buf, n, now, out)       # R_MESSAGE (or Error) in out[:m]
    i.finish(out, m)                      # SRTP contexts in i.ctx
"""

from micropython import const

from mikey import _ecc, base, codec
from mikey.base import _contexts, _is, _policy
from mikey.crypto import _eq
from mikey.errors import MikeyError

_R_UNEXPECTED_PAYLOAD = const(3)  # reasons: copies of mikey.errors
_R_DATA_TYPE = const(6)
_R_DH_GROUP = const(11)
_R_IDENTITY = const(12)
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)
_R_OVERFLOW = const(19)

_DH = const(3)  # Next payload values
_SIGN = const(4)
_SP = const(10)

_K_KD = const(111)  # mikey.base's: the TGK (32) and the MKI


class Responder(_ecc.Responder):
    """The Responder of DH-SIGN over P-256 (settings: mikey._ecc.Responder)."""

    def respond(self, d, n, now, out):
        """Process the I_MESSAGE d[:n] received at NTP time `now` (8 bytes);
        the R_MESSAGE (or the Error message refusing it: `error` is then
        the MikeyError) into out; returns its length. Accepted: `ncs` SRTP
        contexts in `ctx`."""
        if len(now) != 8 or len(out) < 24:
            raise ValueError()
        self.error = None
        self.signed = False
        self.ncs = 0
        try:
            a, b, j = self._check(d, n, now, 4, b"\x03")
            t = base._TBL
            s = t.start[j]
            if d[s + 1] != 10:
                raise MikeyError(_R_DH_GROUP)  # P-256 only
            from mikey.p256 import decode_point, ecdh

            y = memoryview(d)[t.body[j] : t.body_end[j]]
            decode_point(y)  # before any multiplication (6)
            for i in range(t.count):
                if t.ptype[i] == _SP:
                    _policy(d, t.start[i], t.end[i], self.ctx, 9, False)
            k = self._k
            kv, m = _ecc.mki(k, _K_KD + 32, d, t.body_end[j])
            v = self._take()
            k[_K_KD : _K_KD + 32] = ecdh(v[0], y)
            _ecc.tgk(k, _K_KD, 32, kv, _K_KD + 32, m)
            r = memoryview(d)[t.body[1] : t.body_end[1]]
            self.ncs = _contexts(d, t, k, r, self.ctx, False) & 0xFF
            try:  # HDR(5), T, [IDr], IDi, DHr (DHi's KV), DHi, SIGNr
                q, p = self._r(d, t, out, 5, a)
                out[q] = _DH
                q = p
                e = t.end[j]
                x = t.body_end[j]
                out[p] = 0
                out[p + 1] = 10
                out[p + 2 : p + 67] = v[1]
                p += 67
                out[p : p + e - x] = memoryview(d)[x:e]
                p += e - x
                out[q] = _DH
                q = p
                p = _ecc.copy(out, p, d, t, j)
                out[q] = _SIGN
                if p + 66 > len(out):
                    raise MikeyError(_R_OVERFLOW)
            except (IndexError, ValueError):
                raise MikeyError(_R_OVERFLOW)
            return _ecc.sign(out, p, self.key)
        except MikeyError as e:
            return self._refuse(d, n, now, out, e, False)


class Initiator(_ecc.Signer):
    """The Initiator of DH-SIGN over P-256.

    key, peers, rng  mikey._ecc.Signer
    idi         our identity (bytes), sent as IDi and expected back
    idr         the Responder's identity (bytes), sent as IDr; its pinned
                key checks SIGNr when the R_MESSAGE names nobody
    expect_idr  when set, the IDr the R_MESSAGE must carry
    cs          crypto sessions with an SRTP context (`ctx`)
    buf         bytes kept of our I_MESSAGE (its policies and DHi are
                needed when the answer comes)
    """

    def __init__(self, key, peers, idi=None, idr=None, expect_idr=None, rng=None, cs=4, buf=600):
        self._initiator(key, peers, rng, idi, idr, expect_idr, cs)
        self._m = bytearray(buf)  # our last I_MESSAGE,
        self._n = 0  # its length,
        self._dp = 0  # where its DHi starts,
        self._x = 0  # our ephemeral scalar for it
        self._k = bytearray(32)  # the TGK

    def build(self, buf, csb_id, rand, t, cs, policies=None, prf=0):
        """Write the I_MESSAGE into buf and return its length: csb_id 4
        bytes, rand RAND (16 to 32 bytes), t NTP-UTC (8 bytes), cs
        (SSRC, ROC, policy no) per crypto session, policies SP parameters
        per policy no (None: the profile's default), prf PRF func. Uses
        the prepared ephemeral key if there is one."""
        if len(rand) > 32:
            raise ValueError()
        v = self._take()
        try:
            p = _ecc.header(buf, 4, csb_id, cs, False, prf)
            n, p = _ecc.front(buf, p, t, rand, self.idi, self.idr, policies)
            buf[n] = _DH  # DH (§6.4): Next | DH-Group 10 | point | KV Null
            self._dp = p
            buf[p] = _SIGN
            buf[p + 1] = 10
            buf[p + 2 : p + 67] = v[1]
            buf[p + 67] = 0
            p += 68
        except (IndexError, ValueError):
            raise MikeyError(_R_OVERFLOW)
        return self._seal(buf, p, v[0])

    def finish(self, d, n):
        """Check the R_MESSAGE d[:n] (SIGNr first) and compute the TGK;
        return the number of SRTP contexts in `ctx`. An Error message
        raises MikeyError(peer) with its Error no as `code`."""
        t = base._TBL
        codec.decode(d, n, t)
        m = self._m
        if t.data_type == 6:
            _ecc.peer_error(d, t)
        if t.data_type != 5:
            raise MikeyError(_R_DATA_TYPE)
        if not self._n or not _eq(d, 4, m, 4, 4):
            raise MikeyError(_R_AUTH)  # another CSB, or nothing sent
        c = t.count  # T, [IDr], IDi, DHr, DHi, SIGNr
        r, i = _ecc.r_ids(d, t, c)
        p = t.ptype
        if c != i + 4 or p[i + 1] != _DH or p[i + 2] != _DH or p[i + 3] != _SIGN:
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)
        x = self.expect_idr or self.idr
        if r >= 0:
            x = memoryview(d)[t.body[r] : t.body_end[r]]
        _ecc.verify(d, t, self.pinned(x))
        for x in (self.expect_idr, self.idr):
            if x is not None and r >= 0 and not _is(d, t, r, x):
                raise MikeyError(_R_IDENTITY)
        h = 10 + 9 * m[8]  # our T, echoed
        if not _eq(d, t.start[0] + 1, m, h + 1, 9):
            raise MikeyError(_R_TIMESTAMP)
        if self.idi is not None and not _is(d, t, i, self.idi):
            raise MikeyError(_R_IDENTITY)
        q = self._dp  # DHi: ours, as sent
        s = t.start[i + 2]
        if t.end[i + 2] - s != 68 or not _eq(d, s + 1, m, q + 1, 67):
            raise MikeyError(_R_AUTH)
        if d[t.start[i + 1] + 1] != 10:
            raise MikeyError(_R_DH_GROUP)
        from mikey.p256 import ecdh

        if not self._x:
            raise MikeyError(_R_AUTH)  # answered already
        self._k[:] = ecdh(self._x, memoryview(d)[t.body[i + 1] : t.body_end[i + 1]])  # checks the point
        self._x = 0  # used once
        codec.decode(m, self._n, t)  # the policies of our I_MESSAGE
        _ecc.tgk(self._k, 0, 32, 0, 0, 0)
        r = memoryview(m)[h + 12 : h + 12 + m[h + 11]]  # our RAND
        self.ncs = _contexts(m, t, self._k, r, self.ctx, False) & 0xFF
        return self.ncs
