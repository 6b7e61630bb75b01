# Runs at boot (copied to the device by `make deploy`): starts the MIKEY
# device agent on the board's line (docs/serial-protocol.md). The agent
# returns to the REPL when the PC sends a REPL frame; a board with a
# button (config.BUTTON) skips the agent when it is held at start.
import gc

import config


def _button_held():
    if config.BUTTON is None:
        return False
    try:
        from machine import Pin
    except ImportError:
        return False
    return Pin(config.BUTTON, Pin.IN, Pin.PULL_UP).value() == 0


def _start():
    uart = led = None
    try:
        import machine

        if getattr(config, "CPU_HZ", None):
            machine.freq(config.CPU_HZ)
        if config.UART is not None:
            n, baud, tx, rx = config.UART
            uart = machine.UART(n, baudrate=baud, tx=machine.Pin(tx), rx=machine.Pin(rx))
        if config.LED is not None:
            led = machine.Pin(config.LED, machine.Pin.OUT)
            led.value(1)
    except (ImportError, AttributeError, ValueError):
        pass  # the unix port: no pins, no clock to set
    from mikey.agent import run

    gc.collect()
    try:
        run(board=config.BOARD, frame_max=config.FRAME_MAX, uart=uart, udp=getattr(config, "UDP", None))
    finally:
        if led is not None:
            led.value(0)


if not _button_held():
    _start()
