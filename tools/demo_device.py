"""Device half of `make demo` (runs under MicroPython): one device with a
provisioned PSK, answering JSON commands on stdin, one per line.

    {"op": "respond", "msg": HEX, "now": NTP}  -> {"reply", "error", "ctx", "quirks"}
    {"op": "init", "now": NTP, "ssrc": N}      -> {"msg"}   (CSB ID, RAND, TGK from its DRBG)
    {"op": "finish", "msg": HEX}               -> {"ctx"} or {"error"}
    {"op": "null", "msg": HEX, "now": NTP}     -> as respond, MIKEY-NULL on a protected transport

Times are passed in: the device has no clock of its own yet.
"""

import gc
import json
import sys
from struct import pack_into

from mikey import srtp
from mikey.drbg import Drbg
from mikey.errors import MikeyError
from mikey.psk import Initiator, Responder



def ntp(v):
    b = bytearray(8)
    pack_into(">II", b, 0, v >> 32, v & 0xFFFFFFFF)
    return b


def contexts(ctx, n):
    return [srtp.context(ctx, i) for i in range(n)]


def main():
    psk = bytes.fromhex(sys.stdin.readline().strip())  # provisioning
    drbg = Drbg(b"mikey demo device")
    responder = Responder(psk, cs=4)
    null_reader = Responder(None, protected=True, tolerant=True, cs=4)
    initiator = Initiator(psk, cs=4)
    buf = bytearray(512)
    out = bytearray(256)
    gc.collect()
    print(json.dumps({"ready": True, "heap_free": gc.mem_free()}))
    for line in sys.stdin:
        c = json.loads(line)
        op = c["op"]
        res = {}
        if op in ("respond", "null"):
            r = responder if op == "respond" else null_reader
            m = bytes.fromhex(c["msg"])
            n = r.respond(m, len(m), ntp(c["now"]), out)
            res["reply"] = bytes(out[:n]).hex()
            res["error"] = None if r.error is None else r.error.code
            res["ctx"] = contexts(r.ctx, r.ncs) if r.error is None else []
            res["quirks"] = srtp.quirks(r.quirks)
        elif op == "init":
            rnd = bytearray(36)  # CSB ID, RAND, TGK
            drbg.generate_into(rnd, 0, 36)
            n = initiator.build(buf, rnd[0:4], rnd[4:20], ntp(c["now"]), ((c["ssrc"], 0, 0),),
                                ((False, bytes(rnd[20:36]), None, None),), v=True)
            res["msg"] = bytes(buf[:n]).hex()
        elif op == "finish":
            m = bytes.fromhex(c["msg"])
            try:
                initiator.finish(m, len(m))
                res["ctx"] = contexts(initiator.ctx, initiator.ncs)
            except MikeyError as e:
                res["error"] = e.code
        gc.collect()
        res["heap_free"] = gc.mem_free()
        print(json.dumps(res))


main()
