# Runs at boot on the rp2040 board (copied to the device by `make deploy`).
# It reports what is installed; the device agent takes over this file once
# the serial link exists.
import gc
import sys

import mikey

gc.collect()
v = sys.implementation.version
print("mikey %s on rp2040: MicroPython %d.%d.%d, %d bytes of heap free"
      % (mikey.__version__, v[0], v[1], v[2], gc.mem_free()))
