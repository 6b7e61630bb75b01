# Freeze the mikey package into a custom MicroPython firmware for the rp2040
# board: its bytecode then runs from flash and costs no heap. From a
# MicroPython source tree:
#   make -C ports/rp2 FROZEN_MANIFEST=/path/to/this/repo/boards/rp2040/manifest.py
# (see boards/rp2040/README.md). main.py and config.py stay on the filesystem.
include("$(PORT_DIR)/boards/manifest.py")  # the port's own frozen modules
package("mikey", base_path="../../firmware")
