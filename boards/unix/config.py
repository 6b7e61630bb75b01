# The unix board: the MicroPython unix port standing in for a board (CI,
# `mikey device --port sim`). Read by main.py; copied to the device's / by
# `make deploy` (or mikeyhost.sim.install for the simulated board).
BOARD = "unix"
UART = None  # the line is the process's stdin/stdout: a pseudo-terminal
LED = None  # no status LED
BUTTON = None  # no button to keep the agent from starting
FRAME_MAX = 1024  # largest frame payload the agent takes (docs/serial-protocol.md)
HEAP = 131072  # the esp32 profile's heap + 16 KB for 8-byte words (README.md "Heap")
# MIKEY over UDP (RFC 5197 §6: port 2269); MIKEY_UDP_PORT overrides it (tests).
UDP = 2269
try:
    import os

    UDP = int(os.getenv("MIKEY_UDP_PORT") or UDP)
except (ImportError, AttributeError, ValueError):
    pass
# Entropy: os.urandom is the host's getrandom(); the DRBG reseeds from it.
