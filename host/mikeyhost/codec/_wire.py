"""Bounded big-endian reading and checked writing of MIKEY fields.

Every multi-byte MIKEY integer is in network byte order (RFC 3830 §6).
A Reader walks data[start:end]; a fixed-size field that runs past the end
raises `short` (Truncated for the whole message, BadLength inside a region
whose size a length field declared), and a length field that promises more
bytes than are left raises BadLength. The position is unchanged after a
failed read, so no error leaves a half-read field behind.
"""

from ..errors import BadLength, MikeyError, Truncated


class Reader:
    def __init__(self, data: bytes, start: int = 0, end: int | None = None,
                 short: type[MikeyError] = Truncated):
        self.data = data
        self.pos = start
        self.end = len(data) if end is None else end
        self.short = short

    def remaining(self) -> int:
        return self.end - self.pos

    def at_end(self) -> bool:
        return self.pos >= self.end

    def _need(self, n: int, what: str) -> int:
        if self.pos + n > self.end:
            raise self.short(f"{what}: needs {n} bytes, {self.remaining()} left",
                             offset=self.pos)
        p = self.pos
        self.pos = p + n
        return p

    def u8(self, what: str = "field") -> int:
        return self.data[self._need(1, what)]

    def u16(self, what: str = "field") -> int:
        p = self._need(2, what)
        return int.from_bytes(self.data[p:p + 2], "big")

    def u32(self, what: str = "field") -> int:
        p = self._need(4, what)
        return int.from_bytes(self.data[p:p + 4], "big")

    def fixed(self, n: int, what: str = "field") -> bytes:
        """n bytes whose size the message does not state (implied by an
        algorithm, a group or the field definition)."""
        p = self._need(n, what)
        return bytes(self.data[p:p + n])

    def counted(self, n: int, what: str = "field") -> bytes:
        """n bytes whose size a length field in the message stated."""
        if n > self.remaining():
            raise BadLength(f"{what}: length {n} overruns the {self.remaining()} bytes left",
                            offset=self.pos)
        p = self.pos
        self.pos = p + n
        return bytes(self.data[p:p + n])

    def region(self, n: int, what: str = "field") -> "Reader":
        """A Reader over the next n bytes, whose size a length field stated;
        running out inside it means that length was wrong (BadLength)."""
        if n > self.remaining():
            raise BadLength(f"{what}: length {n} overruns the {self.remaining()} bytes left",
                            offset=self.pos)
        sub = Reader(self.data, self.pos, self.pos + n, short=BadLength)
        self.pos += n
        return sub


def enum_or_int(enum_cls, value: int):
    """The enum member for a wire value, or the plain int when the value
    is not one the enum names (kept so the message re-encodes unchanged)."""
    try:
        return enum_cls(value)
    except ValueError:
        return value


def _check(value, bits: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what}: expected an int, got {type(value).__name__}")
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{what}: {value} does not fit in {bits} bits")
    return int(value)


def u8(value: int, what: str = "field") -> bytes:
    return bytes((_check(value, 8, what),))


def u16(value: int, what: str = "field") -> bytes:
    return _check(value, 16, what).to_bytes(2, "big")


def u32(value: int, what: str = "field") -> bytes:
    return _check(value, 32, what).to_bytes(4, "big")


def uint(value: int, nbytes: int, what: str = "field") -> bytes:
    return _check(value, 8 * nbytes, what).to_bytes(nbytes, "big")


def check_bits(value: int, bits: int, what: str) -> int:
    """`value` as an int after checking it fits in `bits` bits (encoding)."""
    return _check(value, bits, what)


def blob(data, max_len: int, what: str) -> bytes:
    """Bytes to be written after a length field that holds at most max_len."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"{what}: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_len:
        raise ValueError(f"{what}: {len(data)} bytes, at most {max_len} fit")
    return data


class Payload:
    """Base of every payload that follows HDR. Subclasses name their
    `payload_type` and hold their wire format in `read` and `write`; the
    Next payload field is not stored, it follows from the message order."""

    payload_type = None  # a PayloadType, set by each subclass

    @classmethod
    def read(cls, r: Reader):
        """Decode one payload at r.pos; returns (payload, next payload value)."""
        raise NotImplementedError

    def write(self, next_payload: int) -> bytes:
        raise NotImplementedError
