"""The PC end of the serial link to a device agent (docs/serial-protocol.md):
request/response with ids over any byte stream — a board's USB port or UART
through pyserial, or the pseudo-terminal of a simulated board."""

import hashlib
import hmac
import json
import struct
import time
from dataclasses import dataclass

from mikeyhost.frame import RESPONSE, Frame, FrameType, LinkError, Parser, encode

IDLE = 0.2  # seconds of silence that end a partial frame (the device uses the same)


class LinkTimeout(Exception):
    """No answer from the device."""


class DeviceError(Exception):
    """The device answered with an ERROR frame."""

    def __init__(self, kind: int, detail: int, text: str):
        try:
            name = LinkError(kind).name.lower().replace("_", "-")
        except ValueError:
            name = f"kind {kind}"
        super().__init__(f"device error {name}" + (f" ({detail})" if detail else "") + (f": {text}" if text else ""))
        self.kind, self.detail, self.text = kind, detail, text


@dataclass
class MikeyReply:
    """What the device made of a MIKEY message (frame 0x83)."""
    status: int  # 0 accepted, 1 rejected, 2 its own exchange finished
    error_no: int
    csb_id: int
    message: bytes


class Link:
    """Requests to the agent, one at a time, repeated on a timeout."""

    def __init__(self, stream, *, timeout: float = 3.0, retries: int = 2, max_payload: int = 1024,
                 on_log=None, on_wait=None):
        self.stream = stream  # read(n) returning what is there (may be b""), write(b)
        self.timeout = timeout
        self.retries = retries
        self.parser = Parser(max_payload)
        self.next_id = 1
        self.on_log = on_log
        self.on_wait = on_wait  # called while an answer is awaited (progress)
        self.faults = []  # link faults seen (garbage, bad CRC, ...)
        self.time_key = None  # the device's time key, for setting its clock (remembered from provision())

    def request(self, ftype: int, payload: bytes = b"", *, timeout: float | None = None) -> bytes:
        fid = self.next_id
        self.next_id = self.next_id % 255 + 1
        frame = encode(ftype, fid, payload)
        for _attempt in range(self.retries + 1):
            self.stream.write(frame)
            got = self._wait(fid, ftype, timeout or self.timeout)
            if got is not None:
                if got.type == FrameType.ERROR:
                    kind, detail = (got.payload + b"\x00\x00")[:2]
                    raise DeviceError(kind, detail, got.payload[2:].decode(errors="replace"))
                return got.payload
        raise LinkTimeout(f"no answer to frame type {ftype:#04x} id {fid}")

    def _wait(self, fid: int, ftype: int, timeout: float):
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            data = self.stream.read(4096)
            items = self.parser.feed(data) if data else []
            if data:
                quiet_since = time.monotonic()
            elif self.parser.buf and time.monotonic() - quiet_since > IDLE:
                items = self.parser.idle()
            for item in items:
                if not isinstance(item, Frame):
                    self.faults.append(item)
                elif item.type == FrameType.LOG:
                    if self.on_log:
                        self.on_log(item.payload.decode(errors="replace"))
                elif item.id == fid and item.type in (ftype | RESPONSE, FrameType.ERROR):
                    return item
                # anything else: a stale answer to an earlier attempt
            if not data:
                if self.on_wait:
                    self.on_wait()
                time.sleep(0.002)
        return None

    # -- the frame types ----------------------------------------------------------

    def hello(self) -> dict:
        return json.loads(self.request(FrameType.HELLO))

    def provision(self, settings: dict) -> dict:
        got = json.loads(self.request(FrameType.PROVISION, json.dumps(settings).encode()))
        if settings.get("time_key"):
            self.time_key = bytes.fromhex(settings["time_key"])
        return got

    def mikey(self, message: bytes, timeout: float | None = None) -> MikeyReply:
        p = self.request(FrameType.MIKEY, message, timeout=timeout)
        if len(p) < 6:
            raise DeviceError(LinkError.BAD_PAYLOAD, 0, "short MIKEY reply")
        status, error_no, csb_id = struct.unpack_from(">BBI", p)
        return MikeyReply(status, error_no, csb_id, p[6:])

    def exchange(self, spec: dict, timeout: float | None = None) -> bytes:
        return self.request(FrameType.EXCHANGE, json.dumps(spec).encode(), timeout=timeout)

    def keys(self, csb_id: int) -> list:
        """The SRTP contexts of a CSB on the device, fetched one per frame."""
        out, n = [], 1
        while len(out) < n:
            got = json.loads(self.request(FrameType.KEYS, struct.pack(">IB", csb_id, len(out))))
            n = got["n"]
            if got["context"] is not None:
                out.append(got["context"])
        return out

    def time(self, ntp=None, *, key: bytes | None = None, step: bool = False,
             next_step: bool = False) -> tuple[int, bool]:
        """Read the device's clock: (NTP time, synced). With `ntp` (an int,
        or a function called once the device's nonce is here: the tighter
        bound) set it, authenticated with the time key; `step`: the
        operator allows this set to step the clock, `next_step`: the next
        proxy sync (docs/serial-protocol.md, TIME)."""
        return self.clock(ntp, key=key, step=step, next_step=next_step)[:2]

    def clock(self, ntp=None, *, key: bytes | None = None, step: bool = False,
              next_step: bool = False) -> tuple[int, bool, int | None]:
        """As time(), with the device's uncertainty (µs, None if unknown).
        A set is sent once per nonce: on a timeout, a new nonce and a new set."""
        p = self.request(FrameType.TIME)
        if ntp is not None or next_step:
            key = key or self.time_key
            if key is None:
                raise ValueError("setting the device's clock needs its time key (--time-key)")
            retries, self.retries = self.retries, 0
            try:
                for attempt in range(retries + 1):
                    if attempt:
                        p = self.request(FrameType.TIME)
                    t = 0 if ntp is None else ntp() if callable(ntp) else ntp
                    body = struct.pack(">QB", t, (1 if step else 0) | (2 if next_step else 0)) + p[13:29]
                    mac = hmac.new(key, b"MIKEY-TIME" + body, hashlib.sha256).digest()
                    try:
                        p = self.request(FrameType.TIME, body + mac)
                        break
                    except LinkTimeout:
                        if attempt == retries:
                            raise
            except DeviceError as e:
                if e.kind == LinkError.MIKEY and e.detail in (0, 1):
                    raise DeviceError(e.kind, e.detail, "time refused: " + (
                        "not the device's time key (or a stale nonce)" if e.detail == 0 else
                        "a step beyond the device's max_step (the operator's consent: --allow-step)")) from None
                raise
            finally:
                self.retries = retries
        t, synced, u = struct.unpack_from(">QBI", p)
        return t, bool(synced), None if u == 0xFFFFFFFF else u

    def bench(self, name: str, timeout: float = 120) -> dict:
        return json.loads(self.request(FrameType.BENCH, json.dumps({"name": name}).encode(), timeout=timeout))

    def keygen(self, new: bool = False) -> dict:
        """The device's P-256 public key, made on the device on first use
        (or anew with `new`): {"public": SEC1 hex, "new": made now}."""
        return json.loads(self.request(FrameType.KEYGEN, json.dumps({"new": new}).encode(), timeout=60))

    def repl(self) -> None:
        self.request(FrameType.REPL)


class SerialStream:
    """pyserial port (a board's USB/UART, or a pty path) as a Link stream."""

    def __init__(self, port: str, baudrate: int = 115200):
        import serial

        self.port = serial.serial_for_url(port, baudrate=baudrate, timeout=0.01, exclusive=True)

    def read(self, n: int) -> bytes:
        return self.port.read(min(n, max(1, self.port.in_waiting)))

    def write(self, data: bytes) -> None:
        self.port.write(data)
        self.port.flush()

    def close(self) -> None:
        self.port.close()


def leave_agent(port: str, timeout: float = 1.0) -> bool:
    """Ask a device agent on `port` to return to the REPL (a REPL frame), so
    that mpremote can reach the board; True when an agent answered. On a
    board already at its REPL the frame is a line of noise the REPL drops
    when mpremote interrupts it."""
    stream = SerialStream(port)
    try:
        link = Link(stream, timeout=timeout, retries=0)
        try:
            link.repl()
            return True
        except (LinkTimeout, DeviceError):
            return False
    finally:
        stream.close()
