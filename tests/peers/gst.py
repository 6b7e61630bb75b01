"""GStreamer's MIKEY as a peer: parse a message the way rtspsrc does, or
build one from SRTP caps the way gst-rtsp-server does.

PyGObject is installed for Debian's /usr/bin/python3 only, and libgstsdp's
parser never returns on payload types it lacks, so every call is a child
process with a timeout (gst_child.py)."""

import json
import subprocess
from pathlib import Path

CHILD = Path(__file__).with_name("gst_child.py")
PYTHON = "/usr/bin/python3"


class GstHang(Exception):
    """libgstsdp did not return: it loops on payloads it does not know."""


def _run(args, timeout):
    try:
        r = subprocess.run([PYTHON, str(CHILD), *args], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise GstHang(f"libgstsdp did not return within {timeout}s") from e
    if r.returncode != 0:
        raise RuntimeError(f"gst_child failed: {r.stderr}")
    return json.loads(r.stdout)


def parse(message: bytes, timeout: float = 10) -> dict:
    """What GStreamer reads from `message`: header, payloads, the SRTP caps
    it maps them to (`caps`), and its own re-encoding (`encoded`)."""
    return _run(["parse", message.hex()], timeout)


def from_caps(caps: str, cs=(), timeout: float = 10) -> dict:
    """The MIKEY message gst_mikey_message_new_from_caps builds for `caps`,
    with SRTP-ID entries added for `cs` [{"policy", "ssrc" (hex), "roc"}]."""
    return _run(["from-caps", json.dumps({"caps": caps, "cs": list(cs)})], timeout)


def caps_fields(caps: str) -> dict:
    """'application/x-srtp, srtp-key=(buffer)00ff, ...' -> {"srtp-key": "00ff", ...}"""
    out = {}
    for part in caps.split(", ")[1:]:
        k, _, v = part.partition("=")
        out[k] = v.split(")", 1)[1] if v.startswith("(") else v
    return out
