"""The cache degrades to misses while Redis is unreachable, instead of failing requests."""

import socket
import uuid

import pytest
from django.core.cache.backends.base import DEFAULT_TIMEOUT  # noqa: F401

from portal.core.cache import ResilientRedisCache


@pytest.fixture
def dead_cache():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    return ResilientRedisCache(f"redis://127.0.0.1:{port}/0", {"KEY_PREFIX": "t"})


def test_reads_miss_and_writes_are_skipped(dead_cache):
    assert dead_cache.get("k") is None
    assert dead_cache.get("k", "fallback") == "fallback"
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.set("k", 1) is None
    assert dead_cache.add("k", 1) is False
    assert dead_cache.delete("k") is False
    assert dead_cache.has_key("k") is False


def test_counters_do_not_trip_limits(dead_cache):
    assert dead_cache.incr("failed-logins", 1) == 1


def test_one_redis_client_serves_every_call(settings):
    # The suite's Redis (the suite's own cache is per process); a prefix of its own.
    cache = ResilientRedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"t-{uuid.uuid4().hex}"})
    cache.set("k", {"v": 1}, 30)
    assert cache.get("k") == {"v": 1}
    cache.delete("n")
    assert cache.add("n", 0, 30) is True
    assert cache.incr("n", 2) == 2
    cache.delete("n")
    assert cache.delete("k") is True
    assert cache.get("k") is None
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client("any key") is client
