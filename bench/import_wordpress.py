"""Benchmark: import a generated WordPress export of 2,000 posts.

    python bench/import_wordpress.py [--posts N] [--comments-per-post N] [--seed N]
                                     [--no-media] [--debug] [--keep]

(``make bench`` runs it with the defaults.) In a temporary folder it writes the
export with ``tests.wordpress_export.write_export`` and, unless --no-media, a copy of
``wp-content/uploads`` with a small JPEG for every image the posts show; creates a
fresh SQLite database (``migrate``, ``load_demo_content``, so the "articles" index
exists); then runs, each in its own process under GNU time (``/usr/bin/time -v``):

1. the reader alone: ``wxr.survey`` then ``wxr.items`` over the whole export;
2. ``manage.py check``: Django and Wagtail loaded, nothing imported (the baseline
   for memory);
3. ``manage.py import_wordpress EXPORT --index articles [--media-dir UPLOADS]``.

It prints wall time, posts per second and peak resident memory ("Maximum resident
set size") for each as a Markdown table for docs/performance.md. Nothing outside
the temporary folder is touched. Needs GNU time: ``apt-get install -y time``.

Django runs with debug mode off (a throwaway secret key), as in production: in debug
mode Django keeps the text of every SQL query, which about doubled the import's time
in our measurements. ``--debug`` measures with DJANGO_DEBUG=true.
"""

import argparse
import os
import platform
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GNU_TIME = Path("/usr/bin/time")
READER_SCRIPT = """
import sys
from health_articles.wordpress import wxr

survey = wxr.survey(sys.argv[1])
posts = sum(1 for item in wxr.items(sys.argv[1]) if item.post_type == "post")
print(f"{survey.item_count} items, {posts} posts")
"""


@dataclass
class Measurement:
    step: str
    posts: int | None  # posts handled, for posts/second; None for the baseline
    seconds: float
    peak_rss_kb: int
    returncode: int
    output: str

    @property
    def posts_per_second(self):
        if not self.posts or not self.seconds:
            return None
        return self.posts / self.seconds


def django_environment(workdir, debug=False):
    """The environment of every command: a fresh SQLite database and media folder
    in ``workdir``, no Redis, production settings unless ``debug``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        DJANGO_DEBUG="true" if debug else "false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="localhost",
        DJANGO_SETTINGS_MODULE="config.settings",
        MEDIA_ROOT=str(workdir / "media"),
    )
    return env


def parse_gnu_time(report):
    """(wall seconds, peak RSS in kB) from the text ``/usr/bin/time -v`` writes."""
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    wall = re.search(
        r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", report
    )
    if not rss or not wall:
        raise ValueError("Not the output of /usr/bin/time -v.")
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return seconds, int(rss.group(1))


def markdown_table(measurements):
    lines = [
        "| step | posts | wall time | posts/second | peak RSS |",
        "|---|---:|---:|---:|---:|",
    ]
    for m in measurements:
        rate = m.posts_per_second
        lines.append(
            f"| {m.step} | {f'{m.posts:,}' if m.posts else '–'} | {m.seconds:,.1f} s "
            f"| {f'{rate:,.1f}' if rate else '–'} | {m.peak_rss_kb / 1024:,.0f} MB |"
        )
    return "\n".join(lines)


def write_uploads(directory, images):
    """A small, distinct JPEG for each image path, and its 1024x683 size beside it."""
    from PIL import Image

    for number, relative in enumerate(images):
        colour = (number * 37 % 256, number * 91 % 256, number * 53 % 256)
        picture = Image.new("RGB", (96, 64), colour)
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        picture.save(target, "JPEG", quality=80)
        picture.save(target.with_name(f"{target.stem}-1024x683.jpg"), "JPEG")


def run(step, command, env, posts, workdir):
    """Run ``command`` under GNU time; the measurement, whatever its exit status."""
    report = workdir / "time.txt"
    started = time.perf_counter()
    completed = subprocess.run(  # noqa: S603 - fixed commands, no shell
        [str(GNU_TIME), "-v", "-o", str(report), *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    try:
        seconds, rss = parse_gnu_time(report.read_text())
    except (OSError, ValueError):
        seconds, rss = elapsed, 0
    return Measurement(
        step=step,
        posts=posts,
        seconds=seconds,
        peak_rss_kb=rss,
        returncode=completed.returncode,
        output=completed.stdout + completed.stderr,
    )


def prepare(step, command, env):
    started = time.perf_counter()
    completed = subprocess.run(  # noqa: S603 - fixed commands, no shell
        command, cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"{step} failed (exit status {completed.returncode}).")
    print(f"  {step}: {time.perf_counter() - started:.1f} s")


def import_summary(output):
    """The importer's closing counts (created, skipped, comments...), not each post."""
    lines = [
        f"  {line}"
        for line in output.splitlines()
        if re.match(r"(Dry run|Import finished|[A-Z][a-z ]+: \d)", line)
    ]
    return "\n".join(lines) or tail(output)


def tail(text, lines=15):
    return "\n".join(text.rstrip().splitlines()[-lines:])


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments-per-post", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--no-media", action="store_true", help="Import without a copy of uploads."
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="Run with DJANGO_DEBUG=true (Django then keeps every SQL query).",
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the temporary folder and say where."
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not GNU_TIME.exists():
        raise SystemExit(
            f"{GNU_TIME} (GNU time) is missing; it measures peak memory. Install it "
            "with: apt-get install -y time"
        )
    sys.path.insert(0, str(ROOT))
    from tests.wordpress_export import write_export

    workdir = Path(tempfile.mkdtemp(prefix="bench-wordpress-"))
    try:
        return _bench(args, workdir, write_export)
    finally:
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _bench(args, workdir, write_export):
    export = workdir / "export.xml"
    uploads = workdir / "uploads"
    python = sys.executable
    env = django_environment(workdir, debug=args.debug)

    print(f"Working in {workdir}")
    started = time.perf_counter()
    summary = write_export(
        export,
        posts=args.posts,
        comments_per_post=args.comments_per_post,
        seed=args.seed,
    )
    if not args.no_media:
        write_uploads(uploads, summary.images)
    print(
        f"  export: {export.stat().st_size / 1e6:,.1f} MB, {summary.items:,} items, "
        f"{summary.posts:,} posts ({summary.drafts:,} drafts, {summary.faqs:,} with "
        f"an FAQ), {summary.comments:,} comments, {len(summary.images):,} images "
        f"({time.perf_counter() - started:.1f} s)"
    )
    manage = [python, "manage.py"]
    prepare("migrate", [*manage, "migrate", "--no-input", "-v", "0"], env)
    prepare("load_demo_content", [*manage, "load_demo_content"], env)

    import_command = [*manage, "import_wordpress", str(export), "--index", "articles"]
    if not args.no_media:
        import_command += ["--media-dir", str(uploads)]
    steps = [
        ("read (wxr.survey + wxr.items)", [python, "-c", READER_SCRIPT, str(export)]),
        ("baseline (manage.py check)", [*manage, "check"]),
        ("import (manage.py import_wordpress)", import_command),
    ]
    results = []
    for step, command in steps:
        posts = None if step.startswith("baseline") else summary.posts
        measurement = run(step, command, env, posts, workdir)
        print(f"  {step}: {measurement.seconds:.1f} s")
        results.append(measurement)
        if measurement.returncode:
            print(tail(measurement.output), file=sys.stderr)
            print(f"{step} failed (exit status {measurement.returncode}).")
            break
    else:
        print(import_summary(results[-1].output))

    print()
    print(markdown_table(results))
    print()
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; "
        f"{summary.posts:,} posts, {args.comments_per_post} comments each, "
        f"seed {args.seed}, {'no images' if args.no_media else 'with images'}."
    )
    return 1 if any(m.returncode for m in results) else 0


if __name__ == "__main__":
    sys.exit(main())
