"""A device with some parts installed offers the modes of those parts and
no others (docs/firmware.md "Parts"); it learns what is installed without
importing what it does not use."""

from mikeyhost import sim
from mikeyhost.link import Link, SerialStream

from conftest import PSK, _await_hello


def _hello_on(flash, parts):
    sim.install(flash, parts=parts)
    b = sim.SimBoard(flash)
    stream = SerialStream(b.start())
    try:
        lk = Link(stream, timeout=5)
        _await_hello(lk)
        lk.provision({"psk": PSK.hex(), "identity": "dev@example.org"})
        return lk.hello()
    finally:
        stream.close()
        b.stop()


def test_a_psk_only_agent_offers_psk_and_null(tmp_path):
    assert sorted(_hello_on(tmp_path, ["agent"])["modes"]) == ["null", "psk"]


def test_with_the_dhhmac_part_it_offers_dhhmac_too(tmp_path):
    assert sorted(_hello_on(tmp_path, ["agent", "dhhmac"])["modes"]) == ["dhhmac", "null", "psk"]


def test_with_the_ecc_part_it_offers_the_signed_ecc_modes(tmp_path):
    modes = _hello_on(tmp_path, ["agent", "ecc"])["modes"]
    assert {"dhsign-ecdsa", "ecies", "ecmqv"} <= set(modes)
