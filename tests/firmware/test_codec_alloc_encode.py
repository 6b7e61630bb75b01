# No allocation in the writer (firmware/mikey/encode.py), on every profile
# including `tight`: every Encoder method, building each message kind of
# docs/profile.md under fwtest.no_alloc. Only the writer is imported: the
# tight profile has little heap to spare.

from fwtest import eq, no_alloc
from mikey.encode import Encoder

buf = bytearray(256)
enc = Encoder(buf)
B4 = b"\x12\x34\x56\x78"
B16 = B4 * 4
TAG4 = b"\x0b\x01\x04"  # SP parameter 11, tag length 4


def i_message(e):
    # PSK I_MESSAGE: HDR, T, RAND, IDi, IDr, {SP}, KEMAC with three kinds
    # of Key data (TGK+SALT with an SPI, TEK with an interval, TGK)
    e.reset()
    e.hdr(0, 1, 0, B4, 2)
    e.srtp_id(0, 0x3FFFFFFF, 0)
    e.srtp_id(1, B16, B16, 4, 8)
    e.t(0, B16)
    e.rand(B16)
    e.id(1, B4)
    e.id(0, B16, 2, 5)
    e.sp(0)
    e.sp(1, TAG4, 0)
    e.kemac(1)
    e.key_data(1, B16, B4, 1, B4)
    e.key_data(2, B16, None, 2, B4, B4)
    e.key_data(0, B16)
    return e.kemac_end(1)


def r_message(e):
    # PSK R_MESSAGE: HDR, T, IDr, V
    e.reset(buf)
    e.hdr(1, 0, 0, B16, 0, 12)
    e.t(3, B4)
    e.id(2, B4)
    return e.v(2)


def error_message(e):
    # Error: HDR, T, ERR, ERR
    e.reset()
    e.hdr(6, 0, 0, 0, 0)
    e.t(2, B4)
    e.err(13)
    e.err(1)
    return e.length()


def update_message(e):
    # update: HDR, T, SP, General Extension, empty KEMAC (§4.5, §6.2)
    e.reset()
    e.hdr(0, 0, 0, B4, 0)
    e.t(1, B16, 8)
    e.sp(1, TAG4)
    e.ext(1, B16, 0, 5)
    e.kemac(0)
    return e.kemac_end(0)


def test_every_encoder_runs_without_allocating():
    # (builder, offset it returns, message length), counted by hand:
    # I_MESSAGE  HDR 10 + 2 x 9, T 10, RAND 18, IDs 8 + 9, SPs 35 + 8, KEMAC
    #            4 + Key data 31 + 30 + 20 + MAC alg 1: MAC at 202, + 20
    # R_MESSAGE  HDR 10, T 6, ID 8, V 2: Ver data at 26, + 32
    # Error      HDR 10, T 6, ERR 4 + 4
    # update     HDR 10, T 10, SP 8, General Extension 9, KEMAC 5
    for build, at, n in ((i_message, 202, 222), (r_message, 26, 58), (error_message, 24, 24), (update_message, 42, 42)):
        eq((no_alloc(build, enc), enc.length()), (at, n))
