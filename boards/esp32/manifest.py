# Freeze the mikey package into a custom MicroPython firmware for the esp32
# board: its bytecode then runs from flash and costs no heap. From a
# MicroPython source tree:
#   make -C ports/esp32 FROZEN_MANIFEST=/path/to/this/repo/boards/esp32/manifest.py
# (see boards/esp32/README.md). main.py and config.py stay on the filesystem.
include("$(PORT_DIR)/boards/manifest.py")  # the port's own frozen modules
package("mikey", base_path="../../firmware")
