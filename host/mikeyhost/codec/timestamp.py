"""Timestamps: T (RFC 3830 §6.6; RFC 6043 §6.3) and TR (RFC 6043 §6.4),
and the NTP time scale they use.

    T:  Next(1) | TS type(1) | TS value (length implied by TS type)
    TR: Next(1) | TS Role(1) | TS type(1) | TS value

TS types: NTP-UTC and NTP are 64-bit NTP timestamps (32-bit seconds since
1900-01-01 00:00 UTC, then a 32-bit binary fraction), COUNTER is a 32-bit
counter, NTP-UTC-32 the seconds part alone. Where 64 bits are needed (the
KEMAC AES-CM IV, §4.2.3), COUNTER is left-padded with zeros (§6.6 note) and
NTP-UTC-32 gets a zero fraction (RFC 6043 §6.3). NTP seconds with the top
bit clear belong to the era that starts on 2036-02-07 (RFC 4330 §3), which
spans 1968-01-20 to 2104-02-26 in all.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..errors import InvalidTimestamp
from ._wire import Payload, Reader, enum_or_int, u8, uint
from .enums import TS_LEN, PayloadType, TsRole, TsType

NTP_EPOCH = datetime(1900, 1, 1, tzinfo=timezone.utc)
NTP_ERA_1 = NTP_EPOCH + timedelta(seconds=1 << 32)  # 2036-02-07 06:28:16 UTC
_US = 1_000_000


def ntp_to_datetime(ntp64: int) -> datetime:
    """An aware UTC datetime for a 64-bit NTP timestamp, microsecond
    precision (the fraction is truncated)."""
    seconds, fraction = (ntp64 >> 32) & 0xFFFFFFFF, ntp64 & 0xFFFFFFFF
    base = NTP_EPOCH if seconds & 0x80000000 else NTP_ERA_1
    return base + timedelta(seconds=seconds, microseconds=(fraction * _US) >> 32)


def datetime_to_ntp(when: datetime) -> int:
    """The 64-bit NTP timestamp of `when` (naive means UTC). The fraction is
    rounded up, so ntp_to_datetime gives `when` back exactly. Raises
    ValueError outside 1968-01-20 .. 2104-02-26, which NTP cannot carry."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    total_us = (when - NTP_EPOCH) // timedelta(microseconds=1)
    seconds, us = divmod(total_us, _US)
    if not 1 << 31 <= seconds < (1 << 32) + (1 << 31):
        raise ValueError(f"{when.isoformat()} is outside the NTP range 1968-2104")
    fraction = -((-us << 32) // _US)
    return (seconds & 0xFFFFFFFF) << 32 | fraction


def ts_len(ts_type: int, at: int | None = None) -> int:
    try:
        return TS_LEN[TsType(ts_type)]
    except ValueError:
        raise InvalidTimestamp(f"TS type {ts_type} is not supported", offset=at) from None


class _TimeValue:
    """What T and TR share: a TS type and its value as an unsigned int."""

    ts_type: TsType
    value: int

    def t64(self) -> int:
        """The 64-bit value for the KEMAC AES-CM IV: COUNTER left-padded,
        NTP-UTC-32 with a zero fraction, the NTP types as they are."""
        if self.ts_type == TsType.NTP_UTC_32:
            return self.value << 32
        return self.value

    @property
    def time(self) -> datetime | None:
        """The time the value stands for; None for COUNTER."""
        if self.ts_type == TsType.COUNTER:
            return None
        return ntp_to_datetime(self.t64())

    def value_bytes(self) -> bytes:
        n = TS_LEN.get(self.ts_type)
        if n is None:
            raise ValueError(f"TS type {self.ts_type} is not supported")
        return uint(self.value, n, "TS value")

    @staticmethod
    def _value_from(when: datetime, ts_type: TsType) -> int:
        if ts_type == TsType.COUNTER:
            raise ValueError("a COUNTER timestamp is not a time")
        ntp = datetime_to_ntp(when)
        return ntp >> 32 if ts_type == TsType.NTP_UTC_32 else ntp


@dataclass
class T(_TimeValue, Payload):
    ts_type: TsType
    value: int
    payload_type = PayloadType.T

    @classmethod
    def from_datetime(cls, when: datetime, ts_type: TsType = TsType.NTP_UTC) -> "T":
        return cls(ts_type, cls._value_from(when, ts_type))

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("T Next payload")
        at = r.pos
        ts_type = r.u8("TS type")
        value = r.fixed(ts_len(ts_type, at), "TS value")
        return cls(TsType(ts_type), int.from_bytes(value, "big")), next_payload

    def write(self, next_payload: int) -> bytes:
        return u8(next_payload) + u8(self.ts_type) + self.value_bytes()


@dataclass
class TR(_TimeValue, Payload):
    """Timestamp with a role (MIKEY-TICKET)."""
    ts_role: TsRole | int
    ts_type: TsType
    value: int
    payload_type = PayloadType.TR

    @classmethod
    def from_datetime(cls, ts_role: TsRole | int, when: datetime,
                      ts_type: TsType = TsType.NTP_UTC) -> "TR":
        return cls(ts_role, ts_type, cls._value_from(when, ts_type))

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("TR Next payload")
        ts_role = enum_or_int(TsRole, r.u8("TS Role"))
        at = r.pos
        ts_type = r.u8("TS type")
        value = r.fixed(ts_len(ts_type, at), "TS value")
        return cls(ts_role, TsType(ts_type), int.from_bytes(value, "big")), next_payload

    def write(self, next_payload: int) -> bytes:
        return u8(next_payload) + u8(self.ts_role, "TS Role") + u8(self.ts_type) + \
            self.value_bytes()
