"""make demo: a PC and a device agree on SRTP keys with MIKEY-PSK.

The device is the firmware, compiled to .mpy, running under the pinned
MicroPython unix port with the ESP32's heap (tools/demo_device.py); the PC
is the twin (mikeyhost). They exchange I_MESSAGE and R_MESSAGE both ways,
each prints the SRTP contexts it derived (keys masked unless --show-keys),
and libsrtp proves they match: an RTP packet protected with one end's
context is unprotected with the other's. Then the device's tolerant reader
keys SRTP from the public MIKEY-NULL messages of deployed cameras and
servers, checked against the values their sources assert.

Every figure printed comes from this run.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import toolchain

sys.path.insert(0, str(toolchain.ROOT / "tests"))
from peers import srtp as libsrtp  # noqa: E402

from mikeyhost.psk import CryptoSession, Initiator, Offer, Responder, identity, key_data  # noqa: E402

VECTORS = toolchain.ROOT / "tests" / "vectors" / "public.json"
UNIX_TO_NTP = 2208988800


def ntp_now() -> int:
    t = time.time()
    return (int(t) + UNIX_TO_NTP) % (1 << 32) << 32 | int((t % 1) * (1 << 32))


class Device:
    """The device process: one JSON command per line each way."""

    def __init__(self, psk: bytes, profile: str):
        prof = toolchain.profiles()[profile]
        arch = toolchain.host_arch()
        fw = toolchain.build_firmware(arch, toolchain.DEPLOY_OPT)
        script = toolchain.BUILD / "demo" / "demo_device.mpy"
        toolchain.compile_mpy(toolchain.ROOT / "tools" / "demo_device.py", script, arch,
                              source_name="tools/demo_device.py", opt=toolchain.DEPLOY_OPT)
        env = dict(os.environ, MICROPYPATH=f"{script.parent}:{fw}")
        self.proc = subprocess.Popen(
            [toolchain.micropython(), "-X", f"heapsize={prof.heap}", "-c", "import demo_device"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        self.heap = prof.heap
        self.profile = prof
        self.proc.stdin.write(psk.hex() + "\n")  # provisioning
        self.proc.stdin.flush()
        self.ready = self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise toolchain.ToolchainError(f"the device stopped:\n{self.proc.stderr.read()}")
        return json.loads(line)

    def __call__(self, **command) -> dict:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(10)


def show(who: str, ctxs: list, show_keys: bool):
    for c in ctxs:
        key = c["master_key"] if show_keys else "*" * 8
        salt = c["master_salt"] if show_keys else "*" * 8
        p = c["policy"]
        print(f"    {who:<7} CS {c['cs_id']} SSRC {c['ssrc']} ROC {c['roc']}  {p['cipher']}/{p['auth']} "
              f"tag {p['tag_len']}  master key {key}  salt {salt}")


def srtp_check(sender: dict, receiver: dict, label: str) -> bool:
    ok = libsrtp.round_trip(sender, receiver)
    print(f"    libsrtp: RTP packet protected with the {label} context -> "
          f"{'unprotected, identical' if ok else 'REJECTED'}")
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show-keys", action="store_true", help="print master keys and salts")
    args = ap.parse_args(argv)

    psk = os.urandom(16)
    dev = Device(psk, "esp32")
    problems = 0
    print(f"device: {toolchain.micropython_version()}")
    print(f"        heap {dev.heap // 1024} KB ({dev.profile.name} profile), firmware as .mpy, "
          f"{dev.ready['heap_free']:,} bytes free after start")
    print(f"        provisioned with a fresh 16-byte PSK shared with this PC\n")

    # 1. PC -> device
    now = ntp_now()
    ssrc = int.from_bytes(os.urandom(4), "big")
    offer = Offer(csb_id=int.from_bytes(os.urandom(4), "big"), t=now, rand=os.urandom(16),
                  keys=[key_data(os.urandom(16))], cs=[CryptoSession(ssrc)], v=True,
                  idi=identity("pc@example.org"))
    pc = Initiator(psk, offer)
    print(f"1. PC is Initiator: I_MESSAGE, {len(pc.message)} bytes (HDR, T, RAND, IDi, SP, KEMAC)")
    r = dev(op="respond", msg=pc.message.hex(), now=now)
    if r["error"] is not None:
        print(f"    device refused it: Error no {r['error']}")
        return 1
    reply = bytes.fromhex(r["reply"])
    print(f"    device answers with an R_MESSAGE, {len(reply)} bytes (HDR, T, V)")
    mine = [c.to_json() for c in pc.finish(reply)]
    print("    PC verified the device's V")
    show("PC", mine, args.show_keys)
    show("device", r["ctx"], args.show_keys)
    same = mine == r["ctx"]
    print(f"    contexts {'identical' if same else 'DIFFERENT'}")
    problems += (not same) + (not srtp_check(mine[0], r["ctx"][0], "PC's"))

    # 2. device -> PC
    now = ntp_now()
    ssrc = int.from_bytes(os.urandom(4), "big")
    i = dev(op="init", now=now, ssrc=ssrc)
    msg = bytes.fromhex(i["msg"])
    print(f"\n2. device is Initiator (CSB ID, RAND and TGK from its HMAC-DRBG): I_MESSAGE, {len(msg)} bytes")
    res = Responder(psk).respond(msg, now)
    if res.error is not None:
        print(f"    PC refused it: {res.error}")
        return 1
    print(f"    PC answers with an R_MESSAGE, {len(res.message)} bytes")
    f = dev(op="finish", msg=res.message.hex())
    if "error" in f:
        print(f"    device refused the answer: Error no {f['error']}")
        return 1
    print("    device verified the PC's V")
    theirs = [c.to_json() for c in res.contexts]
    show("device", f["ctx"], args.show_keys)
    show("PC", theirs, args.show_keys)
    same = theirs == f["ctx"]
    print(f"    contexts {'identical' if same else 'DIFFERENT'}")
    problems += (not same) + (not srtp_check(f["ctx"][0], theirs[0], "device's"))

    # 3. what deployed peers send
    vectors = [v for v in json.loads(VECTORS.read_text())["vectors"] if "master_key" in v["expect"]]
    print(f"\n3. MIKEY-NULL offers from deployed cameras and servers (tests/vectors/public.json),"
          f"\n   read by the device as over RTSPS (protected transport, tolerant reader):")
    for v in vectors:
        msg = bytes.fromhex(v["hex"])
        r = dev(op="null", msg=v["hex"], now=ntp_now())
        e = v["expect"]
        ok = (r["error"] is None and r["ctx"]
              and (r["ctx"][0]["master_key"], r["ctx"][0]["master_salt"]) == (e["master_key"], e["master_salt"]))
        problems += not ok
        quirks = ", ".join(r["quirks"]) or "none"
        print(f"    {v['id']:<10} {len(msg):>4} B  SSRC {r['ctx'][0]['ssrc'] if r['ctx'] else '-'}  "
              f"{'key and salt as the source asserts' if ok else 'MISMATCH'}; tolerated: {quirks}")
    dev.close()

    print(f"\n{problems} problems.")
    return 1 if problems else 0


if __name__ == "__main__":
    toolchain.run_tool("demo", main)
