"""The twin's MIKEY wire codec, one module per payload family.

The public surface is `mikeyhost.payloads`; the modules here hold the wire
format of each payload (RFC 3830 §6 and its companions) next to the
dataclass that carries it.
"""
