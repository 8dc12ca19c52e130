"""Data migrations of referrals, run forwards and backwards on saved reports."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from referrals import search
from referrals.models import Report
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db

agency_lexeme = importlib.import_module("referrals.migrations.0005_search_agency_lexeme")


def test_the_agency_lexeme_migration_goes_both_ways(officer, cilegon_officer):
    ours = f.submitted(officer, persons=[f.person(full_name="Rini Susanti")])
    theirs = f.submitted(cilegon_officer, persons=[f.person(full_name="Rini Wulandari")])
    editor = SimpleNamespace(connection=connection)
    with connection.cursor() as cursor:  # as in a migration: no checks pending from the inserts
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    agency_lexeme.backward(None, editor)
    assert f.tagged_with_agency(officer.agency_id) == set()
    assert set(Report.objects.filter(search_vector=search.words_query("rini"))) == {ours, theirs}

    agency_lexeme.forward(None, editor)
    assert f.tagged_with_agency(officer.agency_id) == {ours}
    assert f.tagged_with_agency(cilegon_officer.agency_id) == {theirs}
    assert set(Report.objects.filter(search_vector=search.words_query("rini"))) == {ours, theirs}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'report_search_gin'")
        assert "gin (search_vector)" in cursor.fetchone()[0]
