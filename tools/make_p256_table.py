"""Write firmware/mikey/_p256t.py: the P-256 base-point comb table the
device's fixed-base multiplication reads (mikey.p256, "Fixed base").

The comb has 7 teeth 37 bits apart. Entry m (0..63) is the affine point

    T[m] = 2^222 G + sum over i < 6 of (2 * bit_i(m) - 1) * 2^(37 i) G

as X || Y, 32 bytes each, big-endian: 64 * 64 = 4096 bytes, held as 4
bytes objects of 16 points (1 KB each: no 8 KB block to find in a
fragmented heap). Computed here
with plain affine arithmetic (SEC 1 §2.2.1); tests/host/test_fw_p256_diff.py
checks every entry against the `cryptography` package.

    python tools/make_p256_table.py
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "firmware" / "mikey" / "_p256t.py"

P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
     0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


def add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0]:
        if (a[1] + b[1]) % P == 0:
            return None
        lam = (3 * a[0] * a[0] - 3) * pow(2 * a[1], -1, P) % P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (lam * lam - a[0] - b[0]) % P
    return x, (lam * (a[0] - x) - a[1]) % P


def mul(k, pt):
    r = None
    for bit in bin(k % N)[2:]:
        r = add(r, r)
        if bit == "1":
            r = add(r, pt)
    return r


def comb_scalar(m: int) -> int:
    s = 1 << 222
    for i in range(6):
        s += (1 if (m >> i) & 1 else -1) << (37 * i)
    return s % N


def table() -> bytes:
    out = bytearray()
    for m in range(64):
        x, y = mul(comb_scalar(m), G)
        out += x.to_bytes(32, "big") + y.to_bytes(32, "big")
    return bytes(out)


def main() -> int:
    t = table()
    lines = ['"""P-256 base-point comb table (written by tools/make_p256_table.py; see',
             "there and mikey.p256): 64 affine points X || Y, 64 bytes each, 16",
             'to a bytes object.', '"""', "", "COMB = ("]
    for i in range(0, len(t), 1024):
        for j in range(i, i + 1024, 32):
            lines.append('    b"' + "".join(f"\\x{c:02x}" for c in t[j:j + 32]) + '"')
        lines.append("    ,")
    lines.append(")")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"written: {OUT.relative_to(ROOT)} ({len(t)} bytes of points)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
