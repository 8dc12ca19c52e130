from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportCategory(models.TextChoices):
    """What an indication report is about (DOMAIN.md, "Telling TPPO from TPPM"). Agreements'
    data-exchange scopes are limited to some of these; reports carry one or more."""

    TPPO = "tppo", _("TPPO (trafficking in persons)")
    TPPM = "tppm", _("TPPM (people smuggling)")
    PMI_NONPROCEDURAL = "pmi_nonprocedural", _("Non-procedural migrant worker")
