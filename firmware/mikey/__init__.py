"""MIKEY (RFC 3830) for MicroPython: key management for SRTP on small devices.

Importing the package loads nothing else: each mode and helper is its own
module, so a device installs and imports only what it uses.
"""

__version__ = "0.1.0"
