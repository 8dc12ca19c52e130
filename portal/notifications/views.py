from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.core.forms import add_service_error, field_as
from portal.core.http import AuthenticatedHttpRequest
from portal.core.pagination import paginate
from portal.notifications import services
from portal.notifications.kinds import EMAIL_KINDS
from portal.notifications.models import Notification
from portal.notifications.selectors import notifications_of


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = notifications_of(request.user)
    return render(request, "notifications/list.html", {"page": paginate(request, notifications)})


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the notification's link (only ever a path inside the portal)."""
    notification = Notification.objects.filter(recipient=request.user, pk=pk).first()
    services.notification_mark_read(user=request.user, notification_id=pk)
    target = notification.url if notification else ""
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)
    return redirect("notifications:list")


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Send me an e-mail when"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Notifications in the portal are always on."),
    )
    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "email_kinds", forms.MultipleChoiceField).choices = sorted(
            EMAIL_KINDS.items(), key=lambda kv: str(kv[1])
        )


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    initial = {
        "email_kinds": [k for k in EMAIL_KINDS if k not in (user.muted_email_kinds or [])],
        "language": user.language,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["email_kinds"])
        try:
            services.preferences_update(
                actor=user,
                muted_email_kinds=[k for k in EMAIL_KINDS if k not in chosen],
                language=form.cleaned_data["language"],
                request=request,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Preferences saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
