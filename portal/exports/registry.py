"""The datasets that can be exported, added by the apps whose data they are.

Each app defines its datasets in its `exports.py` and registers them there; ExportsConfig.ready()
imports every installed app's `exports` module (as the admin does with `admin.py`), so this core
package never names a domain app. The machinery (services, selectors, views) finds a dataset only
through `get_dataset()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

from portal.exports.datasets import Dataset
from portal.exports.models import Dataset as DatasetName

_registry: dict[str, Dataset] = {}

D = TypeVar("D", bound=type[Dataset])


def register(dataset_class: D) -> D:
    """Add a dataset (its class; usable as a decorator). Its name must be one of the
    `exports.models.Dataset` choices, which the jobs' table accepts, and not taken."""
    dataset = dataset_class()
    if dataset.name not in DatasetName.values:
        raise ImproperlyConfigured(
            f"Export dataset {dataset.name!r} ({dataset_class.__qualname__}) is not a choice "
            "of portal.exports.models.Dataset."
        )
    if dataset.name in _registry:
        raise ImproperlyConfigured(
            f"Export dataset {dataset.name!r} is registered twice "
            f"({type(_registry[dataset.name]).__qualname__}, {dataset_class.__qualname__})."
        )
    _registry[dataset.name] = dataset
    return dataset_class


def get_dataset(name: str) -> Dataset | None:
    return _registry.get(name)


def datasets() -> Mapping[str, Dataset]:
    """Every registered dataset by name (read-only)."""
    return MappingProxyType(_registry)
