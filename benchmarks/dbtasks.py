"""Database work the benchmarks run in a child process, whose DATABASE_URL names a bench database.

`python -m benchmarks.dbtasks TASK JSON-ARGS` prints one JSON object on its last line.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment for a child process: test settings, plain HTTP, the bench database."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    env.setdefault("DJANGO_DEBUG", "0")
    env["DJANGO_ALLOWED_HOSTS"] = "localhost,127.0.0.1,testserver"
    env["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    env["NEWSMAP_LOG_LEVEL"] = "WARNING"
    env["NEWSMAP_GEOCODER"] = "none"  # benchmarks stay on loopback
    env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def call(task: str, args: dict, database_url: str, timeout: float) -> dict:
    """Run a task in a child process against `database_url`; its JSON answer, or raise."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.dbtasks", task, json.dumps(args)],
        cwd=ROOT, env=child_env(database_url), capture_output=True, text=True, timeout=timeout,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{task} failed ({done.returncode}): " + " / ".join(tail))
    return json.loads(done.stdout.strip().splitlines()[-1])


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsmap.settings")
    import django

    django.setup()


def _sqlite_bulk_pragmas() -> None:
    """Make a throwaway bench SQLite file fast to fill; never used on real data."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-200000")


def prepare(names: int, seed: int, max_synthetic: int | None = None) -> dict:
    """Migrate, load the shipped gazetteer, add synthetic places up to `names` names (or at most
    `max_synthetic` of them)."""
    from django.core.management import call_command

    from articles.models import Alias, Place
    from articles.names import normalise
    from benchmarks.corpus import build_gazetteer

    out = io.StringIO()
    t0 = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0, stdout=out)
    migrate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    call_command("load_gazetteer", stdout=out, stderr=out)
    load_s = time.perf_counter() - t0
    _sqlite_bulk_pragmas()
    gazetteer = build_gazetteer(names, seed)
    parents = {p.slug: p for p in Place.objects.filter(slug__in=["mosul"])}
    synthetic = gazetteer.synthetic[:max_synthetic]
    places = Place.objects.bulk_create(
        [
            Place(name=p.name, slug=p.key, kind=p.kind, parent=parents.get(p.parent_key),
                  bank=p.bank, latitude=p.lat, longitude=p.lon, precision=1, radius_m=300,
                  source="Synthetic benchmark place", provenance=Place.Provenance.EDITOR)
            for p in synthetic
        ],
        batch_size=2000,
    )
    if any(p.pk is None for p in places):
        by_slug = dict(
            Place.objects.filter(slug__startswith="synthetic-").values_list("slug", "pk")
        )
        ids = [by_slug[p.key] for p in synthetic]
    else:
        ids = [p.pk for p in places]
    aliases = []
    for place_id, place in zip(ids, synthetic, strict=True):
        seen = set()
        for text in place.aliases:
            key = normalise(text)
            if key not in seen:
                seen.add(key)
                aliases.append(Alias(place_id=place_id, text=text, normalised=key))
    Alias.objects.bulk_create(aliases, batch_size=5000)
    return {"migrate_s": migrate_s, "load_gazetteer_s": load_s,
            "places": Place.objects.count(), "aliases": Alias.objects.count()}


def import_dir(directory: str) -> dict:
    """Time `import_articles DIR` inside this process, start-up excluded."""
    from django.core.management import call_command

    from articles.models import Article, Mention

    out, err = io.StringIO(), io.StringIO()
    status = 0
    t0 = time.perf_counter()
    try:
        call_command("import_articles", directory, stdout=out, stderr=err)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "status": status, "last_line": out.getvalue().strip()[-300:],
            "stderr": err.getvalue()[-1000:], "articles": Article.objects.count(),
            "mentions": Mention.objects.count()}


def fill(days: int, seed: int, reports: int = 0, mentions: int = 0) -> dict:
    """Bulk-insert reports (1–5 mentions each, 3 on average) over `days` days, for the API and
    browser benchmarks: `reports` more reports, or as many as make `mentions` more mentions."""
    import random

    from django.db import transaction

    from articles import timeline
    from articles.mentions import refresh_report_statistics
    from articles.models import Article, Mention, Place, Status

    _sqlite_bulk_pragmas()
    offset = Article.objects.count()
    rng = random.Random(f"fill-{seed}-{offset}")
    places = list(Place.objects.filter(kind__in=["district", "village", "town", "landmark"])
                  .order_by("pk").values_list("pk", "name"))
    statuses = [Status.ADVANCE, Status.FIGHTING, Status.CLEARING, Status.RETAKEN,
                Status.ISIS_HELD, Status.MENTIONED]
    sentences = [
        "Iraqi forces entered the {} neighbourhood of eastern Mosul on Friday.",
        "Heavy fighting is underway between the Iraqi forces and ISIL in {}.",
        "The government troops are currently carrying out cleansing operation in {} district.",
        "Officers said they had recaptured the {} neighbourhood from ISIS on Sunday.",
    ]
    sources = ["Alalam - Iraq", "FNA - Tehran", "Reuters - Mosul", "Alsumaria - Baghdad"]
    start = dt.datetime(2016, 10, 17, tzinfo=dt.UTC)
    t0 = time.perf_counter()
    made_reports = made_mentions = 0
    with transaction.atomic():
        while (reports and made_reports < reports) or (mentions and made_mentions < mentions):
            rows, counts = [], []
            while len(rows) < 5000 and ((reports and made_reports < reports)
                                        or (mentions and made_mentions < mentions)):
                i = offset + made_reports
                when = start + dt.timedelta(seconds=rng.randrange(days * 86400))
                title = f"Iraqi Forces Continue Their Advance against ISIS in Mosul ({i})"
                rows.append(Article(
                    identity=f"bench-{seed}-{i}", title=title, published_at=when,
                    body="Iraqi forces entered the neighbourhood.", source=rng.choice(sources),
                    raw_text=title, content_hash=f"{i:064x}",
                ))
                n = rng.randint(1, 5)
                if mentions:
                    n = min(n, mentions - made_mentions)
                counts.append(n)
                made_reports += 1
                made_mentions += n
            created = Article.objects.bulk_create(rows)
            if any(a.pk is None for a in created):
                by_identity = dict(Article.objects.filter(
                    identity__in=[a.identity for a in rows]).values_list("identity", "pk"))
                for a in created:
                    a.pk = by_identity[a.identity]
            found = []
            for article, n in zip(created, counts, strict=True):
                for place_id, name in rng.sample(places, n):
                    found.append(Mention(
                        article_id=article.pk, place_id=place_id, surface=name,
                        normalised=name.lower(), start=0, end=len(name),
                        sentence=rng.choice(sentences).format(name), status=rng.choice(statuses),
                        event_date=(article.published_at
                                    - dt.timedelta(days=rng.choice([0, 0, 1, 2]))).date(),
                        is_primary=True,
                    ))
            Mention.objects.bulk_create(found, batch_size=5000)
        # bulk_create skips the pipeline's bookkeeping: rebuild what the map reads from, and
        # leave the planner's statistics as an import would.
        timeline.rebuild_all()
    refresh_report_statistics()
    return {"seconds": time.perf_counter() - t0, "articles": Article.objects.count(),
            "mentions": Mention.objects.count()}


TASKS = {"prepare": prepare, "import": import_dir, "fill": fill}


def main(argv: list[str]) -> int:
    _setup()
    task, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    result = TASKS[task](**args)
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
