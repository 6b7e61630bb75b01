# HMAC_DRBG with SHA-256 (firmware/mikey/drbg.py), NIST SP 800-90A §10.1.2.

from micropython import const

from fwtest import eq, fails, raises, unhex
from mikey.drbg import Drbg

_R_OVERFLOW = const(19)  # reason: a copy of mikey.errors

# NIST CAVP HMAC_DRBG.rsp, [SHA-256], PredictionResistance = False,
# EntropyInputLen 256, NonceLen 128, no personalization string or additional
# input, ReturnedBitsLen 1024, COUNT = 0: instantiate, reseed, generate twice;
# the second output is ReturnedBits.
CAVP_RESEED = (
    "06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d"  # EntropyInput
    "0e66f71edc43e42a45ad3c6fc6cdc4df",  # Nonce
    "01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552",  # EntropyInputReseed
    "76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb"
    "2b1bc215000209208cd506cb28da2a51bdb03826aaf2bd2335d576d519160842"
    "e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72a8616a802254"
    "22918250ff66a41bd2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124",
)
# The same kind of NIST vector without the reseed: instantiate, generate
# twice, the second output is ReturnedBits.
CAVP_NO_RESEED = (
    "ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488"
    "659ba96c601dc69fc902940805ec0ca8",
    "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89"
    "d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1"
    "07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668"
    "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8",
)

# With a personalization string, additional input and a reseed carrying
# additional input: seed (entropy || nonce), personalization, additional
# input, reseed entropy, then the outputs of generate(40),
# generate(20, additional), reseed(additional, entropy), generate(33). Made
# with the SP 800-90A reference in tests/host/test_fw_crypto_diff.py
# (RefDrbg, on the `cryptography` package), which rechecks this table.
DETERMINISTIC = (
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f",
    b"mikey-test",
    b"additional",
    "6465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80818283",
    ("b8b6cd57f0ab8107124fdfd1474e9f35930f91a657270e4109951a3c16fbfb7d58c398ad58fb2024",
     "f75327cda613af35be871dfe684239af19c7956f",
     "9012b1d5a2ebd973e7a3022f78e6a93575905da9c7222293ba1ca306deadd6ebeb"),
)


def test_nist_cavp_vector_with_reseed():
    seed, reseed, want = CAVP_RESEED
    d = Drbg(b"", unhex(seed))
    d.reseed(None, unhex(reseed))
    out = bytearray(128)
    d.generate_into(out, 0, 128)
    d.generate_into(out, 0, 128)
    eq(bytes(out), unhex(want))


def test_nist_cavp_vector_without_reseed():
    seed, want = CAVP_NO_RESEED
    d = Drbg(b"", unhex(seed))
    out = bytearray(130)
    d.generate_into(out, 1, 128)
    out[0] = out[129] = 0xEE
    eq(d.generate_into(out, 1, 128), 128)
    eq(bytes(out[1:129]), unhex(want))
    eq((out[0], out[129]), (0xEE, 0xEE))  # only the window is written


def test_personalization_additional_input_and_reseed():
    seed, pers, extra, reseed, outs = DETERMINISTIC
    d = Drbg(pers, unhex(seed))
    a = bytearray(40)
    d.generate_into(a, 0, 40)
    eq(bytes(a), unhex(outs[0]))
    d.generate_into(a, 0, 20, extra)
    eq(bytes(a[:20]), unhex(outs[1]))
    d.reseed(extra, unhex(reseed))
    d.generate_into(a, 0, 33)
    eq(bytes(a[:33]), unhex(outs[2]))


def test_deterministic_with_a_fixed_seed_distinct_otherwise():
    seed = bytes(range(48))
    outs = []
    for pers, s in ((b"dev-1", seed), (b"dev-1", seed), (b"dev-2", seed), (b"dev-1", None),
                    (b"dev-1", None)):
        out = bytearray(16)
        Drbg(pers, s).generate_into(out, 0, 16)
        outs.append(bytes(out))
    eq(outs[0], outs[1])  # same seed and personalization: same bytes
    eq(len(set(outs)), 4)  # another personalization, os.urandom seeds: all differ


def test_reseed_from_urandom_and_the_reseed_counter():
    seed = bytes(range(48))
    a = Drbg(b"", seed)
    b = Drbg(b"", seed)
    x = bytearray(32)
    y = bytearray(32)
    a.generate_into(x, 0, 32)
    b.generate_into(y, 0, 32)
    eq(x, y)
    eq(a.count, 2)
    a.reseed()  # fresh os.urandom entropy
    eq(a.count, 1)
    a.generate_into(x, 0, 32)
    b.generate_into(y, 0, 32)
    eq(x == y, False)
    # Past the reseed interval (2^20 requests) a request reseeds first.
    b = Drbg(b"", seed)
    c = Drbg(b"", seed)
    b.count = (1 << 20) + 1
    b.generate_into(x, 0, 32)
    c.generate_into(y, 0, 32)
    eq(b.count, 2)
    eq(x == y, False)


class Big:
    # stands for a buffer too large for the tight heap: only its length is read
    def __len__(self):
        return 70000


def test_errors():
    d = Drbg(b"", bytes(48))
    buf = bytearray(8)
    fails(_R_OVERFLOW, 12, d.generate_into, buf, 1, 8)
    fails(_R_OVERFLOW, 12, d.generate_into, buf, -1, 2)
    fails(_R_OVERFLOW, 12, d.generate_into, Big(), 0, 65537)  # over 2^19 bits a request
    raises(TypeError, d.generate_into, bytes(8), 0, 8)
    eq(d.count, 1)  # refused requests do not count
    eq(d.generate_into(buf, 8, 0), 0)
