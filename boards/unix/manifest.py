# Freeze the mikey package into a custom MicroPython unix port (the unix
# interpreter: its bytecode is then part of the executable and costs no heap. From a
# MicroPython source tree:
#   make -C ports/unix FROZEN_MANIFEST=/path/to/this/repo/boards/unix/manifest.py
# (see boards/unix/README.md). main.py and config.py stay on the filesystem.
# (the unix port freezes nothing else by default)
package("mikey", base_path="../../firmware")
