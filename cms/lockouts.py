"""Staff sign-in protection with django-axes: the message a locked-out user sees,
what a successful sign-in forgets, and the admin's list of lockouts with an Unlock
action (docs/security.md).

django-axes counts failed sign-ins in the database (so it keeps working when Redis
is down) per username and per client address, as ``cms.client_ip`` finds it, and
refuses both for ``AXES_COOLOFF_TIME`` once either reaches ``AXES_FAILURE_LIMIT``.
"""

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.views.account import LoginView
from wagtail.admin.views.generic import DeleteView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton


def minutes(delta):
    return max(1, round(delta.total_seconds() / 60))


def lockout_message(request):
    cool_off = get_cool_off(request)
    if cool_off is None:
        return _(
            "Too many failed sign-in attempts: signing in is blocked for this "
            "account and this address. Ask an administrator to unlock it."
        )
    count = minutes(cool_off)
    return ngettext(
        "Too many failed sign-in attempts: signing in is blocked for this account "
        "and this address for %(count)d minute. Try again then, or ask an "
        "administrator to unlock it.",
        "Too many failed sign-in attempts: signing in is blocked for this account "
        "and this address for %(count)d minutes. Try again then, or ask an "
        "administrator to unlock it.",
        count,
    ) % {"count": count}


def lockout_response(request, original_response=None, credentials=None):
    """Wagtail's sign-in page again, with the lockout as the form's error, and the
    status django-axes is configured with (429). ``AXES_LOCKOUT_CALLABLE``."""
    view = LoginView()
    view.setup(request)
    username = get_client_username(request, credentials) or ""
    form = view.get_form_class()(request, initial={"username": username})
    form.cleaned_data = {}  # add_error() expects a validated form
    form.add_error(None, lockout_message(request))
    response = TemplateResponse(
        request,
        view.template_name,
        view.get_context_data(form=form),
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    # Made in a middleware, after Django renders the view's answer.
    return response.render()


def forget_own_failures(sender, request, user, **kwargs):
    """A successful sign-in forgets the failures against that username only.

    django-axes' own AXES_RESET_ON_SUCCESS forgets every failure from the address
    too, those against other usernames included: a member of staff could then guess
    another account's password four times, sign in as themselves, and go on for
    ever. Connected to ``user_logged_in`` in ``CmsConfig.ready``."""
    if settings.AXES_ENABLED:
        reset(username=user.get_username())


# The admin: Settings → Sign-in lockouts


def describe(attempt):
    """"nurse from 203.0.113.7" (django-axes names a record by its time only)."""
    return _("%(username)s from %(address)s") % {
        "username": attempt.username or _("(no username)"),
        "address": attempt.ip_address or _("an unknown address"),
    }


class LockoutIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        url = self.get_delete_url(instance)
        if not url:
            return []
        return [
            ListingButton(
                _("Unlock"),
                url=url,
                icon_name="lock-open",
                attrs={"aria-label": _("Unlock %s") % describe(instance)},
                priority=10,
            )
        ]


class UnlockView(DeleteView):
    """Unlocking forgets every failure recorded against the record's username and
    from its address (django-axes keeps a record per username, address and browser,
    and adds them up), so both may sign in again at once."""

    page_title = _("Unlock")
    template_name = "cms/admin/confirm_unlock.html"
    success_message = _("Signing in is unlocked for %(object)s.")

    def get_page_subtitle(self):
        return describe(self.object)

    def confirmation_message(self):
        return _(
            "Unlock signing in for %(object)s? Every failed attempt recorded "
            "against this username and from this address is forgotten, and both may "
            "sign in again at once."
        ) % {"object": describe(self.object)}

    def delete_action(self):
        with transaction.atomic():
            reset(
                ip=self.object.ip_address,
                username=self.object.username,
                ip_or_username=True,
            )

    def get_success_message(self):
        return self.success_message % {"object": describe(self.object)}


class LockoutViewSet(ModelViewSet):
    """Failed sign-ins recorded by django-axes: who, from where, how often. Read
    and unlock only: the records are written by django-axes alone. Superusers,
    and groups given the "delete" permission on access attempts, may unlock."""

    model = AccessAttempt
    name = "lockouts"
    url_prefix = "lockouts"
    icon = "lock"
    menu_label = _("Sign-in lockouts")
    add_to_settings_menu = True
    index_view_class = LockoutIndexView
    delete_view_class = UnlockView
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = [
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
    ]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(
                f"unlock/<{self.pk_path_converter}:pk>/",
                self.delete_view,
                name="delete",
            ),
        ]

    def get_index_view_kwargs(self, **kwargs):
        # No forms to add or edit a record.
        return super().get_index_view_kwargs(
            add_url_name=None, edit_url_name=None, **kwargs
        )

    def get_delete_view_kwargs(self, **kwargs):
        # A record is referred to by nothing: no usage count.
        return super().get_delete_view_kwargs(usage_url_name=None, **kwargs)
