"""Common header (HDR, RFC 3830 §6.1) and its CS ID maps: SRTP-ID
(§6.1.1), Empty (RFC 4563 §5) and GENERIC-ID (RFC 6043 §6.1.1).

    version(1) | data type(1) | next payload(1) | V(1 bit) PRF func(7 bits)
    | CSB ID(4) | #CS(1) | CS ID map type(1) | CS ID map info(variable)

The map info is #CS × 9 bytes for SRTP-ID (the "16 bits" in §6.1 is not
what any implementation sends), nothing for the Empty map, and #CS
variable-length blocks for GENERIC-ID.
"""

from dataclasses import dataclass, field

from ..errors import BadVersion, UnknownPayload, UnsupportedDataType
from ._wire import Reader, blob, check_bits, enum_or_int, u8, u16, u32
from .enums import CsIdMapType, DataType, PrfFunc

MIKEY_VERSION = 1
HDR_FIXED_LEN = 10  # version .. CS ID map type; the map info follows


@dataclass
class SrtpIdEntry:
    """One crypto session of the SRTP-ID map; its CS ID is its 1-based
    position in the map (§6.1.1, RFC 4567 §7.1)."""
    policy_no: int
    ssrc: int
    roc: int = 0


@dataclass
class SrtpIdMap:
    entries: list[SrtpIdEntry] = field(default_factory=list)
    map_type = CsIdMapType.SRTP_ID

    @property
    def n_cs(self) -> int:
        return len(self.entries)


@dataclass
class EmptyMap:
    """Policy and mapping carried outside MIKEY (RFC 4563 §5): no map info,
    and no SP payload may be present. #CS still counts crypto sessions."""
    n_cs: int = 0
    map_type = CsIdMapType.EMPTY


@dataclass
class GenericIdEntry:
    """One block of the GENERIC-ID map (RFC 6043 §6.1.1).

        CS ID(1) | Prot type(1) | S(1 bit) #P(7 bits) | Policy_no × #P
        | Session Data Length(2) | Session Data | SPI Length(1) | SPI
    """
    cs_id: int
    prot_type: int = 0
    s: bool = False
    policies: list[int] = field(default_factory=list)
    session_data: bytes = b""
    spi: bytes = b""

    @property
    def ssrc(self) -> int | None:
        """SSRC of SRTP session data (prot type 0), when present."""
        if self.prot_type == 0 and len(self.session_data) >= 4:
            return int.from_bytes(self.session_data[:4], "big")
        return None

    @property
    def roc(self) -> int | None:
        """ROC of SRTP session data, present when the S flag is set."""
        if self.prot_type == 0 and self.s and len(self.session_data) >= 8:
            return int.from_bytes(self.session_data[4:8], "big")
        return None

    @property
    def seq(self) -> int | None:
        """SEQ of SRTP session data, present when the S flag is set."""
        if self.prot_type == 0 and self.s and len(self.session_data) >= 10:
            return int.from_bytes(self.session_data[8:10], "big")
        return None


@dataclass
class GenericIdMap:
    entries: list[GenericIdEntry] = field(default_factory=list)
    map_type = CsIdMapType.GENERIC_ID

    @property
    def n_cs(self) -> int:
        return len(self.entries)


CsIdMap = SrtpIdMap | EmptyMap | GenericIdMap


@dataclass
class Header:
    """HDR. The Next payload field is not kept: it is the type of the first
    payload of the message."""
    data_type: DataType | int
    csb_id: int
    cs_map: CsIdMap = field(default_factory=SrtpIdMap)
    v: bool = False
    prf_func: PrfFunc | int = PrfFunc.MIKEY_1
    version: int = MIKEY_VERSION

    @property
    def n_cs(self) -> int:
        return self.cs_map.n_cs

    @classmethod
    def read(cls, r: Reader, *, known_data_type: bool = True):
        """Decode HDR at r.pos; returns (header, next payload value). The
        fixed part must be complete before its fields are judged, so a
        short header is Truncated whatever its first bytes hold. With
        `known_data_type` False an undefined data type is kept as an int."""
        start = r.pos
        fixed = Reader(r.fixed(HDR_FIXED_LEN, "HDR"))
        version = fixed.u8()
        if version != MIKEY_VERSION:
            raise BadVersion(f"MIKEY version {version}, only 1 is defined", offset=start)
        data_type = fixed.u8()
        try:
            data_type = DataType(data_type)
        except ValueError:
            if known_data_type:
                raise UnsupportedDataType(f"data type {data_type} is not defined",
                                          offset=start + 1) from None
        next_payload = fixed.u8()
        v_prf = fixed.u8()
        csb_id = fixed.u32()
        n_cs = fixed.u8()
        map_type = fixed.u8()
        if map_type == CsIdMapType.SRTP_ID:
            cs_map = SrtpIdMap([SrtpIdEntry(r.u8("SRTP-ID Policy_no"), r.u32("SRTP-ID SSRC"),
                                            r.u32("SRTP-ID ROC"))
                                for _ in range(n_cs)])
        elif map_type == CsIdMapType.EMPTY:
            cs_map = EmptyMap(n_cs)
        elif map_type == CsIdMapType.GENERIC_ID:
            cs_map = GenericIdMap([_read_generic_entry(r) for _ in range(n_cs)])
        else:
            raise UnknownPayload(f"CS ID map type {map_type} is not defined", offset=start + 9)
        header = cls(data_type=data_type, csb_id=csb_id, cs_map=cs_map,
                     v=bool(v_prf & 0x80), prf_func=enum_or_int(PrfFunc, v_prf & 0x7F),
                     version=version)
        return header, next_payload

    def write(self, next_payload: int) -> bytes:
        cs_map = self.cs_map
        out = [u8(self.version, "HDR version"), u8(self.data_type, "HDR data type"),
               u8(next_payload, "HDR next payload"),
               u8((0x80 if self.v else 0) | check_bits(self.prf_func, 7, "HDR PRF func")),
               u32(self.csb_id, "HDR CSB ID"), u8(cs_map.n_cs, "HDR #CS"),
               u8(cs_map.map_type)]
        if isinstance(cs_map, SrtpIdMap):
            for e in cs_map.entries:
                out += [u8(e.policy_no, "SRTP-ID Policy_no"), u32(e.ssrc, "SRTP-ID SSRC"),
                        u32(e.roc, "SRTP-ID ROC")]
        elif isinstance(cs_map, GenericIdMap):
            out += [_write_generic_entry(e) for e in cs_map.entries]
        elif not isinstance(cs_map, EmptyMap):
            raise ValueError(f"HDR: not a CS ID map: {cs_map!r}")
        return b"".join(out)


def _read_generic_entry(r: Reader) -> GenericIdEntry:
    cs_id = r.u8("GENERIC-ID CS ID")
    prot_type = r.u8("GENERIC-ID Prot type")
    s_p = r.u8("GENERIC-ID S/#P")
    policies = list(r.counted(s_p & 0x7F, "GENERIC-ID Ps"))
    session_data = r.counted(r.u16("GENERIC-ID Session Data Length"), "GENERIC-ID Session Data")
    spi = r.counted(r.u8("GENERIC-ID SPI Length"), "GENERIC-ID SPI")
    return GenericIdEntry(cs_id, prot_type, bool(s_p & 0x80), policies, session_data, spi)


def _write_generic_entry(e: GenericIdEntry) -> bytes:
    if len(e.policies) > 0x7F:
        raise ValueError("GENERIC-ID: at most 127 policies per crypto session")
    session_data = blob(e.session_data, 0xFFFF, "GENERIC-ID Session Data")
    spi = blob(e.spi, 0xFF, "GENERIC-ID SPI")
    return b"".join([u8(e.cs_id, "GENERIC-ID CS ID"), u8(e.prot_type, "GENERIC-ID Prot type"),
                     u8((0x80 if e.s else 0) | len(e.policies)),
                     b"".join(u8(p, "GENERIC-ID Policy_no") for p in e.policies),
                     u16(len(session_data)), session_data, u8(len(spi)), spi])
