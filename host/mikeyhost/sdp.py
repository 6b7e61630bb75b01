"""MIKEY in SDP and RTSP (RFC 4567): the `a=key-mgmt` attribute at session
and media level, the protocol-ID list that bidding-down protection
authenticates, and the RTSP `KeyMgmt` header."""

import base64
import binascii
import re
from dataclasses import dataclass, field

from mikeyhost.errors import MikeyError

MIKEY = "mikey"  # the registered KMPID, lowercase and case-sensitive (RFC 4567 §9.3)

_ATTR = re.compile(r"^(?:a=)?key-mgmt: ?([A-Za-z0-9]+) (\S+)\s*$")  # RFC 4567 §3.1
_KMPID = re.compile(r"^[A-Za-z0-9]+$")


class SdpError(MikeyError):
    """Not a usable key-mgmt attribute or KeyMgmt header."""


@dataclass
class KeyMgmt:
    """One key-mgmt attribute: protocol ID and the decoded message."""

    kmpid: str
    data: bytes


@dataclass
class SessionKeyMgmt:
    """The key-mgmt attributes of an SDP description, by level."""

    session: list = field(default_factory=list)  # [KeyMgmt], in SDP order
    media: list = field(default_factory=list)  # one [KeyMgmt] per m-line

    def for_media(self, index: int, kmpid: str = MIKEY) -> bytes | None:
        """The message that applies to m-line `index`: its own attribute if it
        has one, else the session-level one (RFC 4567 §3.1)."""
        for level in (self.media[index] if index < len(self.media) else [], self.session):
            for km in level:
                if km.kmpid == kmpid:
                    return km.data
        return None

    def protocol_list(self, index: int | None = None) -> str:
        """The ";"-joined KMPIDs offered, in SDP order (RFC 4567 §4.1.4): the
        string the SDP IDs General Extension carries. `index` picks the
        media level; None the session level."""
        level = self.session if index is None else (self.media[index] or self.session)
        return ";".join(km.kmpid for km in level)


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise SdpError(f"key-mgmt data is not base64: {e}") from None


def parse_attribute(line: str) -> KeyMgmt:
    """'a=key-mgmt:mikey AQAF...' (the 'a=' optional) -> KeyMgmt."""
    m = _ATTR.match(line.strip())
    if not m:
        raise SdpError("not a key-mgmt attribute")
    return KeyMgmt(m.group(1), _b64decode(m.group(2)))


def format_attribute(message: bytes, kmpid: str = MIKEY) -> str:
    """The SDP line carrying `message`: a=key-mgmt:mikey <base64>."""
    if not _KMPID.match(kmpid):
        raise SdpError(f"bad protocol ID {kmpid!r}")
    return f"a=key-mgmt:{kmpid} {base64.b64encode(message).decode()}"


def parse_sdp(text: str) -> SessionKeyMgmt:
    """Collect the key-mgmt attributes of an SDP description by level."""
    out = SessionKeyMgmt()
    level = out.session
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("m="):
            out.media.append([])
            level = out.media[-1]
        elif line.startswith("a=key-mgmt:"):
            level.append(parse_attribute(line))
    return out


def add_to_sdp(text: str, message: bytes, media: int | None = None, kmpid: str = MIKEY) -> str:
    """Insert the attribute at session level (before the first m-line) or at
    the end of m-line `media`."""
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    m_lines = [i for i, ln in enumerate(lines) if ln.startswith("m=")]
    attr = format_attribute(message, kmpid)
    if media is None:
        at = m_lines[0] if m_lines else len(lines)
    else:
        if media >= len(m_lines):
            raise SdpError(f"no m-line {media}")
        at = m_lines[media + 1] if media + 1 < len(m_lines) else len(lines)
    lines.insert(at, attr)
    return "\r\n".join(lines) + "\r\n"


# -- RTSP (RFC 4567 §3.2): KeyMgmt: prot=mikey; uri="..."; data="..." ------
# The section's ABNF omits the data parameter; its examples (§5.3, §5.4) and
# every deployed implementation carry it, so those are followed.

_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*("([^"]*)"|[^;,\s]+)\s*')


def parse_rtsp_header(value: str) -> list:
    """'prot=mikey; uri="rtsp://..."; data="..."' (several comma-separated
    specs allowed) -> [(kmpid, uri or None, data bytes)]. The protocol ID is
    matched case-insensitively on input."""
    out = []
    for spec in value.split(","):
        params = {}
        for part in spec.split(";"):
            if not part.strip():
                continue
            m = _PARAM.fullmatch(part)
            if not m:
                raise SdpError(f"bad KeyMgmt parameter {part.strip()!r}")
            params[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
        if "prot" not in params or "data" not in params:
            raise SdpError("KeyMgmt needs prot= and data=")
        out.append((params["prot"].lower(), params.get("uri"), _b64decode(params["data"])))
    return out


def format_rtsp_header(message: bytes, uri: str | None = None, kmpid: str = MIKEY) -> str:
    parts = [f"prot={kmpid}"]
    if uri is not None:
        parts.append(f'uri="{uri}"')
    parts.append(f'data="{base64.b64encode(message).decode()}"')
    return "; ".join(parts)
