"""EXPLAIN (ANALYZE, BUFFERS) of the heaviest page queries at region scale (issue 8), PostgreSQL only.

    MSOKO_DATABASE_URL=postgres://msoko:msoko@127.0.0.1:5432/msoko_region MSOKO_DATA_DIR=DIR \
        .venv/bin/python bench/explain_queries.py [START_YEAR]

The queries are built with the project's own selectors / querysets, for the demo municipality's
latest year:

1. the рабочий стол matrix: organisations with data for a direction's elements in the year
   (`cycle.matrix._monitored_organisations`, eight per dashboard); 1b. the same over the whole-year
   totals only (category "", which every organisation with any value of an element has);
2. the direction «Мониторинг» tab: stored indicator values of a direction's indicators for every
   visible organisation and two years (`analytics.selectors.stored_indicator_values`);
3. the fingerprint of the stored values: the newest data value change (`analytics.selectors.data_stamp`);
4. the read behind every live indicator computation and the store's refresh: whole-year totals of
   all the catalog's data elements (`analytics.selectors.data_values_frame`).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msoko.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max

    from msoko.analytics.models import IndicatorValue
    from msoko.catalog import selectors as catalog
    from msoko.catalog.formula import names
    from msoko.collection.models import DataValue
    from msoko.registry.models import Municipality, Organisation
    from msoko.registry.selectors import current_year

    if connection.vendor != "postgresql":
        sys.exit("EXPLAIN (ANALYZE, BUFFERS) needs PostgreSQL (MSOKO_DATABASE_URL=postgres://…)")
    from msoko.registry.models import AcademicYear

    wanted = sys.argv[1] if len(sys.argv) > 1 else ""
    year = AcademicYear.objects.get(start_year=int(wanted)) if wanted.isdigit() else current_year()
    version = catalog.version_for_year(year)
    municipality = Municipality.objects.order_by("pk").first()
    direction = version.indicators.order_by("direction__number").first().direction
    indicators = list(version.indicators.filter(direction=direction))
    codes = sorted({code for ind in indicators for code in names(ind.numerator)})
    org_ids = list(Organisation.objects.filter(municipality=municipality).values_list("pk", flat=True))
    all_codes = sorted({
        c for ind in version.indicators.all() for c in [*names(ind.numerator), *names(ind.denominator or "0")]
    })

    queries = {
        "1. matrix: organisations with data (direction 1)": DataValue.objects.filter(
            period__academic_year=year, data_element__code__in=codes, organisation__municipality=municipality
        ).values("organisation").distinct(),
        "1b. the same, totals only (category '', proposed for cycle.matrix)": DataValue.objects.filter(
            period__academic_year=year, data_element__code__in=codes, organisation__municipality=municipality,
            category="",
        ).values("organisation").distinct(),
        "2. direction tab: stored indicator values": IndicatorValue.objects.filter(
            indicator_id__in=[i.pk for i in indicators], organisation_id__in=org_ids,
            year__in=[year.start_year - 1, year.start_year],
        ).values_list("organisation__code", "year", "indicator__code", "numerator", "denominator", "value"),
        "3. data fingerprint: newest value change": DataValue.objects.values("entered_at").order_by("-entered_at")[:1],
        "4. live indicator read: whole-year totals": DataValue.objects.filter(
            category="", value__isnull=False, period__kind="year", organisation_id__in=org_ids,
            period__academic_year__start_year__in=[year.start_year], data_element__code__in=all_codes,
        ).values_list("organisation__code", "period__academic_year__start_year", "data_element__code", "value"),
    }
    print(f"DataValue rows: {DataValue.objects.count():,}; stored indicator values: "
          f"{IndicatorValue.objects.count():,}; newest change {DataValue.objects.aggregate(m=Max('entered_at'))['m']}")
    for title, qs in queries.items():
        print(f"\n### {title}\n")
        plan = qs.explain(analyze=True, buffers=True)
        # long id / code lists make the plans unreadable: show how many values there were
        print(re.sub(r"'\{([^}]{80,})\}'", lambda m: f"'{{… {m.group(1).count(',') + 1} values}}'", plan))


if __name__ == "__main__":
    main()
