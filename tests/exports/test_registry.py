"""The registry the apps add their datasets to: every dataset the jobs' table accepts is
registered by its app (a missing exports.py registration fails here), and nothing else."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.exports import registry
from portal.exports.datasets import Dataset
from portal.exports.models import Dataset as DatasetName

EXPECTED = {
    "reports": "referrals.exports",
    "shared": "referrals.exports",
    "referrals": "referrals.exports",
    "htcds": "referrals.htcds",
    "villages": "villages.exports",
    "activities": "villages.exports",
}


def test_the_registry_holds_exactly_the_expected_datasets():
    assert set(registry.datasets()) == set(EXPECTED)
    assert set(EXPECTED) == set(DatasetName.values)


def test_each_dataset_comes_from_its_app_under_its_own_name():
    for name, dataset in registry.datasets().items():
        assert dataset.name == name
        assert type(dataset).__module__ == EXPECTED[name]
        assert registry.get_dataset(name) is dataset
        assert dataset.title == DatasetName(name).label


def test_an_unknown_name_is_none():
    assert registry.get_dataset("everything") is None


def test_a_name_that_is_not_a_choice_is_refused():
    class Stray(Dataset):
        name = "stray"

    with pytest.raises(ImproperlyConfigured, match="not a choice"):
        registry.register(Stray)
    assert registry.get_dataset("stray") is None


def test_a_name_registered_twice_is_refused():
    class Again(Dataset):
        name = DatasetName.REPORTS.value

    with pytest.raises(ImproperlyConfigured, match="twice"):
        registry.register(Again)
    assert type(registry.get_dataset("reports")).__name__ == "ReportsDataset"
