"""Page timings (issue 8): the ten most used pages per realistic role, warm cache, p50 / p95 and SQL queries.

    MSOKO_DATABASE_URL=postgres://msoko:msoko@127.0.0.1:5432/msoko_region MSOKO_DATA_DIR=DIR \
        .venv/bin/python bench/bench_pages.py [--repeat 10] [--only organisation_card]

Needs a database with the demo (`msoko demo --no-serve`, e.g. `--schools 1500 --years 3`). Users are the
demo's own logins (the first of each role in the demo manifest, or in the database when the manifest
is not in MSOKO_DATA_DIR). Each page is requested in-process through Django's test `Client` (the whole
stack: middleware, sessions, CSP, templates), first once to warm the caches, then `--repeat` times.
Printed per page: HTTP status, p50 and p95 wall time in ms, SQL queries per request and the response
size. A non-200 answer is reported and makes the script exit with status 1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--slow-sql", action="store_true", help="print the slowest SQL query of each page")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msoko.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from msoko.registry.models import Organisation, Role, RoleAssignment

    def first_user(role: str):
        assignment = (
            RoleAssignment.objects.filter(role=role, person__user__is_active=True).select_related("person", "organisation")
            .order_by("pk").first()
        )
        if assignment is None:
            sys.exit(f"в базе нет пользователя с ролью {role}: создайте демо (msoko demo --no-serve)")
        return assignment

    department = first_user(Role.DEPARTMENT)
    coordinator = first_user(Role.COORDINATOR)
    school_admin = (
        RoleAssignment.objects.filter(role=Role.ORG_ADMIN, organisation__kind=Organisation.Kind.SCHOOL,
                                      person__user__isnull=False)
        .select_related("person", "organisation").order_by("pk").first()
    )
    school = school_admin.organisation
    big_school = Organisation.objects.filter(kind=Organisation.Kind.SCHOOL).order_by("code").first()

    pages = [
        ("dashboard", department, reverse("web:home")),
        ("organisations", department, reverse("web:organisations")),
        ("organisations_p10", department, reverse("web:organisations") + "?page=10"),
        ("organisation_card", department, reverse("web:organisation", args=[big_school.code])),
        ("direction_monitoring", department, reverse("web:direction", args=[1]) + "?tab=monitoring"),
        ("direction_goals", coordinator, reverse("web:direction", args=[1])),
        ("shnor", department, reverse("analytics:shnor")),
        ("objectivity", department, reverse("analytics:objectivity")),
        ("monitoring", department, reverse("analytics:monitoring")),
        ("cycle_matrix", department, reverse("cycle:matrix")),
        ("imports", department, reverse("collection:history")),
        ("campaigns", department, reverse("collection:campaigns")),
        ("recommendations", coordinator, reverse("cycle:recommendations")),
        ("decisions", department, reverse("cycle:decisions")),
        ("reports", department, reverse("reports:index")),
        ("audit", department, reverse("core:audit")),
        ("school_card", school_admin, reverse("web:organisation", args=[school.code])),
        ("school_forms", school_admin, reverse("collection:my_forms")),
        ("school_recommendations", school_admin, reverse("cycle:recommendations")),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p[0] in wanted]

    clients: dict[int, Client] = {}
    users = get_user_model()

    def client_for(assignment) -> Client:
        user_id = assignment.person.user_id
        if user_id not in clients:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(users.objects.get(pk=user_id))
            clients[user_id] = client
        return clients[user_id]

    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}; "
          f"organisations: {Organisation.objects.count()}; repeat {args.repeat}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'page':<24} {'role':<12} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    failed = False
    for name, assignment, url in pages:
        client = client_for(assignment)
        response = client.get(url)  # warm-up: caches, stored aggregates, template loading
        times = []
        queries = 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
        failed |= response.status_code != 200
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
        print(f"{name:<24} {assignment.role:<12} {response.status_code:>6} {statistics.median(times):>8.0f} "
              f"{percentile(times, 95):>8.0f} {queries:>8} {len(response.content) // 1024:>6}", flush=True)
        if args.slow_sql and slowest is not None:
            print(f"    slowest SQL {float(slowest['time']) * 1000:.0f} ms: {slowest['sql'][:600]}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
