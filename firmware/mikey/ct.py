"""Byte-window helpers for crypto: constant-time equality, XOR and copy;
and the choice of the byte-loop kernels every crypto module runs.

A window is (buf, off, n): n bytes of buf from off, read in place (no
slice). None of these allocates while it succeeds. `eq` takes the same time
for every content of the windows (it depends on n only), which is what a MAC
or verification message check needs (RFC 3830 §5.2): an early exit would
tell an attacker how many leading bytes of a forged MAC were right.

The kernels are viper code (mikey._viper) where the port can run it and the
plain-Python twins (mikey._plain) otherwise; VIPER says which. Only the
chosen module is loaded. Windows are checked here, before a kernel runs:
viper does not check bounds.
"""

from mikey.errors import Overflow, Truncated

try:
    from mikey._viper import cm as _cm, eq as _eq, mix as _mix, pads as _pads

    VIPER = True
except (ImportError, SyntaxError, ValueError):
    from mikey._plain import cm as _cm, eq as _eq, mix as _mix, pads as _pads

    VIPER = False


def eq(a, aoff, b, boff, n):
    """a[aoff:aoff+n] == b[boff:boff+n], in time that depends on n only."""
    if aoff < 0 or boff < 0 or n < 0 or aoff + n > len(a) or boff + n > len(b):
        raise Truncated()
    return _eq(a, aoff, b, boff, n)


def xor(dst, doff, src, soff=0, n=-1, keep=0xFF):
    """dst[doff:doff+n] ^= src[soff:soff+n] (all of src by default); return n.
    With keep=0 the window is copied instead (see copy). dst must be
    writable, a bytearray or a memoryview of one; the windows must not
    overlap."""
    if n < 0:
        n = len(src) - soff
    if soff < 0 or n < 0 or soff + n > len(src):
        raise Truncated()
    if doff < 0 or doff + n > len(dst):
        raise Overflow()
    if type(dst) is bytes:
        raise TypeError()  # viper would write into an immutable object
    _mix(dst, doff, src, soff, n, keep)
    return n


def copy(dst, doff, src, soff=0, n=-1):
    """dst[doff:doff+n] = src[soff:soff+n] (all of src by default); return n."""
    return xor(dst, doff, src, soff, n, 0)
