import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from health_articles.roles import HEALTH_EDITORS, MEDICAL_REVIEWERS, MODERATORS


def run(command):
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_one_demo_user_per_group_with_a_password_printed_once(roles):
    first = run("create_demo_users")
    second = run("create_demo_users")

    User = get_user_model()
    for username, group in [
        ("editor", HEALTH_EDITORS),
        ("reviewer", MEDICAL_REVIEWERS),
        ("moderator", MODERATORS),
    ]:
        password = re.search(rf"“{username}” \(.*?\), password: (\S+)", first).group(1)
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert not user.is_superuser
    assert "password" not in second
    assert User.objects.count() == 3


def test_demo_users_need_the_groups_first(db):
    with pytest.raises(CommandError, match="run setup_roles first"):
        run("create_demo_users")


def test_setup_roles_without_an_articles_index_says_so(db):
    output = run("setup_roles")

    assert "There is no articles index yet" in output
