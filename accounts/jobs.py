"""The password-reset e-mail as a job (`core.jobs`): the request enqueues who and where, the worker makes the
link (a fresh token) and sends it, so no reset link is ever stored in the job table."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.jobs import job


@job(attempts=6, backoff=60)
def email_password_reset(
    user_id: int, to_email: str, domain: str, site_name: str, use_https: bool, language: str, templates: list[str]
) -> str:
    """Render Django's reset e-mail (`templates`: subject, body) for an active user and send it."""
    from accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return "no such user"
    context = {
        "email": to_email,
        "domain": domain,
        "site_name": site_name,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    with translation.override(language):
        subject = "".join(render_to_string(templates[0], context).splitlines())
        body = render_to_string(templates[1], context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to_email], fail_silently=False)
    return "sent"
