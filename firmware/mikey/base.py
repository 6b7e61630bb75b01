"""What the PSK-keyed modes share (MIKEY-PSK and MIKEY-NULL in mikey.psk,
DH-HMAC in mikey.dhhmac): the keys protecting MIKEY from the PSK (RFC 3830
§4.1.4), SRTP policies (§6.10) and contexts from a TGK or TEK (§4.1.3,
Appendix A; docs/profile.md "Keys"), and the Responder's replay cache and
CSB memory (§5.4, §4.5). A DH-HMAC device loads this and not PSK mode's
messages. Written for RAM, as mikey.psk (its docstring says how).
"""

import hashlib
from micropython import const

from mikey import codec
from mikey.crypto import _eq, _mix, _tdiff, prf
from mikey.errors import MikeyError

_R_POLICY = const(14)  # reasons: copies of mikey.errors
_R_POLICY_PARAM = const(15)
_R_TIMESTAMP = const(17)
_R_REPLAY = const(18)
_R_OVERFLOW = const(19)

_SP = const(10)  # Next payload value (RFC 3830 Table 6.1.b)

# Label constants: §4.1.4 (keys from the PSK, cs_id 0xFF), §4.1.3 (from a TGK)
_ENCR_KEY = const(0x150533E1)
_AUTH_KEY = const(0x2D22AC75)
_SALT_KEY = const(0x29B88916)
_TEK = const(0x2AD01C64)
_SALT = const(0x39A2C14B)

# Quirks (docs/profile.md) as bits of a Responder's `quirks`; mikey.srtp.QUIRKS
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
DEFAULT_SRTP = const(
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
#   _POFF: where each SRTP parameter type lies in a policy (above)
#   _DEFAULTS: the policy of the RFC 3711 §8.2 defaults (25 bytes): AES-CM,
#     16, HMAC-SHA1, 20, 14, PRF AES-CM, KDR 0, SRTP and SRTCP encryption
#     on, FEC order 0, authentication on, tag 10, prefix 0, no RFC 4771 parameter
_MAC_LEN = const(0)
_POFF = const(3)
_DEFAULTS = const(23)
_TAB = const(
    b"\x00\x14\x20"
    b"\x00\x01\x02\x03\x04\x05\x06\x0a\x0b\x0c\x0d\x0e\x0f\x11\x13\x14\x15\x16\x17\x18"
    b"\x01\x10\x01\x14\x0e\x00\x00\x00\x00\x00\x01\x01\x00\x01\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
)

# The `_k` buffer of a Responder (mikey.psk's layout; mikey.dhhmac keeps it):
# keys protecting MIKEY (encr_key at 0, auth_key at 32, salt_key at 64,
# made the KEMAC IV in place), then
_K_IV = const(64)  # the KEMAC IV (16 bytes)
_K_T = const(84)  # T of the I_MESSAGE as 64 bits
_K_FLOOR = const(92)  # T at or before which nothing is accepted,
_K_HAS_FLOOR = const(100)  # and whether there is one;
_K_N = const(101)  # replay cache entries in use;
_K_NEXT = const(102)  # the CSB slot replaced next,
_K_H = const(103)  # the message's digest for the replay cache (8 bytes),
_K_KD = const(111)  # then the KEMAC plaintext (PSK) or the TGK and MKI (DH-HMAC)

# The message being read (a codec.Table) and its Key data sub-payloads (a
# codec.Keys): made by the first Responder or Initiator (made during the
# import they would split the heap between modules). One message at a time.
_TBL = _KEYS = None


def tables():
    """Make the shared tables (_TBL, _KEYS) unless they exist."""
    global _TBL, _KEYS
    if _TBL is None:
        _TBL = codec.Table()
        _KEYS = codec.Keys()


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
    """What a Responder of the PSK-keyed modes keeps: settings, the replay
    cache, the CSBs it keys (for updates) and the SRTP contexts out.

    psk         the pre-shared key (bytes); None accepts only MIKEY-NULL
    idr         our identity (bytes): checked against IDr, sent in R_MESSAGE
    expect_idi  when set, the IDi an I_MESSAGE must carry
    protected   the transport is already protected (TLS, RTSPS, protected
                SDP): MIKEY-NULL allowed
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
        tables()

    def reset(self):
        """Forget the replay cache and the CSBs (what a reboot loses); set
        not_before after it."""
        k = self._k
        k[_K_N] = k[_K_NEXT] = k[_K_HAS_FLOOR] = 0
        c = self._csb
        for o in range(4, len(c), 37):
            c[o] = 0xFF

    def _slot(self, d):
        """Where in _csb the CSB of message d is kept (§4.5), or -1."""
        c = self._csb
        s = -1
        for i in range(0, len(c), 37):
            if c[i + 4] != 0xFF and _eq(c, i, d, 4, 4):
                s = i
        return s

    def _when(self, d, n, t, now, lax):
        """T within the window and not a replay (§5.4) for the message
        d[:n] (table t): T as the 64 bits of the KEMAC IV (§4.2.3) into
        _k[_K_T] (NTP-UTC and NTP as they are, COUNTER left-padded with
        zeros, NTP-UTC-32, RFC 6043, with a zero fraction), its digest into
        _k[_K_H], then _replay's check. Returns where the T judged is (0:
        `now`, for COUNTER has no time) | the quirk bits << 8."""
        k = self._k
        s = t.start[0]
        x = d[s + 1]
        _mix(k, _K_T, k, _K_T, 8, 0xFF)  # zeros (x ^ x)
        _mix(k, _K_T + 4 if x == 2 else _K_T, d, s + 2, 8 if x < 2 else 4, 0)
        o = 0 if x == 2 else _K_T
        _mix(k, _K_H, hashlib.sha256(memoryview(d)[:n]).digest(), 0, 8, 0)
        return o | self._replay(o, now, False, lax) << 8

    def _keep(self, d, slot, r):
        """Remember the CSB of message d and its RAND r for updates (§4.5)
        in `slot`, or (-1) in the slot replaced next; a RAND too long to
        keep forgets the CSB. Returns the slot."""
        x = self._csb
        k = self._k
        if slot < 0:
            slot = k[_K_NEXT] * 37
            k[_K_NEXT] = (k[_K_NEXT] + 1) % (len(x) // 37)
        i = len(r)
        _mix(x, slot, d, 4, 4, 0)
        x[slot + 4] = i if i <= 32 else 0xFF
        if i <= 32:
            _mix(x, slot + 5, r, 0, i, 0)
        return slot

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
