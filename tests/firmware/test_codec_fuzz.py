# A seeded mutation loop over the codec's reader (firmware/mikey/codec.py)
# under MicroPython: bit flips, byte changes, truncations, insertions,
# deletions and copied chunks, applied to the public vectors and to the
# writer's own messages. Whatever the bytes, decode() and keys() end in a
# result or a MikeyError subclass with an Error no, never another
# exception; they never look past data[:n]; and they loop at most once per
# input byte. Every truncation of every valid message is error 13.

from micropython import const

from fwtest import eq
from mikey import encode as W
from mikey.codec import Keys, Table, decode, keys
from mikey.errors import MikeyError

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_BAD_LENGTH = const(1)
_R_UNKNOWN_PAYLOAD = const(2)
_R_TRAILING_DATA = const(4)
_R_DATA_TYPE = const(6)

# ≥ 10,000 mutated messages take a few seconds on the unix port: one
# profile, compiled, as a device loads it.
FW_PROFILES = ("esp32",)
FW_FORMATS = ("mpy",)
FW_TIMEOUT = 600

CASES = 12000
SEED = 0x2D22AC75

# tests/vectors/public.json, every vector in order (tests/host/test_fw_codec.py
# checks this copy against the file)
VECTORS = (
    # V-GST-1
    "01000000123456780000",
    # V-GST-2
    "01000000123456780200011234567800000000022345678900000001",
    # V-GST-3
    (
        "010005001234567800000101010203040506070800000014002000101020304050607080"
        "90a0b0c0d0e0f01000"
    ),
    # V-ONVIF-1
    (
        "01000500fd6d77d0010000c20f551c000000000a0001d38e19cef95c3d01000000180001"
        "010101100201010301140701010801010a01010b010a000000270021001edf40b9f54ac2"
        "944d1edbb50fe61fd6b72f542fcf9d7f383edadb669a8de4040000002f00"
    ),
    # V-GORT-a
    (
        "01000500e69d51f801000030685760000000000b00ebfe6f2db1c13fd00a10c2dde443a8"
        "4930a5757a7ed9c3a417fb010000001500010101011002010103010a0701010801010a01"
        "01000000220020001e9091783dfce8ddcd443a53508b64509f35bd8a86bc4d8b7637a502"
        "493daf00"
    ),
    # V-GORT-milestone
    (
        "01000500b1405657010000726ef4db000000000b00ecd15081bedce3970a10dd72248395"
        "c2cc1a6de60e422a7f570901000000180001010101100201010301140701010801010a01"
        "010b010a000000220020001e5db18d956f6967cc0d73f8b4e776a48a08c4220e521dcaa3"
        "b800f584fc250000"
    ),
    # V-GORT-spi
    "010001001234567801000311223344556677880000000a00210003aabbcc02112200",
    # V-TSI-1
    (
        "01000500b4effbf2010000048f147f000000000b00ed6d0c97141238110a10807503e9b3"
        "d147e75cc0ca2041a1819c010000001b00010101011002010103011404010e0701010801"
        "010a01010b010a000000270021001e68ff7f2b360a05ac381a67d784ae63283d884cc40a"
        "60ebd2ca7fe01f06700409fa402100"
    ),
    # V-TSI-2
    (
        "010005002ebcacbe0100007f6f6ce8000000000b00edaeef7e78cc03790a10786788e451"
        "be1a0becb90c4547070f7c010000001500010101011002010103010a0701010801010a01"
        "01000000220020001e8a6fef072af4b12b89a084edbd860ce207d3b431a506bd6015722a"
        "09fb0c00"
    ),
    # V-NX-axis
    (
        "010005009cb9c964010000696f1248000000000b00ee1ef0715b776c480a1014e25d7f41"
        "9d2f1a1f52dd09bd0d7141010000001500010101011002010103010a0701010801010a01"
        "01000000220020001e3bbe35802d7fb7368e165c1ef3d8994e476e93a49f8e42fe756249"
        "0c8f1a00"
    ),
    # V-SW-3
    (
        "011a05011699263800010b00ec898da8000000000e1002a28bddaf984c5e0563bc1ce857"
        "df830e08010020b5c452309219da6a3d805615548d6c1b0f4de45a6b48fb13d9a24d857f"
        "c03dc40e09010020780851cda91a9c33f941cd3a2831697e2893264754e363f8a0cef827"
        "eb201a810e060100186b6d732e6d796465762e73747265616d776964652e636f6d0a0701"
        "00186b6d732e6d796465762e73747265616d776964652e636f6d1a0000001b0001060101"
        "1002010404010c0501000601001201041301001401101501020111045d3256dbf2078f4a"
        "844f9aa371e3f16fa03513a1e7b4e4e7ff4159ada336fd582f162907157bdb4eb096ffd6"
        "1d6973cfe360a6d55c5a0102c1a7a428019446e3f84c0f9d450a641afa96f302265f6105"
        "f198f2f9ad69399319dd814061189810000698e07258a7430ce4f44df80bda93c55d2d42"
        "bd9fdb66d40bd3743c7cbfc922705b9efe1d498889f7f7e479eaa0dfbc8846c8c0dd77dd"
        "b3b93fda8e1fd2ce0d8ac3acef8176c63135da5dffefae07fa0d72dab00c0169236896d2"
        "f636d57d93460daba8461abccee5c45c7d5ce5fb6ab385443de38f9968c0916d6b41ef0a"
        "c6465b9adaf282d3690485d5799644ca8af30fe332436ccbf71a0656cf1c4e8cdee0d3b1"
        "62dd7d48e2274a918ee50d2f04070044430000000001000000000001f6f4156f58542961"
        "cbca8fb10e66f16716992638000021a53540022efcccb3685058953c68c1cb1e0df54f60"
        "71c3e2425d5e8828852e6f012081403d6f6813d958339a12e67412f5b59b2731affaf58d"
        "021dae5169b21bf39318c785cc00f4245301eb371fedc93b1859ecd8e10f2061b1fbbd38"
        "ea57be0a28720426cd8b0a33af9b381ee53ebc6841aed5c1c98fb0d2beb9c7ff98d7c798"
        "08d1f566659f6b735016192dd9984df56e54f3f95c76ac4638c1f3d3228f3c752c8cc8"
    ),
)

# the one the tolerant reader needs: its last byte is the `trailing-zero` quirk
MILESTONE = 5

t = Table(24)
k = Keys()
_state = [SEED]


def rnd(n):
    """0 <= r < n from a 31-bit LCG (small ints on every port)."""
    x = (_state[0] * 1103515245 + 12345) & 0x7FFFFFFF
    _state[0] = x
    return (x >> 7) % n if n > 0 else 0


def own_messages():
    # The writer's messages: PSK I_MESSAGE (TGK+SALT with an SPI, TEK with
    # an empty one), R_MESSAGE, Error, update; plus the decoder test's
    # message with every payload type.
    from test_codec_decode import every_payload

    buf = bytearray(300)
    out = []
    b16 = b"0123456789abcdef"
    p = W.hdr(buf, 0, 1, 0, b16, 0, 2)
    p = W.srtp_id(buf, p, 0, 1, 0, 0, 0)
    p = W.srtp_id(buf, p, 1, b16, 4, b16, 8)
    nx, p = p, W.t(buf, p, 2, 0, b16, 0)
    nx, p = p, W.rand(buf, p, nx, b16, 0, 16)
    nx, p = p, W.ident(buf, p, nx, 6, 1, b"sip:alice@example.org", 0, 21)
    nx, p = p, W.ident(buf, p, nx, 6, 1, b"sip:bob@example.org", 0, 19)
    nx, p = p, W.sp(buf, p, nx, 0, W.DEFAULT_SRTP)
    nx, p = p, W.sp(buf, p, nx, 1, b"\x0b\x01\x04\x06\x02\x01\x00")
    nx, p = p, W.ident(buf, p, nx, 21, 1, b"mikey", 0, 5)
    e = W.kemac(buf, p, nx, 0)
    kx, p = e, W.key_data(buf, e, -1, 1, b16, b16[:14], b"\x07")
    p = W.key_data(buf, p, kx, 2, b16, None, b"")
    out.append(bytes(buf[: W.kemac_end(buf, p, e, 1) + 20]))
    p = W.hdr(buf, 1, 0, 0, b16, 0, 1)
    p = W.srtp_id(buf, p, 0, b16, 4, 0, 0)
    nx, p = p, W.t(buf, p, 2, 0, b16, 0)
    nx, p = p, W.ident(buf, p, nx, 6, 1, b"sip:bob@example.org", 0, 19)
    out.append(bytes(buf[: W.v(buf, p, nx, 1) + 20]))
    p = W.hdr(buf, 6, 0, 0, b16, 0, 0)
    nx, p = p, W.t(buf, p, 2, 3, b16, 0)
    nx, p = p, W.err(buf, p, nx, 13)
    out.append(bytes(buf[: W.err(buf, p, nx, 1)]))
    p = W.hdr(buf, 0, 0, 1, b16, 0, 0)
    nx, p = p, W.t(buf, p, 2, 2, b16, 0)
    e = W.kemac(buf, p, nx, 1)
    out.append(bytes(buf[: W.kemac_end(buf, e, e, 2) + 32]))
    out.append(every_payload())
    return out


def bases():
    return [bytes.fromhex(v) for v in VECTORS] + own_messages()


def outcome(data, n, tolerant):
    """Decode data[:n] and walk what it holds; return a summary, or the
    reason of the MikeyError raised (a string). Anything else propagates."""
    try:
        c = decode(data, n, t, tolerant)
    except MikeyError as e:
        if not 0 <= e.code <= 13 or not 0 <= e.reason <= 20:
            raise AssertionError("Error no %d, reason %d" % (e.code, e.reason))
        r = str(e.reason)
    else:
        r = c * 7 + t.trailing_zero
        for i in range(c):
            r = (r * 31 + t.ptype[i] + 3 * t.start[i] + 5 * t.end[i] + 7 * t.body[i] + t.body_end[i]) & 0xFFFFFF
            if t.ptype[i] == 10:  # each SP parameter (decode checked they fill it)
                a = t.body[i]
                while a < t.body_end[i]:
                    r ^= data[a] + data[a + 1]
                    a += 2 + data[a + 1]
            elif t.ptype[i] == 1:  # Encr data as if NULL encryption
                try:
                    j = keys(data, t.body[i], t.body_end[i], k)
                    eq(j * 4 <= t.body_end[i] - t.body[i], True)
                    for q in range(j):
                        r ^= k.key[q] + k.salt_len[q] + k.spi_len[q]
                except MikeyError as e:
                    eq(e.code, 13)
    # the loop bound: at most one iteration per byte of input
    if t.steps > n:
        raise AssertionError("%d loop iterations for %d bytes" % (t.steps, n))
    return r


def mutate(src, out):
    """Copy src into out and change it; return the new length."""
    m = len(src)
    out[:m] = src
    for _ in range(1 + rnd(4)):
        op = rnd(7)
        p = rnd(m)
        if op == 0 and m:  # flip a bit
            out[p] ^= 1 << rnd(8)
        elif op == 1 and m:  # any byte
            out[p] = rnd(256)
        elif op == 2 and m:  # a value that means something somewhere
            out[p] = (0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 20, 21, 22, 26, 0x7F, 0x80, 0xFF)[rnd(19)]
        elif op == 3:  # cut
            m = rnd(m + 1)
        elif op == 4 and m < len(out) - 1:  # insert a byte
            out[p + 1 : m + 1] = out[p:m]
            out[p] = rnd(256)
            m += 1
        elif op == 5 and m:  # delete a byte
            out[p : m - 1] = out[p + 1 : m]
            m -= 1
        elif op == 6 and m:  # copy a chunk of the message over itself
            a = rnd(m)
            n = 1 + rnd(min(40, m - a))
            if m + n < len(out):
                chunk = bytes(out[a : a + n])
                out[p + n : m + n] = out[p:m]
                out[p : p + n] = chunk
                m += n
    return m


def test_mutated_messages_end_in_typed_errors():
    msgs = bases()
    out = bytearray(1024)
    seen = {}
    decoded = 0
    for case in range(CASES):
        src = msgs[rnd(len(msgs))]
        m = mutate(src, out)
        for j in range(m, len(out)):  # junk past n: must never be read
            out[j] = rnd(256)
        try:
            for tolerant in (False, True):
                r = outcome(out, m, tolerant)
                if isinstance(r, str):
                    seen[r] = seen.get(r, 0) + 1
                else:
                    decoded += 1
                if case % 4 == 0:  # the same bytes alone, without the junk
                    eq(outcome(bytes(out[:m]), m, tolerant), r)
        except Exception as e:
            print("case", case, "seed", SEED, "message", bytes(out[:m]).hex())
            raise e
    print("cases", CASES, "decoded", decoded, "rejected", sorted(seen.items()))
    eq(CASES >= 10000, True)
    # the loop reached deep and wide: successes and most error kinds
    eq(decoded > CASES // 20, True)
    for reason in (_R_TRUNCATED, _R_BAD_LENGTH, _R_UNKNOWN_PAYLOAD, _R_TRAILING_DATA, _R_DATA_TYPE):
        eq(seen.get(str(reason), 0) > 0, True)


def test_every_truncation_of_every_valid_message_is_error_13():
    for x, m in enumerate(bases()):
        full = len(m) - 1 if x == MILESTONE else len(m)  # without its quirk
        eq(isinstance(outcome(m, full, False), int), True)  # decodes strictly
        for n in range(full):
            for tolerant in (False, True):
                try:
                    decode(m, n, t, tolerant)
                except MikeyError as e:
                    eq((e.reason in (_R_TRUNCATED, _R_BAD_LENGTH), e.code), (True, 13))
                    eq(t.steps <= n, True)
                    continue
                raise AssertionError("message %d: prefix %d of %d decoded" % (x, n, full))
