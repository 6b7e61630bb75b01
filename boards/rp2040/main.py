# Runs at boot (copied to the device by `make deploy`): starts the MIKEY
# device agent on the board's line (docs/serial-protocol.md) with this
# board's config.py. The agent returns to the REPL when the PC sends a REPL
# frame; a board with a button (config.BUTTON) skips the agent when it is
# held at start (mikey.agent.boot).
import config
from mikey.agent import boot

boot(config)
