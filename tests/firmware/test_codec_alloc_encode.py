# No allocation in the writer (firmware/mikey/encode.py), on every profile
# including `tight`: each message kind of docs/profile.md built under
# fwtest.no_alloc. Only the writer is imported: the tight profile has
# little heap to spare.

from fwtest import eq, no_alloc
from mikey import encode as W

buf = bytearray(256)
B4 = b"\x12\x34\x56\x78"
B16 = B4 * 4
TAG4 = b"\x0b\x01\x04"  # SP parameter 11, tag length 4


def i_message(b):
    # PSK I_MESSAGE: HDR, T, RAND, IDi, IDr, {SP}, KEMAC with three kinds
    # of Key data (TGK+SALT with an SPI, TEK, TGK)
    p = W.hdr(b, 0, 1, 0, B4, 0, 2)
    p = W.srtp_id(b, p, 0, 0x3FFFFFFF, 0, 0, 0)
    p = W.srtp_id(b, p, 1, B16, 4, B16, 8)
    nx, p = p, W.t(b, p, 2, 0, B16, 0)
    nx, p = p, W.rand(b, p, nx, B16, 0, 16)
    nx, p = p, W.ident(b, p, nx, 6, 1, B4, 0, 4)
    nx, p = p, W.ident(b, p, nx, 6, 0, B16, 2, 5)
    nx, p = p, W.sp(b, p, nx, 0, W.DEFAULT_SRTP)
    nx, p = p, W.sp(b, p, nx, 1, TAG4)
    e = W.kemac(b, p, nx, 1)
    kx, p = e, W.key_data(b, e, -1, 1, B16, B4, B4)
    kx, p = p, W.key_data(b, p, kx, 2, B16, None, None)
    p = W.key_data(b, p, kx, 0, B16, None, None)
    return W.kemac_end(b, p, e, 1)


def r_message(b):
    # PSK R_MESSAGE: HDR, T, IDr, V
    p = W.hdr(b, 1, 0, 0, B16, 12, 0)
    nx, p = p, W.t(b, p, 2, 3, B4, 0)
    nx, p = p, W.ident(b, p, nx, 6, 2, B4, 0, 4)
    return W.v(b, p, nx, 2)


def error_message(b):
    # Error: HDR, T, ERR, ERR
    p = W.hdr(b, 6, 0, 0, 0, 0, 0)
    nx, p = p, W.t(b, p, 2, 2, B4, 0)
    nx, p = p, W.err(b, p, nx, 13)
    return W.err(b, p, nx, 1)


def update_message(b):
    # update: HDR, T, SP, General Extension, empty KEMAC (§4.5, §6.2)
    p = W.hdr(b, 0, 0, 0, B4, 0, 0)
    nx, p = p, W.t(b, p, 2, 1, B16, 8)
    nx, p = p, W.sp(b, p, nx, 1, TAG4)
    nx, p = p, W.ident(b, p, nx, 21, 1, B16, 0, 5)
    e = W.kemac(b, p, nx, 0)
    return W.kemac_end(b, e, e, 0)


def test_every_writer_runs_without_allocating():
    # (builder, offset it returns), counted by hand:
    # I_MESSAGE  HDR 10 + 2 x 9, T 10, RAND 18, IDs 8 + 9, SPs 35 + 8, KEMAC
    #            4 + Key data 31 + 20 + 20 + MAC alg 1: MAC at 192
    # R_MESSAGE  HDR 10, T 6, ID 8, V 2: Ver data at 26
    # Error      HDR 10, T 6, ERR 4 + 4: 24
    # update     HDR 10, T 10, SP 8, General Extension 9, KEMAC 5: MAC at 42
    for build, at in ((i_message, 192), (r_message, 26), (error_message, 24), (update_message, 42)):
        eq(no_alloc(build, buf), at)
