"""Factories for agreements, their parties and scopes. Defaults give an *active* agreement
in force today (started 30 days ago, ending in two years); traits give the other states."""

import datetime as dt

import factory
from django.utils import timezone

from agreements.models import Agreement, AgreementScope, AgreementStatus, Party, Scope
from portal.core.categories import ReportCategory
from tests.factories import AgencyFactory

ALL_CATEGORIES = tuple(ReportCategory.values)


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    """Today shifted by `n` days (negative: in the past)."""
    return today() + dt.timedelta(days=n)


class ScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scope
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ruang-lingkup-{n}")
    name_id = factory.Sequence(lambda n: f"Ruang lingkup {n}")
    name_en = factory.Sequence(lambda n: f"Scope {n}")
    allows_data_exchange = False
    is_active = True

    class Params:
        data_exchange = factory.Trait(
            allows_data_exchange=True,
            code=factory.Sequence(lambda n: f"pertukaran-data-{n}"),
            name_id="Pertukaran dan pemanfaatan data dan informasi",
            name_en="Exchange and use of data and information",
        )


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"Perjanjian Kerja Sama Uji {n}")
    kind = Agreement.Kind.PKS
    status = AgreementStatus.ACTIVE
    effective_from = factory.LazyFunction(lambda: days(-30))
    effective_until = factory.LazyAttribute(lambda o: o.effective_from + dt.timedelta(days=730))
    signed_on = factory.SelfAttribute("effective_from")
    signed_at = "Tangerang"

    class Params:
        draft = factory.Trait(status=AgreementStatus.DRAFT)
        expired = factory.Trait(
            status=AgreementStatus.EXPIRED,
            effective_from=factory.LazyFunction(lambda: days(-400)),
            effective_until=factory.LazyFunction(lambda: days(-35)),
        )
        terminated = factory.Trait(
            status=AgreementStatus.TERMINATED,
            terminated_on=factory.LazyFunction(today),
            termination_reason="Diakhiri atas kesepakatan para pihak.",
        )
        open_ended = factory.Trait(effective_until=None)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    agreement = factory.SubFactory(AgreementFactory)
    agency = factory.SubFactory(AgencyFactory)
    agreement_number = factory.Sequence(lambda n: f"PKS/{n:03d}/2025")
    covers_child_offices = False


class AgreementScopeFactory(factory.django.DjangoModelFactory):
    """A scope of one agreement. `data_exchange=True` (the default) picks a scope that allows
    data exchange; `parties=[...]` limits it to those parties (empty: all parties)."""

    class Meta:
        model = AgreementScope
        skip_postgeneration_save = True

    class Params:
        data_exchange = True

    agreement = factory.SubFactory(AgreementFactory)
    scope = factory.Maybe(
        "data_exchange",
        yes_declaration=factory.SubFactory(ScopeFactory, data_exchange=True),
        no_declaration=factory.SubFactory(ScopeFactory),
    )
    categories = factory.LazyFunction(lambda: list(ALL_CATEGORIES))

    @factory.post_generation
    def parties(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.parties.set(extracted)


def agreement_between(
    *agencies,
    covers=(),
    categories=ALL_CATEGORIES,
    scope_parties=None,
    **agreement_fields,
) -> Agreement:
    """An agreement between `agencies` (in that order) with one data-exchange scope for
    `categories`. `covers`: the agencies whose party covers child offices. `scope_parties`:
    the agencies the scope is limited to (None: all parties)."""
    agreement = AgreementFactory(**agreement_fields)
    parties = {
        agency.pk: PartyFactory(
            agreement=agreement, agency=agency, covers_child_offices=agency in covers
        )
        for agency in agencies
    }
    limited = [parties[a.pk] for a in scope_parties] if scope_parties is not None else None
    AgreementScopeFactory(agreement=agreement, categories=list(categories), parties=limited)
    return agreement
