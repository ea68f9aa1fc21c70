from django import forms
from django.utils.translation import gettext_lazy as _

from health_articles.comments import tokens
from health_articles.comments.models import ReaderComment, web_url

HONEYPOT = "contact_by_fax"


class WebAddressField(forms.URLField):
    """A URL field that takes http and https addresses only, and says so once."""

    default_validators = [web_url]
    default_error_messages = {"invalid": web_url.message}


class ReaderCommentForm(forms.ModelForm):
    """The "Leave a Reply" form: the reader's fields, the signed token and a
    honeypot that people never see (and bots fill in)."""

    website = WebAddressField(
        label=_("Website"),
        required=False,
        max_length=300,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReaderComment
        fields = ["name", "email", "website", "text"]
        labels = {"text": _("Comment"), "email": _("Email")}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "text": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "name": {"required": _("Enter your name.")},
            "email": {
                "required": _("Enter your email address (it will not be published)."),
                "invalid": _("Enter an email address like name@example.com."),
            },
            "text": {"required": _("Write your comment.")},
        }

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields[HONEYPOT] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    def full_clean(self):
        super().full_clean()
        # Each message is read out with its field (templates: "<id>-error").
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = (
                    f"{self[name].auto_id}-error"
                )

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT):
            raise forms.ValidationError(
                _("Your comment could not be accepted."), code="honeypot"
            )
        try:
            tokens.check(self.data.get("token"), self.page.pk)
        except tokens.FormTokenError as error:
            raise forms.ValidationError(str(error), code="token") from error
        return cleaned

    def use_token(self):
        """Mark the form's token used, once the form is valid: a token sends one
        comment. False (with an error on the form) if it was used already."""
        if tokens.use(self.data.get("token")):
            return True
        self.add_error(
            None,
            _(
                "This form has been sent already. Reload the page to write another "
                "comment."
            ),
        )
        return False

    def replying_to(self):
        """The approved comment this form replies to, if any (for the page)."""
        parent_id = (
            self.cleaned_data.get("reply_to")
            if self.is_bound and hasattr(self, "cleaned_data")
            else self.initial.get("reply_to")
        )
        if isinstance(parent_id, ReaderComment):
            return parent_id
        if not parent_id:
            return None
        return (
            ReaderComment.objects.approved()
            .filter(pk=parent_id, page=self.page, parent__isnull=True)
            .first()
        )

    def clean_reply_to(self):
        parent_id = self.cleaned_data.get("reply_to")
        if not parent_id:
            return None
        parent = (
            ReaderComment.objects.approved()
            .filter(pk=parent_id, page=self.page, parent__isnull=True)
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                _("The comment you are replying to is not available.")
            )
        return parent

    def save(self, commit=True):
        comment = super().save(commit=False)
        comment.page = self.page
        comment.parent = self.cleaned_data.get("reply_to")
        if commit:
            comment.save()
        return comment
