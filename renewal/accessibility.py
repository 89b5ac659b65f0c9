"""The accessibility statement and its feedback form (Act on the Provision of Digital Services,
306/2019): public pages, readable and usable without signing in."""

import logging
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.mail import send_mail
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renewal import audit
from renewal.formatting import date_time, long_date
from renewal.forms import OncePerSubmission, submitted_once
from renewal.models import ACCESSIBILITY_ANSWER_DAYS, AccessibilityFeedback

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 5000

# Real gaps, true of this release; operators replace them with ACCESSIBILITY_KNOWN_GAPS.
DEFAULT_GAPS = [
    gettext_lazy(
        "Charts are drawn with Plotly. Their figures are also given as tables beside them, but "
        "the charts themselves cannot be read point by point with a screen reader (WCAG 1.1.1)."
    ),
    gettext_lazy(
        "PDF reports are not fully tagged: headings and tables may not be announced as such "
        "by a screen reader (WCAG 1.3.1). The same figures are on the web pages."
    ),
    gettext_lazy(
        "Some wide tables need horizontal scrolling at 320 px width or at 400 % zoom (WCAG 1.4.10)."
    ),
    gettext_lazy(
        "After a failed form submission focus does not yet move to the error summary, and chart "
        "toolbars add extra Tab stops (WCAG 2.4.3)."
    ),
]


def known_gaps() -> list:
    return settings.ACCESSIBILITY_KNOWN_GAPS or DEFAULT_GAPS


def authority_name() -> str:
    return settings.ACCESSIBILITY_AUTHORITY_NAME or _(
        "Regional State Administrative Agency for Southern Finland, Accessibility Monitoring Unit"
    )


def feedback_recipients() -> list[str]:
    if settings.ACCESSIBILITY_FEEDBACK_EMAIL:
        return list(settings.ACCESSIBILITY_FEEDBACK_EMAIL)
    # Django 6 names ADMINS by address; older settings used (name, address) pairs.
    return [admin if isinstance(admin, str) else admin[1] for admin in settings.ADMINS]


class FeedbackForm(OncePerSubmission, forms.ModelForm):
    # A honeypot: hidden from people (and from screen readers), filled in by naive bots.
    website = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"))

    class Meta:
        model = AccessibilityFeedback
        fields = ["name", "email", "page_url", "message"]
        labels = {
            "name": gettext_lazy("Your name (optional)"),
            "email": gettext_lazy("Your e-mail address (optional)"),
            "page_url": gettext_lazy("Address of the page it concerns"),
            "message": gettext_lazy("Your feedback"),
        }
        help_texts = {
            "email": gettext_lazy("Needed if you want an answer."),
            "message": gettext_lazy(
                "What did not work, and how you tried to use it (at most 5,000 characters)."
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].validators.append(MaxLengthValidator(MESSAGE_MAX_LENGTH))
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def feedback_receive(form: FeedbackForm, user) -> AccessibilityFeedback:
    """Store the feedback with its audit entry, and e-mail it to the administrators once."""
    with transaction.atomic():
        feedback = form.save(commit=False)
        feedback.language = translation.get_language() or ""
        feedback.sender = user if user.is_authenticated else None
        feedback.save()
        audit.record(
            feedback,
            "create",
            {
                "page_url": [None, feedback.page_url],
                "email": [None, feedback.email],
                "received_at": [None, feedback.received_at],
            },
        )
        transaction.on_commit(lambda: _mail_administrators(feedback))
    return feedback


def _mail_administrators(feedback: AccessibilityFeedback) -> None:
    recipients = feedback_recipients()
    if not recipients:
        logger.warning("Accessibility feedback %s stored, but nobody to e-mail it to", feedback.pk)
        return
    admin_url = settings.SITE_URL.rstrip("/") + reverse(
        "admin:renewal_accessibilityfeedback_change", args=[feedback.pk]
    )
    # The administrators read it in the site's language, not the sender's.
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Accessibility feedback received %(received)s, to be answered by %(due)s.\n\n"
            "From: %(name)s <%(email)s>\nPage: %(page)s\n\n%(message)s\n\n%(admin_url)s"
        ) % {
            "received": date_time(feedback.received_at),
            "due": long_date(timezone.localdate(feedback.answer_due)),
            "name": feedback.name or "-",
            "email": feedback.email or "-",
            "page": feedback.page_url or "-",
            "message": feedback.message,
            "admin_url": admin_url,
        }
        subject = _("Accessibility feedback")
    send_mail(subject, body, None, recipients)


@login_not_required
def statement(request):
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            thanks_url = reverse("accessibility:thanks")
            if form.is_spam():
                return redirect(thanks_url)
            # A double click or a replayed POST stores and mails the feedback once.
            with submitted_once(request, form) as once:
                if not once.replayed:
                    feedback_receive(form, request.user)
                    once.url = thanks_url
            return redirect(thanks_url)
    else:
        form = FeedbackForm(initial={"page_url": request.GET.get("page", "")[:500]})
    return render(
        request,
        "accessibility/statement.html",
        {
            "form": form,
            "gaps": known_gaps(),
            "assessed_on": settings.ACCESSIBILITY_ASSESSED_ON,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "authority_name": authority_name(),
            "authority_web": settings.ACCESSIBILITY_AUTHORITY_WEB,
            "answer_days": ACCESSIBILITY_ANSWER_DAYS,
        },
    )


@login_not_required
def thanks(request):
    answer_by = timezone.localdate() + timedelta(days=ACCESSIBILITY_ANSWER_DAYS)
    return render(
        request,
        "accessibility/thanks.html",
        {"answer_by": answer_by, "answer_days": ACCESSIBILITY_ANSWER_DAYS},
    )


app_name = "accessibility"
urlpatterns = [
    path("", statement, name="statement"),
    path("thanks/", thanks, name="thanks"),
]
