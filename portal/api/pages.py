"""The portal page where a user creates and revokes their own API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.api import services
from portal.api.models import ApiToken
from portal.core.confirm import confirmation
from portal.core.forms import add_service_error
from portal.core.http import AuthenticatedHttpRequest


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses the token, e.g. the name of a script."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=365, initial=90
    )


@never_cache
@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.token_create(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    asked = confirmation(
        request,
        question=_("Revoke the token “%(name)s”?") % {"name": token.name},
        button=_("Revoke"),
        cancel_url=reverse("api_tokens"),
    )
    if asked:
        return asked
    services.token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, _("Token revoked."))
    return redirect("api_tokens")
