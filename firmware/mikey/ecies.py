"""MIKEY-ECIES (draft-ietf-msec-mikey-ecc-03 §4) on the device, sans-IO:
RFC 3830 public-key mode (§3.2) with the envelope key under ECIES and an
ECDSA signature; byte for byte the twin's (host/mikeyhost/ecies.py).
Wire choices: docs/ecc-profile.md.

    I_MESSAGE = HDR(2), T, RAND, [IDi], [IDr], {SP}, KEMAC, [CHASH], PKE, SIGNi
    R_MESSAGE = HDR(3), T, [IDr], V          (when the Initiator sets V)

PKE Data = R || EM || D (SEC 1 §5.1): R the ephemeral point, EK || MK =
X9.63-KDF-SHA-256(x(eph·PKr)) (16 + 20 bytes), EM = AES-128-CBC(EK, IV 0,
PKCS#7(env_key)), D = HMAC-SHA-1(MK, EM). The KEMAC is IDi || {Key data}
under encr_key (§4.1.4 from env_key), its MAC over the KEMAC payload
alone, Next taken as 0 (§5.2). V as in PSK mode, keyed from env_key.
"""

import cryptolib
from micropython import const
from struct import pack_into

from mikey import _ecc, base, codec
from mikey.base import _contexts, _keys, _policy
from mikey.crypto import _eq, aes_cm, hmac, mac_begin, mac_end
from mikey.errors import MikeyError

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_UNEXPECTED_PAYLOAD = const(3)
_R_DATA_TYPE = const(6)
_R_MAC_ALG = const(8)
_R_ENCRYPTION = const(9)
_R_IDENTITY = const(12)
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)
_R_OVERFLOW = const(19)

_KEMAC = const(1)  # Next payload values
_PKE = const(2)
_SIGN = const(4)
_T = const(5)
_ID = const(6)
_V = const(9)
_SP = const(10)
_KEY_DATA = const(20)

_K_IV = const(64)  # mikey.base's: the KEMAC IV,
_K_T = const(84)  # T as 64 bits
_K_KD = const(111)  # the KEMAC plaintext
# The `_e` buffer: EK || MK (X9.63 KDF) at 0, a CBC block at 36, the
# padded envelope key at 52 (at most 80 bytes)
_E_BLK = const(36)
_E_ENV = const(52)


def _tag(e, b, p, n):
    # D = HMAC-SHA-1(MK, EM), EM = b[p:p+n], MK at e[16:36]
    g = mac_begin(e, 16, 20, False)
    g.update(memoryview(b)[p : p + n])
    return mac_end(g, False)


def _mac(k, a, m, b, s, e):
    # the KEMAC's MAC: over b[s:e] (the payload but its MAC) with the Next
    # byte taken as 0 (§5.2), auth_key k[32:32+a]
    g = mac_begin(k, 32, a, m == 2)
    g.update(b"\x00")
    g.update(memoryview(b)[s + 1 : e])
    return mac_end(g, m == 2)


class Responder(_ecc.Responder):
    """The Responder of MIKEY-ECIES (settings: mikey._ecc.Responder; `key`
    is the ECIES decryption key)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self._e = bytearray(_E_ENV + 80)

    def respond(self, d, n, now, out):
        """Process the I_MESSAGE d[:n] received at NTP time `now` (8 bytes);
        write the R_MESSAGE (V set), nothing (V unset: returns 0) or the
        Error message refusing it into out; returns its length. Accepted:
        `ncs` SRTP contexts in `ctx`."""
        if len(now) != 8 or len(out) < 24:
            raise ValueError()
        self.error = None
        self.signed = False
        self.ncs = 0
        try:
            a, b, j = self._check(d, n, now, 2, b"\x01\x08\x02")
            t = base._TBL
            bd = t.body
            be = t.body_end
            i = t.find(_PKE, j)
            e = self._e
            m = self._env(d, bd[i], be[i] - bd[i])
            k = self._k  # the KEMAC: AES-CM, a MAC (NULL ones would give the TGK away)
            s = t.start[j]
            x = d[s + 1]
            if x != 1 and x != 3:
                raise MikeyError(_R_ENCRYPTION)
            c = be[j]
            g = d[c]
            if not g:
                raise MikeyError(_R_MAC_ALG)
            r = memoryview(d)[bd[1] : be[1]]
            f = d[3] & 0x7F
            q = _keys(bytes(e[_E_ENV : _E_ENV + m]), d, r, x, g, f, k)
            if not _eq(_mac(k, q, g, d, s, c + 1), 0, d, c + 1, q):
                raise MikeyError(_R_AUTH)
            s = bd[j]
            if c - s > len(k) - _K_KD:
                raise MikeyError(_R_OVERFLOW)
            k[_K_KD : _K_KD + c - s] = memoryview(d)[s:c]
            aes_cm(k, 0, 32 if x == 3 else 16, k, _K_IV, k, _K_KD, c - s)
            # IDi (§3.2): the signer's identity, then Key data
            if c - s < 4 or k[_K_KD] != _KEY_DATA:
                raise MikeyError(_R_UNEXPECTED_PAYLOAD)
            x = k[_K_KD + 2] << 8 | k[_K_KD + 3]
            if _K_KD + 4 + x > _K_KD + c - s:
                raise MikeyError(_R_BAD_LENGTH)
            y = memoryview(d)[bd[a] : be[a]] if a >= 0 else self.expect_idi
            if len(y) != x or not _eq(k, _K_KD + 4, y, 0, x):
                raise MikeyError(_R_AUTH)
            if not codec.keys(k, _K_KD + 4 + x, _K_KD + c - s, base._KEYS):
                raise MikeyError(_R_UNEXPECTED_PAYLOAD)
            for x in range(t.count):
                if t.ptype[x] == _SP:
                    _policy(d, t.start[x], t.end[x], self.ctx, 9, False)
            self.ncs = _contexts(d, t, k, r, self.ctx, False) & 0xFF
            if d[3] < 0x80:
                return 0
            try:  # HDR(3), T, [IDr], V
                c = t.hdr_end
                out[:c] = memoryview(d)[:c]
                out[1] = 3
                out[3] = f
                p = _ecc.copy(out, c, d, t, 0)
                out[c] = _V
                if self.idr is not None:
                    out[c] = _ID
                    p = _ecc.ident(out, p, self.idr, _V)
                out[p] = 0  # V (§6.9): Next | Auth alg | Ver data
                out[p + 1] = g
                p += 2
                out[p + q - 1] = 0
            except (IndexError, ValueError):
                raise MikeyError(_R_OVERFLOW)
            m = memoryview(d)  # over Identity_i, Identity_r (IDr, else ours), T value
            m = hmac(k, 32, q, g == 2, out, p,
                     (m[bd[a] : be[a]] if a >= 0 else None, m[bd[b] : be[b]] if b >= 0 else self.idr,
                      m[bd[0] : be[0]]))
            out[p : p + q] = m
            return p + q
        except MikeyError as e:
            return self._refuse(d, n, now, out, e, False)

    def _env(self, d, s, n):
        """Open the PKE Data d[s:s+n] (R || EM || D) into _e[_E_ENV:]; return
        the envelope key's length. Too short for R, a block and D: 13; R
        not a P-256 point: 6; D, then the padding, not right: 0 (the same
        answer for both, after the tag: no padding oracle); an envelope key
        of other than 16 to 64 bytes: 13."""
        from mikey.p256 import decode_point, ecdh

        if n < 1:
            raise MikeyError(_R_BAD_LENGTH)
        r = 65 if d[s] == 4 else 33
        m = n - r - 20
        if m < 16 or m % 16:
            raise MikeyError(_R_BAD_LENGTH)
        y = memoryview(d)[s : s + r]
        decode_point(y)
        e = self._e
        _ecc.kdf(ecdh(self.key, y), 36, e, 0)
        s += r
        if not _eq(_tag(e, d, s, m), 0, d, s + m, 20):
            raise MikeyError(_R_AUTH)
        v = memoryview(e)
        x = s + m - 16  # the last block: CBC with the one before it as IV
        cryptolib.aes(v[:16], 2, memoryview(d)[x - 16 : x] if m > 16 else bytes(16)).decrypt(
            memoryview(d)[x : x + 16], v[_E_BLK : _E_BLK + 16])
        p = e[_E_BLK + 15]
        if not 0 < p <= 16:
            raise MikeyError(_R_AUTH)
        for i in range(16 - p, 16):
            if e[_E_BLK + i] != p:
                raise MikeyError(_R_AUTH)
        p = m - p
        if not 16 <= p <= 64:
            raise MikeyError(_R_BAD_LENGTH)
        cryptolib.aes(v[:16], 2, bytes(16)).decrypt(memoryview(d)[s : s + m], v[_E_ENV : _E_ENV + m])
        return p


class Initiator(_ecc.Signer):
    """The Initiator of MIKEY-ECIES.

    key, peers, rng  mikey._ecc.Signer (key signs; the Responder's key,
                pinned to idr, encrypts the envelope key)
    idi         our identity (bytes): sent as IDi and inside the KEMAC
    idr         the Responder's identity (bytes), sent as IDr
    expect_idr  when set, the IDr the R_MESSAGE must carry
    cs          crypto sessions with an SRTP context (`ctx`)
    """

    def __init__(self, key, peers, idi, idr, expect_idr=None, rng=None, cs=4):
        self._initiator(key, peers, rng, idi, idr, expect_idr, cs)
        self._k = bytearray(_K_KD)  # keys from env_key (auth_key at 32), T at _K_T,
        self._s = bytearray(6)  # CSB ID, MAC alg, auth key length,
        self._e = bytearray(_E_ENV + 80)  # EK || MK, the padded envelope key

    def build(self, buf, csb_id, rand, t, cs, keys, policies=None, v=True, encr=1, mac=1, prf=0, env_key=None):
        """Write the I_MESSAGE into buf and return its length. csb_id, rand,
        t, cs, policies, prf: as mikey.dhsign.Initiator.build; keys: Key
        data as mikey.psk.Initiator.build; v: ask for V; encr AES-CM-128
        (1) or -256 (3), mac HMAC-SHA-1-160 (1) or HMAC-SHA-256-256 (2);
        env_key 16 to 64 bytes (None: 16 from `rng`). The SRTP contexts
        stand at once (in `ctx`); with v, finish() checks V."""
        if encr != 1 and encr != 3:
            raise MikeyError(_R_ENCRYPTION)
        if mac != 1 and mac != 2:
            raise MikeyError(_R_MAC_ALG)
        if len(rand) > 32 or self.idi is None:
            raise ValueError()  # RAND too long to keep; the KEMAC carries IDi
        pub = self.pinned(self.idr)
        w = self._take()  # the ECIES ephemeral key
        e = self._e
        if env_key is None:
            env_key = bytearray(16)
            if self.rng is None:
                from mikey.drbg import Drbg

                self.rng = Drbg(b"mikey ecc")
            self.rng.generate_into(env_key, 0, 16)
        m = len(env_key)
        if not 16 <= m <= 64:
            raise ValueError()
        e[_E_ENV : _E_ENV + m] = env_key
        try:
            p = _ecc.header(buf, 2, csb_id, cs, v, prf)
            h = p
            n, p = _ecc.front(buf, p, t, rand, self.idi, self.idr, policies)
            buf[n] = _KEMAC  # KEMAC (§6.2): Next | Encr alg | len | IDi, Key data | MAC alg | MAC
            s = p
            c = p = _ecc.ident(buf, p + 4, self.idi, _KEY_DATA)
            n = -1
            for a in range(len(keys)):  # Key data (§6.13), as mikey.psk
                x = keys[a]
                if n >= 0:
                    buf[n] = _KEY_DATA
                n = p
                i = x[2] is not None
                pack_into(">BBH", buf, p, 0, ((2 if x[0] else 0) | i) << 4 | (x[3] is not None), len(x[1]))
                buf[p + 4 : p + 4 + len(x[1])] = x[1]
                p += 4 + len(x[1])
                if i:
                    pack_into(">H", buf, p, len(x[2]))
                    buf[p + 2 : p + 2 + len(x[2])] = x[2]
                    p += 2 + len(x[2])
                if x[3] is not None:
                    buf[p] = len(x[3])
                    buf[p + 1 : p + 1 + len(x[3])] = x[3]
                    p += 1 + len(x[3])
            pack_into(">BBH", buf, s, _PKE, encr, p - s - 4)
            buf[p] = mac
            a = 20 if mac == 1 else 32
            q = p + 1 + a  # PKE (§6.3): Next | C 0, Data len | R || EM || D
            y = (m // 16 + 1) * 16
            pack_into(">BH", buf, q, _SIGN, 85 + y)
            x = q + 3 + 85 + y
            buf[x] = 0x20  # SIGN: S type 2 | 64
            buf[x + 1] = 64
            buf[x + 65] = 0
        except (IndexError, ValueError):
            raise MikeyError(_R_OVERFLOW)
        r = memoryview(buf)[h + 12 : h + 12 + len(rand)]
        o = base._TBL  # our contexts, from the message with its Key data in clear
        codec.decode(buf, x + 66, o)
        codec.keys(buf, c, p, base._KEYS)
        self.ncs = _contexts(buf, o, buf, r, self.ctx, False) & 0xFF
        k = self._k
        k[_K_T : _K_T + 8] = t
        a = _keys(bytes(e[_E_ENV : _E_ENV + m]), buf, r, encr, mac, prf, k)
        aes_cm(k, 0, 32 if encr == 3 else 16, k, _K_IV, buf, s + 4, p - s - 4)
        buf[p + 1 : p + 1 + a] = _mac(k, a, mac, buf, s, p + 1)
        from mikey.p256 import ecdh

        _ecc.kdf(ecdh(w[0], pub), 36, e, 0)  # EK || MK
        i = _E_ENV + y
        for j in range(_E_ENV + m, i):  # PKCS#7
            e[j] = y - m
        v = memoryview(e)
        q += 3
        buf[q : q + 65] = w[1]
        q += 65
        cryptolib.aes(v[:16], 2, bytes(16)).encrypt(v[_E_ENV:i], memoryview(buf)[q : q + y])
        buf[q + y : q + y + 20] = _tag(e, buf, q, y)
        s = self._s
        s[0:4] = csb_id
        s[4] = mac
        s[5] = a
        k[_K_T : _K_T + 8] = t
        return _ecc.sign(buf, x, self.key)

    def finish(self, d, n):
        """Check the R_MESSAGE d[:n] (V, §5.2); return the number of SRTP
        contexts in `ctx`. An Error message raises MikeyError(peer) with
        its Error no as `code`."""
        t = base._TBL
        codec.decode(d, n, t)
        s = self._s
        k = self._k
        if t.data_type == 6:
            _ecc.peer_error(d, t)
        if t.data_type != 3:
            raise MikeyError(_R_DATA_TYPE)
        if not s[5] or not _eq(d, 4, s, 0, 4):
            raise MikeyError(_R_AUTH)
        c = t.count
        p = t.ptype
        if not (c == 2 or c == 3 and p[1] == _ID) or p[0] != _T or p[c - 1] != _V:
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # HDR, T, [IDr], V
        g = d[t.start[c - 1] + 1]
        if g != s[4]:
            raise MikeyError(_R_MAC_ALG)
        x = self.idr
        if x is None and c == 3:
            x = memoryview(d)[t.body[1] : t.body_end[1]]
        i = t.body[c - 1]
        if not _eq(hmac(k, 32, s[5], g == 2, d, i, (self.idi, x, memoryview(k)[_K_T : _K_T + 8])), 0, d, i, s[5]):
            raise MikeyError(_R_AUTH)
        i = t.start[0]
        if d[i + 1] or not _eq(d, i + 2, k, _K_T, 8):
            raise MikeyError(_R_TIMESTAMP)
        x = self.expect_idr
        if x is not None and (c < 3 or not base._is(d, t, 1, x)):
            raise MikeyError(_R_IDENTITY)
        return self.ncs
