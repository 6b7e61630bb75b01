# ESP32 (no PSRAM) board configuration. Read by main.py; copied to the
# board's / by `make deploy BOARD=esp32`.
BOARD = "esp32"
# The agent's line: None for the REPL's own UART0/USB bridge (115200 baud
# on the dev board's USB port), or (uart id, baudrate, tx pin, rx pin),
# e.g. (2, 115200, 17, 16), to keep the REPL free on UART0.
UART = None
LED = 2  # the DevKit's blue LED: lit while the agent serves
BUTTON = 0  # BOOT: held while the board starts, it gets the REPL instead of the agent
FRAME_MAX = 1024
# MIKEY over UDP port 2269 (RFC 5197 §6) once Wi-Fi is up (connect it in your
# boot.py); None to answer on the serial line only.
UDP = 2269
HEAP = 114688  # GC heap after boot on a plain ESP32 (the esp32 test profile)
# CPU: 160 MHz by default on some builds; main.py asks for 240 MHz
# (machine.freq(240_000_000)): exchanges take a third less time.
CPU_HZ = 240_000_000
# Entropy: os.urandom is the hardware RNG, truly random only while the RF
# part (Wi-Fi or Bluetooth) is on; the DRBG mixes it with a personalisation
# string and reseeds, but provision devices with Wi-Fi started once.
