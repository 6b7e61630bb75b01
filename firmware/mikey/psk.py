"""MIKEY pre-shared-key mode and MIKEY-NULL (RFC 3830 §3.1, §5) on the
device, sans-IO: the time (`now`, `t`: 64-bit NTP values as 8 bytes) and
the randomness (CSB ID, RAND: from mikey.drbg, or fixed for vectors) are
arguments, keys come from provisioning, and messages are built in and read
from caller-owned buffers. Wire choices: docs/profile.md.

    I_MESSAGE = HDR, T, RAND, [IDi], [IDr], {SP}, KEMAC
    R_MESSAGE = HDR, T, [IDr], V          (when the Initiator sets V)
    Error     = HDR, T, ERR               (the Responder's answer to a refusal)

    i = Initiator(psk)
    n = i.build(buf, csb_id, rand, t, ((ssrc, roc, 0),), ((False, tgk, None, None),))
    r = Responder(psk)
    m = r.respond(buf, n, now, out)       # R_MESSAGE (or Error) in out[:m]
    i.finish(out, m)                      # checks V; raises MikeyError if bad

Both sides leave the SRTP contexts of the exchange in `ctx`, SLOT bytes per
crypto session (mikey.srtp reads them out), `ncs` of them. The Responder
never raises for what it receives: a refusal is an Error message in `out`
and the MikeyError in `error`. Not re-entrant (module buffers): one message
at a time. Written for RAM (every function, name and line of bytecode is
heap on the device): short local names, tables as const() bytes, and what
only a refusal needs (the Error message) in mikey._reject, imported then.
A bytecode frame of more than 11 words (locals, arguments and the stack of
the widest call) is heap too, for as long as the call runs: the largest
allocations of an exchange (the AES object, hash objects) are made under
as few and as narrow frames as the code allows (_keys returns before the
KEMAC is en- or decrypted; no iterator loops where a call is wide).
"""

from micropython import const
from struct import pack_into

from mikey import base, codec
from mikey.crypto import _eq, _mix, aes_cm, hmac, mix
from mikey.errors import MikeyError

_R_UNEXPECTED_PAYLOAD = const(3)  # reasons: copies of mikey.errors
_R_DATA_TYPE = const(6)
_R_PRF = const(7)
_R_MAC_ALG = const(8)
_R_ENCRYPTION = const(9)
_R_IDENTITY = const(12)
_R_POLICY = const(14)
_R_POLICY_PARAM = const(15)
_R_AUTH = const(16)
_R_TIMESTAMP = const(17)
_R_REPLAY = const(18)
_R_OVERFLOW = const(19)
_R_PEER = const(20)

# Next payload values (RFC 3830 Table 6.1.b)
_KEMAC = const(1)
_T = const(5)
_ID = const(6)
_V = const(9)
_SP = const(10)
_RAND = const(11)
_ERR = const(12)
_KEY_DATA = const(20)

_TOLERANT = const(1)  # mikey.codec.decode flag

# Quirks the tolerant reader accepted (docs/profile.md), as bits of
# `quirks`; mikey.srtp.QUIRKS names them in this order (mikey.base: the rest).
_Q_TRAILING_ZERO = const(1)
_Q_NO_RAND = const(2)
_Q_IMPLAUSIBLE_TS = const(4)
_Q_TEK_SPLIT = const(16)

_C_POL = const(9)  # a context's policy and size (mikey.base)
_SLOT = const(115)  # mikey.base.SLOT

# Lookup tables in one bytes object, from
#   _MAC_LEN: the MAC length of MAC alg NULL, HMAC-SHA-1-160, HMAC-SHA-256-256 (RFC 6043)
#   _RANK: the §3.1 payload order of an I_MESSAGE, by Next payload value below
#     22 (T 0, RAND 1, ID 2, SP 3, General Extension 4, KEMAC 5; 9 not allowed)
_MAC_LEN = const(0)
_RANK = const(3)
_TAB = const(
    b"\x00\x14\x20"
    b"\x09\x05\x09\x09\x09\x00\x02\x09\x09\x09\x03\x01\x09\x09\x09\x09\x09\x09\x09\x09\x09\x04"
)

# The `_k` buffer of both sides: the keys protecting MIKEY (encr_key at 0,
# auth_key at 32, salt_key at 64, made the KEMAC IV in place), then
_K_IV = const(64)  # the KEMAC IV (16 bytes)
_K_CSB = const(80)  # our CSB ID (Initiator)
_K_T = const(84)  # T: ours (Initiator), the I_MESSAGE's as 64 bits (Responder)
_K_MAC = const(92)  # our MAC alg and auth key length (Initiator)
_K_RAND = const(94)  # RAND length and RAND of the initial exchange (Initiator)
_K_KD = const(111)  # the KEMAC plaintext (Responder; the rest: mikey.base)


class Responder(base.Responder):
    """The Responder of PSK mode, and of MIKEY-NULL when `protected` (the
    transport is already protected: TLS, RTSPS, protected SDP). Settings:
    mikey.base.Responder."""

    def respond(self, d, n, now, out):
        """Process the I_MESSAGE d[:n] received at NTP time `now` (8 bytes);
        write the answer into out (at least 24 bytes) and return its
        length: an R_MESSAGE when the Initiator asked for V, an Error
        message when the message is refused (`error` is then the
        MikeyError), 0 when nothing is to be sent. Accepted: `ncs` SRTP
        contexts in `ctx` (0 for an update without Key data: the earlier
        ones stay), the tolerated quirks in `quirks`.

        The steps are docs/profile.md "Processing an I_MESSAGE
        (Responder)", 1 to 9."""
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
            tolerant = self.tolerant
            codec.decode(d, n, t, _TOLERANT if tolerant else 0)  # 1
            q = _Q_TRAILING_ZERO if t.trailing_zero else 0
            if t.data_type:
                raise MikeyError(_R_DATA_TYPE)
            if d[3] & 0x7F > 1:  # PRF func
                raise MikeyError(_R_PRF)
            # 3 (the grammar; 2 and 3 both answer 13, so one pass): T, RAND,
            # ID, ID, SP..., General Extension..., KEMAC; and where RAND,
            # KEMAC and the IDs are (the first as IDi, the second as IDr)
            ir = ik = idi = idr = -1
            p = 0
            for i in range(t.count):
                x = t.ptype[i]
                x = _TAB[_RANK + x] if x < 22 else 9
                if x < p or x == 9 or x == p and i and (x < 2 or x == 5) or x == 2 and idr >= 0:
                    raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # out of order or repeated
                if x == 1:
                    ir = i
                elif x == 5:
                    ik = i
                elif x == 2:
                    if d[bd[i] - 3] > 2:
                        raise MikeyError(_R_IDENTITY)  # ID type: NAI, URI, byte string
                    if idi < 0:
                        idi = i
                    else:
                        idr = i
                p = x
            if not t.count or t.ptype[0] != _T or ik < 0:
                raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # T and KEMAC (an update too: §4.5 Fig. 4.1)
            # 2: no RAND is an update of a CSB we key (§4.5), or `no-rand`
            c = self._csb
            slot = self._slot(d)
            null = d[t.start[ik] + 1] == 0 and d[be[ik]] == 0
            if ir < 0 and slot < 0:
                if not (tolerant and null and self.protected):
                    raise MikeyError(_R_UNEXPECTED_PAYLOAD)
                q |= _Q_NO_RAND
            # 4: T within the window, not a replay; `implausible-timestamp`
            # when the protected transport guards replays
            o = self._when(d, n, t, now, tolerant and null and self.protected)
            q |= o >> 8
            o &= 0xFF
            me = self.idr  # 5: IDi, IDr; a single ID is IDr when it names us
            if idr < 0 and idi >= 0 and me is not None and base._is(d, t, idi, me):
                idr = idi
                idi = -1
            if idr >= 0 and me is not None and not base._is(d, t, idr, me):
                raise MikeyError(_R_IDENTITY)
            x = self.expect_idi
            if x is not None and (idi < 0 or not base._is(d, t, idi, x)):
                raise MikeyError(_R_IDENTITY)
            if ir >= 0:  # 6: KEMAC
                r = memoryview(d)[bd[ir] : be[ir]]
            elif slot >= 0:
                r = memoryview(c)[slot + 5 : slot + 5 + c[slot + 4]]
            else:
                r = b""
            a = 0
            e = be[ik]
            x = d[t.start[ik] + 1]  # Encr alg
            m = d[e]
            if m == 0 and not self.protected:
                raise MikeyError(_R_MAC_ALG)
            if x == 0 and not self.protected or x == 2 or x > 3:
                raise MikeyError(_R_ENCRYPTION)  # (AES-KW-128: not on this device)
            s = bd[ik]
            if e - s > len(k) - _K_KD:
                raise MikeyError(_R_OVERFLOW)
            _mix(k, _K_KD, d, s, e - s, 0)
            if not null:
                if self.psk is None:
                    raise MikeyError(_R_AUTH)
                a = base._keys(self.psk, d, r, x, m, d[3] & 0x7F, k)
                if a and not _eq(hmac(k, 32, a, m == 2, d, e + 1, ()), 0, d, e + 1, a):
                    raise MikeyError(_R_AUTH)  # §5.2: over the message up to the MAC field
                if x:  # Key data in clear: AES-CM-128 (1) or -256 (3, RFC 6043)
                    aes_cm(k, 0, 32 if x == 3 else 16, k, _K_IV, k, _K_KD, e - s)
                self._replay(o, now, True, False)  # authenticated: cached
            codec.keys(k, _K_KD, _K_KD + e - s, base._KEYS)
            for i in range(t.count):  # 7: policies
                if t.ptype[i] == _SP:
                    q |= base._policy(d, t.start[i], t.end[i], self.ctx, _C_POL, tolerant)
            c = base._contexts(d, t, k, r, self.ctx, tolerant)  # 8: keys per crypto session
            q |= c >> 8
            self._keep(d, slot, r)  # this CSB's RAND, for its updates (§4.5)
            self.ncs = c & 0xFF
            self.quirks = q
            if d[3] < 0x80:  # 9: the R_MESSAGE when V is set: HDR, T, [IDr], V
                return 0
            c = t.hdr_end
            s = t.start[0]
            e = t.end[0]
            x = _TAB[_MAC_LEN + m]
            if c + e - s + (0 if me is None else 4 + len(me)) + 2 + x > len(out):
                raise MikeyError(_R_OVERFLOW)
            _mix(out, 0, d, 0, c, 0)  # HDR and CS ID map as received, but
            out[1] = 1  # PSK R_MESSAGE,
            out[3] = d[3] & 0x7F  # V 0, the same PRF func
            _mix(out, c, d, s, e - s, 0)  # the Initiator's T, unchanged (§5.2)
            out[2] = _T
            out[c] = _V
            p = c + e - s
            if me is not None:  # IDr (§6.7): Next | ID type | ID len | data
                out[c] = _ID
                pack_into(">BBH", out, p, _V, 1 if b":" in me else 0, len(me))
                _mix(out, p + 4, me, 0, len(me), 0)
                p += 4 + len(me)
            out[p] = 0  # V (§6.9): Next | Auth alg | Ver data
            out[p + 1] = m
            p += 2
            if x:  # over Identity_i, Identity_r (the I_MESSAGE's IDr, else ours), T value
                r = memoryview(d)
                r = (r[bd[idi] : be[idi]] if idi >= 0 else None, r[bd[idr] : be[idr]] if idr >= 0 else me,
                     r[bd[0] : be[0]])
                r = hmac(k, 32, a, m == 2, out, p, r[2:] if self.minisip else r)
                _mix(out, p, r, 0, x, 0)
            return p + x
        except MikeyError as e:
            self.error = e
            self.ncs = 0
        import mikey._reject as j  # the Error message: loaded by the first refusal

        return j.write(d, n, now, out, t, self.error.code)


class Initiator:
    """The Initiator of PSK mode (psk None: MIKEY-NULL only).

    idi, idr      identities (bytes) to send as IDi and IDr
    expect_idr    when set, the IDr the R_MESSAGE must carry
    minisip       V without the identities (minisip's verification message)
    cs            crypto sessions with an SRTP context (`ctx`)
    """

    def __init__(self, psk, idi=None, idr=None, expect_idr=None, minisip=False, cs=4):
        self.psk = psk
        self.idi = idi
        self.idr = idr
        self.expect_idr = expect_idr
        self.minisip = minisip
        self.ctx = bytearray(max(1, cs) * _SLOT)
        self.ncs = 0
        self._k = bytearray(127)  # keys, IV, CSB ID, T, MAC alg, RAND: _K_*
        self._k[_K_RAND] = 0xFF  # no initial exchange yet
        base.tables()

    def build(self, buf, csb_id, rand, t, cs, keys, policies=None, v=True, encr=1, mac=1, prf=0):
        """Write the I_MESSAGE (§3.1, §5.2; docs/profile.md) into buf and
        return its length.

        csb_id      4 bytes
        rand        RAND (16 bytes, at most 32); None for an update (§4.5):
                    same CSB ID, a new T, the RAND of the initial exchange,
                    no RAND payload
        t           NTP-UTC time, 8 bytes
        cs          crypto sessions: (SSRC, ROC, policy no) each, CS ID i + 1
        keys        Key data: (tek, key, salt, mki) each: a TGK unless tek,
                    with salt and MKI (KV SPI) unless None (§6.13)
        policies    SP parameters (Type | Length | Value bytes, ascending
                    types) per policy no; None: the profile's default set
        encr, mac   KEMAC algorithms: AES-CM-128 (1) or -256 (3) or NULL
                    (0); HMAC-SHA-1-160 (1), HMAC-SHA-256-256 (2) or NULL
        prf         PRF func: MIKEY-1 (0) or PRF-HMAC-SHA-256 (1)

        The SRTP contexts come from the message as the Responder reads it;
        they stand once finish() has checked V."""
        k = self._k
        if encr == 2 or encr > 3:
            raise MikeyError(_R_ENCRYPTION)  # AES-KW-128: not on this device
        if mac > 2:
            raise MikeyError(_R_MAC_ALG)
        if (rand is None and k[_K_RAND] == 0xFF or rand is not None and len(rand) > 32
                or self.psk is None and (encr or mac)):
            raise ValueError()  # nothing to update; a RAND too long to keep; no PSK
        try:  # a buffer too small: IndexError or ValueError on the way
            # HDR (§6.1): version 1, PSK I_MESSAGE, Next T, V | PRF func,
            # CSB ID, #CS, SRTP-ID map (§6.1.1): Policy_no | SSRC | ROC each
            pack_into(">BBH", buf, 0, 1, 0, _T << 8 | (0x80 if v else 0) | prf)
            mix(buf, 4, csb_id, 0, 4, 0)
            pack_into(">H", buf, 8, len(cs) << 8)
            p = 10
            for x in cs:
                buf[p] = x[2]
                pack_into(">I", buf, p + 1, x[0])
                pack_into(">I", buf, p + 5, x[1])
                p += 9
            n = p  # T (§6.6): Next | TS type NTP-UTC | value
            buf[p + 1] = 0
            p += 2 + mix(buf, p + 2, t, 0, 8, 0)
            if rand is not None:  # RAND (§6.11): Next | RAND len | RAND
                buf[n] = _RAND
                n = p
                buf[p + 1] = k[_K_RAND] = len(rand)
                mix(k, _K_RAND + 1, rand, 0, len(rand), 0)
                p += 2 + mix(buf, p + 2, rand, 0, len(rand), 0)
            for x in (self.idi, self.idr):  # ID (§6.7): Next | ID type | ID len | data
                if x is not None:
                    buf[n] = _ID
                    n = p
                    pack_into(">BBH", buf, p, 0, 1 if b":" in x else 0, len(x))
                    p += 4 + mix(buf, p + 4, x, 0, len(x), 0)
            if policies is None:
                policies = (base.DEFAULT_SRTP,)
            for i in range(len(policies)):  # SP (§6.10): Next | Policy no | Prot type | len | params
                x = policies[i]
                buf[n] = _SP
                n = p
                pack_into(">BBH", buf, p, 0, i, 0)
                pack_into(">H", buf, p + 3, len(x))
                p += 5 + mix(buf, p + 5, x, 0, len(x), 0)
            buf[n] = _KEMAC  # KEMAC (§6.2): Next | Encr alg | Encr data len | Key data...
            e = p = p + 4
            n = -1
            for a in range(len(keys)):  # Key data (§6.13): Next | Type, KV | len | key [| salt] [| SPI]
                x = keys[a]  # (indexed: an iterator would take 4 words of the frame)
                if n >= 0:
                    buf[n] = _KEY_DATA
                n = p
                i = x[2] is not None
                pack_into(">BBH", buf, p, 0, ((2 if x[0] else 0) | i) << 4 | (x[3] is not None), len(x[1]))
                p += 4 + mix(buf, p + 4, x[1], 0, len(x[1]), 0)
                if i:
                    pack_into(">H", buf, p, len(x[2]))
                    p += 2 + mix(buf, p + 2, x[2], 0, len(x[2]), 0)
                if x[3] is not None:  # KV SPI (§6.14): SPI len | SPI (the MKI)
                    buf[p] = len(x[3])
                    p += 1 + mix(buf, p + 1, x[3], 0, len(x[3]), 0)
            pack_into(">BBH", buf, e - 4, 0, encr, p - e)
            buf[p] = mac  # | MAC alg | MAC
        except (IndexError, ValueError):
            raise MikeyError(_R_OVERFLOW)
        a = _TAB[_MAC_LEN + mac]
        n = p + 1 + a
        if n > len(buf):
            raise MikeyError(_R_OVERFLOW)
        r = memoryview(k)[_K_RAND + 1 : _K_RAND + 1 + k[_K_RAND]]
        x = base._TBL  # our contexts, from the message with its Key data in clear
        codec.decode(buf, n, x)
        codec.keys(buf, e, p, base._KEYS)
        self.ncs = base._contexts(buf, x, buf, r, self.ctx, False) & 0xFF
        mix(k, _K_CSB, buf, 4, 4, 0)
        mix(k, _K_T, t, 0, 8, 0)
        k[_K_MAC] = mac
        k[_K_MAC + 1] = 0
        if encr or mac:
            k[_K_MAC + 1] = base._keys(self.psk, buf, r, encr, mac, prf, k)
            if encr:  # Key data encrypted in place (§4.2.3)
                aes_cm(k, 0, 32 if encr == 3 else 16, k, _K_IV, buf, e, p - e)
            if a:  # §5.2: over every byte before the MAC
                x = hmac(k, 32, a, mac == 2, buf, p + 1, ())
                mix(buf, p + 1, x, 0, a, 0)
        return n

    def finish(self, d, n):
        """Check the R_MESSAGE d[:n] (§5.2, §6.9); return the number of SRTP
        contexts in `ctx`. An Error message from the Responder raises
        MikeyError(reason peer) with its Error no as `code`; anything else
        wrong raises the MikeyError that names it."""
        t = base._TBL
        codec.decode(d, n, t)
        k = self._k
        if t.data_type == 6:
            i = t.find(_ERR)
            raise MikeyError(_R_PEER, d[t.start[i] + 1] if i >= 0 else 12)
        if t.data_type != 1:
            raise MikeyError(_R_DATA_TYPE)
        if not _eq(d, 4, k, _K_CSB, 4):
            raise MikeyError(_R_AUTH)  # an answer for another CSB
        c = t.count
        p = t.ptype
        if not (c == 2 and p[1] == _V or c == 3 and p[1] == _ID and p[2] == _V) or p[0] != _T:
            raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # HDR, T, [IDr], V
        s = t.start[0]
        if d[s + 1] or not _eq(d, s + 2, k, _K_T, 8):
            raise MikeyError(_R_TIMESTAMP)  # not our T echoed
        x = self.expect_idr
        if x is not None and (c < 3 or not base._is(d, t, 1, x)):
            raise MikeyError(_R_IDENTITY)
        x = d[t.start[c - 1] + 1]
        if x != k[_K_MAC]:
            raise MikeyError(_R_MAC_ALG)
        if x:  # Identity_r: the IDr we sent, else the R_MESSAGE's
            s = t.body[c - 1]
            p = self.idr
            if p is None and c == 3:
                p = memoryview(d)[t.body[1] : t.body_end[1]]
            p = (self.idi, p, memoryview(k)[_K_T : _K_T + 8])
            if not _eq(hmac(k, 32, k[_K_MAC + 1], x == 2, d, s, p[2:] if self.minisip else p), 0, d, s,
                       k[_K_MAC + 1]):
                raise MikeyError(_R_AUTH)
        return self.ncs
