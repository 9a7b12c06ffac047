"""Load test (issue 7): a realistic mix of pages per role against a running msoko (gunicorn + PostgreSQL).

Logins are the demo's own (the `people` of the demo manifest, `MSOKO_DEMO_MANIFEST`, by default
`$MSOKO_DATA_DIR/demo-files/manifest.json`). Each simulated user signs in once through the login form
(CSRF token, session cookie) and then browses like its role does, with a think time between pages:

* department specialist (weight 4): рабочий стол, organisations (pages, search), organisation cards,
  direction tabs, ШНОР / objectivity / monitoring, the cycle matrix, decisions, recommendations,
  imports, reports, audit;
* direction coordinator / executor / methodist (weight 2): their direction's tabs, recommendations,
  roadmap, cycle matrix, organisation cards;
* school administrator (weight 3): the school's own card, its forms, recommendations, the catalog.

Run it with `bench/load/run_load.sh`; requests are grouped by page name in the statistics.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

CYCLE_TABS = ["goals", "indicators", "methods", "monitoring", "analysis", "recommendations", "measures",
              "decisions", "effectiveness"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _people() -> list[dict]:
    path = os.environ.get("MSOKO_DEMO_MANIFEST") or str(
        Path(os.environ.get("MSOKO_DATA_DIR", ".")) / "demo-files" / "manifest.json"
    )
    return json.loads(Path(path).read_text(encoding="utf-8"))["people"]


PEOPLE = _people()
BY_ROLE: dict[str, list[dict]] = {}
for _person in PEOPLE:
    BY_ROLE.setdefault(_person["role"], []).append(_person)
SCHOOLS = [p for p in BY_ROLE.get("org_admin", []) if (p.get("organisation") or "").startswith("OO-")]
ORG_CODES = [p["organisation"] for p in BY_ROLE.get("org_admin", []) if p.get("organisation")]
SEARCH_WORDS = ["школа", "гимназия", "лицей", "сош", "детский сад", "№ 1", "сельская"]


class MsokoUser(HttpUser):
    abstract = True
    wait_time = between(2, 8)
    roles: tuple[str, ...] = ()
    person: dict

    def on_start(self) -> None:
        candidates = [p for role in self.roles for p in BY_ROLE.get(role, [])]
        self.person = random.choice(candidates)
        form = self.client.get("/login/", name="login [GET]")
        token = TOKEN.search(form.text)
        with self.client.post(
            "/login/",
            data={"username": self.person["username"], "password": self.person["password"],
                  "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": self.host + "/login/"},
            name="login [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"вход не удался: {self.person['username']} → {response.status_code}")

    def page(self, url: str, name: str) -> None:
        self.client.get(url, name=name)


class DepartmentUser(MsokoUser):
    weight = 4
    roles = ("department", "region")

    @task(5)
    def dashboard(self) -> None:
        self.page("/", "рабочий стол")

    @task(3)
    def organisations(self) -> None:
        if random.random() < 0.3:
            self.page(f"/organisations/?q={random.choice(SEARCH_WORDS)}", "организации: поиск")
        else:
            self.page(f"/organisations/?kind=school&page={random.randint(1, 30)}", "организации: список")

    @task(4)
    def organisation_card(self) -> None:
        self.page(f"/organisations/{random.choice(ORG_CODES)}/", "карточка организации")

    @task(3)
    def direction(self) -> None:
        self.page(f"/directions/{random.randint(1, 8)}/?tab={random.choice(CYCLE_TABS)}", "направление: вкладка")

    @task(2)
    def direction_monitoring(self) -> None:
        self.page(f"/directions/{random.randint(1, 8)}/?tab=monitoring", "направление: мониторинг")

    @task(1)
    def shnor(self) -> None:
        self.page("/analysis/shnor/", "ШНОР / ШНСУ")

    @task(1)
    def objectivity(self) -> None:
        self.page("/analysis/objectivity/", "объективность")

    @task(1)
    def monitoring(self) -> None:
        self.page("/analysis/monitoring/", "мониторинг (анализ)")

    @task(2)
    def matrix(self) -> None:
        self.page("/cycle/matrix/", "матрица цикла")

    @task(1)
    def decisions(self) -> None:
        self.page("/cycle/decisions/", "решения")

    @task(1)
    def recommendations(self) -> None:
        self.page("/cycle/recommendations/", "рекомендации")

    @task(1)
    def imports(self) -> None:
        self.page("/data/history/", "история загрузок")

    @task(1)
    def campaigns(self) -> None:
        self.page("/data/campaigns/", "кампании")

    @task(1)
    def reports(self) -> None:
        self.page("/reports/", "отчёты")

    @task(1)
    def audit(self) -> None:
        self.page("/audit/", "журнал аудита")


class DirectionUser(MsokoUser):
    weight = 2
    roles = ("coordinator", "executor", "methodist")

    def number(self) -> int:
        return self.person.get("direction") or random.randint(1, 8)

    @task(4)
    def direction(self) -> None:
        self.page(f"/directions/{self.number()}/?tab={random.choice(CYCLE_TABS)}", "направление: вкладка")

    @task(2)
    def direction_monitoring(self) -> None:
        self.page(f"/directions/{self.number()}/?tab=monitoring", "направление: мониторинг")

    @task(2)
    def recommendations(self) -> None:
        self.page("/cycle/recommendations/", "рекомендации")

    @task(1)
    def roadmap(self) -> None:
        self.page(f"/cycle/roadmap/?direction={self.number()}", "дорожная карта")

    @task(2)
    def matrix(self) -> None:
        self.page("/cycle/matrix/", "матрица цикла")

    @task(2)
    def organisation_card(self) -> None:
        self.page(f"/organisations/{random.choice(ORG_CODES)}/", "карточка организации")

    @task(1)
    def dashboard(self) -> None:
        self.page("/", "рабочий стол")


class SchoolUser(MsokoUser):
    weight = 3
    roles = ("org_admin",)

    @task(4)
    def own_card(self) -> None:
        self.page(f"/organisations/{self.person['organisation']}/", "школа: своя карточка")

    @task(2)
    def forms(self) -> None:
        self.page("/data/forms/", "школа: формы")

    @task(2)
    def recommendations(self) -> None:
        self.page("/cycle/recommendations/", "школа: рекомендации")

    @task(1)
    def catalog(self) -> None:
        self.page("/catalog/", "справочник показателей")

    @task(1)
    def home(self) -> None:
        self.page("/", "школа: вход (перенаправление)")
