from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.accounts.models import Agency, User
from portal.core.forms import ServiceModelForm, field_as
from portal.regions.models import Region


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Work e-mail"))
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("Role"))
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    employee_number = forms.CharField(
        label=_("Employee number (NIP/NRP)"), max_length=30, required=False
    )
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(
            self.fields, "agency", forms.ModelChoiceField
        ).queryset = access.assignable_agencies(actor)
        self.fields["agency"].widget.attrs["data-searchable"] = "true"
        allowed = set(access.assignable_roles(actor))
        field_as(self.fields, "role", forms.ChoiceField).choices = [
            c for c in User.Role.choices if c[0] in allowed
        ]
        if not access.is_system_admin(actor):
            self.fields["agency"].initial = actor.agency_id


class UserCreateForm(UserForm):
    send_link = forms.BooleanField(
        label=_("E-mail the new user a link to set their password"),
        required=False,
        initial=True,
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    agency = forms.ModelChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.none(), empty_label=_("All")
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *User.Role.choices]
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if access.is_system_admin(actor):
            field_as(
                self.fields, "agency", forms.ModelChoiceField
            ).queryset = Agency.objects.order_by("name")
        else:  # an agency admin sees one agency: nothing to choose
            del self.fields["agency"]


class AgencyForm(ServiceModelForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "short_name",
            "code",
            "kind",
            "parent",
            "region",
            "email",
            "phone",
            "address",
            "is_active",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "region", forms.ModelChoiceField).queryset = Region.objects.filter(
            level__lte=Region.Level.REGENCY
        ).order_by("code")
        self.fields["region"].widget.attrs["data-searchable"] = "true"
        parents = Agency.objects.order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        field_as(self.fields, "parent", forms.ModelChoiceField).queryset = parents
        self.fields["parent"].widget.attrs["data-searchable"] = "true"
        if not self.instance.pk:  # derived from the short name when left empty
            self.fields["code"].required = False

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Agency.Kind.choices]
    )


class AgencySettingsForm(forms.Form):
    share_requires_approval = forms.BooleanField(
        label=_("Sharing needs a supervisor's approval"),
        required=False,
        help_text=_("Officers' shares wait until a supervisor of the agency approves them."),
    )
    referral_days_normal = forms.IntegerField(
        label=_("Working days to act on a normal referral"), min_value=1, max_value=60
    )
    referral_days_urgent = forms.IntegerField(
        label=_("Working days to act on an urgent referral"), min_value=1, max_value=60
    )


# --- Sign-in (allauth's forms, through ACCOUNT_FORMS and MFA_FORMS) ------------------------


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form with its first field named for what it takes: allauth labels it
    "Login", which reads "Masuk" like the page's title and its button, and has browsers fill
    in an e-mail address; people here mostly sign in with their username."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("Username or e-mail")
        attrs = field.widget.attrs
        attrs.pop("placeholder", None)  # the label says it; a placeholder only repeats it
        attrs.update(autocomplete="username", autocapitalize="none", spellcheck="false")


def _numeric_code(form: forms.Form) -> None:
    """A TOTP code (and a recovery code) is digits: phones show the number pad."""
    form.fields["code"].widget.attrs.update(inputmode="numeric", autocomplete="one-time-code")


class AuthenticateForm(AllauthAuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _numeric_code(self)


class ReauthenticateForm(AllauthReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _numeric_code(self)


class ActivateTOTPForm(AllauthActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _numeric_code(self)
