"""Replay protection (RFC 3830 §5.4): a clock-skew window and a fixed-size
cache of the authenticated messages seen within it.

Times are NTP 64-bit values (seconds << 32 | fraction), as carried in T.
The cache never grows: when it is full the oldest entry leaves and nothing
at or before its timestamp is accepted any more, so the window effectively
shrinks (docs/profile.md, "Replay"). Only authenticated messages are added.
"""

import hashlib
from dataclasses import dataclass, field

from mikeyhost.errors import InvalidTimestamp, Replay

NTP_ONE_SECOND = 1 << 32
DEFAULT_WINDOW = 300  # seconds: ±5 minutes
DEFAULT_CAPACITY = 64
DIGEST_BYTES = 8  # truncated SHA-256 of the whole message


def message_digest(message: bytes) -> bytes:
    return hashlib.sha256(message).digest()[:DIGEST_BYTES]


def ntp_diff(a: int, b: int) -> int:
    """a - b for 64-bit NTP values, across the 2036 era boundary (RFC 4330
    §3): the difference is taken modulo 2**64 as a signed value."""
    d = (a - b) & ((1 << 64) - 1)
    return d - (1 << 64) if d >= 1 << 63 else d


@dataclass
class ReplayCache:
    window: int = DEFAULT_WINDOW  # seconds either side of now
    capacity: int = DEFAULT_CAPACITY
    not_before: int | None = None  # NTP: reject anything earlier (state lost)
    _entries: dict = field(default_factory=dict)  # digest -> T
    _floor: int | None = None  # NTP: T at or before this is refused (evictions)

    def check(self, t: int, message: bytes, now: int) -> None:
        """Raise InvalidTimestamp (Error no 1) for a T outside the window or
        before what the cache can vouch for, Replay for a message already
        accepted; return quietly otherwise. Nothing is recorded."""
        skew = ntp_diff(t, now)
        if abs(skew) > self.window * NTP_ONE_SECOND:
            raise InvalidTimestamp(f"timestamp {skew / NTP_ONE_SECOND:+.0f} s from now, window ±{self.window} s")
        if self.not_before is not None and ntp_diff(t, self.not_before) < 0:
            raise InvalidTimestamp("timestamp predates the replay state (lost on restart)")
        if self._floor is not None and ntp_diff(t, self._floor) <= 0:
            raise InvalidTimestamp("timestamp older than the replay cache remembers")
        if message_digest(message) in self._entries:
            raise Replay("message already accepted")

    def add(self, t: int, message: bytes, now: int) -> None:
        """Remember an authenticated message."""
        self._expire(now)
        if len(self._entries) >= self.capacity:
            oldest = min(self._entries, key=lambda d: self._entries[d])
            evicted = self._entries.pop(oldest)
            if self._floor is None or ntp_diff(evicted, self._floor) > 0:
                self._floor = evicted
        self._entries[message_digest(message)] = t

    def _expire(self, now: int) -> None:
        limit = self.window * NTP_ONE_SECOND
        for d in [d for d, t in self._entries.items() if ntp_diff(now, t) > limit]:
            del self._entries[d]

    def __len__(self) -> int:
        return len(self._entries)
