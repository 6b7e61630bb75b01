"""Wireshark's MIKEY dissector as a peer: write the messages into a pcap as
UDP datagrams to port 2269, dissect with tshark, and read the PDML.

tshark verifies nothing cryptographic and flags only length overruns as
malformed, so `uncovered()` also checks that every byte of the message was
shown by some decoded field: a payload it stopped decoding shows up there.
"""

import os
import shutil
import struct
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

MIKEY_PORT = 2269  # RFC 5197 §6
HEADERS = 14 + 20 + 8  # Ethernet, IPv4, UDP before the MIKEY bytes


def available() -> bool:
    return shutil.which("tshark") is not None


def _ip_checksum(header: bytes) -> int:
    s = sum(struct.unpack(">10H", header))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def write_pcap(messages, path: Path):
    """Classic pcap, Ethernet link type, one UDP datagram 2269 -> 2269 each."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, m in enumerate(messages):
            udp = struct.pack(">HHHH", MIKEY_PORT, MIKEY_PORT, 8 + len(m), 0) + m
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                             b"\x7f\x00\x00\x01", b"\x7f\x00\x00\x02")
            ip = ip[:10] + struct.pack(">H", _ip_checksum(ip)) + ip[12:]
            frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp
            f.write(struct.pack("<IIII", i, 0, len(frame), len(frame)) + frame)


@dataclass
class Field:
    name: str
    pos: int  # offset in the MIKEY message
    size: int
    show: str
    value: str
    children: list = field(default_factory=list)


@dataclass
class Dissection:
    message: bytes
    fields: list  # top-level fields of the mikey protocol tree
    malformed: bool
    expert: list  # expert-info messages

    def walk(self):
        stack = list(reversed(self.fields))
        while stack:
            f = stack.pop()
            yield f
            stack.extend(reversed(f.children))

    def all(self, name):
        return [f for f in self.walk() if f.name == name]

    def first(self, name):
        fs = self.all(name)
        return fs[0] if fs else None

    def uncovered(self):
        """Offsets of message bytes that no leaf field shows.

        Known display bugs of tshark 4.0 are allowed for: SP parameter
        type/length bytes are drawn at wrong offsets (the value is right, so
        the two bytes before it count as shown); the Key data sub-payload's
        Next Payload byte is not shown."""
        covered = bytearray(len(self.message))
        for f in self.walk():
            if f.children or f.size <= 0:
                continue
            lo, hi = f.pos, f.pos + f.size
            if f.name == "mikey.sp.patam.value" or f.name.startswith("mikey.sp.") and f.name not in (
                    "mikey.sp.no", "mikey.sp.proto_type", "mikey.sp.param_len", "mikey.sp.param.type",
                    "mikey.sp.param.len"):
                lo = max(0, lo - 2)
            for i in range(max(lo, 0), min(hi, len(covered))):
                covered[i] = 1
        for f in self.all("mikey.key"):
            if 0 <= f.pos < len(covered):
                covered[f.pos] = 1
        return [i for i, c in enumerate(covered) if not c]


def _field(el) -> Field:
    pos = int(el.get("pos", "0")) - HEADERS
    return Field(el.get("name", ""), pos, int(el.get("size", "0")), el.get("show", ""),
                 el.get("value", ""), [_field(c) for c in el.findall("field")])


def dissect(messages) -> list[Dissection]:
    """Dissect each message; one Dissection per message, in order."""
    messages = list(messages)
    with tempfile.TemporaryDirectory() as d:
        pcap = Path(d) / "mikey.pcap"
        write_pcap(messages, pcap)
        cfg = Path(d) / "config"
        cfg.mkdir()
        env = dict(os.environ, WIRESHARK_CONFIG_DIR=str(cfg), HOME=d)
        r = subprocess.run(["tshark", "-n", "-r", str(pcap), "-d", f"udp.port=={MIKEY_PORT},mikey",
                            "-T", "pdml"], capture_output=True, text=True, env=env, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"tshark failed: {r.stderr}")
    root = ET.fromstring(r.stdout)
    out = []
    for m, pkt in zip(messages, root.findall("packet"), strict=True):
        protos = {p.get("name"): p for p in pkt.findall("proto")}
        mikey = protos.get("mikey")
        fields = [_field(f) for f in mikey.findall("field")] if mikey is not None else []
        expert = [f.get("showname", "") for f in pkt.iter("field") if f.get("name", "").startswith("_ws.expert")]
        malformed = "_ws.malformed" in protos or any("Malformed" in (p.get("showname") or "") for p in pkt.iter("proto"))
        out.append(Dissection(m, fields, malformed, expert))
    return out


def check_dh_messages(messages) -> None:
    """Assert that tshark decodes each DH-carrying message (DH-HMAC, DH-SIGN)
    whole, not malformed, with the data type and every DH payload's group
    and value the twin's decoder reads."""
    from mikeyhost.payloads import DH, decode_message

    messages = list(messages)
    for m, d in zip(messages, dissect(messages)):
        assert not d.malformed and d.uncovered() == [], m.hex()
        dm = decode_message(m).message
        assert int(d.first("mikey.type").show) == dm.header.data_type
        assert [f.value for f in d.all("mikey.dh.value")] == [p.value.hex() for p in dm.find_all(DH)]
        assert [int(f.show) for f in d.all("mikey.dh.group")] == [p.group for p in dm.find_all(DH)]
