"""The boundary around every platform adapter: a vendor that answers something unexpected (malformed JSON, a
missing field, a wrong type, a dropped connection) is a :class:`PlatformError` naming the call, never a crash of
the swarm. The runner turns a PlatformError into a ``failed`` outcome with a report."""

from __future__ import annotations

import functools
from typing import Any

import httpx

from memory.errors import PlatformError, SwarmError
from swarm.platforms.deploymodel import MODELS

FOREIGN = (ValueError, KeyError, TypeError, IndexError, AttributeError, httpx.HTTPError, OSError)


class CheckedPlatform:
    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.name = getattr(inner, "name", type(inner).__name__)
        model = MODELS.get(self.name)
        self.label = model.vendor if model else self.name
        self.shares_this_host = model.shares_this_host if model else getattr(inner, "shares_this_host", True)

    @property
    def inner(self) -> Any:
        return self._inner

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._inner, attr)
        if not callable(value) or attr.startswith("_"):
            return value

        @functools.wraps(value)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return value(*args, **kwargs)
            except SwarmError:
                raise
            except FOREIGN as exc:
                what = ", ".join([*(repr(a)[:40] for a in args), *(f"{k}={v!r}"[:40] for k, v in kwargs.items())])
                raise PlatformError(f"{self.label} {attr}({what}) got an answer swarm cannot use: "
                                    f"{type(exc).__name__}: {str(exc)[:300]}") from exc

        return call
