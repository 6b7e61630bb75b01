"""chronyd (Debian `chrony` 4.3) as the trusted time proxy, started on a
loopback port with the configuration `mikey timeproxy` writes (a SHA1 key,
id 1, and an AES128 key, id 2; `local stratum 8`), never touching this
PC's clock (`-x`). See ../../docs/clock.md.

`Relay` stands between a client and chronyd and spoils what passes, as an
attacker on the path would: it corrupts MACs, strips them, re-MACs with
another key, changes the origin timestamp, replays an old answer, or
drops everything.
"""

import hashlib
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.cmac import CMAC

from mikeyhost import timeproxy

CHRONYD = shutil.which("chronyd") or "/usr/sbin/chronyd"


def available() -> bool:
    return Path(CHRONYD).exists()


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mac(kind: str, key: bytes, packet: bytes) -> bytes:
    """RFC 5905 §7.3 (SHA1: SHA-1 of key || packet) or RFC 8573 (AES128: CMAC)."""
    if kind == "sha1":
        return hashlib.sha1(key + packet).digest()
    c = CMAC(algorithms.AES(key))
    c.update(packet)
    return c.finalize()


class Chrony:
    """A running chronyd on 127.0.0.1:port."""

    def __init__(self, d: Path):
        self.dir = Path(d)
        self.port = free_udp_port()
        self.keys = {"sha1": os.urandom(20), "aes128": os.urandom(16)}
        self.conf = timeproxy.write_config(self.dir, port=self.port, bind="127.0.0.1", allow=["127.0.0.1"],
                                           sha1_key=self.keys["sha1"], aes_key=self.keys["aes128"])
        self.log = open(self.dir / "chronyd.log", "wb")
        self.proc = subprocess.Popen(timeproxy.command(self.conf), stdout=self.log, stderr=subprocess.STDOUT)
        self._await()

    def _await(self, seconds=10):
        deadline = time.monotonic() + seconds
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.2)
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"chronyd exited: {(self.dir / 'chronyd.log').read_text()}")
                s.sendto(b"\x23" + bytes(39) + os.urandom(8), ("127.0.0.1", self.port))
                try:
                    s.recv(100)
                    return
                except OSError:
                    continue
        raise RuntimeError("chronyd does not answer")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Relay:
    """UDP relay to chronyd on its own loopback port, spoiling answers by
    `mode`: pass, corrupt (a MAC bit flipped), noauth (the request's MAC
    stripped: chronyd answers unauthenticated), wrongkey (the answer
    re-MAC'd with another key), origin (another origin timestamp, re-MAC'd
    with the right key), replay (the last answer any relay passed, instead
    of a new one), drop (nothing comes back)."""

    last = None  # the last good answer passed, shared by every relay

    def __init__(self, chrony: Chrony, mode: str):
        self.chrony, self.mode = chrony, mode
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.up.settimeout(1)
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _key(self, packet: bytes):
        kid = int.from_bytes(packet[48:52], "big")
        kind = {1: "sha1", 2: "aes128"}[kid]
        return kind, self.chrony.keys[kind]

    def _run(self):
        self.sock.settimeout(0.1)
        while self.running:
            try:
                req, client = self.sock.recvfrom(200)
            except OSError:
                continue
            mode = self.mode
            if mode == "drop":
                continue
            if mode == "replay" and Relay.last is not None:
                self.sock.sendto(Relay.last, client)
                continue
            self.up.sendto(req[:48] if mode == "noauth" else req, ("127.0.0.1", self.chrony.port))
            try:
                ans = bytearray(self.up.recv(200))
            except OSError:
                continue
            if mode == "pass":
                Relay.last = bytes(ans)
            elif mode == "corrupt":
                ans[-1] ^= 0x01
            elif mode in ("wrongkey", "origin"):
                kind, key = self._key(ans)
                if mode == "wrongkey":
                    key = bytes(b ^ 0x5A for b in key)
                else:
                    ans[24] ^= 0x80
                ans[52:] = mac(kind, key, bytes(ans[:48]))
            self.sock.sendto(bytes(ans), client)

    def close(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()
        self.up.close()
