# Provisioned settings stored atomically (firmware/mikey/store.py): a power
# cut at any point leaves the old set or the new one, never a mix.

import os

from fwtest import eq

from mikey import store

D = "/tmp/mikey-store-test-%d" % id(store)
FILE = D + "/mikey.json"
NEW = D + "/mikey.new"


def fresh():
    try:
        os.mkdir(D)
    except OSError:
        pass
    for f in (FILE, NEW):
        try:
            os.remove(f)
        except OSError:
            pass


def done():
    fresh()
    os.rmdir(D)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def test_save_then_load():
    fresh()
    eq(store.load(FILE, NEW), {})
    store.save({"psk": "00" * 16, "window": 300}, FILE, NEW)
    eq(store.load(FILE, NEW), {"psk": "00" * 16, "window": 300})
    store.save({"psk": "11" * 16}, FILE, NEW)
    eq(store.load(FILE, NEW), {"psk": "11" * 16})
    eq(exists(NEW), False)
    done()

def test_cut_while_writing_the_new_set_keeps_the_old():
    fresh()
    store.save({"psk": "aa" * 16}, FILE, NEW)
    write(NEW, '{"psk": "bb')  # the power went while NEW was written
    eq(store.load(FILE, NEW), {"psk": "aa" * 16})
    eq(exists(NEW), False)
    done()

def test_cut_between_remove_and_rename_finishes_the_new_set():
    fresh()
    write(NEW, '{"psk": "cc"}')  # FAT path: the old file removed, NEW complete
    eq(store.load(FILE, NEW), {"psk": "cc"})
    eq(exists(NEW), False)
    eq(exists(FILE), True)
    done()

def test_a_first_write_cut_short_leaves_nothing():
    fresh()
    write(NEW, '{"ps')
    eq(store.load(FILE, NEW), {})
    eq(exists(NEW), False)
    done()
