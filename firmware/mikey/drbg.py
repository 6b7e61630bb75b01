"""HMAC_DRBG with SHA-256 (NIST SP 800-90A Rev. 1 §10.1.2): the random
source for RAND, CSB IDs, keys and private exponents.

Seeded from os.urandom, never from the `random` module (a non-cryptographic
generator). os.urandom is the port's hardware source, and on these boards a
weak one: the RP2040 has no TRNG (its ring-oscillator bits are what it has)
and the ESP32's RNG is only truly random while the radio runs. So the DRBG
mixes those bytes with the caller's personalization string (§8.7.1: a
device serial, a provisioned secret, a boot counter) and carries its state
from request to request. SHA-256 gives a 256-bit security strength: 32
bytes of entropy input and a 16-byte nonce, both read from os.urandom.

`Drbg(pers, seed)` takes entropy input || nonce from the caller instead: a
deterministic generator for tests and known-answer vectors.
"""

from micropython import const
from os import urandom

from mikey.crypto import _mix, mac_begin, mac_end
from mikey.errors import MikeyError

_R_OVERFLOW = const(19)  # reason: a copy of mikey.errors
_MAX_REQUEST = const(65536)  # 2^19 bits per request (§10.1 Table 2)
_RESEED_INTERVAL = const(1 << 20)  # requests between reseeds (§10.1: up to 2^48)


class Drbg:
    """HMAC_DRBG instantiated (§10.1.2.3) with a personalization string
    (bytes, may be empty) and seed = entropy input || nonce (48 bytes of
    os.urandom unless given)."""

    def __init__(self, personalization=b"", seed=None):
        self.key = bytearray(32)  # Key = 0x00 ... 00
        self.v = bytearray(b"\x01" * 32)  # V = 0x01 ... 01
        self._update(seed or urandom(48), personalization)
        self.count = 1  # reseed_counter

    def reseed(self, additional=None, entropy=None):
        """HMAC_DRBG_Reseed (§10.1.2.4): 32 fresh bytes of os.urandom (or the
        entropy input given) and optional additional input."""
        self._update(entropy or urandom(32), additional)
        self.count = 1

    def generate_into(self, buf, off, n, additional=None):
        """Write n pseudorandom bytes into buf[off:off+n]; return n
        (HMAC_DRBG_Generate, §10.1.2.5; at most 65536 bytes a request). After
        2^20 requests it reseeds from os.urandom first."""
        if off < 0 or n < 0 or off + n > len(buf) or n > _MAX_REQUEST:
            raise MikeyError(_R_OVERFLOW)
        if type(buf) is bytes:
            raise TypeError()  # viper would write into an immutable object
        if self.count > _RESEED_INTERVAL:
            self.reseed()
        if additional:
            self._update(additional)
        key = self.key
        v = self.v
        end = off + n
        while off < end:
            h = mac_begin(key, 0, 32, True)  # V = HMAC(Key, V); output V
            h.update(v)
            d = mac_end(h, True)
            _mix(v, 0, d, 0, 32, 0)
            k = min(32, end - off)
            _mix(buf, off, d, 0, k, 0)
            off += k
        self._update(additional)
        self.count += 1
        return n

    def _update(self, data, more=None):
        # HMAC_DRBG_Update (§10.1.2.2), provided_data = data || more (either
        # may be None or empty), fed in parts rather than joined
        key = self.key
        v = self.v
        for sep in b"\x00\x01":
            h = mac_begin(key, 0, 32, True)  # Key = HMAC(Key, V || sep || data)
            h.update(v)
            h.update(b"\x01" if sep else b"\x00")
            if data:
                h.update(data)
            if more:
                h.update(more)
            _mix(key, 0, mac_end(h, True), 0, 32, 0)
            h = mac_begin(key, 0, 32, True)  # V = HMAC(Key, V)
            h.update(v)
            _mix(v, 0, mac_end(h, True), 0, 32, 0)
            if not data and not more:
                return
