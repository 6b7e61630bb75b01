"""MIKEY (RFC 3830) on the PC: the reference twin of the device firmware."""

__version__ = "0.1.0"
