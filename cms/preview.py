"""Draft preview on a headless front end (wagtail-headless-preview).

With ``HEADLESS_PREVIEW_URL`` set, the editor's Preview stores the draft and opens
``<HEADLESS_PREVIEW_URL>?content_type=<app.model>&token=<token>``; the front end
fetches the draft's JSON from ``/api/v2/preview/`` with the same two parameters.
A token is signed with a timestamp and is accepted for
``HEADLESS_PREVIEW_TOKEN_MAX_AGE`` seconds (an hour). Without the variable,
Wagtail's own preview renders the page's template as usual.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.signing import BadSignature, SignatureExpired
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail_headless_preview.models import HeadlessPreviewMixin, PagePreview


class PreviewError(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class HeadlessPreviewable(HeadlessPreviewMixin):
    """Mix into a page model before ``Page``."""

    def get_client_root_url(self, request):
        return settings.HEADLESS_PREVIEW_URL.rstrip("/") + "/"

    def serve_preview(self, request, preview_mode):
        if settings.HEADLESS_PREVIEW_URL:
            return HeadlessPreviewMixin.serve_preview(self, request, preview_mode)
        return super(HeadlessPreviewMixin, self).serve_preview(request, preview_mode)


def previewable_model(content_type):
    """The page model that ``content_type`` (``app_label.model``) names."""
    app_label, _dot, model_name = (content_type or "").partition(".")
    try:
        model = ContentType.objects.get_by_natural_key(
            app_label, model_name.lower()
        ).model_class()
    except ContentType.DoesNotExist:
        model = None
    if model is None or not (
        issubclass(model, Page) and issubclass(model, HeadlessPreviewMixin)
    ):
        raise PreviewError(
            _("content_type must name a page type that can be previewed"), 400
        )
    return model


def draft_from_token(content_type, token):
    """The draft page a preview token stands for, or a PreviewError."""
    if not content_type or not token:
        raise PreviewError(_("content_type and token are both required"), 400)
    model = previewable_model(content_type)
    try:
        model.get_preview_signer().unsign(
            token, max_age=settings.HEADLESS_PREVIEW_TOKEN_MAX_AGE
        )
    except SignatureExpired:
        raise PreviewError(
            _("The preview token has expired: open the preview again."), 403
        ) from None
    except BadSignature:
        raise PreviewError(_("The preview token is not valid."), 403) from None
    preview = PagePreview.objects.filter(
        content_type=ContentType.objects.get_for_model(model), token=token
    ).first()
    if preview is None:
        raise PreviewError(_("No preview was found for this token."), 404)
    page = preview.as_page()
    if page.pk is None:
        page.pk = 0  # a page that has never been saved
    return page
