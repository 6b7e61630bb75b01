"""A simulated board on a pseudo-terminal (mikeyhost.sim): prints its port
and runs until Ctrl-C.

    python tools/simboard.py [--flash DIR] [--heap BYTES] [--install]
"""

import argparse
import sys
import time
from pathlib import Path

import toolchain  # noqa: F401 - sets up the checkout's paths

from mikeyhost.sim import DEFAULT_FLASH, SimBoard, install


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flash", default=str(DEFAULT_FLASH), help="host directory that is the board's filesystem")
    ap.add_argument("--heap", type=int, help="heap bytes (default: the esp32 profile's)")
    ap.add_argument("--install", action="store_true", help="install the firmware and the unix board's main.py first")
    args = ap.parse_args(argv)
    if args.install:
        install(Path(args.flash))
    board = SimBoard(Path(args.flash), args.heap, log=sys.stderr)
    port = board.start()
    print(f"simulated board on {port} (flash: {args.flash}, heap {board.heap} B); Ctrl-C to power off",
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        board.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
