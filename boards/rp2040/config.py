# Raspberry Pi Pico (RP2040) board configuration. Read by main.py; copied
# to the board's / by `make deploy BOARD=rp2040`.
BOARD = "rp2040"
# The agent's line: None for the USB-CDC REPL port, or (uart id, baudrate,
# tx pin, rx pin), e.g. (0, 115200, 0, 1), for a UART on GP0/GP1.
UART = None
LED = 25  # the Pico's LED ("LED" on a Pico W): lit while the agent serves
BUTTON = None  # the Pico has no user button; wire one to a GPIO and name it here
FRAME_MAX = 1024
# MIKEY over UDP port 2269 (RFC 5197 §6): a Pico W with Wi-Fi up (boot.py
# connects it, yours to write); None on a plain Pico, which has no network.
UDP = None
HEAP = 204800  # GC heap after boot (the rp2040 test profile)
# CPU: 125 MHz by default; machine.freq(250_000_000) is within what most
# Picos run, and halves the time of an exchange. Left at the default here.
CPU_HZ = 125_000_000
# Entropy: the RP2040 has no TRNG; MicroPython's os.urandom samples the ring
# oscillator's ROSC bit. The DRBG seeds from it with a personalisation
# string; provision each device with its own PSK.
