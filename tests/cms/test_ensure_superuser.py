import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command


def run(**kwargs):
    out = io.StringIO()
    call_command("ensure_superuser", stdout=out, **kwargs)
    return out.getvalue()


def test_creates_admin_with_a_generated_password_printed_once(db, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)

    first = run()
    second = run()

    password = re.search(r"Password: (\S+)", first).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)
    assert len(password) >= 16
    assert "Password" not in second
    assert get_user_model().objects.count() == 1


def test_admin_password_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "correct-horse-battery")

    output = run()

    assert "correct-horse-battery" not in output
    assert (
        get_user_model()
        .objects.get(username="admin")
        .check_password("correct-horse-battery")
    )


def test_existing_superuser_is_left_alone(db, admin_user):
    output = run()

    assert "A superuser exists already" in output
    assert get_user_model().objects.count() == 1


def test_name_taken_by_a_non_superuser_is_a_clear_error(db, django_user_model):
    django_user_model.objects.create_user(username="admin", password="x")

    with pytest.raises(CommandError, match="exists but is not a superuser"):
        run()
