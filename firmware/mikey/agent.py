"""The device agent: the loop a board's main.py starts. It reads frames from
the board's line (USB-CDC through sys.stdin, or a UART), hands MIKEY work to
the engine and answers (docs/serial-protocol.md). It never dies on a bad
frame, and its memory is fixed at start: a frame larger than its buffer is
refused, not allocated.

This module is what stays loaded: the line, the frames, MIKEY messages.
Everything else a PC asks for only now and then (HELLO, PROVISION,
EXCHANGE, KEYS, BENCH, REPL, UDP set-up) is in mikey._agentx, loaded for
the request and dropped after it, so an idle agent keeps little heap
beside the engine.

    from mikey.agent import run
    run(board="esp32")          # returns when the PC sends a REPL frame
"""

import gc
import select
import sys

import micropython
from micropython import const

from mikey import frame
from mikey.clock import Clock
from mikey.errors import MikeyError

_MIKEY = const(0x03)
_EXCHANGE = const(0x04)
_TIME = const(0x06)
_LOG = const(0x08)
_ERROR = const(0x7F)

_E_BAD_CRC = const(1)
_E_TOO_LARGE = const(2)
_E_BAD_PAYLOAD = const(4)
_E_MIKEY = const(5)
_E_NOT_PROVISIONED = const(6)
_E_INTERNAL = const(8)

_R_UNEXPECTED_PAYLOAD = const(3)  # reasons: copies of mikey.errors

_IDLE_MS = const(200)  # a partial frame after this much silence is dropped
_CSBS = const(4)  # exchanges whose SRTP contexts KEYS can report
_LOG_MAX = const(120)  # bytes of text in a LOG frame


def _drop(name):
    """Forget an on-demand module so the collector can take it back."""
    sys.modules.pop(name, None)
    import mikey

    try:
        delattr(mikey, name.rpartition(".")[2])
    except (AttributeError, KeyError):  # (not loaded: MicroPython says KeyError)
        pass


class Agent:
    def __init__(self, inp, out, board="unknown", frame_max=1024, store_file="/mikey.json",
                 store_new="/mikey.new", modes=("psk", "null")):
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
        self.clock = Clock()  # proxy time on the tick counter (docs/clock.md)
        self.done = False
        self.last = None  # (type, id, length): the last MIKEY/EXCHANGE answer, for a repeat
        self.csbs = []  # (CSB ID, contexts bytes, count) of recent exchanges
        self.settings = {}
        self.engine = None
        self.dh = None  # DH-HMAC: (Responder, Initiator or None), when installed and provisioned
        self.ecc = None  # ECC modes, with a device key: [prepared key pair, replay cache, its state]
        self.pending = None  # our own exchange: (CSB ID, initiator)
        self.udp = None
        self.drbg = None
        self.x("configure", None)

    def x(self, name, arg, mod="mikey._agentx"):
        """Call `name` of an on-demand module (mikey._agentx; the ECC work:
        mikey._agentecc), then drop it."""
        x = __import__(mod, None, None, ("x",))
        try:
            return getattr(x, name)(self, arg)
        finally:
            _drop(mod)

    def now_into(self, b, off=0):
        """Write the current NTP time (8 bytes); False when never synced.
        (A T for our own I_MESSAGE comes from self.clock.t_into: unique.)"""
        return self.clock.now_into(b, off)

    def sync(self):
        """Sync from the trusted proxy when the clock is due (mikey.ntp);
        a failure is logged and the time kept."""
        s = self.settings
        if not self.clock.due() or not s.get("proxy") or not s.get("time_key"):
            return
        import mikey.ntp as n

        self.clock.failed()  # until it succeeds: no retry before the next 16 s
        try:
            host, _, port = s["proxy"].partition(":")
            key = bytes.fromhex(s["time_key"])
            c = n.Client(s.get("time_key_id", 1), key, s.get("time_mac", "sha1") == "aes128")
            n.sync(self.clock, c, host, int(port or 123), self.random(8))
        except (MikeyError, OSError, ValueError) as e:  # the time stays as it was
            self.log("time proxy: %s %s" % (type(e).__name__, getattr(e, "reason", e.args[0] if e.args else "")))
        finally:
            _drop("mikey.ntp")

    def random(self, n):
        """n bytes of the agent's HMAC_DRBG (made on first use)."""
        if self.drbg is None:
            from mikey.drbg import Drbg

            self.drbg = Drbg(b"mikey agent " + self.board.encode())
        b = bytearray(n)
        self.drbg.generate_into(b, 0, n)
        return b

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
                self.x("datagram", None)
            if not line and not datagram:
                self.sync()  # idle: the clock's re-sync schedule (reads the ticks: they wrap)
                self.idle()
            if not line:
                if not datagram and rx.pending():
                    self._result(rx.drop())  # the line went quiet mid-frame
                continue
            if not self.inp.readinto(self.one):
                continue
            r = rx.feed(self.one[0])
            while r:  # a frame, or a fault; after a fault the buffer may hold more
                self._result(r)
                r = rx._scan() if r != frame.FRAME and rx.pending() else frame.NONE

    def idle(self):
        """Idle time: prepare the next DH-HMAC g^x (one exponentiation, about
        R: seconds on a board, while bytes wait in the line's buffer), else
        the ECC modes' next ephemeral key pair. No room now is no failure:
        the exchange makes its own."""
        try:
            for d in self.dh or ():
                if d is not None and d.pre is None:
                    d.prepare(None, d.group)
                    return
            if self.ecc is not None and self.ecc[0] is None:
                self.x("ecc_prepare", None, "mikey._agentecc")
        except MemoryError:
            gc.collect()

    def _result(self, r):
        rx = self.rx
        if r == frame.FRAME:
            fid = rx.id
            try:
                self.dispatch(rx.type, fid, memoryview(rx.buf)[frame.HEADER : frame.HEADER + rx.length])
            except MikeyError as e:
                self.error(fid, _E_MIKEY, e.code)
            except (ValueError, KeyError, TypeError) as e:
                self.error(fid, _E_BAD_PAYLOAD, 0, str(e))
            except MemoryError:
                gc.collect()
                if "mikey._ecc" in sys.modules:  # an ECC exchange cut short: its code goes
                    try:
                        self.x("free", None, "mikey._agentecc")
                    except MemoryError:
                        pass
                self.error(fid, _E_INTERNAL, 0, "out of memory")
            except Exception as e:  # noqa: BLE001 - the agent must not die
                self.error(fid, _E_INTERNAL, 0, type(e).__name__)
            self.sync()  # (a line never idle still gets its re-syncs)
        elif r == frame.BAD_CRC:
            self.error(0, _E_BAD_CRC)
        elif r == frame.TOO_LARGE:
            self.error(0, _E_TOO_LARGE, 0, "frame_max %d" % self.frame_max)

    # -- frames ----------------------------------------------------------------------

    def dispatch(self, ftype, fid, p):
        if ftype == _TIME:  # kept here: the cheapest request, and the clock is ours
            c = self.clock
            if len(p):
                if len(p) != 57:
                    raise ValueError("TIME takes 0 or 57 bytes")
                k = self.settings.get("time_key")
                if not k:
                    self.error(fid, _E_NOT_PROVISIONED, 0, "no time key provisioned")
                    return
                c.link_set(p, bytes.fromhex(k))
            if self.drbg is None:
                self.random(0)
            self.drbg.generate_into(self.tx, frame.HEADER + 13, 16)  # the next nonce
            self.send(_TIME | 0x80, fid, c.report(self.tx, frame.HEADER))
            return
        if ftype != _MIKEY and ftype != _EXCHANGE:
            if self.x("handle", (ftype, fid, p)):  # KEYGEN: mikey._agentecc's
                self.x("keygen", (fid, p), "mikey._agentecc")
            return
        if self.engine is None and self.ecc is None:
            self.error(fid, _E_NOT_PROVISIONED, 0, "no PSK or device key provisioned")
            return
        last = self.last
        if last is not None and last[0] == ftype and last[1] == fid:
            self.send(ftype | 0x80, fid, last[2])  # a repeat: the answer was lost
            return
        n = self.mikey(p) if ftype == _MIKEY else self.x("exchange", p)
        if type(n) is tuple:  # an ECC exchange, parsed: built once mikey._agentx is gone (RAM)
            n = self.x("initiate", n, "mikey._agentecc")
        self.last = (ftype, fid, n)
        self.send(ftype | 0x80, fid, n)

    def remember(self, csb, ctx, n):
        """Keep the SRTP contexts of an exchange for KEYS (the last few)."""
        from mikey.base import SLOT

        self.csbs = [c for c in self.csbs if c[0] != csb][-(_CSBS - 1):]
        self.csbs.append((csb, bytes(ctx[: n * SLOT]), n))

    def unsynced(self, p, n, csb, body):
        """The answer to an I_MESSAGE before the clock is set: the Error
        message "Invalid TS" (RFC 3830 §6.12, Error no 1), echoing the
        Initiator's T, so that the peer learns why."""
        import mikey._reject as j
        from mikey import base

        base.tables()
        m = j.write(p, n, self.now, body, base._TBL, 1)
        _drop("mikey._reject")
        self.log("Responder: no clock yet, refused with Invalid TS")
        tx = self.tx
        o = frame.HEADER
        tx[o] = 1
        tx[o + 1] = 1
        tx[o + 2 : o + 6] = csb
        return 6 + m

    def mikey(self, p):
        """A MIKEY message in; the 0x83 payload (status, Error no, CSB ID,
        message) written into tx; returns its length."""
        tx = self.tx
        o = frame.HEADER
        body = memoryview(tx)[o + 6 :]
        n = len(p)
        csb = bytes(p[4:8]) if n >= 8 else b"\x00\x00\x00\x00"
        e = n >= 2 and (p[1] == 2 or p[1] == 4) and self.ecc is not None  # ECC: an engine for this one
        if n >= 2 and (p[1] == 0 and self.engine or p[1] == 7 and self.dh) or e:  # an I_MESSAGE for us
            c = self.clock
            if not c.now_into(self.now):  # no time yet: T cannot be judged
                return self.unsynced(p, n, csb, body)
            if e or p[1] == 7 and self.settings.get("p256"):
                gc.collect()  # P-256 work ahead
            r = self.x("responder", p, "mikey._agentecc") if e else self.engine[0] if p[1] == 0 else self.dh[0]
            r.window = c.window(self.settings.get("window", 300))  # widened to the uncertainty
            r.not_before = c.floor  # this boot's start: docs/clock.md "After a reboot"
            m = r.respond(p, n, self.now, body)
            status, code = (0, 0) if r.error is None else (1, r.error.code)
            if e:
                self.x("free", r, "mikey._agentecc")  # no ECC mode code kept between exchanges
            if r.error is None:
                if p[1]:
                    self.log("%s Responder: %s %s" % ("ECC" if e else "DH-HMAC", "ephemeral key" if e else "g^x",
                                                    "prepared in idle time" if r.prepared else "computed now"))
                self.remember(csb, r.ctx, r.ncs)
                self.log("Responder: CSB %s keyed, %d crypto sessions" % (csb.hex(), r.ncs))
            else:
                self.log("Responder: refused, Error no %d" % r.error.code)
        else:  # the answer to our own I_MESSAGE
            if self.pending is None or self.pending[0] != csb:
                raise MikeyError(_R_UNEXPECTED_PAYLOAD)  # nothing of ours to answer
            i = self.pending[1]
            m = 0
            if hasattr(i, "peers") or getattr(i, "group", 0) == 10:
                gc.collect()  # P-256 work ahead
            try:
                i.finish(p, n)
                status, code = 2, 0
                self.remember(csb, i.ctx, i.ncs)
                self.log("Initiator: CSB %s keyed, %d crypto sessions" % (csb.hex(), i.ncs))
            except MikeyError as e:
                status, code = 1, e.code
            self.pending = None
            if hasattr(i, "peers"):
                self.x("free", None, "mikey._agentecc")  # no ECC mode code kept between exchanges
        tx[o] = status
        tx[o + 1] = code
        tx[o + 2 : o + 6] = csb
        return 6 + m


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
            agent.x("listen", udp)
        agent.serve()
    finally:
        micropython.kbd_intr(3)


def boot(config):
    """What a board's main.py does at start: unless the button
    config.BUTTON is held (the way back to a plain REPL), set the CPU clock
    (config.CPU_HZ), open config.UART if the line is one, light config.LED
    while the agent serves, and run it (boards/*/config.py)."""
    uart = led = None
    try:
        import machine

        if config.BUTTON is not None and machine.Pin(config.BUTTON, machine.Pin.IN,
                                                     machine.Pin.PULL_UP).value() == 0:
            return
        if getattr(config, "CPU_HZ", None):
            machine.freq(config.CPU_HZ)
        if config.UART is not None:
            n, baud, tx, rx = config.UART
            uart = machine.UART(n, baudrate=baud, tx=machine.Pin(tx), rx=machine.Pin(rx))
        if config.LED is not None:
            led = machine.Pin(config.LED, machine.Pin.OUT)
            led.value(1)
    except (ImportError, AttributeError, ValueError):
        pass  # the unix port: no pins, no clock to set
    gc.collect()
    try:
        run(board=config.BOARD, frame_max=config.FRAME_MAX, uart=uart, udp=getattr(config, "UDP", None))
    finally:
        if led is not None:
            led.value(0)
