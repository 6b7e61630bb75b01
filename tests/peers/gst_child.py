"""GStreamer's MIKEY (libgstsdp 1.22), driven from Debian's /usr/bin/python3.

Run as a child process with a timeout by tests/peers/gst.py: libgstsdp's
parser loops forever on payload types it lacks (DH, SIGN, ID, V, …).

    gst_child.py parse HEX      -> JSON: what GStreamer read, the SRTP caps it
                                   maps the message to, and its re-encoding
    gst_child.py from-caps JSON -> JSON: the message GStreamer builds for
                                   those SRTP caps (as gst-rtsp-server does)

The message is parsed the way rtspsrc does it, with no decryption info
(gst_mikey_message_new_from_data(data, size, NULL, &err)) through ctypes,
since the GI binding refuses a NULL info; structure fields are read at the
offsets GObject introspection reports.
"""

import ctypes
import json
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GIRepository", "2.0")
from gi.repository import GIRepository, Gst  # noqa: E402

Gst.init(None)
sdp = ctypes.CDLL("libgstsdp-1.0.so.0")
gst = ctypes.CDLL("libgstreamer-1.0.so.0")
glib = ctypes.CDLL("libglib-2.0.so.0")

P = ctypes.c_void_p
sdp.gst_mikey_message_new_from_data.restype = P
sdp.gst_mikey_message_new_from_data.argtypes = [ctypes.c_char_p, ctypes.c_size_t, P, ctypes.POINTER(P)]
sdp.gst_mikey_message_get_n_cs.restype = ctypes.c_uint
sdp.gst_mikey_message_get_n_cs.argtypes = [P]
sdp.gst_mikey_message_get_cs_srtp.restype = P
sdp.gst_mikey_message_get_cs_srtp.argtypes = [P, ctypes.c_int]
sdp.gst_mikey_message_get_n_payloads.restype = ctypes.c_uint
sdp.gst_mikey_message_get_n_payloads.argtypes = [P]
sdp.gst_mikey_message_get_payload.restype = P
sdp.gst_mikey_message_get_payload.argtypes = [P, ctypes.c_uint]
sdp.gst_mikey_payload_kemac_get_n_sub.restype = ctypes.c_uint
sdp.gst_mikey_payload_kemac_get_n_sub.argtypes = [P]
sdp.gst_mikey_payload_kemac_get_sub.restype = P
sdp.gst_mikey_payload_kemac_get_sub.argtypes = [P, ctypes.c_uint]
sdp.gst_mikey_message_to_caps.restype = ctypes.c_int
sdp.gst_mikey_message_to_caps.argtypes = [P, P]
sdp.gst_mikey_message_to_bytes.restype = P
sdp.gst_mikey_message_to_bytes.argtypes = [P, P, ctypes.POINTER(P)]
sdp.gst_mikey_message_new_from_caps.restype = P
sdp.gst_mikey_message_new_from_caps.argtypes = [P]
sdp.gst_mikey_message_add_cs_srtp.restype = ctypes.c_int
sdp.gst_mikey_message_add_cs_srtp.argtypes = [P, ctypes.c_uint8, ctypes.c_uint32, ctypes.c_uint32]
gst.gst_caps_from_string.restype = P
gst.gst_caps_from_string.argtypes = [ctypes.c_char_p]
gst.gst_caps_to_string.restype = P
gst.gst_caps_to_string.argtypes = [P]
glib.g_bytes_get_data.restype = P
glib.g_bytes_get_data.argtypes = [P, ctypes.POINTER(ctypes.c_size_t)]
glib.g_free.argtypes = [P]

repo = GIRepository.Repository.get_default()
repo.require("GstSdp", "1.0", 0)


def offsets(struct_name):
    info = repo.find_by_name("GstSdp", struct_name)
    return {GIRepository.struct_info_get_field(info, i).get_name():
            GIRepository.field_info_get_offset(GIRepository.struct_info_get_field(info, i))
            for i in range(GIRepository.struct_info_get_n_fields(info))}


MSG = offsets("MIKEYMessage")
PAY = offsets("MIKEYPayload")
KEMAC = offsets("MIKEYPayloadKEMAC")
KEY = offsets("MIKEYPayloadKeyData")
T = offsets("MIKEYPayloadT")
SP = offsets("MIKEYPayloadSP")
RAND = offsets("MIKEYPayloadRAND")


def u8(p, off):
    return ctypes.c_uint8.from_address(p + off).value


def u16(p, off):
    return ctypes.c_uint16.from_address(p + off).value


def u32(p, off):
    return ctypes.c_uint32.from_address(p + off).value


def ptr(p, off):
    return ctypes.c_void_p.from_address(p + off).value


def raw(addr, n):
    return ctypes.string_at(addr, n).hex() if addr and n else ""


def garray(p, off):
    """(data pointer, length) of the GArray* at p+off."""
    a = ptr(p, off)
    if not a:
        return 0, 0
    return ptr(a, 0), u32(a, 8)


def payload(p):
    kind = u32(p, PAY["type"])
    d = {"type": kind, "len": u32(p, PAY["len"])}
    if kind == 1:  # KEMAC
        d["enc_alg"] = u32(p, KEMAC["enc_alg"])
        d["mac_alg"] = u32(p, KEMAC["mac_alg"])
        subs = []
        for i in range(sdp.gst_mikey_payload_kemac_get_n_sub(p)):
            k = sdp.gst_mikey_payload_kemac_get_sub(p, i)
            kv_len = [u8(k, KEY["kv_len"]), u8(k, KEY["kv_len"] + 1)]
            subs.append({
                "key_type": u32(k, KEY["key_type"]),
                "key": raw(ptr(k, KEY["key_data"]), u16(k, KEY["key_len"])),
                "salt": raw(ptr(k, KEY["salt_data"]), u16(k, KEY["salt_len"])),
                "kv_type": u32(k, KEY["kv_type"]),
                "kv": [raw(ptr(k, KEY["kv_data"] + 8 * j), kv_len[j]) for j in range(2)],
            })
        d["subs"] = subs
    elif kind == 5:  # T
        ts = u32(p, T["type"])
        d["ts_type"] = ts
        d["ts_value"] = raw(ptr(p, T["ts_value"]), 8 if ts in (0, 1) else 4)
    elif kind == 10:  # SP
        d["policy"] = u32(p, SP["policy"])
        d["proto"] = u32(p, SP["proto"])
        data, n = garray(p, SP["params"])
        params = []
        for i in range(n):
            e = data + 16 * i  # GstMIKEYPayloadSPParam: guint8 type, len; guint8 *val
            params.append([u8(e, 0), raw(ptr(e, 8), u8(e, 1))])
        d["params"] = params
    elif kind == 11:  # RAND
        d["rand"] = raw(ptr(p, RAND["rand"]), u8(p, RAND["len"]))
    return d


def describe(msg):
    out = {
        "version": u8(msg, MSG["version"]), "type": u32(msg, MSG["type"]),
        "V": bool(u32(msg, MSG["V"])), "prf_func": u32(msg, MSG["prf_func"]),
        "csb_id": "%08x" % u32(msg, MSG["CSB_id"]), "map_type": u32(msg, MSG["map_type"]),
        "cs": [], "payloads": [],
    }
    for i in range(sdp.gst_mikey_message_get_n_cs(msg)):
        m = sdp.gst_mikey_message_get_cs_srtp(msg, i)
        out["cs"].append({"policy": u8(m, 0), "ssrc": "%08x" % u32(m, 4), "roc": u32(m, 8)})
    for i in range(sdp.gst_mikey_message_get_n_payloads(msg)):
        out["payloads"].append(payload(sdp.gst_mikey_message_get_payload(msg, i)))
    caps = gst.gst_caps_from_string(b"application/x-srtp")
    if sdp.gst_mikey_message_to_caps(msg, caps):
        s = gst.gst_caps_to_string(caps)
        out["caps"] = ctypes.string_at(s).decode()
        glib.g_free(s)
    err = P()
    b = sdp.gst_mikey_message_to_bytes(msg, None, ctypes.byref(err))
    if b:
        n = ctypes.c_size_t()
        data = glib.g_bytes_get_data(b, ctypes.byref(n))
        out["encoded"] = ctypes.string_at(data, n.value).hex()
    return out


def main():
    cmd, arg = sys.argv[1], sys.argv[2]
    if cmd == "parse":
        data = bytes.fromhex(arg)
        err = P()
        msg = sdp.gst_mikey_message_new_from_data(data, len(data), None, ctypes.byref(err))
        print(json.dumps({"ok": False} if not msg else dict(ok=True, **describe(msg))))
    elif cmd == "from-caps":
        spec = json.loads(arg)
        caps = gst.gst_caps_from_string(spec["caps"].encode())
        msg = sdp.gst_mikey_message_new_from_caps(caps)
        for cs in spec.get("cs", []):
            sdp.gst_mikey_message_add_cs_srtp(msg, cs["policy"], int(cs["ssrc"], 16), cs["roc"])
        print(json.dumps(dict(ok=bool(msg), **describe(msg)) if msg else {"ok": False}))
    else:
        raise SystemExit("usage: gst_child.py parse HEX | from-caps JSON")


main()
