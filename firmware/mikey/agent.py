"""The device agent: the loop a board's main.py starts. It reads frames from
the board's line (USB-CDC through sys.stdin, or a UART), hands MIKEY work to
the engine and answers (docs/serial-protocol.md). It never dies on a bad
frame, and its memory is fixed at start: a frame larger than its buffer is
refused, not allocated.

    from mikey.agent import run
    run(board="esp32")          # returns when the PC sends a REPL frame
"""

import gc
import json
import select
import sys
import time
from struct import pack_into, unpack_from

import micropython
from micropython import const

from mikey import frame, store
from mikey.errors import MikeyError

VERSION = "0.1.0"

_HELLO = const(0x01)
_PROVISION = const(0x02)
_MIKEY = const(0x03)
_EXCHANGE = const(0x04)
_KEYS = const(0x05)
_TIME = const(0x06)
_BENCH = const(0x07)
_LOG = const(0x08)
_REPL = const(0x09)
_ERROR = const(0x7F)

_E_BAD_CRC = const(1)
_E_TOO_LARGE = const(2)
_E_UNKNOWN_TYPE = const(3)
_E_BAD_PAYLOAD = const(4)
_E_MIKEY = const(5)
_E_NOT_PROVISIONED = const(6)
_E_STORAGE = const(7)
_E_INTERNAL = const(8)

_R_UNEXPECTED_PAYLOAD = const(3)  # reasons: copies of mikey.errors
_R_TIMESTAMP = const(17)

_IDLE_MS = const(200)  # a partial frame after this much silence is dropped
_CSBS = const(4)
_LOG_MAX = const(120)  # bytes of text in a LOG frame  # exchanges whose SRTP contexts KEYS can report

# Settings PROVISION takes, and their JSON types (docs/serial-protocol.md)
_SETTINGS = {"psk": str, "identity": str, "peer_identity": str, "window": int, "proxy": str,
             "time_key": str, "report_keys": bool, "protected": bool, "tolerant": bool}
_SECRETS = ("psk", "time_key")


class Clock:
    """NTP time from a value set over the link plus the tick counter since.
    (The trusted-proxy clock replaces this.)"""

    def __init__(self):
        self.base = None  # (seconds, fraction) when set
        self.ticks = 0

    def set(self, b, off):
        self.base = unpack_from(">II", b, off)
        self.ticks = time.ticks_ms()

    def now_into(self, b, off=0):
        """Write the current NTP time (8 bytes); False when never set."""
        if self.base is None:
            pack_into(">II", b, off, 0, 0)
            return False
        ms = time.ticks_diff(time.ticks_ms(), self.ticks)
        s, f = self.base
        f += (ms % 1000) * 4294967  # 2**32 / 1000
        s += ms // 1000 + (f >> 32)
        pack_into(">II", b, off, s & 0xFFFFFFFF, f & 0xFFFFFFFF)
        return True


class Agent:
    def __init__(self, inp, out, board="unknown", frame_max=1024, store_file=store.FILE,
                 store_new=store.NEW, modes=("psk", "null")):
        self.inp = inp
        self.out = out
        self.board = board
        self.modes = modes
        self.frame_max = frame_max
        self.store = (store_file, store_new)
        self.rx = frame.Receiver(frame_max)
        self.tx = bytearray(frame_max + frame.OVERHEAD)
        self.logbuf = bytearray(_LOG_MAX + frame.OVERHEAD)
        self.one = bytearray(1)
        self.now = bytearray(8)
        self.clock = Clock()
        self.done = False
        self.last = None  # (type, id, length): the last MIKEY/EXCHANGE answer, for a repeat
        self.csbs = []  # (CSB ID, contexts bytes, count) of recent exchanges
        self.settings = {}
        self.engine = None
        self.pending = None  # our own exchange: (CSB ID, initiator)
        self.udp = None
        self._configure(store.load(*self.store))

    # -- engine ---------------------------------------------------------------

    def _configure(self, settings):
        self.settings = settings
        self.engine = None
        psk = settings.get("psk")
        if psk:
            from mikey.psk import Initiator, Responder

            ident = settings.get("identity")
            ident = ident.encode() if ident else None
            key = bytes.fromhex(psk)
            # protected: the line to the Initiator is TLS/RTSPS (MIKEY-NULL
            # allowed); tolerant: accept the deployed quirks (docs/profile.md)
            self.engine = (Responder(key, idr=ident, window=settings.get("window", 300), cs=4,
                                     protected=settings.get("protected", False),
                                     tolerant=settings.get("tolerant", False)),
                           Initiator(key, idi=ident, cs=4))
        self.null = None
        gc.collect()

    # -- I/O ---------------------------------------------------------------------

    def send(self, ftype, fid, n):
        """Send the payload already in self.tx[HEADER:HEADER + n]."""
        m = frame.seal(self.tx, ftype, fid, n)
        self.out.write(memoryview(self.tx)[:m])
        if hasattr(self.out, "flush"):
            self.out.flush()

    def reply(self, ftype, fid, data):
        n = len(data)
        if n > self.frame_max:
            return self.error(fid, _E_INTERNAL, 0, "answer too large")
        self.tx[frame.HEADER : frame.HEADER + n] = data
        self.send(ftype, fid, n)

    def error(self, fid, kind, detail=0, text=""):
        t = text.encode()[: self.frame_max - 2]
        self.tx[frame.HEADER] = kind
        self.tx[frame.HEADER + 1] = detail
        self.tx[frame.HEADER + 2 : frame.HEADER + 2 + len(t)] = t
        self.send(_ERROR, fid, 2 + len(t))

    def log(self, text):
        """A LOG event (id 0), framed in its own buffer: the answer being
        built in tx must survive it."""
        t = text.encode()[:_LOG_MAX]
        b = self.logbuf
        b[frame.HEADER : frame.HEADER + len(t)] = t
        self.out.write(memoryview(b)[: frame.seal(b, _LOG, 0, len(t))])

    def listen(self, port):
        """Also answer MIKEY over UDP on `port` (2269, RFC 5197 §6): an
        I_MESSAGE in, the R_MESSAGE or Error message back to its sender."""
        import socket

        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(socket.getaddrinfo("0.0.0.0", port)[0][-1])
        except OSError as e:
            s.close()
            self.log("UDP %d: %s" % (port, e))
            return
        self.udp = s

    def _datagram(self):
        data, peer = self.udp.recvfrom(self.frame_max)
        if self.engine is None or len(data) < 2 or data[1] != 0:
            return  # not provisioned, or not an I_MESSAGE: nothing to say
        o = frame.HEADER + 6
        try:
            n = self.mikey(data)
        except MikeyError:
            return  # no clock yet: the Initiator will time out and retry
        if n > 6:
            self.udp.sendto(memoryview(self.tx)[o : frame.HEADER + n], peer)

    def serve(self):
        poll = select.poll()
        poll.register(self.inp, select.POLLIN)
        if self.udp is not None:
            poll.register(self.udp, select.POLLIN)
        rx = self.rx
        while not self.done:
            line = datagram = False
            for obj, _ev in poll.ipoll(_IDLE_MS):
                if obj is self.udp:
                    datagram = True
                else:
                    line = True
            if datagram:
                self._datagram()
            if not line:
                if not datagram and rx.pending():
                    self._result(rx.drop(), 0)  # the line went quiet mid-frame
                continue
            if not self.inp.readinto(self.one):
                continue
            r = rx.feed(self.one[0])
            if r:
                self._result(r, rx.id)
                while rx.pending() and r != frame.NONE and r != frame.FRAME:
                    r = rx._scan()
                    self._result(r, rx.id)

    def _result(self, r, fid):
        if r == frame.FRAME:
            try:
                self.dispatch(self.rx.type, self.rx.id, memoryview(self.rx.buf)[frame.HEADER : frame.HEADER + self.rx.length])
            except MikeyError as e:
                self.error(self.rx.id, _E_MIKEY, e.code, "")
            except (ValueError, KeyError, TypeError) as e:
                self.error(self.rx.id, _E_BAD_PAYLOAD, 0, str(e))
            except MemoryError:
                gc.collect()
                self.error(self.rx.id, _E_INTERNAL, 0, "out of memory")
            except Exception as e:  # noqa: BLE001 - the agent must not die
                self.error(self.rx.id, _E_INTERNAL, 0, type(e).__name__)
        elif r == frame.BAD_CRC:
            self.error(0, _E_BAD_CRC)
        elif r == frame.TOO_LARGE:
            self.error(0, _E_TOO_LARGE, 0, "frame_max %d" % self.frame_max)

    # -- frames ----------------------------------------------------------------------

    def dispatch(self, ftype, fid, p):
        if ftype == _HELLO:
            self.hello(fid)
        elif ftype == _PROVISION:
            self.provision(fid, p)
        elif ftype == _MIKEY or ftype == _EXCHANGE:
            if self.engine is None:
                self.error(fid, _E_NOT_PROVISIONED, 0, "no PSK provisioned")
                return
            last = self.last
            if last is not None and last[0] == ftype and last[1] == fid:
                self.send(ftype | 0x80, fid, last[2])  # a repeat: the answer was lost
                return
            if ftype == _MIKEY:
                n = self.mikey(p)
            else:
                n = self.exchange(json.loads(bytes(p)))
            self.last = (ftype, fid, n)
            self.send(ftype | 0x80, fid, n)
        elif ftype == _KEYS:
            self.keys(fid, p)
        elif ftype == _TIME:
            if len(p) == 8:
                self.clock.set(p, 0)
            elif len(p):
                raise ValueError("TIME takes 0 or 8 bytes")
            synced = self.clock.now_into(self.now)
            self.reply(_TIME | 0x80, fid, bytes(self.now) + (b"\x01" if synced else b"\x00"))
        elif ftype == _BENCH:
            self.reply(_BENCH | 0x80, fid, json.dumps(self.bench(json.loads(bytes(p)))).encode())
        elif ftype == _REPL:
            self.reply(_REPL | 0x80, fid, b"")
            self.done = True
        else:
            self.error(fid, _E_UNKNOWN_TYPE, ftype)

    def hello(self, fid):
        gc.collect()
        v = sys.implementation.version
        caps = {"fw": VERSION, "board": self.board, "modes": list(self.modes),
                "heap_free": gc.mem_free(), "heap_total": gc.mem_free() + gc.mem_alloc(),
                "frame_max": self.frame_max, "micropython": "%d.%d.%d" % (v[0], v[1], v[2]),
                "provisioned": sorted(self.settings), "clock": self.clock.base is not None}
        self.reply(_HELLO | 0x80, fid, json.dumps(caps).encode())

    def provision(self, fid, p):
        new = json.loads(bytes(p))
        if not isinstance(new, dict):
            raise ValueError("PROVISION takes a JSON object")
        merged = dict(self.settings)
        for k, v in new.items():
            if k not in _SETTINGS or not isinstance(v, _SETTINGS[k]):
                raise ValueError("setting %s" % k)
            if k in _SECRETS:
                bytes.fromhex(v)  # hex, or ValueError
            merged[k] = v
        try:
            store.save(merged, *self.store)
        except OSError:
            self.error(fid, _E_STORAGE, 0, "could not store")
            return
        self._configure(merged)
        self.reply(_PROVISION | 0x80, fid, json.dumps({"stored": sorted(new)}).encode())

    def _remember(self, csb, ctx, n):
        from mikey.psk import SLOT

        self.csbs = [c for c in self.csbs if c[0] != csb][-(_CSBS - 1):]
        self.csbs.append((csb, bytes(ctx[: n * SLOT]), n))

    def mikey(self, p):
        """A MIKEY message in; the 0x83 payload (status, Error no, CSB ID,
        message) written into tx; returns its length."""
        tx = self.tx
        o = frame.HEADER
        body = memoryview(tx)[o + 6 :]
        n = len(p)
        csb = bytes(p[4:8]) if n >= 8 else b"\x00\x00\x00\x00"
        if n >= 2 and p[1] == 0:  # an I_MESSAGE for our Responder
            r = self.engine[0]
            if not self.clock.now_into(self.now):
                raise MikeyError(_R_TIMESTAMP)  # no time yet: T cannot be judged (Invalid TS)
            m = r.respond(p, n, self.now, body)
            status, code = (0, 0) if r.error is None else (1, r.error.code)
            if r.error is None:
                self._remember(csb, r.ctx, r.ncs)
                self.log("Responder: CSB %s keyed, %d crypto sessions" % (csb.hex(), r.ncs))
            else:
                self.log("Responder: refused, Error no %d" % r.error.code)
        else:  # the answer to our own I_MESSAGE
            if self.pending is None or self.pending[0] != csb:
                raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # nothing of ours to answer
            i = self.pending[1]
            m = 0
            try:
                i.finish(p, n)
                status, code = 2, 0
                self._remember(csb, i.ctx, i.ncs)
                self.log("Initiator: CSB %s keyed, %d crypto sessions" % (csb.hex(), i.ncs))
            except MikeyError as e:
                status, code = 1, e.code
            self.pending = None
        tx[o] = status
        tx[o + 1] = code
        tx[o + 2 : o + 6] = csb
        return 6 + m

    def exchange(self, spec):
        """Start an exchange as Initiator; the I_MESSAGE into tx."""
        from mikey.drbg import Drbg

        if not hasattr(self, "drbg"):
            self.drbg = Drbg(b"mikey agent " + self.board.encode())
        rnd = bytearray(36)
        self.drbg.generate_into(rnd, 0, 36)

        def fixed(name, n, default):
            v = spec.get(name)
            if v is None:
                return default
            b = bytes.fromhex(v)
            if len(b) != n:
                raise ValueError(name)
            return b

        csb = fixed("csb_id", 4, bytes(rnd[0:4]))
        rand = fixed("rand", 16, bytes(rnd[4:20]))
        tgk = fixed("tgk", 16, bytes(rnd[20:36]))
        t = self.now
        if spec.get("t"):
            t = bytearray(bytes.fromhex(spec["t"]))
        elif not self.clock.now_into(t):
            raise MikeyError(_R_TIMESTAMP)
        cs = tuple((c["ssrc"], c.get("roc", 0), c.get("policy", 0)) for c in spec.get("cs", ()))
        if not cs:
            raise ValueError("cs")
        i = self.engine[1]
        o = frame.HEADER
        n = i.build(memoryview(self.tx)[o:], csb, rand, t, cs, ((False, tgk, None, None),),
                    v=spec.get("v", True))
        self.pending = (csb, i)
        return n

    def keys(self, fid, p):
        """CSB ID (4) and a context index (1, default 0): that context of
        the CSB, one per frame, and how many there are."""
        if len(p) not in (4, 5):
            raise ValueError("KEYS takes a CSB ID and an index")
        if not self.settings.get("report_keys", True):
            self.error(fid, _E_NOT_PROVISIONED, 0, "key reports are off")
            return
        from mikey import srtp

        csb = bytes(p[:4])
        i = p[4] if len(p) == 5 else 0
        for c, ctx, n in self.csbs:
            if c == csb:
                one = srtp.context(ctx, i) if i < n else None
                self.reply(_KEYS | 0x80, fid, json.dumps({"n": n, "context": one}).encode())
                return
        self.reply(_KEYS | 0x80, fid, b'{"n": 0, "context": null}')

    def bench(self, spec):
        name = spec.get("name")
        if name == "r":
            p = int("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
                    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
                    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
                    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
                    "9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF", 16)
            x = int("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef", 16)
            t = time.ticks_us()
            pow(p // 3, x, p)
            return {"name": "r", "us": time.ticks_diff(time.ticks_us(), t)}
        if name == "echo":
            return {"name": "echo"}
        raise ValueError("bench %s" % name)


def run(board="unknown", frame_max=1024, uart=None, udp=None):
    """Serve the link until a REPL frame. `uart`: a machine.UART to use
    instead of the USB-CDC console; `udp`: a port to answer MIKEY on too
    (networked boards)."""
    if uart is None:
        inp = sys.stdin.buffer
        out = sys.stdout.buffer
    else:
        inp = out = uart
    micropython.kbd_intr(-1)  # 0x03 in a frame is data, not Ctrl-C
    try:
        agent = Agent(inp, out, board, frame_max)
        if udp:
            agent.listen(udp)
        agent.serve()
    finally:
        micropython.kbd_intr(3)
