"""make demo: the smallest real end-to-end run the project has so far.

The firmware's fixed-capacity codec buffers, compiled to .mpy, run under the
pinned MicroPython unix port with the tight 32 KB heap and read the common
header (RFC 3830 §6.1) of every public MIKEY message in tests/vectors/,
write it back byte for byte, and report what that allocated; this side
checks the bytes and the SSRCs the vectors' sources assert. Key exchange
(PSK, DH-HMAC, ECC) joins the demo as those modes land.
"""

import json
import sys

import toolchain

VECTORS = toolchain.ROOT / "tests" / "vectors" / "public.json"
DATA_TYPES = {0: "PSK init", 1: "PSK resp", 2: "PK init", 3: "PK resp", 4: "DH init",
              5: "DH resp", 6: "Error", 7: "DHHMAC init", 8: "DHHMAC resp",
              9: "RSA-R init", 10: "RSA-R resp", 26: "SAKKE"}
MAP_TYPES = {0: "SRTP-ID", 1: "Empty", 2: "GENERIC-ID"}


def main() -> int:
    vectors = [v for v in json.loads(VECTORS.read_text())["vectors"] if "hex" in v]
    prof = toolchain.profiles()["tight"]
    arch = toolchain.host_arch()
    fw = toolchain.build_firmware(arch, toolchain.DEPLOY_OPT)
    script = toolchain.BUILD / "demo" / "demo_device.mpy"
    toolchain.compile_mpy(toolchain.ROOT / "tools" / "demo_device.py", script, arch,
                          source_name="tools/demo_device.py")
    print(f"device: {toolchain.micropython_version()}")
    print(f"        heap {prof.heap // 1024} KB ({prof.name} profile), firmware loaded from .mpy\n")

    r = toolchain.run_micropython(["-c", "import demo_device"], heap=prof.heap,
                                  path=[script.parent, fw],
                                  input="".join(v["hex"] + "\n" for v in vectors).encode())
    if r.returncode != 0:
        print(r.stderr.decode(errors="replace"), file=sys.stderr)
        return 1
    lines = r.stdout.decode().splitlines()
    if len(lines) != len(vectors):
        print(f"demo: device answered {len(lines)} lines for {len(vectors)} messages", file=sys.stderr)
        return 1

    failures = 0
    for v, line in zip(vectors, lines):
        f = line.split()
        if f[0] == "ERROR":
            print(f"{v['id']:<17} rejected: {f[1]} (MIKEY error {f[2]})")
            failures += 1
            continue
        csb, dt, ncs, mtype, cs, rewritten, alloc = f
        original = bytes.fromhex(v["hex"])
        same = original.startswith(bytes.fromhex(rewritten))
        cs_text = "" if cs == "-" else " ".join(
            f"[policy {p} SSRC {s} ROC {int(roc, 16)}]" for p, s, roc in (e.split(":") for e in cs.split(",")))
        ssrcs = [e.split(":")[1] for e in cs.split(",")] if cs != "-" else []
        want = v.get("expect", {}).get("ssrc")
        check = "" if want is None else ("  SSRC as the source asserts" if want in ssrcs
                                         else f"  SSRC MISMATCH (source says {want})")
        print(f"{v['id']:<17} {DATA_TYPES.get(int(dt), 'type ' + dt):<11} CSB {csb}  "
              f"#CS {ncs} {MAP_TYPES.get(int(mtype), mtype)} {cs_text}")
        print(f"{'':<17} header rewritten: {len(rewritten) // 2} B, "
              f"{'identical' if same else 'DIFFERENT'}; {alloc} B allocated{check}")
        failures += (not same) + (want is not None and want not in ssrcs) + (alloc != "0")
    print(f"\n{len(vectors)} public messages, {failures} problems.")
    print("MIKEY exchanges (PSK, DH-HMAC, ECC) are not built yet; this demo grows with them.")
    return 1 if failures else 0


if __name__ == "__main__":
    toolchain.run_tool("demo", main)
