import secrets


def generated_password():
    return secrets.token_urlsafe(12)


SHOWN_ONCE = (
    "It is shown only this once: note it now, or change it at /admin/ after logging in."
)
