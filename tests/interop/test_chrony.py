"""The device clock against chronyd as the trusted proxy (docs/clock.md):
the firmware's NTP client (firmware/mikey/ntp.py) under the MicroPython unix
port, with the esp32 heap, syncing over loopback UDP with SHA1 and AES128
keys; and refusing, with the clock untouched, what an attacker on the path
makes of chronyd's answers (tests/peers/chrony.py Relay)."""

import json

import pytest

from peers import chrony


@pytest.fixture(autouse=True, scope="module")
def _chronyd():
    # the peer is the point of these tests: without it they fail, they do not skip
    if not chrony.available():
        pytest.fail("chronyd is missing: .ci/run installs Debian's chrony (apt-get install chrony)")


# One JSON line in (ports, keys); per case a sync attempt, and what came of
# it: the offset the clock had, the error (reason or errno), the clock's
# state before and after, the device time between two readings of the
# host's clock (CLOCK_REALTIME, the clock chronyd serves) and the
# uncertainty it reports.
DEVICE = """
import json, sys, time
from mikey.clock import Clock, from_port, _dus
from mikey.ntp import Client, sync
from mikey.errors import MikeyError

cfg = json.loads(sys.stdin.readline())

def host(b):
    ns = time.time_ns()
    from_port(ns // 1000000000, ns % 1000000000 // 1000, b)

def state(c):
    return [bytes(c.base).hex(), c.syncs, c.ppb]

out = []
for kind in ('sha1', 'aes128'):
    clock = Clock()
    aes = kind == 'aes128'
    good = Client(2 if aes else 1, bytes.fromhex(cfg['keys'][kind]), aes)
    for case, port in cfg['cases']:
        cl = good
        if case == 'wrong key':
            cl = Client(good.key_id, bytes(b ^ 0x5A for b in good.key), aes)
        before = state(clock)
        r = {'kind': kind, 'case': case, 'before': before}
        try:
            r['offset'] = sync(clock, cl, '127.0.0.1', port, timeout=cfg['timeout'])
            r['error'] = None
        except MikeyError as e:
            r['error'] = ['mikey', e.reason]
        except OSError as e:
            r['error'] = ['os', e.errno]
        r['after'] = state(clock)
        if clock.syncs:
            h0, d, h1 = bytearray(8), bytearray(8), bytearray(8)
            host(h0)
            clock.now_into(d)
            host(h1)
            r['u'] = clock.uncertainty()
            r['lo'] = _dus(d, 0, h0, 0)
            r['hi'] = _dus(d, 0, h1, 0)
        out.append(r)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    c = chrony.Chrony(tmp_path_factory.mktemp("chrony"))
    relays = {m: chrony.Relay(c, m) for m in ("pass", "corrupt", "noauth", "wrongkey", "origin", "replay", "drop")}
    yield c, relays
    for r in relays.values():
        r.close()
    c.stop()


CASES = ["first sync", "wrong key", "corrupt", "noauth", "wrongkey", "origin", "pass", "replay", "drop",
         "unreachable", "second sync"]
REFUSED = {"corrupt": ["mikey", 16], "noauth": ["mikey", 16], "wrongkey": ["mikey", 16],
           "origin": ["mikey", 18], "replay": ["mikey", 18], "wrong key": ["os", 110],
           "drop": ["os", 110]}


@pytest.fixture(scope="module")
def runs(upy, proxy):
    c, relays = proxy
    unreachable = chrony.free_udp_port()
    port = {"first sync": c.port, "second sync": c.port, "wrong key": c.port, "unreachable": unreachable,
            **{m: r.port for m, r in relays.items()}}
    cfg = {"keys": {k: v.hex() for k, v in c.keys.items()}, "timeout": 400,
           "cases": [[case, port[case]] for case in CASES]}
    out = upy.run(DEVICE, profile="esp32", stdin=(json.dumps(cfg) + "\n").encode())
    return json.loads(out.splitlines()[-1])


@pytest.mark.parametrize("kind", ["sha1", "aes128"])
def test_sync_puts_the_device_within_its_uncertainty_of_the_host(runs, kind):
    for r in runs:
        if r["kind"] != kind or r["case"] not in ("first sync", "pass", "second sync"):
            continue
        assert r["error"] is None, r
        assert r["after"][1] == r["before"][1] + 1
        # the device's time lies between two readings of the host clock,
        # widened by the uncertainty it reports; on loopback that is < 100 ms
        assert r["lo"] >= -r["u"] and r["hi"] <= r["u"], r
        assert 0 < r["u"] <= 100_000, r


@pytest.mark.parametrize("kind", ["sha1", "aes128"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_spoiled_answers_are_refused_and_the_clock_kept(runs, kind, case):
    (r,) = [r for r in runs if r["kind"] == kind and r["case"] == case]
    assert r["error"] == REFUSED[case], r
    assert r["after"] == r["before"]  # base time, sync count, drift: untouched
    assert r["lo"] >= -r["u"] and r["hi"] <= r["u"], r  # and still right


@pytest.mark.parametrize("kind", ["sha1", "aes128"])
def test_an_unreachable_proxy_is_a_clear_error_and_the_last_sync_stays(runs, kind):
    (r,) = [r for r in runs if r["kind"] == kind and r["case"] == "unreachable"]
    assert r["error"][0] == "os" and r["error"][1] in (110, 111), r  # ETIMEDOUT, or ECONNREFUSED
    assert r["after"] == r["before"] and r["after"][1] >= 1


def test_the_agent_syncs_from_the_proxy_it_is_provisioned_with(proxy, tmp_path):
    # The simulated board's agent, provisioned with the proxy and its AES128
    # key, syncs by itself while idle; a PC-initiated exchange then needs no
    # time from the PC.
    import time

    from mikeyhost import sim
    from mikeyhost.device import _await_agent, host_to_device, ntp_now
    from mikeyhost.link import Link, SerialStream
    from mikeyhost.psk import CryptoSession

    c, _ = proxy
    sim.install(tmp_path)
    board = sim.SimBoard(tmp_path)
    stream = SerialStream(board.start())
    try:
        logs = []
        link = Link(stream, timeout=5, on_log=logs.append)
        _await_agent(link)
        assert link.hello()["clock"] is False
        psk = bytes(range(16))
        link.provision({"psk": psk.hex(), "proxy": f"127.0.0.1:{c.port}", "time_key": c.keys["aes128"].hex(),
                        "time_key_id": 2, "time_mac": "aes128"})
        deadline = time.monotonic() + 10
        while not link.clock()[1]:
            assert time.monotonic() < deadline, f"the agent did not sync: {logs}"
            time.sleep(0.05)  # (a busy line: the agent syncs between frames too)
        h0 = ntp_now()
        t, synced, u = link.clock()
        h1 = ntp_now()
        assert u <= 100_000
        assert h0 - (u << 32) // 10**6 - (1 << 32) // 100 <= t <= h1 + (u << 32) // 10**6  # (10 ms for the pty)
        host, device, _ = host_to_device(link, psk, [CryptoSession(0x1234)])
        assert host == device
    finally:
        stream.close()
        board.stop()
