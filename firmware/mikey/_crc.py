"""CRC-16/CCITT-FALSE in plain Python, for a port without the native
emitter (mikey.frame uses a viper loop where it can)."""


def crc16(buf, off, n):
    crc = 0xFFFF
    for i in range(off, off + n):
        crc ^= buf[i] << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc
