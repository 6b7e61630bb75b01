"""Runs one firmware test function; the host harness reads its last line.

Started by the pytest plugin as
    micropython -X heapsize=N -c "import fwrun; fwrun.main('test_mod', 'test_fn')"
or on a board through mpremote. A failure propagates as a traceback.
"""

import gc
import sys

PASS = "FWTEST-PASS"


def main(module, function):
    gc.collect()
    mod = __import__(module)
    fn = getattr(mod, function)
    gc.collect()
    fn()
    gc.collect()
    print(PASS, sys.implementation.name, gc.mem_free(), gc.mem_alloc())
