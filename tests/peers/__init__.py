"""Drivers for the independent implementations the interop tests check
against: Wireshark's MIKEY dissector (tshark), GStreamer's MIKEY (libgstsdp)
and libsrtp (pylibsrtp). See ../../docs/testing.md, "Interop"."""
