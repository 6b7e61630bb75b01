# The unix board's REPL: what a board's firmware does on its USB serial port,
# for the MicroPython unix port on a pseudo-terminal (tools/simboard.py
# starts it). Like a board it mounts its own filesystem ("flash": a host
# directory) at /, runs /main.py at boot, and speaks the friendly REPL and
# the raw REPL that mpremote drives (Ctrl-A raw, Ctrl-B friendly, Ctrl-C
# clear, Ctrl-D run or soft reset). A soft reset ends this process with
# exit status 3 (back to raw REPL) or 4 (back to the friendly REPL, main.py
# again); the launcher starts a fresh interpreter, so the heap starts clean
# as it does on a board. Raw-paste mode is declined ("R\x00"), which
# mpremote answers by falling back to the plain raw REPL.
#
# It has a ROMFS partition too (unless started with "norom"), as boards
# built with MICROPY_VFS_ROM do: a host file beside the flash directory
# (FLASH_DIR.romfs) written through vfs.rom_ioctl (what `mpremote romfs
# deploy` calls) and, when it holds an image, mounted at /rom with /rom and
# /rom/lib on sys.path. Having no flash to map, this port reads the image
# into the heap; the launcher adds its size to the heap (mikeyhost.sim).
#
#     micropython -X heapsize=N repl.mpy FLASH_DIR [raw] [norom]

import gc
import sys

import vfs

_RAW_RESET = 3
_FRIENDLY_RESET = 4

_in = sys.stdin.buffer
_out = sys.stdout.buffer


def _w(b):
    _out.write(b)


def _getc():
    c = _in.read(1)
    if not c:
        sys.exit(0)  # the launcher closed the line: power off
    return c[0]


class _Flash:
    """The board's filesystem: a host directory seen as /. (VfsPosix's own
    root option breaks rename in this build, so paths are joined here and
    handed to an unrooted VfsPosix.)"""

    def __init__(self, root):
        self.root = root.rstrip("/")
        self.host = vfs.VfsPosix()
        self.cwd = "/"

    def _p(self, path):
        if not path.startswith("/"):
            path = self.cwd.rstrip("/") + "/" + path
        return self.root + path

    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def open(self, path, mode):
        return self.host.open(self._p(path), mode)

    def ilistdir(self, path):
        return self.host.ilistdir(self._p(path))

    def stat(self, path):
        return self.host.stat(self._p(path))

    def statvfs(self, path):
        return self.host.statvfs(self._p(path))

    def mkdir(self, path):
        self.host.mkdir(self._p(path))

    def rmdir(self, path):
        self.host.rmdir(self._p(path))

    def remove(self, path):
        self.host.remove(self._p(path))

    def rename(self, old, new):
        self.host.rename(self._p(old), self._p(new))

    def chdir(self, path):
        self.host.stat(self._p(path))
        self.cwd = path if path.startswith("/") else self.cwd.rstrip("/") + "/" + path

    def getcwd(self):
        return self.cwd


_ROMFS_SIZE = 262144  # the partition (the image may be smaller)
_ROMFS_BLOCK = 4096


class _Part(bytearray):
    """The partition as rom_ioctl(2) gives it: the bytes of the image read
    at boot (none if there was none), the partition's length."""

    def __len__(self):
        return _ROMFS_SIZE


_part = _Part()


def _rom_ioctl(part, op, *a):
    """vfs.rom_ioctl (extmod/vfs_rom_ioctl.c) for one partition kept in the
    file part: 1 segments, 2 the segment, 3 prepare (here: start an empty
    file, not erase), 4 write, 5 done, 6 block size. Errors are negative,
    as the firmware's."""
    if op == 1:
        return 1
    if not a or a[0] != 0:
        return -19  # -ENODEV: only partition 0
    if op == 2:
        return _part
    if op == 6:
        return _ROMFS_BLOCK
    if op == 3:  # prepare (id, length) or (id, offset, length): from 0, a new image
        off = a[1] if len(a) == 3 else 0
        if off + a[-1] > _ROMFS_SIZE:
            return -27  # -EFBIG
        if not off:
            vfs.VfsPosix().open(part, "wb").close()
        return 16  # smallest write
    if op == 4:
        off, data = a[1], a[2]
        if off + len(data) > _ROMFS_SIZE:
            return -27
        with vfs.VfsPosix().open(part, "r+b") as f:
            f.seek(off)
            f.write(data)
        return 0
    if op == 5:
        return 0
    return -22  # -EINVAL


class _Vfs:
    """The vfs module as a board with ROMFS has it: vfs's own functions and
    classes, and rom_ioctl."""

    def __init__(self, part):
        for k in dir(vfs):
            if not k.startswith("__"):
                setattr(self, k, getattr(vfs, k))
        self.rom_ioctl = lambda op, *a: _rom_ioctl(part, op, *a)


def _mount(flash, romfs):
    vfs.umount("/")
    vfs.mount(_Flash(flash), "/")
    import os

    os.chdir("/")
    sys.path[:] = ["", ".frozen", "/lib"]
    if not romfs:
        return
    part = flash.rstrip("/") + ".romfs"
    sys.modules["vfs"] = _Vfs(part)  # (the REPL's own `vfs` is the module itself)
    try:
        n = vfs.VfsPosix().stat(part)[6]
    except OSError:
        return
    global _part
    img = _Part(n)
    with vfs.VfsPosix().open(part, "rb") as f:
        f.readinto(img)
    if bytes(memoryview(img)[:3]) == b"\xd2\xcd\x31":  # a ROMFS image (not an erased partition)
        _part = img
        vfs.mount(vfs.VfsRom(img), "/rom")
        sys.path[2:2] = ["/rom", "/rom/lib"]


def _run(src, mode, g):
    try:
        exec(compile(src, "<stdin>", mode), g)
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - a board prints every error
        sys.print_exception(e, sys.stdout)


def _raw_repl(g):
    _w(b"raw REPL; CTRL-B to exit\r\n")
    line = bytearray()
    while True:
        _w(b">")
        line[:] = b""
        while True:
            c = _getc()
            if c == 1:  # Ctrl-A: raw-paste request (Ctrl-E A Ctrl-A) or reset
                if line == b"\x05A":
                    _w(b"R\x00")
                    line[:] = b""
                    continue
                _w(b"raw REPL; CTRL-B to exit\r\n>")
                line[:] = b""
            elif c == 2:  # Ctrl-B: friendly REPL
                _w(b"\r\n")
                return
            elif c == 3:  # Ctrl-C: clear
                line[:] = b""
            elif c == 4:  # Ctrl-D: run, or soft reset when empty
                break
            else:
                line.append(c)
        _w(b"OK")
        if not line:
            _w(b"\r\nMPY: soft reboot\r\n")
            sys.exit(_RAW_RESET)
        src = bytes(line)
        line[:] = b""
        gc.collect()
        try:
            exec(compile(src, "<stdin>", "exec"), g)
            _w(b"\x04")
        except SystemExit:
            _w(b"\x04\x04")
            sys.exit(_RAW_RESET)
        except BaseException as e:  # noqa: BLE001
            _w(b"\x04")
            sys.print_exception(e, sys.stdout)
        _w(b"\x04")


def _friendly_repl(g):
    v = sys.implementation.version
    _w(b"MicroPython %d.%d.%d on unix board (simulated); Ctrl-A raw REPL, Ctrl-D soft reset\r\n"
       % (v[0], v[1], v[2]))
    line = bytearray()
    _w(b">>> ")
    while True:
        c = _getc()
        if c == 1:
            _w(b"\r\n")
            _raw_repl(g)
            _w(b">>> ")
        elif c == 2:
            _w(b"\r\n>>> ")
        elif c == 3:
            line[:] = b""
            _w(b"\r\nKeyboardInterrupt\r\n>>> ")
        elif c == 4:
            if not line:
                _w(b"\r\nMPY: soft reboot\r\n")
                sys.exit(_FRIENDLY_RESET)
        elif c in (8, 127):
            if line:
                line[:] = line[:-1]
                _w(b"\x08 \x08")
        elif c == 13 or c == 10:
            _w(b"\r\n")
            if line:
                src = bytes(line)
                line[:] = b""
                _run(src, "single", g)
            _w(b">>> ")
        else:
            line.append(c)
            _w(bytes((c,)))


def main():
    _mount(sys.argv[1], "norom" not in sys.argv[2:])
    g = {"__name__": "__main__"}
    if "raw" in sys.argv[2:]:
        _raw_repl(g)
    else:
        import os

        try:
            os.stat("/main.py")
            with open("/main.py") as f:
                src = f.read()
            _run(src, "exec", {"__name__": "__main__"})
        except OSError:
            pass
    _friendly_repl(g)


main()
