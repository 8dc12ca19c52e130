"""The Redis cache, degrading instead of failing while Redis is unreachable: it holds nothing
that cannot be lost, so a read is a miss and a write is skipped (with a warning) and officers
keep working; rate limits are not enforced until Redis is back."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import ConnectionPool, Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


P = ParamSpec("P")
R = TypeVar("R")


def _degrade(
    default: Any,
) -> Callable[[Callable[Concatenate[RedisCache, P], R]], Callable[Concatenate[RedisCache, P], R]]:
    """Wrap a cache method: while Redis is unreachable, answer `default` (or what it returns,
    called with the method's arguments) instead of raising."""

    def decorate(
        method: Callable[Concatenate[RedisCache, P], R],
    ) -> Callable[Concatenate[RedisCache, P], R]:
        @wraps(method)
        def wrapper(self: RedisCache, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                logger.warning("cache unavailable (%s): %s skipped", exc, method.__name__)
                return default(*args, **kwargs) if callable(default) else default

        return wrapper

    return decorate


def _get_default(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _incr_default(key: str, delta: int = 1, version: int | None = None) -> int:
    # allauth's rate limits call incr() on a counter it has just add()-ed: with no Redis there
    # is no counter, and a count of `delta` keeps the limit from tripping.
    return delta


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One `redis.Redis` per connection pool (it is thread-safe), where Django's client builds a
    new one, with its hundreds of response callbacks, for every cache call (docs/benchmarks.md)."""

    # Django's private members (django/core/cache/backends/redis.py), left out of its stubs.
    _client: type[Redis]
    _get_connection_pool: Callable[[bool], ConnectionPool]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}

    def get_client(
        self, key: str | bytes | memoryview | None = None, *, write: bool = False
    ) -> Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
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
