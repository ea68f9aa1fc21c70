"""`manage.py backup` and `manage.py restore` on the configured engine (SQLite, or
PostgreSQL with DATABASE_URL). pg_dump reads committed data only, and a restore
replaces whole tables, so every test here commits (transaction=True)."""

import hashlib
import io
import json
import os
import stat
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django_redis import get_redis_connection
from wagtail.models import Page
from wagtail_factories import ImageFactory

from cms import backups
from health_articles.comments.models import ReaderComment
from health_articles.models import HealthArticlePage
from tests.factories import HealthArticlePageFactory

pytestmark = pytest.mark.django_db(transaction=True)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore are used on PostgreSQL only",
)

ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def backup(output):
    out = io.StringIO()
    call_command("backup", output=output, stdout=out)
    (folder,) = output.iterdir()
    return folder, out.getvalue()


def restore(folder, *args):
    out = io.StringIO()
    call_command("restore", str(folder), *args, stdout=out)
    return out.getvalue()


def comment_on(article, name):
    return ReaderComment.objects.create(
        page=article,
        name=name,
        email=f"{name.lower()}@example.com",
        text=f"A comment by {name}.",
        status=ReaderComment.Status.APPROVED,
    )


def comment_names():
    return sorted(ReaderComment.objects.values_list("name", flat=True))


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_manifest(folder, change):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


@pytest.fixture
def output(tmp_path):
    return tmp_path / "backups"


@pytest.fixture
def image(home_page):
    return ImageFactory(title="Tablets")


@pytest.fixture
def content(article, image):
    comment_on(article, "Sam")
    comment_on(article, "Alex")
    return article


@pytest.fixture
def later_article(article_index):
    """Made after the backup: a restore removes it, a refused one leaves it."""

    def make():
        return HealthArticlePageFactory(
            parent=article_index, title="Written after the backup"
        )

    return make


def later_article_exists():
    return HealthArticlePage.objects.filter(title="Written after the backup").exists()


class TestBackup:
    def test_folder_holds_dump_media_and_manifest_with_counts_and_checksums(
        self, content, image, output, settings
    ):
        folder, printed = backup(output)

        manifest = json.loads((folder / "manifest.json").read_text())
        dump = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
        assert sorted(path.name for path in folder.iterdir()) == sorted(
            [dump[connection.vendor], "manifest.json", "media.tar.gz"]
        )
        assert manifest["engine"] == connection.vendor
        assert manifest["counts"]["pages"] == Page.objects.count()
        assert manifest["counts"]["live pages"] == Page.objects.live().count()
        assert manifest["counts"]["health_articles.HealthArticlePage"] == 1
        assert manifest["counts"]["health_articles.ReaderComment"] == 2
        latest = max(
            MigrationRecorder.Migration.objects.filter(
                app="health_articles"
            ).values_list("name", flat=True)
        )
        assert manifest["migrations"]["health_articles"] == latest
        for name, details in manifest["files"].items():
            assert details["sha256"] == sha256(folder / name)
        with tarfile.open(folder / "media.tar.gz") as archive:
            assert image.file.name in archive.getnames()
        assert f"Backed up to {folder}" in printed
        assert "health_articles.ReaderComment: 2" in printed
        assert "newer code" not in printed

    def test_only_the_owner_can_read_the_backup(self, content, output):
        folder, _ = backup(output)

        for path in [folder, *folder.iterdir()]:
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path

    def test_failed_backup_leaves_no_folder(self, content, output, monkeypatch):
        def disk_full(media_root, path):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(backups, "archive_media", disk_full)

        with pytest.raises(CommandError, match="No space left on device"):
            backup(output)

        assert list(output.iterdir()) == []

    def test_backups_in_the_same_second_get_their_own_folders(
        self, content, output, monkeypatch
    ):
        now = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
        monkeypatch.setattr(backups.timezone, "now", lambda: now)

        call_command("backup", output=output, stdout=io.StringIO())
        call_command("backup", output=output, stdout=io.StringIO())

        assert sorted(path.name for path in output.iterdir()) == [
            "20240102-030405",
            "20240102-030405-2",
        ]


class TestRoundTrip:
    def test_restore_brings_back_pages_comments_and_media(
        self, client, content, image, output, settings, later_article
    ):
        folder, _ = backup(output)
        manifest = json.loads((folder / "manifest.json").read_text())
        pages = Page.objects.count()
        image_path = Path(image.file.path)
        image_bytes = image_path.read_bytes()
        # Changes after the backup: content, media and the cache.
        ReaderComment.objects.filter(name="Sam").delete()
        later_article()
        image_path.unlink()
        (settings.MEDIA_ROOT / "uploaded-after.txt").write_text("new")
        cache.set("cached-before-restore", "stale")

        printed = restore(folder, "--yes")

        assert Page.objects.count() == pages == manifest["counts"]["pages"]
        assert comment_names() == ["Alex", "Sam"]
        assert not later_article_exists()
        assert image_path.read_bytes() == image_bytes
        assert not (settings.MEDIA_ROOT / "uploaded-after.txt").exists()
        assert cache.get("cached-before-restore") is None
        assert "the counts match the backup" in printed
        assert "health_articles.ReaderComment: 2" in printed
        response = client.get(content.url)
        assert response.status_code == 200
        assert "A comment by Sam." in response.content.decode()

    @pytest.mark.skipif(
        not settings.REDIS_URL, reason="a Redis shared with another site's keys"
    )
    def test_restore_empties_only_this_sites_keys_in_a_shared_redis(
        self, content, output
    ):
        folder, _ = backup(output)
        other_site = get_redis_connection("default")
        other_site.set("another-site:page", "kept")
        cache.set("this-site:page", "stale")
        try:
            restore(folder, "--yes")

            assert cache.get("this-site:page") is None
            assert other_site.get("another-site:page") == b"kept"
        finally:
            other_site.delete("another-site:page")

    def test_restoring_a_backup_of_newer_code_warns(self, content, output):
        folder, _ = backup(output)
        rewrite_manifest(
            folder, lambda m: m["migrations"].update(cms="9999_from_the_future")
        )

        printed = restore(folder, "--yes")

        assert "The backup was made by newer code" in printed
        assert "cms.9999_from_the_future" in printed

    def test_restore_leaves_no_work_folders_in_the_media(
        self, content, output, settings
    ):
        folder, _ = backup(output)

        restore(folder, "--yes")

        assert [
            p.name for p in settings.MEDIA_ROOT.iterdir() if p.name.startswith(".")
        ] == []

    def test_counts_that_differ_after_restoring_fail_loudly(self, content, output):
        folder, _ = backup(output)
        pages = Page.objects.count()
        rewrite_manifest(folder, lambda m: m["counts"].update(pages=pages + 1))

        with pytest.raises(
            CommandError,
            match=rf"does not match the backup: pages: {pages + 1} in the backup, "
            rf"{pages} now",
        ):
            restore(folder, "--yes")


class TestRefusals:
    def test_database_with_pages_needs_yes(
        self, content, output, settings, later_article
    ):
        folder, _ = backup(output)
        later_article()
        (settings.MEDIA_ROOT / "uploaded-after.txt").write_text("new")

        with pytest.raises(CommandError, match=r"already holds \d+ pages.*--yes"):
            restore(folder)

        assert later_article_exists()
        assert (settings.MEDIA_ROOT / "uploaded-after.txt").exists()

    def test_changed_dump_fails_its_checksum_and_nothing_changes(
        self, content, output, later_article
    ):
        folder, _ = backup(output)
        (dump,) = folder.glob("database.*")
        with dump.open("ab") as file:
            file.write(b"\0")
        later_article()

        with pytest.raises(CommandError, match="does not match the checksum"):
            restore(folder, "--yes")

        assert later_article_exists()
        assert comment_names() == ["Alex", "Sam"]

    def test_media_member_outside_the_media_folder_is_refused(
        self, content, output, tmp_path, later_article
    ):
        folder, _ = backup(output)
        archive = folder / "media.tar.gz"
        smuggled = tmp_path / "outside.txt"
        smuggled.write_text("escaped")
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(smuggled, arcname="../outside.txt")
        smuggled.unlink()
        rewrite_manifest(
            folder,
            lambda m: m["files"]["media.tar.gz"].update(sha256=sha256(archive)),
        )
        later_article()

        with pytest.raises(CommandError, match="outside the media folder"):
            restore(folder, "--yes")

        assert list(tmp_path.rglob("outside.txt")) == []
        assert later_article_exists()

    def test_backup_of_the_other_engine_is_refused(self, content, output):
        folder, _ = backup(output)
        other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
        rewrite_manifest(folder, lambda m: m.update(engine=other))

        with pytest.raises(
            CommandError,
            match=f"backup is of a {ENGINE_NAMES[other]} database; the configured "
            f"database is {ENGINE_NAMES[connection.vendor]}",
        ):
            restore(folder, "--yes")

        assert comment_names() == ["Alex", "Sam"]

    def test_folder_without_a_manifest_is_not_a_backup(self, content, output):
        folder, _ = backup(output)
        (folder / "manifest.json").unlink()

        with pytest.raises(CommandError, match="has no manifest.json"):
            restore(folder, "--yes")

    def test_missing_folder(self, db, tmp_path):
        with pytest.raises(CommandError, match="is not a folder"):
            restore(tmp_path / "nowhere", "--yes")


@postgresql_only
class TestPostgreSQLClients:
    @pytest.fixture
    def fake_bin(self, tmp_path, monkeypatch):
        """A folder first on the PATH, for stand-ins of pg_dump and pg_restore that
        record their arguments and environment and fail."""
        folder = tmp_path / "bin"
        folder.mkdir()
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        return folder

    def fake(self, fake_bin, name):
        script = fake_bin / name
        script.write_text(
            "#!/bin/sh\n"
            f'echo "$@" > "{fake_bin}/args"\n'
            f'env | grep ^PG > "{fake_bin}/env"\n'
            f'echo "{name}: error: connection to server failed" >&2\n'
            "exit 1\n"
        )
        script.chmod(0o755)

    def test_missing_pg_dump_is_a_clear_error(self, content, output, monkeypatch):
        monkeypatch.setenv("PATH", "/nonexistent")

        with pytest.raises(CommandError, match="pg_dump was not found on the PATH"):
            backup(output)

        assert list(output.iterdir()) == []

    def test_pg_dump_failure_shows_its_message_and_gets_no_secret_argument(
        self, content, output, fake_bin, monkeypatch
    ):
        self.fake(fake_bin, "pg_dump")
        connection.ensure_connection()
        monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-word")

        with pytest.raises(CommandError) as refused:
            backup(output)

        assert "pg_dump failed (exit status 1)" in str(refused.value)
        assert "connection to server failed" in str(refused.value)
        assert list(output.iterdir()) == []
        arguments = (fake_bin / "args").read_text()
        assert "s3cret-word" not in arguments
        assert connection.settings_dict["NAME"] not in arguments
        environment = (fake_bin / "env").read_text().splitlines()
        assert "PGPASSWORD=s3cret-word" in environment
        assert f"PGDATABASE={connection.settings_dict['NAME']}" in environment

    def test_pg_restore_failure_leaves_the_media_alone(
        self, content, image, output, fake_bin, settings
    ):
        folder, _ = backup(output)
        (settings.MEDIA_ROOT / "uploaded-after.txt").write_text("new")
        self.fake(fake_bin, "pg_restore")

        with pytest.raises(CommandError, match="pg_restore failed"):
            restore(folder, "--yes")

        assert (settings.MEDIA_ROOT / "uploaded-after.txt").exists()
        assert Path(image.file.path).exists()
        assert [
            p.name for p in settings.MEDIA_ROOT.iterdir() if p.name.startswith(".")
        ] == []
