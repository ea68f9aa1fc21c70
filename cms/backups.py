"""Backups of the database and the media, written by `manage.py backup` and read by
`manage.py restore` (docs/backups.md).

A backup is one folder: the database (``database.dump``, pg_dump's custom format,
on PostgreSQL; ``database.sqlite3``, a copy made with SQLite's backup API), the
media (``media.tar.gz`` of MEDIA_ROOT) and ``manifest.json``: when and from which
engine it was made, the latest applied migration of each app, row counts (pages,
live pages and ``BACKUP_COUNTED_MODELS``) read from the same snapshot as the dump,
and the SHA-256 of each file. The manifest is written last and the folder gets its
final name only then, so a folder with a manifest is a finished backup.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from pathlib import Path, PurePosixPath

import django
import wagtail
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from wagtail.models import Page

from cms import frontend_cache
from cms.models import ContentVersion

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
PAGES, LIVE_PAGES = "pages", "live pages"
# Made inside MEDIA_ROOT while a restore swaps the media; never archived.
RESTORING, REPLACED = ".restoring-", ".replaced-"
# What a failing file system or database raises: a message, not a traceback.
FAILURES = (OSError, sqlite3.Error, DatabaseError)

# The connection settings pg_dump and pg_restore get through the environment (never
# on the command line, where other users of the machine can read them).
LIBPQ_ENVIRONMENT = {
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",
    "NAME": "PGDATABASE",
}
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def default_connection():
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        raise CommandError("Backups and restores cannot run inside a transaction.")
    return connection


def engine_of(connection):
    engine = connection.settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise CommandError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# Counts and migrations


def counted_models(labels):
    models = []
    for label in labels:
        try:
            models.append(apps.get_model(label))
        except (LookupError, ValueError):
            raise CommandError(
                f"{label!r} (BACKUP_COUNTED_MODELS or the backup's manifest) is not "
                "an installed model."
            ) from None
    return models


def read_counts(cursor, labels):
    """Pages, live pages and the rows of each model in ``labels``, through a DB-API
    ``cursor`` (the live database, or a SQLite copy)."""

    def count(table, where=""):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"{where}')  # noqa: S608
        return cursor.fetchone()[0]

    counts = {
        PAGES: count(Page._meta.db_table),
        LIVE_PAGES: count(Page._meta.db_table, " WHERE live"),
    }
    for model in counted_models(labels):
        counts[model._meta.label] = count(model._meta.db_table)
    return counts


def read_migrations(cursor):
    """The latest applied migration of each app (by name: migrations are numbered,
    and a squashed one is recorded after those that follow it)."""
    cursor.execute(
        "SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app"
    )
    return dict(cursor.fetchall())


def configured_labels():
    return list(getattr(settings, "BACKUP_COUNTED_MODELS", []))


# PostgreSQL


def pg_environment(settings_dict):
    env = dict(os.environ)
    for key, variable in LIBPQ_ENVIRONMENT.items():
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in LIBPQ_OPTIONS.items():
        if options.get(option):
            env[variable] = str(options[option])
    return env


def run_pg_program(name, arguments, connection):
    program = shutil.which(name)
    if program is None:
        raise CommandError(
            f"{name} was not found on the PATH. Install PostgreSQL's client programs, "
            "the server's major version or newer (Debian: apt-get install "
            "postgresql-client)."
        )
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [program, "--no-password", *arguments],
        env=pg_environment(connection.settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(
            f"{name} failed (exit status {result.returncode}):\n"
            f"{result.stderr.strip() or '(no message)'}"
        )


def dump_postgresql(connection, path, labels):
    # The counts and pg_dump read one snapshot, so they agree even while editors
    # keep working.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts, migrations = read_counts(cursor, labels), read_migrations(cursor)
        run_pg_program(
            "pg_dump",
            [
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={path}",
            ],
            connection,
        )
    return counts, migrations


def restore_postgresql(connection, path):
    connections.close_all()
    # An empty --dbname makes pg_restore connect (to PGDATABASE) rather than print
    # SQL.
    run_pg_program(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--dbname=",
            str(path),
        ],
        connection,
    )


# SQLite


def dump_sqlite(connection, path, labels):
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        return read_counts(cursor, labels), read_migrations(cursor)


def restore_sqlite(connection, path):
    # A fresh connection (for an in-memory database, the one that keeps it alive).
    connections.close_all()
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as source:
        source.backup(connection.connection)


DUMP = {"postgresql": dump_postgresql, "sqlite": dump_sqlite}
RESTORE = {"postgresql": restore_postgresql, "sqlite": restore_sqlite}


# Media


def archive_media(media_root, path):
    media_root = Path(media_root)
    with tarfile.open(path, "w:gz") as archive:
        if not media_root.is_dir():
            return
        for child in sorted(media_root.iterdir()):
            if not child.name.startswith((RESTORING, REPLACED)):
                archive.add(child, arcname=child.name)


def check_media_archive(path):
    """Refuse an archive with a member outside the folder it unpacks into."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            names = archive.getnames()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise CommandError(f"{path} cannot be read: {error}") from None
    for name in names:
        parts = PurePosixPath(name).parts
        if name.startswith(("/", "\\")) or ".." in parts:
            raise CommandError(
                f"{path} holds {name!r}, a path outside the media folder: refusing "
                "to restore this backup. Nothing was changed."
            )


def unpack_media(path, media_root):
    """Unpack into a new folder inside MEDIA_ROOT (the same file system, even if
    MEDIA_ROOT is a mount), leaving the current media alone."""
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=media_root, prefix=RESTORING))
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(staging, filter="data")
    except (tarfile.TarError, EOFError, OSError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise CommandError(
            f"Couldn't unpack {path}: {error}. Nothing was changed."
        ) from None
    return staging


def replace_media(staging, media_root):
    replaced = Path(tempfile.mkdtemp(dir=media_root, prefix=REPLACED))
    for child in list(media_root.iterdir()):
        if child not in (staging, replaced):
            child.rename(replaced / child.name)
    for child in list(staging.iterdir()):
        child.rename(media_root / child.name)
    shutil.rmtree(staging)
    shutil.rmtree(replaced)


# Backup and restore


def write_backup(output_dir):
    """Write a backup folder into ``output_dir``; return its path and manifest."""
    connection = default_connection()
    engine = engine_of(connection)
    labels = configured_labels()
    counted_models(labels)  # an unknown label fails before anything is written
    output_dir = Path(output_dir)
    created_at = timezone.now()
    try:
        output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(dir=output_dir, prefix=".partial-"))
    except OSError as error:
        raise CommandError(
            f"Couldn't create a folder in {output_dir}: {error}"
        ) from None
    try:
        dump = partial / DUMP_NAMES[engine]
        counts, migrations = DUMP[engine](connection, dump, labels)
        archive_media(settings.MEDIA_ROOT, partial / MEDIA_ARCHIVE)
        files = {}
        for file in (dump, partial / MEDIA_ARCHIVE):
            file.chmod(0o600)
            files[file.name] = {"sha256": sha256(file), "bytes": file.stat().st_size}
        manifest = {
            "format": FORMAT,
            "created_at": created_at.isoformat(),
            "engine": engine,
            "versions": {
                "django": django.get_version(),
                "wagtail": wagtail.__version__,
            },
            "migrations": migrations,
            "counts": counts,
            "files": files,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        (partial / MANIFEST).chmod(0o600)
        folder = free_name(output_dir, created_at.strftime("%Y%m%d-%H%M%S"))
        partial.rename(folder)
    except FAILURES as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise CommandError(f"The backup failed: {error}") from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder, manifest


def free_name(output_dir, stem):
    folder, n = output_dir / stem, 1
    while folder.exists():
        n += 1
        folder = output_dir / f"{stem}-{n}"
    return folder


def read_manifest(folder, engine):
    """The manifest of the backup in ``folder``, once every check has passed."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder.")
    if not path.is_file():
        raise CommandError(
            f"{folder} has no {MANIFEST}: it is not a backup, or one that did not "
            "finish."
        )
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, OSError) as error:
        raise CommandError(f"{path} cannot be read: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CommandError(f"{path} is not a manifest this version can read.")
    if manifest.get("engine") != engine:
        made_on = ENGINE_NAMES.get(manifest.get("engine"), repr(manifest.get("engine")))
        raise CommandError(
            f"This backup is of a {made_on} database; the configured database is "
            f"{ENGINE_NAMES[engine]}. Nothing was changed."
        )
    files = manifest.get("files")
    counts = manifest.get("counts")
    if (
        not isinstance(files, dict)
        or set(files) != {DUMP_NAMES[engine], MEDIA_ARCHIVE}
        or not isinstance(counts, dict)
        or not {PAGES, LIVE_PAGES} <= set(counts)
    ):
        raise CommandError(f"{path} is incomplete or damaged.")
    for name, expected in files.items():
        file = folder / name
        if not file.is_file():
            raise CommandError(f"{file} is missing. Nothing was changed.")
        if sha256(file) != expected.get("sha256"):
            raise CommandError(
                f"{file} does not match the checksum in the manifest: the backup is "
                "damaged or was changed. Nothing was changed."
            )
    return manifest


def existing_pages(connection):
    """Pages other than the tree's root (none in a database never migrated)."""
    if Page._meta.db_table not in connection.introspection.table_names():
        return 0
    return Page.objects.using(connection.alias).filter(depth__gt=1).count()


def content_version_counter(connection):
    if ContentVersion._meta.db_table not in connection.introspection.table_names():
        return 0
    return ContentVersion.objects.values_list("counter", flat=True).first() or 0


def restore_backup(folder, *, replace_pages=False):
    """Restore the backup in ``folder`` over the configured database and MEDIA_ROOT;
    return its manifest. Nothing is changed until every check has passed."""
    connection = default_connection()
    engine = engine_of(connection)
    folder = Path(folder)
    manifest = read_manifest(folder, engine)
    labels = [label for label in manifest["counts"] if label not in (PAGES, LIVE_PAGES)]
    counted_models(labels)
    check_media_archive(folder / MEDIA_ARCHIVE)
    pages = existing_pages(connection)
    if pages and not replace_pages:
        raise CommandError(
            f"The database already holds {pages} page{'s' if pages != 1 else ''}. "
            "Restoring replaces everything in it, and the media: run again with "
            "--yes to go ahead. Nothing was changed."
        )
    counter_before = content_version_counter(connection)

    media_root = Path(settings.MEDIA_ROOT)
    staging = unpack_media(folder / MEDIA_ARCHIVE, media_root)
    try:
        RESTORE[engine](connection, folder / DUMP_NAMES[engine])
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, FAILURES):
            raise CommandError(f"Restoring the database failed: {error}") from None
        raise
    try:
        replace_media(staging, media_root)
    except OSError as error:
        raise CommandError(
            f"The database was restored, but replacing the media in {media_root} "
            f"failed: {error}. The new files are in {staging}."
        ) from None
    forget_cached_content(connection, counter_before)

    with connection.cursor() as cursor:
        counts = read_counts(cursor, labels)
    if counts != manifest["counts"]:
        differences = ", ".join(
            f"{label}: {manifest['counts'][label]} in the backup, {counts[label]} now"
            for label in counts
            if counts[label] != manifest["counts"][label]
        )
        raise CommandError(
            f"The restored database does not match the backup: {differences}."
        )
    return manifest


def forget_cached_content(connection, counter_before):
    """Nothing cached before the restore may be served after it: empty the caches
    (in a Redis shared with other sites, only this site's keys, under its
    KEY_PREFIX: django-redis' clear() would flush the whole database), ban the
    front-end cache, and move the content version past any number it had before
    (its ETags would otherwise come back with other content)."""
    ContentType.objects.clear_cache()
    for cache in caches.all():
        if hasattr(cache, "delete_pattern"):  # django-redis
            cache.delete_pattern("*")
        else:
            cache.clear()
    restored = content_version_counter(connection)
    ContentVersion.objects.update_or_create(
        pk=1, defaults={"counter": max(restored, counter_before) + 1}
    )
    frontend_cache.purge_everything_after_commit()


def unknown_migrations(manifest):
    """The latest migrations the backup's database had that this code does not
    know ("app.name"): a backup made by newer code."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, name in sorted((manifest.get("migrations") or {}).items())
        if (app, name) not in known
    ]


def unapplied_migrations(connection):
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())
