"""The Redis cache, degrading instead of failing while Redis is unreachable: it holds nothing
that cannot be lost, so a read is a miss and a write is skipped (with a warning) and officers
keep working; rate limits are not enforced until Redis is back."""

from __future__ import annotations

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degrade(default):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                logger.warning("cache unavailable (%s): %s skipped", exc, method.__name__)
                return default(*args, **kwargs) if callable(default) else default

        return wrapper

    return decorate


def _get_default(key, default=None, version=None):
    return default


def _incr_default(key, delta=1, version=None):
    # allauth's rate limits call incr() on a counter it has just add()-ed: with no Redis there
    # is no counter, and a count of `delta` keeps the limit from tripping.
    return delta


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One `redis.Redis` per connection pool (it is thread-safe), where Django's client builds a
    new one, with its hundreds of response callbacks, for every cache call (docs/benchmarks.md)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _degrade(_get_default)(RedisCache.get)
    get_many = _degrade({})(RedisCache.get_many)
    has_key = _degrade(False)(RedisCache.has_key)
    set = _degrade(None)(RedisCache.set)
    set_many = _degrade([])(RedisCache.set_many)
    add = _degrade(False)(RedisCache.add)
    touch = _degrade(False)(RedisCache.touch)
    delete = _degrade(False)(RedisCache.delete)
    delete_many = _degrade(None)(RedisCache.delete_many)
    incr = _degrade(_incr_default)(RedisCache.incr)
    clear = _degrade(False)(RedisCache.clear)
