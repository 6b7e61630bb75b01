"""AES in counter mode (RFC 3711 §4.1.1) on cryptolib's ECB cipher.

cryptolib's own CTR mode (MODE_CTR) is compiled out of the ESP32 and RP2040
firmware, so the counter is kept here: the keystream is E(k, IV) ||
E(k, IV + 1) || ..., each block encrypted by `cryptolib.aes(key, 1)` into a
preallocated buffer and XORed into the data in place. The counter block and
the keystream block belong to the AesCm object: once it is made, `start`,
`start_kemac` and `xor` allocate nothing.

The counter is the whole 128-bit block (IV + i mod 2^128, as §4.1.1 writes
it); with the 16 low bits of the IV zero, as in SRTP and in the KEMAC IV
(RFC 3830 §4.2.3), and at most 2^16 blocks per IV, that is the same as
counting in the low 16 bits.
"""

import cryptolib

from mikey.ct import _cm, _mix
from mikey.errors import Overflow, Truncated


class AesCm:
    """AES-CM with key[off:off+n] (all of key by default): 16 bytes for
    AES-CM-128, 32 for AES-CM-256 (RFC 6043). Making one costs one cryptolib
    cipher (its key schedule) and the two 16-byte blocks."""

    def __init__(self, key, off=0, n=-1):
        if n < 0:
            n = len(key) - off
        if off != 0 or n != len(key):
            key = memoryview(key)[off : off + n]
        self.ecb = cryptolib.aes(key, 1)
        self.ctr = bytearray(16)
        self.ks = bytearray(16)

    def start(self, iv, off=0):
        """Set the counter to the 16-byte IV at iv[off:]."""
        if off < 0 or off + 16 > len(iv):
            raise Truncated()
        _mix(self.ctr, 0, iv, off, 16, 0)

    def start_kemac(self, salt, soff, csb_id, coff, t, toff):
        """Set the counter to the KEMAC IV of RFC 3830 §4.2.3:
        (S XOR (0x0000 || CSB ID || T)) || 0x0000, with the 14-byte salt key S
        at salt[soff:], the CSB ID at csb_id[coff:] (4 bytes) and the
        Initiator's 64-bit timestamp at t[toff:] (8 bytes)."""
        if (soff < 0 or soff + 14 > len(salt) or coff < 0 or coff + 4 > len(csb_id)
                or toff < 0 or toff + 8 > len(t)):
            raise Truncated()
        c = self.ctr
        _mix(c, 0, salt, soff, 14, 0)
        c[14] = 0
        c[15] = 0
        _mix(c, 2, csb_id, coff, 4, 0xFF)
        _mix(c, 6, t, toff, 8, 0xFF)

    def xor(self, buf, off=0, n=-1):
        """XOR the next n bytes of keystream into buf[off:off+n] (to the end
        of buf by default), which encrypts or decrypts in place; return n.
        The counter moves on by one per 16 bytes or part of them, so a stream
        split over several calls is continuous when every call but the last
        covers whole blocks."""
        if n < 0:
            n = len(buf) - off
        if off < 0 or n < 0 or off + n > len(buf):
            raise Overflow()
        if type(buf) is bytes:
            raise TypeError()  # viper would write into an immutable object
        _cm(self.ecb, self.ctr, self.ks, buf, off, n)
        return n
