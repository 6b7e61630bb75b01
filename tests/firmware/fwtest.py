"""Helpers for firmware tests (MicroPython side): allocation checks and
exception checks (fails(reason, code, ...) for a MikeyError), small enough
to load under the tight heap profile."""

import gc
import micropython


def _call(fn, args):
    # Spelled out: a call through *args allocates its argument array.
    n = len(args)
    if n == 0:
        return fn()
    if n == 1:
        return fn(args[0])
    if n == 2:
        return fn(args[0], args[1])
    if n == 3:
        return fn(args[0], args[1], args[2])
    if n == 4:
        return fn(args[0], args[1], args[2], args[3])
    return fn(*args)  # more: allocates (not for no_alloc)


def no_alloc(fn, *args):
    """Run fn(*args) with the heap locked; fail if it allocates anything.

    Exceptions fn raises on purpose propagate (they must be preallocated to
    be raised at all under the lock); a MemoryError becomes an AssertionError
    naming fn, raised after the heap is unlocked again.
    """
    gc.collect()
    micropython.heap_lock()
    try:
        r = _call(fn, args)
    except MemoryError:
        micropython.heap_unlock()
        raise AssertionError("allocated under heap_lock: %s" % (fn,))
    except BaseException:
        micropython.heap_unlock()
        raise
    micropython.heap_unlock()
    return r


def allocated(fn, *args):
    """Bytes of heap that fn(*args) allocates (collector off meanwhile)."""
    gc.collect()
    gc.disable()
    try:
        before = gc.mem_alloc()
        _call(fn, args)
        return gc.mem_alloc() - before
    finally:
        gc.enable()


def raises(exc_type, fn, *args):
    """Return the exception fn(*args) raises; fail unless it is exc_type."""
    try:
        _call(fn, args)
    except exc_type as e:
        return e
    except Exception as e:
        raise AssertionError("expected %s, got %s: %s" % (exc_type.__name__, type(e).__name__, e))
    raise AssertionError("expected %s, nothing raised" % exc_type.__name__)


def fails(reason, code, fn, *args):
    """Return the MikeyError fn(*args) raises; fail unless its `reason` and
    `code` (the Error no for the peer) are these (mikey/errors.py)."""
    from mikey.errors import MikeyError

    e = raises(MikeyError, fn, *args)
    if (e.reason, e.code) != (reason, code):
        raise AssertionError("got reason %d code %d, want %d %d" % (e.reason, e.code, reason, code))
    return e


def eq(got, want):
    """assert got == want, showing both when it fails."""
    if got != want:
        raise AssertionError("got %r, want %r" % (got, want))


def unhex(s):
    """bytes from hex, ignoring spaces (for known-answer constants)."""
    import binascii

    return binascii.unhexlify(s.replace(" ", ""))
