"""Staff sign-in protection: repeated failures lock out a username and an address,
with the reason on the sign-in page, until the cool-off passes or an administrator
unlocks it (cms/lockouts.py, django-axes)."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import text_of

LOGIN = "/admin/login/"
PASSWORD = "the-right-password"
LOCKED = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user(
        username="nurse", email="nurse@example.com", password=PASSWORD
    )
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=address,
    )


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail(client, username, times, address="203.0.113.7"):
    return [sign_in(client, username, "wrong", address) for _ in range(times)]


def test_four_failures_still_allow_the_right_password(client, staff):
    answers = fail(client, "nurse", 4)

    assert [a.status_code for a in answers] == [200] * 4
    assert LOCKED not in text_of(answers[-1].content)
    assert signed_in(sign_in(client, "nurse", PASSWORD))


def test_the_fifth_failure_locks_the_user_out_with_a_clear_message(client, staff):
    answers = fail(client, "nurse", 5)
    refused = sign_in(client, "nurse", PASSWORD)

    assert answers[-1].status_code == 429
    assert refused.status_code == 429
    text = text_of(refused.content)
    assert "Too many failed sign-in attempts" in text
    assert "for 15 minutes" in text
    assert "ask an administrator to unlock it" in text
    # Still Wagtail's sign-in page, with the username kept.
    assert 'value="nurse"' in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_follows_the_username_to_other_addresses(client, staff):
    for number in range(5):
        sign_in(client, "nurse", "wrong", address=f"198.51.100.{number}")

    assert sign_in(client, "nurse", PASSWORD, "192.0.2.50").status_code == 429


def test_a_lockout_covers_every_username_from_the_guessing_address(
    client, staff, django_user_model
):
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong", address="203.0.113.99")

    refused = sign_in(client, "nurse", PASSWORD, address="203.0.113.99")
    allowed = sign_in(client, "nurse", PASSWORD, address="203.0.113.100")

    assert refused.status_code == 429
    assert signed_in(allowed)


def test_a_success_clears_earlier_failures(client, staff):
    fail(client, "nurse", 4)
    assert signed_in(sign_in(client, "nurse", PASSWORD))
    client.logout()

    answers = fail(client, "nurse", 4)

    assert [a.status_code for a in answers] == [200] * 4


def test_signing_in_as_oneself_does_not_clear_guesses_at_another_account(
    client, staff, django_user_model
):
    django_user_model.objects.create_user(username="chief", password="chiefs-own")
    fail(client, "chief", 4)
    assert signed_in(sign_in(client, "nurse", PASSWORD))
    client.logout()

    fifth_guess = sign_in(client, "chief", "wrong")

    assert fifth_guess.status_code == 429
    assert sign_in(client, "chief", "chiefs-own", "192.0.2.80").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, staff):
    fail(client, "nurse", 5)

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert signed_in(sign_in(client, "nurse", PASSWORD))


def test_trying_again_during_the_lockout_does_not_prolong_it(client, staff):
    start = timezone.now()
    fail(client, "nurse", 5)

    with time_machine.travel(start + timedelta(minutes=14)):
        assert sign_in(client, "nurse", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16)):
        assert signed_in(sign_in(client, "nurse", PASSWORD))


def test_the_lockout_holds_with_the_cache_down(client, staff, settings):
    # Failures are counted in the database, not in Redis.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    fail(client, "nurse", 5)

    assert sign_in(client, "nurse", PASSWORD).status_code == 429


def test_the_password_is_never_recorded(client, staff):
    sign_in(client, "nurse", "my-secret-guess")

    attempt = AccessAttempt.objects.get(username="nurse")
    assert "my-secret-guess" not in attempt.post_data
    assert attempt.ip_address == "203.0.113.7"


# Unlocking in the admin

LOCKOUTS = "/admin/lockouts/"


def test_an_administrator_sees_the_lockout_and_unlocks_it(admin_client, client, staff):
    fail(client, "nurse", 5)
    attempt = AccessAttempt.objects.get(username="nurse")

    listing = admin_client.get(LOCKOUTS)
    unlock_url = reverse("lockouts:delete", args=[attempt.pk])
    confirm = admin_client.get(unlock_url)
    unlocked = admin_client.post(unlock_url, follow=True)

    assert "nurse" in text_of(listing.content)
    assert "203.0.113.7" in text_of(listing.content)
    assert unlock_url in listing.content.decode()
    assert "Unlock signing in for nurse from 203.0.113.7?" in text_of(confirm.content)
    assert "both may sign in again at once" in text_of(confirm.content)
    assert "Signing in is unlocked for nurse from 203.0.113.7." in text_of(
        unlocked.content
    )
    assert not AccessAttempt.objects.exists()
    assert signed_in(sign_in(client, "nurse", PASSWORD))


def test_unlocking_clears_the_username_from_every_address(
    admin_client, client, staff
):
    for number in range(5):
        sign_in(client, "nurse", "wrong", address=f"198.51.100.{number}")
    assert AccessAttempt.objects.count() == 5
    one = AccessAttempt.objects.first()

    admin_client.post(reverse("lockouts:delete", args=[one.pk]))

    assert not AccessAttempt.objects.filter(username="nurse").exists()
    assert signed_in(sign_in(client, "nurse", PASSWORD, "192.0.2.9"))


def test_a_username_typed_at_the_sign_in_page_is_shown_as_text(admin_client, client):
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    sign_in(client, payload, "wrong")
    attempt = AccessAttempt.objects.get()

    listing = admin_client.get(LOCKOUTS)
    confirm = admin_client.get(reverse("lockouts:delete", args=[attempt.pk]))

    for response in (listing, confirm):
        html = response.content.decode()
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert payload in text_of(response.content)


def test_the_lockout_list_offers_no_form_to_add_or_edit(admin_client, client, staff):
    fail(client, "nurse", 1)

    listing = admin_client.get(LOCKOUTS).content.decode()

    assert "/admin/lockouts/add/" not in listing
    assert "/admin/lockouts/edit/" not in listing
    assert admin_client.get("/admin/lockouts/add/").status_code == 404


def test_staff_without_the_permission_cannot_see_or_unlock(client, staff):
    other = AccessAttempt.objects.create(
        username="someone",
        ip_address="192.0.2.1",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info=LOGIN,
        failures_since_start=5,
    )
    client.force_login(staff)
    unlock_url = reverse("lockouts:delete", args=[other.pk])

    listing = client.get(LOCKOUTS)
    unlock = client.post(unlock_url)

    assert listing.status_code == 302  # Wagtail's permission-denied redirect
    assert unlock.status_code == 302
    assert "someone" not in text_of(client.get(LOCKOUTS, follow=True).content)
    assert AccessAttempt.objects.filter(pk=other.pk).exists()


def test_a_group_given_the_delete_permission_can_unlock(client, staff):
    fail(client, "someone", 5, address="192.0.2.1")
    group = Group.objects.create(name="Site administrators")
    group.permissions.add(
        Permission.objects.get(codename="view_accessattempt"),
        Permission.objects.get(codename="delete_accessattempt"),
    )
    staff.groups.add(group)
    client.force_login(staff)
    attempt = AccessAttempt.objects.get(username="someone")

    client.post(reverse("lockouts:delete", args=[attempt.pk]))

    assert not AccessAttempt.objects.exists()
