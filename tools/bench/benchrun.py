"""Benchmark runner on the MicroPython side (driven by tools/bench.py).

    main(module, i)  time benchmark i of module.BENCHES and measure R in the
                     same process; print one JSON line

A benchmark is (name, setup); setup() does the one-off work (imports, keys,
buffers) and returns the operation to time, a callable without arguments.
"""

import gc
import time

def _per_op_us(op, min_total_us=200000, rounds=3):
    """Best of `rounds` of the mean time per call, each round >= min_total_us."""
    op()  # warm-up: first-call costs (imports done lazily, caches) excluded
    n = 1
    while True:
        t0 = time.ticks_us()
        for _ in range(n):
            op()
        dt = time.ticks_diff(time.ticks_us(), t0)
        if dt >= min_total_us // 4 or n >= 1 << 20:
            break
        n *= 2
    best = dt / n
    for _ in range(rounds - 1):
        t0 = time.ticks_us()
        for _ in range(n):
            op()
        dt = time.ticks_diff(time.ticks_us(), t0) / n
        if dt < best:
            best = dt
    return best, n


def _alloc_per_op(op, n=8):
    # n calls must fit at once with the collector off; a heavy operation is
    # counted over one call, and reported as -1 when even one does not fit.
    while True:
        gc.collect()
        gc.disable()
        try:
            before = gc.mem_alloc()
            for _ in range(n):
                op()
            return (gc.mem_alloc() - before) // n
        except MemoryError:
            if n == 1:
                return -1
            n = 1
        finally:
            gc.enable()


def main(module, i):
    from runit import r_unit  # before the operation's garbage splits the heap

    setup = __import__(module).BENCHES[i][1]
    op = setup()
    gc.collect()
    alloc = _alloc_per_op(op)
    us, n = _per_op_us(op)
    gc.collect()
    r_us, _ = _per_op_us(r_unit, 300000, 5)
    # One line of JSON, written by hand: the json module would cost heap.
    print('{"us": %f, "iters": %d, "r_us": %f, "alloc": %d}' % (us, n, r_us, alloc))
