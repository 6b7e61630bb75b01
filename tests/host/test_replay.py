"""RFC 3830 §5.4 replay handling in the twin: window, cache, bounded size."""

import pytest

from mikeyhost.errors import ErrorNo, InvalidTimestamp, Replay
from mikeyhost.replay import NTP_ONE_SECOND as S
from mikeyhost.replay import ReplayCache, ntp_diff

NOW = 0xE8000000 << 32  # an NTP time in era 0 (2023)


def test_fresh_message_passes_and_its_replay_is_refused():
    c = ReplayCache()
    c.check(NOW, b"m1", NOW)
    c.add(NOW, b"m1", NOW)
    with pytest.raises(Replay) as e:
        c.check(NOW, b"m1", NOW + S)
    assert e.value.code == ErrorNo.INVALID_TS
    c.check(NOW, b"m2", NOW)  # same T, another message: not a replay


@pytest.mark.parametrize("skew", [-301, 301, -10**6])
def test_outside_the_window_is_invalid_ts(skew):
    with pytest.raises(InvalidTimestamp) as e:
        ReplayCache(window=300).check(NOW + skew * S, b"m", NOW)
    assert not isinstance(e.value, Replay) and e.value.code == 1


@pytest.mark.parametrize("skew", [-300, 0, 300])
def test_window_edges_are_inside(skew):
    ReplayCache(window=300).check(NOW + skew * S, b"m", NOW)


def test_full_cache_shrinks_the_window_instead_of_growing():
    c = ReplayCache(capacity=3)
    for i in range(5):
        c.add(NOW + i * S, b"m%d" % i, NOW + i * S)
    assert len(c) == 3
    # m0 and m1 were evicted: their timestamps can no longer be vouched for.
    with pytest.raises(InvalidTimestamp):
        c.check(NOW + 1 * S, b"m1", NOW + 5 * S)
    with pytest.raises(InvalidTimestamp):
        c.check(NOW + 1 * S, b"new", NOW + 5 * S)
    c.check(NOW + 2 * S + 1, b"new", NOW + 5 * S)
    with pytest.raises(Replay):
        c.check(NOW + 4 * S, b"m4", NOW + 5 * S)


def test_entries_outside_the_window_are_dropped_not_evicted():
    c = ReplayCache(window=10, capacity=2)
    c.add(NOW, b"a", NOW)
    c.add(NOW + 100 * S, b"b", NOW + 100 * S)  # "a" expired: no eviction floor
    c.add(NOW + 101 * S, b"c", NOW + 101 * S)
    assert len(c) == 2
    c.check(NOW + 95 * S, b"d", NOW + 101 * S)


def test_lost_state_refuses_earlier_messages():
    c = ReplayCache(not_before=NOW)
    with pytest.raises(InvalidTimestamp):
        c.check(NOW - 1, b"m", NOW)
    c.check(NOW, b"m", NOW)


def test_ntp_difference_across_the_2036_rollover():
    before = 0xFFFFFFF0 << 32  # 2036-02-07, era 0
    after = 0x00000010 << 32  # 32 s later, era 1
    assert ntp_diff(after, before) == 32 * S
    assert ntp_diff(before, after) == -32 * S
    ReplayCache().check(after, b"m", before)
