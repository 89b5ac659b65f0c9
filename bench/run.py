"""Benchmarks at the volume of a large ministry, on PostgreSQL.

Seeds the scale data (seed_scale: 1,000 initiatives, 10,000 KPIs, 500,000 measurements) into its
own database, then measures server time in-process with Django's test client: p50 and p95 over
at least 200 requests, and SQL queries per request. Prints a table and appends one JSON object
per scenario to bench/results.jsonl. Run with `make bench`.

    BENCH_DATABASE_URL   PostgreSQL database to (re)create, default
                         postgres://postgres@127.0.0.1:5432/renewal_bench
    BENCH_REQUESTS       requests per scenario, default 200
    --reuse              keep an already seeded database
"""

import gc
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/renewal_bench"
)
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
RESULTS = ROOT / "bench" / "results.jsonl"


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values, q):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure(name, call, n=REQUESTS, warmup=5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        call()
    times, queries = [], []
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            raise SystemExit(f"{name}: HTTP {response.status_code}")
        queries.append(len(ctx.captured_queries))
    result = {
        "name": name,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "queries": max(queries),
        "n": n,
    }
    print(
        f"{name:<34} p50 {result['p50_ms']:>8.1f} ms   p95 {result['p95_ms']:>8.1f} ms   "
        f"{result['queries']:>3} queries   n={n}"
    )
    return result


def database_floor(name, sql, params, n=50):
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(n):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    result = {
        "name": name,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "queries": 1,
        "n": n,
    }
    print(
        f"{name:<34} p50 {result['p50_ms']:>8.1f} ms   p95 {result['p95_ms']:>8.1f} ms   "
        f"  1 query     n={n}   (the page's main SQL alone)"
    )
    return result


def main():
    reuse = "--reuse" in sys.argv
    if not reuse:
        recreate_database(DATABASE_URL)
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renewal.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    # The test client without setup_test_environment(): that would instrument template rendering
    # to keep a copy of every context on each response, in reference cycles the garbage
    # collector then has to walk; a real server keeps none of it.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    from initiatives.models import Initiative

    if not reuse or not Initiative.objects.exists():
        started = time.monotonic()
        call_command("seed_scale", initiatives=1000)
        print(f"seed_scale took {time.monotonic() - started:.1f} s")
    # Fresh planner statistics, as autovacuum would have them after a bulk load: without them
    # PostgreSQL estimates a dozen rows where there are thousands and picks nested loops.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # As renewal/wsgi.py does in every web process after start-up.
    gc.collect()
    gc.freeze()
    results = run_scenarios(Client())
    with RESULTS.open("a") as out:
        for result in results:
            out.write(json.dumps(result) + "\n")
    print(f"\nWrote {len(results)} results to {RESULTS.relative_to(ROOT)}")


def run_scenarios(client):
    from django.db.models import Count
    from django.utils import timezone

    from initiatives.models import Initiative
    from metrics.models import KPI, Measurement
    from organisations.models import Membership, Organisation, User

    user, _ = User.objects.get_or_create(username="bench-leader")
    for org in Organisation.objects.filter(parent__isnull=True):
        Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": "leader"})
    client.force_login(user)
    initiative = Initiative.objects.filter(phase=4, state="active").order_by("pk").first()
    kpi = KPI.objects.filter(initiative=initiative).order_by("pk").first()
    Measurement.objects.filter(
        kpi=kpi, date__lt=timezone.localdate() - timedelta(days=400)
    ).delete()
    dates = iter(timezone.localdate() - timedelta(days=400 + i) for i in range(100_000))

    def post_measurement():
        return client.post(
            f"/kpis/{kpi.pk}/measurements/",
            {f"kpi{kpi.pk}-date": next(dates).isoformat(), f"kpi{kpi.pk}-value": "42,5"},
            headers={"HX-Request": "true"},
        )

    print(
        f"\n{Initiative.objects.count()} initiatives, {KPI.objects.count()} KPIs, "
        f"{Measurement.objects.count()} measurements; the user sees all of them.\n"
    )
    results = [
        measure("portfolio (unfiltered)", lambda: client.get("/initiatives/portfolio/")),
        measure(
            "portfolio (filtered)",
            lambda: client.get("/initiatives/portfolio/?phase=4&kpi_status=at_risk&q=renewal"),
        ),
        # Every initiative with a paradox signal: the radar runs over all of them either way.
        measure(
            "portfolio, signal filter", lambda: client.get("/initiatives/portfolio/?signal=any")
        ),
        measure("initiative page (phase 4)", lambda: client.get(f"/initiatives/{initiative.pk}/")),
        measure(
            "initiative page (phase 1, charts)",
            lambda: client.get(f"/initiatives/{initiative.pk}/phase/1/"),
        ),
        measure("measurement POST (htmx)", post_measurement),
    ]
    # The portfolio's heaviest SQL: KPI counts by cached status per initiative, for all of them.
    from initiatives.portfolio import overdue_condition

    counts = (
        KPI.objects.filter(initiative__in=Initiative.objects.values("pk"))
        .values("initiative_id", "status")
        .annotate(
            n=Count("pk"), overdue=Count("pk", filter=overdue_condition(timezone.localdate()))
        )
    )
    sql, params = counts.query.sql_with_params()
    results.append(database_floor("portfolio main SQL (KPI status)", sql, params))
    results.extend(report_scenarios(client, initiative))
    return results


def report_scenarios(client, initiative, n=10):
    """PDF reports, warm: one initiative's (returned directly) and a 100-initiative portfolio
    (the Celery task's work), aims under 1 s and 5 s."""
    from types import SimpleNamespace

    from organisations.models import Membership, Organisation, User
    from reports.render import portfolio_pdf

    # A leader of five agencies of one ministry sees exactly 5 × 20 = 100 seeded initiatives.
    ministry = Organisation.objects.filter(parent__isnull=True, kind="ministry").order_by("pk")[0]
    user, _ = User.objects.get_or_create(username="bench-report-leader")
    for agency in ministry.children.order_by("pk")[:5]:
        Membership.objects.get_or_create(
            user=user, organisation=agency, defaults={"role": "leader"}
        )

    def portfolio_report():
        portfolio_pdf(user, ministry, "fi")
        return SimpleNamespace(status_code=200)

    return [
        measure(
            "initiative report PDF",
            lambda: client.get(f"/reports/initiatives/{initiative.pk}.pdf"),
            n=n,
            warmup=2,
        ),
        measure("portfolio PDF (100 initiatives)", portfolio_report, n=n, warmup=1),
    ]


if __name__ == "__main__":
    main()
