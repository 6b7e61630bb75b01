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

import hashlib
from micropython import const
from struct import pack_into

from mikey import codec
from mikey.crypto import _eq, _mix, _tdiff, aes_cm, hmac, mix, prf
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

# Label constants: §4.1.4 (keys from the PSK, cs_id 0xFF), §4.1.3 (from a TGK)
_ENCR_KEY = const(0x150533E1)
_AUTH_KEY = const(0x2D22AC75)
_SALT_KEY = const(0x29B88916)
_TEK = const(0x2AD01C64)
_SALT = const(0x39A2C14B)

# Quirks the tolerant reader accepted (docs/profile.md), as bits of
# `quirks`; mikey.srtp.QUIRKS names them in this order.
_Q_TRAILING_ZERO = const(1)
_Q_NO_RAND = const(2)
_Q_IMPLAUSIBLE_TS = const(4)
_Q_SP_TAG = const(8)
_Q_TEK_SPLIT = const(16)

# One SRTP context (docs/profile.md "SRTP contexts") in SLOT bytes:
_C_CS = const(0)  # cs_id
_C_SSRC = const(1)  # 4 bytes
_C_ROC = const(5)  # 4 bytes
_C_POL = const(9)  # the policy, 25 bytes: _P_* below
_C_KEY = const(34)  # master key, policy key_len bytes (at most 32)
_C_SALT = const(66)  # master salt, policy salt_len bytes (at most 32)
_C_MKI = const(98)  # MKI length (0xFF: none), then the MKI (at most 16)
SLOT = const(115)
# The policy: SRTP parameter type k (RFC 3830 Table 6.10.1.a, RFC 4771) at
# _C_POL + _TAB[_POFF + k]; the key derivation rate (6) is 4 bytes, big-endian, the
# ROC transmission rate (13) 2; which of 13-19 the SP sets is the bit
# (k - 13) of the byte at +16 (they have no defaults).
_P_CIPHER = const(0)
_P_KEY_LEN = const(1)
_P_AUTH = const(2)
_P_AUTH_KEY_LEN = const(3)
_P_SALT_LEN = const(4)
_P_PRF = const(5)
_P_SRTP_ENCR = const(10)
_P_SRTCP_ENCR = const(11)
_P_SRTP_AUTH = const(13)
_P_TAG_LEN = const(14)
_P_4771 = const(16)
# docs/profile.md "SP": the SRTP policy sent unless the caller sets one, as
# Type | Length | Value in ascending type order (RFC 3830 §6.10.1)
_DEFAULT_SRTP = const(
    b"\x00\x01\x01"  # encryption algorithm: AES-CM
    b"\x01\x01\x10"  # session encryption key length: 16
    b"\x02\x01\x01"  # authentication algorithm: HMAC-SHA-1
    b"\x03\x01\x14"  # session auth key length: 20
    b"\x04\x01\x0e"  # session salt key length: 14
    b"\x05\x01\x00"  # SRTP PRF: AES-CM
    b"\x07\x01\x01"  # SRTP encryption: on
    b"\x08\x01\x01"  # SRTCP encryption: on
    b"\x0a\x01\x01"  # SRTP authentication: on
    b"\x0b\x01\x0a"  # authentication tag length: 10
)
# Lookup tables in one bytes object (each object is RAM of its own), from
#   _MAC_LEN: the MAC length of MAC alg NULL, HMAC-SHA-1-160, HMAC-SHA-256-256 (RFC 6043)
#   _RANK: the §3.1 payload order of an I_MESSAGE, by Next payload value below
#     22 (T 0, RAND 1, ID 2, SP 3, General Extension 4, KEMAC 5; 9 not allowed)
#   _POFF: where each SRTP parameter type lies in a policy (above)
#   _DEFAULTS: the policy of the RFC 3711 §8.2 defaults (25 bytes): AES-CM,
#     16, HMAC-SHA1, 20, 14, PRF AES-CM, KDR 0, SRTP and SRTCP encryption
#     on, FEC order 0, authentication on, tag 10, prefix 0, no RFC 4771 parameter
_MAC_LEN = const(0)
_RANK = const(3)
_POFF = const(25)
_DEFAULTS = const(45)
_TAB = const(
    b"\x00\x14\x20"
    b"\x09\x05\x09\x09\x09\x00\x02\x09\x09\x09\x03\x01\x09\x09\x09\x09\x09\x09\x09\x09\x09\x04"
    b"\x00\x01\x02\x03\x04\x05\x06\x0a\x0b\x0c\x0d\x0e\x0f\x11\x13\x14\x15\x16\x17\x18"
    b"\x01\x10\x01\x14\x0e\x00\x00\x00\x00\x00\x01\x01\x00\x01\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
)

# The `_k` buffer of both sides: the keys protecting MIKEY (encr_key at 0,
# auth_key at 32, salt_key at 64, made the KEMAC IV in place), then
_K_IV = const(64)  # the KEMAC IV (16 bytes)
_K_CSB = const(80)  # our CSB ID (Initiator)
_K_T = const(84)  # T: ours (Initiator), the I_MESSAGE's as 64 bits (Responder)
_K_MAC = const(92)  # our MAC alg and auth key length (Initiator)
_K_RAND = const(94)  # RAND length and RAND of the initial exchange (Initiator)
_K_FLOOR = const(92)  # T at or before which nothing is accepted (Responder),
_K_HAS_FLOOR = const(100)  # and whether there is one;
_K_N = const(101)  # replay cache entries in use;
_K_NEXT = const(102)  # the CSB slot replaced next,
_K_H = const(103)  # the message's digest for the replay cache (8 bytes),
_K_KD = const(111)  # then the KEMAC plaintext (Responder)

# The message being read (a codec.Table) and its Key data sub-payloads (a
# codec.Keys): made by the first Responder or Initiator (made during the
# import they would split the heap between modules)
_TBL = _KEYS = None


def _is(d, t, i, b):
    """Whether the data of payload i of t (an ID) is b."""
    s = t.body[i]
    n = len(b)
    return t.body_end[i] - s == n and _eq(d, s, b, 0, n)


def _keys(k, d, r, e, m, f, c):
    """The keys protecting MIKEY, from the PSK k (§4.1.4: label constant ||
    0xFF || CSB ID || RAND, the CSB ID at d[4:8], RAND r, PRF func f) into
    c: encr_key at 0, auth_key at 32, as long as the KEMAC's Encr alg e
    and MAC alg m need them (docs/profile.md "Keys"); unless e is NULL,
    the AES-CM IV (§4.2.3) at c[_K_IV:], made in place from salt_key:
    (salt_key XOR (0x0000 || CSB ID || T)) || 0x0000, T the Initiator's 64
    bits at c[_K_T:]. Returns the auth key's length. The caller runs
    aes_cm, once this frame is gone (the module docstring: RAM)."""
    p = len(k)
    if e:
        prf(k, 0, p, f, _ENCR_KEY, 0xFF, d, 4, r, c, 0, 32 if e == 3 else 16)
        prf(k, 0, p, f, _SALT_KEY, 0xFF, d, 4, r, c, _K_IV, 14)
        c[_K_IV + 14] = c[_K_IV + 15] = 0
        _mix(c, _K_IV + 2, d, 4, 4, 0xFF)
        _mix(c, _K_IV + 6, c, _K_T, 8, 0xFF)
    e = _TAB[_MAC_LEN + m]
    if e:
        prf(k, 0, p, f, _AUTH_KEY, 0xFF, d, 4, r, c, 32, e)
    return e


def _policy(d, s, e, c, o, tolerant):
    """The SP payload d[s:e] (§6.10) as an SRTP policy over the RFC 3711
    defaults, into c[o:o+25]; returns the quirk bits. Prot type not SRTP
    is 9; a parameter given twice or of the wrong size, or a value SRTP
    cannot use, is 10 (docs/profile.md "Processing" 7)."""
    if d[s + 2]:
        raise MikeyError(_R_POLICY)
    _mix(c, o, _TAB, _DEFAULTS, 25, 0)
    f = 0  # the types seen
    s += 5
    while s < e:  # Type | Length | Value; decode() checked they fill the SP
        k = d[s]
        n = d[s + 1]
        s += 2
        if k < 20:  # types SRTP defines; others are ignored
            if f >> k & 1 or n != (2 if k == 13 else 1) and not (k == 6 and 0 < n < 5):
                raise MikeyError(_R_POLICY_PARAM)
            f |= 1 << k
            _mix(c, o + _TAB[_POFF + k] + (4 - n if k == 6 else 0), d, s, n, 0)
            if k > 12:
                c[o + _P_4771] |= 1 << (k - 13)
        s += n
    if (c[o + _P_CIPHER] > 2 or c[o + _P_AUTH] > 4 or c[o + _P_PRF] or c[o + _P_SRTP_ENCR] > 1
            or c[o + _P_SRTCP_ENCR] > 1 or c[o + _P_SRTP_AUTH] > 1):
        raise MikeyError(_R_POLICY_PARAM)
    n = c[o + _P_AUTH_KEY_LEN]
    if tolerant and f & 0x808 == 8 and (n == 4 or n == 10) and c[o + _P_AUTH] == 1:
        c[o + _P_TAG_LEN] = n  # `sp-tag-length-in-param-3`: type 3 holds the tag length
        c[o + _P_AUTH_KEY_LEN] = 20
        f = _Q_SP_TAG
    else:
        f = 0
    n = c[o + _P_KEY_LEN]
    if c[o + _P_CIPHER] and n != 16 and n != 24 and n != 32:
        raise MikeyError(_R_POLICY_PARAM)
    return f


def _contexts(d, t, b, r, c, tolerant):
    """The SRTP context of every crypto session of the SRTP-ID map of the
    I_MESSAGE d (table t) into c, from the Key data sub-payloads in b
    (table _KEYS) and RAND r (§4.1.3, Appendix A; docs/profile.md "Keys"):
    returns how many | the quirk bits << 8. No Key data, no contexts."""
    n = t.ncs if _KEYS.count and t.map_type == 0 else 0
    if n * SLOT > len(c):
        raise MikeyError(_R_OVERFLOW)
    q = 0
    for i in range(n):
        o = i * SLOT
        e = 10 + 9 * i  # SRTP-ID entry: Policy_no | SSRC | ROC (§6.1.1)
        c[o + _C_CS] = i + 1  # CS ID: the entry's position, from 1
        _mix(c, o + _C_SSRC, d, e + 1, 8, 0)
        s = p = -1
        for j in range(t.count):  # the SP of its policy no (the last one)
            if t.ptype[j] == _SP:
                p = j
                if d[t.start[j] + 1] == d[e]:
                    s = j
        if s >= 0:
            q |= _policy(d, t.start[s], t.end[s], c, o + _C_POL, tolerant)
        elif p >= 0:
            raise MikeyError(_R_POLICY_PARAM)  # SPs, none for this policy no
        else:
            _mix(c, o + _C_POL, _TAB, _DEFAULTS, 25, 0)
        # one Key data sub-payload for all, or the i-th for CS ID i + 1
        j = i if _KEYS.count == n and n > 1 else 0
        p = _KEYS.type[j]
        s = _KEYS.key[j]
        m = _KEYS.key_len[j]
        e = c[o + _C_POL + _P_KEY_LEN]
        f = c[o + _C_POL + _P_SALT_LEN]
        if e > 32 or f > 32:  # this device's limit
            raise MikeyError(_R_POLICY_PARAM)
        if p < 2:  # TGK: TEK = PRF(TGK, 0x2AD01C64 || cs_id || CSB ID || RAND)
            prf(b, s, m, d[3] & 0x7F, _TEK, i + 1, d, 4, r, c, o + _C_KEY, e)
        elif p > 3:
            raise MikeyError(_R_POLICY_PARAM)  # GTGK, MPK (RFC 6043) do not key SRTP
        elif tolerant and p == 2 and m == e + f:
            q |= _Q_TEK_SPLIT  # `tek-key-and-salt`: one TEK = master key || salt
            _mix(c, o + _C_SALT, b, s + e, f, 0)
            p = 9
        elif m != e:
            raise MikeyError(_R_POLICY_PARAM)
        if p > 1:  # a TEK is the master key
            _mix(c, o + _C_KEY, b, s, e, 0)
        if p & 1 and p < 9:  # +SALT: the master salt as sent
            if _KEYS.salt_len[j] != f:
                raise MikeyError(_R_POLICY_PARAM)
            _mix(c, o + _C_SALT, b, _KEYS.salt[j], f, 0)
        elif p < 9:  # from the TGK, or the TEK (docs/profile.md)
            prf(b, s, m, d[3] & 0x7F, _SALT, i + 1, d, 4, r, c, o + _C_SALT, f)
        m = _KEYS.spi_len[j]
        if _KEYS.kv[j] != 1:
            c[o + _C_MKI] = 0xFF
        elif m > 16:  # this device's limit
            raise MikeyError(_R_POLICY_PARAM)
        else:
            c[o + _C_MKI] = m  # KV SPI: for SRTP the SPI is the MKI
            _mix(c, o + _C_MKI + 1, b, _KEYS.spi[j], m, 0)
    return n | q << 8


class Responder:
    """The Responder of PSK mode, and of MIKEY-NULL when `protected` (the
    transport is already protected: TLS, RTSPS, protected SDP).

    psk         the pre-shared key (bytes); None accepts only MIKEY-NULL
    idr         our identity (bytes): checked against IDr, sent in R_MESSAGE
    expect_idi  when set, the IDi an I_MESSAGE must carry
    tolerant    accept the deployed quirks of docs/profile.md, reported in
                `quirks` (mikey.srtp.quirks names them)
    minisip     V without the identities (minisip's verification message)
    window      seconds either side of `now` a T may be (±5 minutes)
    cache       replay cache entries (a truncated hash and T each, §5.4)
    csbs        CSB IDs remembered for update messages (their RAND, §4.5)
    cs          crypto sessions with an SRTP context (`ctx`)
    kd          bytes of KEMAC Encr data that can be opened

    After a reboot set `not_before` (8 bytes, NTP) to the time the cache
    was lost: an earlier T may be a replay the empty cache cannot see.
    """

    def __init__(self, psk, idr=None, expect_idi=None, protected=False, tolerant=False,
                 minisip=False, window=300, cache=16, csbs=2, cs=4, kd=256):
        self.psk = psk
        self.idr = idr
        self.expect_idi = expect_idi
        self.protected = protected
        self.tolerant = tolerant
        self.minisip = minisip
        self.window = window
        self.not_before = None
        self.ctx = bytearray(max(1, cs) * SLOT)
        self.ncs = 0
        self.quirks = 0
        self.error = None
        self._rc = bytearray(16 * cache)  # replay cache: digest(8) | T(8) each
        self._csb = bytearray(37 * csbs)  # CSB ID | RAND len (0xFF: free) | RAND
        self._k = bytearray(_K_KD + kd)  # keys, IV, T, floor, counters, digest, KEMAC plaintext: _K_*
        self.reset()
        global _TBL, _KEYS
        if _TBL is None:
            _TBL = codec.Table()
            _KEYS = codec.Keys()

    def reset(self):
        """Forget the replay cache and the CSBs (what a reboot loses); set
        not_before after it."""
        k = self._k
        k[_K_N] = k[_K_NEXT] = k[_K_HAS_FLOOR] = 0
        c = self._csb
        for o in range(4, len(c), 37):
            c[o] = 0xFF

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
        t = _TBL
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
            slot = -1
            for i in range(0, len(c), 37):
                if c[i + 4] != 0xFF and _eq(c, i, d, 4, 4):
                    slot = i
            null = d[t.start[ik] + 1] == 0 and d[be[ik]] == 0
            if ir < 0 and slot < 0:
                if not (tolerant and null and self.protected):
                    raise MikeyError(_R_UNEXPECTED_PAYLOAD)
                q |= _Q_NO_RAND
            # 4: T within the window, not a replay. T as the 64 bits of the
            # KEMAC IV (§4.2.3): NTP-UTC and NTP as they are, COUNTER
            # left-padded with zeros, NTP-UTC-32 (RFC 6043) with a zero fraction
            s = t.start[0]
            x = d[s + 1]
            _mix(k, _K_T, k, _K_T, 8, 0xFF)  # zeros (x ^ x)
            _mix(k, _K_T + 4 if x == 2 else _K_T, d, s + 2, 8 if x < 2 else 4, 0)
            o = 0 if x == 2 else _K_T  # the T judged (COUNTER has no time: now)
            _mix(k, _K_H, hashlib.sha256(memoryview(d)[:n]).digest(), 0, 8, 0)
            # `implausible-timestamp` when the protected transport guards replays
            q |= self._replay(o, now, False, tolerant and null and self.protected)
            me = self.idr  # 5: IDi, IDr; a single ID is IDr when it names us
            if idr < 0 and idi >= 0 and me is not None and _is(d, t, idi, me):
                idr = idi
                idi = -1
            if idr >= 0 and me is not None and not _is(d, t, idr, me):
                raise MikeyError(_R_IDENTITY)
            x = self.expect_idi
            if x is not None and (idi < 0 or not _is(d, t, idi, x)):
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
                a = _keys(self.psk, d, r, x, m, d[3] & 0x7F, k)
                if a and not _eq(hmac(k, 32, a, m == 2, d, e + 1, ()), 0, d, e + 1, a):
                    raise MikeyError(_R_AUTH)  # §5.2: over the message up to the MAC field
                if x:  # Key data in clear: AES-CM-128 (1) or -256 (3, RFC 6043)
                    aes_cm(k, 0, 32 if x == 3 else 16, k, _K_IV, k, _K_KD, e - s)
                self._replay(o, now, True, False)  # authenticated: cached
            codec.keys(k, _K_KD, _K_KD + e - s, _KEYS)
            for i in range(t.count):  # 7: policies
                if t.ptype[i] == _SP:
                    q |= _policy(d, t.start[i], t.end[i], self.ctx, _C_POL, tolerant)
            c = _contexts(d, t, k, r, self.ctx, tolerant)  # 8: keys per crypto session
            q |= c >> 8
            # remember this CSB's RAND for its updates (§4.5): its slot, or
            # the one replaced next; one too long to keep forgets the CSB
            x = self._csb
            if slot < 0:
                slot = k[_K_NEXT] * 37
                k[_K_NEXT] = (k[_K_NEXT] + 1) % (len(x) // 37)
            i = len(r)
            _mix(x, slot, d, 4, 4, 0)
            x[slot + 4] = i if i <= 32 else 0xFF
            if i <= 32:
                _mix(x, slot + 5, r, 0, i, 0)
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

    def _replay(self, o, now, add, lax):
        # §5.4, docs/profile.md "Replay". Check: T (_k[o:o+8], or now when
        # o is 0) within ±window of now, after not_before and the cache's
        # floor, the message (its digest at _K_H) not seen; if not, a
        # MikeyError, or when lax the quirk bit. Add: entries older than
        # the window leave; when the cache is full the oldest leaves and
        # nothing at or before its T is accepted any more.
        c = self._rc
        k = self._k
        t = k if o else now
        n = k[_K_N]
        w = self.window
        if not add:
            x = 0
            if (_tdiff(t, o, now, 0, w) in (-2, 2)
                    or self.not_before is not None and _tdiff(t, o, self.not_before, 0, 0) < 0
                    or k[_K_HAS_FLOOR] and _tdiff(t, o, k, _K_FLOOR, 0) <= 0):
                x = _R_TIMESTAMP
            for i in range(0, 0 if x else 16 * n, 16):
                if _eq(c, i, k, _K_H, 8):
                    x = _R_REPLAY
            if x and not lax:
                raise MikeyError(x)
            return _Q_IMPLAUSIBLE_TS if x else 0
        i = 0
        while i < n:
            if _tdiff(now, 0, c, 16 * i + 8, w) == 2:
                n -= 1
                _mix(c, 16 * i, c, 16 * n, 16, 0)  # the last one takes its place
            else:
                i += 1
        if 16 * n == len(c):
            j = 0
            for i in range(1, n):
                if _tdiff(c, 16 * i + 8, c, 16 * j + 8, 0) < 0:
                    j = i
            if not k[_K_HAS_FLOOR] or _tdiff(c, 16 * j + 8, k, _K_FLOOR, 0) > 0:
                _mix(k, _K_FLOOR, c, 16 * j + 8, 8, 0)
                k[_K_HAS_FLOOR] = 1
            n -= 1
            _mix(c, 16 * j, c, 16 * n, 16, 0)
        _mix(c, 16 * n, k, _K_H, 8, 0)
        _mix(c, 16 * n + 8, t, o, 8, 0)
        k[_K_N] = n + 1


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
        self.ctx = bytearray(max(1, cs) * SLOT)
        self.ncs = 0
        self._k = bytearray(127)  # keys, IV, CSB ID, T, MAC alg, RAND: _K_*
        self._k[_K_RAND] = 0xFF  # no initial exchange yet
        global _TBL, _KEYS
        if _TBL is None:
            _TBL = codec.Table()
            _KEYS = codec.Keys()

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
                policies = (_DEFAULT_SRTP,)
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
        x = _TBL  # our contexts, from the message with its Key data in clear
        codec.decode(buf, n, x)
        codec.keys(buf, e, p, _KEYS)
        self.ncs = _contexts(buf, x, buf, r, self.ctx, False) & 0xFF
        mix(k, _K_CSB, buf, 4, 4, 0)
        mix(k, _K_T, t, 0, 8, 0)
        k[_K_MAC] = mac
        k[_K_MAC + 1] = 0
        if encr or mac:
            k[_K_MAC + 1] = _keys(self.psk, buf, r, encr, mac, prf, k)
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
        t = _TBL
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
        if x is not None and (c < 3 or not _is(d, t, 1, x)):
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
