"""`mikey timeproxy`: the trusted time proxy the devices sync from — chrony
serving NTP with symmetric keys (docs/clock.md). Writes a chrony
configuration and keyfile (a SHA1 key, id 1, and an AES128 key, id 2) and
runs chronyd on them, or only writes them for a system chronyd.

chronyd never steers this PC's clock here (`-x`): it serves the PC's time
(`local stratum`) to the addresses `allow` names, and answers a request
MAC'd with a key of its keyfile with a response MAC'd with the same key
(RFC 5905 §7.3 for SHA1, RFC 8573 for AES128).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHRONYD = "/usr/sbin/chronyd"
KEY_IDS = {"sha1": 1, "aes128": 2}


def write_config(d: Path, *, port: int = 123, bind: str = "0.0.0.0", allow=("127.0.0.1",),
                 stratum: int = 8, sha1_key: bytes | None = None, aes_key: bytes | None = None) -> Path:
    """chrony.conf and chrony.keys (mode 0600) in d; keys made when not
    given. Returns the configuration's path."""
    d = Path(d)
    d.mkdir(parents=True, exist_ok=True)
    keys = d / "chrony.keys"
    sha1_key = sha1_key or os.urandom(20)
    aes_key = aes_key or os.urandom(16)
    if len(aes_key) != 16:
        raise ValueError("an AES128 key is 16 bytes")
    fd = os.open(keys, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"{KEY_IDS['sha1']} SHA1 HEX:{sha1_key.hex()}\n{KEY_IDS['aes128']} AES128 HEX:{aes_key.hex()}\n")
    conf = d / "chrony.conf"
    lines = [
        "# the trusted time proxy of the MIKEY devices (docs/clock.md), written by `mikey timeproxy`",
        f"port {port}",
        f"bindaddress {bind}",
        *(f"allow {a}" for a in allow),
        "# serve this PC's clock, synchronised or not; no chronyc access",
        f"local stratum {stratum}",
        f"keyfile {keys}",
        "cmdport 0",
        f"pidfile {d / 'chronyd.pid'}",
        f"driftfile {d / 'chrony.drift'}",
    ]
    conf.write_text("\n".join(lines) + "\n")
    return conf


def read_key(d: Path, kind: str) -> bytes:
    """The key of type kind ("sha1" or "aes128") from d/chrony.keys."""
    for line in (Path(d) / "chrony.keys").read_text().splitlines():
        f = line.split()
        if len(f) >= 3 and int(f[0]) == KEY_IDS[kind]:
            return bytes.fromhex(f[2].removeprefix("HEX:"))
    raise KeyError(kind)


def command(conf: Path) -> list[str]:
    """chronyd in the foreground on conf, never touching this PC's clock."""
    return [shutil.which("chronyd") or CHRONYD, "-x", "-d", "-f", str(conf), "-u", "root"]


def add_parser(sub) -> None:
    tp = sub.add_parser("timeproxy", help="run chrony as the devices' trusted time proxy (docs/clock.md)")
    tp.add_argument("--dir", required=True, type=Path, help="where chrony.conf and chrony.keys go")
    tp.add_argument("--port", type=int, default=123)
    tp.add_argument("--bind", default="0.0.0.0", help="address to serve on")
    tp.add_argument("--allow", action="append", metavar="SUBNET",
                    help="clients allowed (chrony `allow`; repeatable; default 127.0.0.1)")
    tp.add_argument("--stratum", type=int, default=8)
    tp.add_argument("--keep-keys", action="store_true", help="reuse the keys already in --dir")
    tp.add_argument("--write-only", action="store_true", help="write the files, do not run chronyd")
    tp.set_defaults(func=run)


def run(args) -> int:
    keys = {}
    if args.keep_keys and (args.dir / "chrony.keys").exists():
        keys = {"sha1_key": read_key(args.dir, "sha1"), "aes_key": read_key(args.dir, "aes128")}
    conf = write_config(args.dir, port=args.port, bind=args.bind, allow=args.allow or ["127.0.0.1"],
                        stratum=args.stratum, **keys)
    k = args.dir / "chrony.keys"
    print(f"written: {conf} and {k} (keys never printed)", file=sys.stderr)
    print("provision a device (AES128 key, id 2):\n"
          f"  mikey device provision --port PORT --proxy THIS_HOST:{args.port} --time-key-id 2 "
          f"--time-mac aes128 --time-key $(awk '$1==2 {{print substr($3,5)}}' {k})", file=sys.stderr)
    if args.write_only:
        print(" ".join(command(conf)))
        return 0
    try:
        return subprocess.call(command(conf))
    except KeyboardInterrupt:
        return 0
