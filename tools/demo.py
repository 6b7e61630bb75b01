"""make demo: a PC keys a device with MIKEY-PSK over a serial line.

The device is the simulated board: the pinned MicroPython unix port with an
ESP32's heap, running the firmware (.mpy) and its agent on a
pseudo-terminal, exactly as `make deploy` installs them on a board. The PC
provisions it, sets its clock, runs a PSK exchange PC->device and
device->PC over the frame protocol, prints both ends' SRTP contexts (keys
masked unless --show-keys), and proves they match with libsrtp: an RTP
packet protected with one end's context is unprotected with the other's.
Then DH-HMAC (RFC 4650) both ways, the device using the g^x its agent
prepared while the line was idle; and the device, told its Initiators come
over RTSPS, keys SRTP from the public MIKEY-NULL offers of deployed cameras
and servers.

Every figure printed comes from this run.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import toolchain

sys.path.insert(0, str(toolchain.ROOT / "tests"))
from peers import srtp as libsrtp  # noqa: E402

from mikeyhost import sim  # noqa: E402
from mikeyhost.device import (  # noqa: E402
    _await_agent, device_to_host, device_to_host_dh, host_to_device, host_to_device_dh, ntp_now,
)
from mikeyhost.link import Link, SerialStream  # noqa: E402
from mikeyhost.psk import CryptoSession  # noqa: E402

VECTORS = toolchain.ROOT / "tests" / "vectors" / "public.json"


def show(who: str, ctxs: list, show_keys: bool):
    for c in ctxs:
        key = c["master_key"] if show_keys else "*" * 8
        salt = c["master_salt"] if show_keys else "*" * 8
        p = c["policy"]
        print(f"    {who:<7} CS {c['cs_id']} SSRC {c['ssrc']} ROC {c['roc']}  {p['cipher']}/{p['auth']} "
              f"tag {p['tag_len']}  master key {key}  salt {salt}")


def compare(host: list, device: list, sender: str, show_keys: bool) -> int:
    show("PC", host, show_keys)
    show("device", device, show_keys)
    same = host == device
    print(f"    contexts {'identical' if same else 'DIFFERENT'}")
    a, b = (host[0], device[0]) if sender == "PC" else (device[0], host[0])
    ok = libsrtp.round_trip(a, b)
    print(f"    libsrtp: RTP packet protected with the {sender}'s context -> "
          f"{'unprotected, identical' if ok else 'REJECTED'}")
    return (not same) + (not ok)


def await_dh(link: Link, seconds: float = 10) -> None:
    """Until the agent has prepared g^x for both DH-HMAC roles (it does so
    while the line is idle: one exponentiation each)."""
    deadline = time.monotonic() + seconds
    while link.hello().get("dh_ready") != [True, True] and time.monotonic() < deadline:
        time.sleep(0.5)  # a request is no idle time: ask seldom


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show-keys", action="store_true", help="print master keys and salts")
    args = ap.parse_args(argv)

    problems = 0
    with tempfile.TemporaryDirectory() as d:
        flash = Path(d)
        sim.install(flash)
        board = sim.SimBoard(flash)
        port = board.start()
        stream = SerialStream(port)
        events = []
        link = Link(stream, on_log=events.append)
        try:
            _await_agent(link)
            caps = link.hello()
            print(f"device: {toolchain.micropython_version()}")
            print(f"        simulated {caps['board']} board on {port}: agent {caps['fw']}, heap "
                  f"{caps['heap_total'] // 1024} KB ({caps['heap_free']:,} bytes free), frames up to "
                  f"{caps['frame_max']} bytes\n")

            psk = os.urandom(16)
            stored = link.provision({"psk": psk.hex(), "identity": "device@example.org",
                                     "time_key": os.urandom(16).hex()})
            link.time(ntp_now)
            print(f"provisioned over the link: {', '.join(stored['stored'])} (a fresh 16-byte PSK, "
                  f"never read back, and a time key); clock set from this PC,\n"
                  f"authenticated with the time key and a fresh device nonce\n")

            host, device, info = host_to_device(link, psk, [CryptoSession(int.from_bytes(os.urandom(4), "big"))])
            print(f"1. PC is Initiator, CSB {info['csb_id']}: I_MESSAGE {len(info['i_message']) // 2} bytes "
                  f"-> device; R_MESSAGE {len(info['r_message']) // 2} bytes <- device; the PC verified its V")
            problems += compare(host, device, "PC", args.show_keys)

            host, device, info = device_to_host(link, psk, [CryptoSession(int.from_bytes(os.urandom(4), "big"))])
            print(f"\n2. device is Initiator (CSB ID, RAND and TGK from its HMAC-DRBG), CSB {info['csb_id']}: "
                  f"I_MESSAGE {len(info['i_message']) // 2} bytes; the device verified the PC's V")
            problems += compare(host, device, "device", args.show_keys)

            link.provision({"peer_identity": "sip:pc@example.org"})
            await_dh(link)
            events.clear()
            host, device, info = device_to_host_dh(link, psk, [CryptoSession(int.from_bytes(os.urandom(4), "big"))],
                                                   host_id="sip:pc@example.org", device_id="device@example.org")
            used = [e for e in events if e.startswith("DH-HMAC")]
            print(f"\n3. DH-HMAC (RFC 4650, OAKLEY 5): device is Initiator, CSB {info['csb_id']}: I_MESSAGE "
                  f"{len(info['i_message']) // 2} bytes, R_MESSAGE {len(info['r_message']) // 2} bytes; "
                  f"{used[-1] if used else 'no DH-HMAC event'}")
            problems += compare(host, device, "device", args.show_keys)
            await_dh(link)
            host, device, info = host_to_device_dh(link, psk, [CryptoSession(int.from_bytes(os.urandom(4), "big"))],
                                                   host_id="sip:pc@example.org", device_id="device@example.org")
            used = [e for e in events if e.startswith("DH-HMAC")]
            print(f"\n4. DH-HMAC: PC is Initiator, CSB {info['csb_id']}; {used[-1] if used else 'no DH-HMAC event'}")
            problems += compare(host, device, "PC", args.show_keys)

            link.provision({"protected": True, "tolerant": True})
            vectors = [v for v in json.loads(VECTORS.read_text())["vectors"] if "master_key" in v["expect"]]
            print("\n5. MIKEY-NULL offers from deployed cameras and servers (tests/vectors/public.json), "
                  "sent to the device\n   after provisioning protected=true, tolerant=true (its Initiators "
                  "come over RTSPS):")
            for v in vectors:
                r = link.mikey(bytes.fromhex(v["hex"]))
                keys = link.keys(r.csb_id) if r.status == 0 else []
                e = v["expect"]
                ok = bool(keys) and (keys[0]["master_key"], keys[0]["master_salt"], keys[0]["ssrc"]) == (
                    e["master_key"], e["master_salt"], e["ssrc"])
                problems += not ok
                print(f"    {v['id']:<10} SSRC {keys[0]['ssrc'] if keys else '-'}: "
                      f"{'key and salt as the source asserts' if ok else 'MISMATCH (status %d, Error no %d)' % (r.status, r.error_no)}")
            link.repl()
        finally:
            stream.close()
            board.stop()
    print(f"\ndevice events: {len(events)} ({events[-1] if events else '-'})")
    print(f"{problems} problems.")
    return 1 if problems else 0


if __name__ == "__main__":
    toolchain.run_tool("demo", main)
