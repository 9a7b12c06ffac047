"""The latent world of the demo municipality: organisations, clusters, quality, social conditions.

Everything downstream (procedure results, statistics, surveys) is drawn from this model:
- every school has a base quality ``q`` (standard normal scale) and a social disadvantage ``s``
  (negatively correlated with ``q``; rural and small schools are more disadvantaged) and a size;
- the planted truth overrides the draw for a few schools: stably low (``q`` far below the cluster
  in every year), improving (low until the measure year, then rising), inflated ВПР marks,
  unfavourable social conditions, resilient (unfavourable conditions but good results).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from msoko.demo import names

CLUSTERS: dict[str, str] = {
    "urban": "Городские школы",
    "rural": "Сельские школы",
    "small": "Малокомплектные сельские школы",
}
CLUSTER_CODES = tuple(CLUSTERS)

# random streams: each part of the generator draws from its own stream so that adding a part
# never changes what another part produces
STREAM_WORLD = 1
STREAM_PEOPLE = 2
STREAM_PUPILS = 3
STREAM_VPR = 4
STREAM_GIA = 5
STREAM_OLYMPIAD = 6
STREAM_STATS = 7
STREAM_VALUES = 8
STREAM_SURVEY = 9


def rng_for(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), *[int(k) for k in keys]])


def year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@dataclass
class Org:
    code: str
    kind: str  # school | preschool | additional
    short_name: str
    full_name: str
    settlement: str  # город | село
    small: bool
    remote: bool
    address: str
    head: str
    phone: str
    email: str
    cluster: str | None = None
    index: int = 0  # position among organisations of the same kind


@dataclass
class World:
    seed: int
    years: list[int]  # start years, ascending
    schools: list[Org]
    preschools: list[Org]
    additional: list[Org]
    cluster: np.ndarray  # per school: 0 urban, 1 rural, 2 small
    senior: np.ndarray  # per school: has grades 10–11
    classes: np.ndarray  # per school: classes per parallel in grades 1–9
    class_size: np.ndarray  # per school: mean class size
    q_base: np.ndarray
    s_base: np.ndarray
    q_year: np.ndarray  # [school, year index] latent quality actually in force
    s_year: np.ndarray  # [school, year index]
    inflated: np.ndarray  # bool per school
    planted: dict = field(default_factory=dict)

    @property
    def orgs(self) -> list[Org]:
        return [*self.schools, *self.preschools, *self.additional]

    def year_index(self, start_year: int) -> int:
        return self.years.index(start_year)


def _person(rng: np.random.Generator, female: bool | None = None) -> str:
    if female is None:
        female = bool(rng.random() < 0.7)  # most teachers and heads are women
    surname = names.SURNAMES[rng.integers(len(names.SURNAMES))]
    if female:
        first = names.FEMALE_FIRST[rng.integers(len(names.FEMALE_FIRST))]
        patronymic = names.FEMALE_PATRONYMIC[rng.integers(len(names.FEMALE_PATRONYMIC))]
        surname = surname + "а"  # Иванов → Иванова, Никитин → Никитина
    else:
        first = names.MALE_FIRST[rng.integers(len(names.MALE_FIRST))]
        patronymic = names.MALE_PATRONYMIC[rng.integers(len(names.MALE_PATRONYMIC))]
    return f"{surname} {first} {patronymic}"


def person_name(rng: np.random.Generator, female: bool | None = None) -> str:
    """A Russian full name (Фамилия Имя Отчество) drawn from the fixed lists."""
    return _person(rng, female)


def _phone(rng: np.random.Generator) -> str:
    return f"+7 (383) {rng.integers(200, 999)}-{rng.integers(10, 99)}-{rng.integers(10, 99)}"


def _cluster_counts(n: int) -> tuple[int, int, int]:
    if n < 3:
        raise ValueError("нужно не менее 3 школ (по одной на кластер)")
    small = max(1, round(n * 0.22))
    rural = max(1, round(n * 0.36))
    urban = n - small - rural
    return urban, rural, small


def _school_names(cluster: int, level: str, number: int, village: tuple[str, str], dup: int) -> tuple[str, str, str]:
    """(short name, full name, settlement) of a school."""
    level_full = {"СОШ": "средняя общеобразовательная школа", "ООШ": "основная общеобразовательная школа"}[level]
    if cluster == 0:
        if number == 1:
            return ("МБОУ «Гимназия № 1»", f"Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 1» {names.TOWN}", "город")
        if number == 2:
            return ("МБОУ «Лицей № 2»", f"Муниципальное бюджетное общеобразовательное учреждение «Лицей № 2» {names.TOWN}", "город")
        return (
            f"МБОУ СОШ № {number}",
            f"Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № {number}» {names.TOWN}",
            "город",
        )
    suffix = f" № {dup}" if dup > 1 else ""
    adjective = village[1]
    return (
        f"МКОУ {adjective} {level}{suffix}",
        f"Муниципальное казённое общеобразовательное учреждение «{adjective} {level_full}{suffix}» с. {village[0]}",
        "село",
    )


def build_world(config) -> World:  # config: msoko.demo.generator.DemoConfig
    rng = rng_for(config.seed, STREAM_WORLD)
    n = config.schools
    years = list(range(config.last_year - config.years + 1, config.last_year + 1))
    urban, rural, small = _cluster_counts(n)
    cluster = np.array([0] * urban + [1] * rural + [2] * small, dtype=np.int8)

    # size and structure
    classes = np.where(cluster == 0, rng.choice([2, 2, 3, 3, 1], size=n), np.where(cluster == 1, rng.choice([1, 1, 1, 2], size=n), 1))
    class_size = np.where(
        cluster == 0, rng.normal(25, 2.0, n), np.where(cluster == 1, rng.normal(17, 3.0, n), rng.normal(6, 2.0, n))
    ).clip(3, 30)
    senior = np.where(cluster == 0, True, np.where(cluster == 1, rng.random(n) < 0.7, False))
    remote = (cluster == 2) | ((cluster == 1) & (rng.random(n) < 0.3))

    # latent quality and social disadvantage
    q_raw = rng.normal(0, 1, n)
    cluster_shift_s = np.array([-0.5, 0.3, 0.8])[cluster]
    s_base = -0.45 * q_raw + cluster_shift_s + rng.normal(0, 0.6, n)
    q_base = 0.7 * q_raw - np.array([0.0, 0.25, 0.4])[cluster]

    # planted truth
    order = rng.permutation(n)
    taken: set[int] = set()

    def pick(count: int, clusters: tuple[int, ...], prefer=None) -> list[int]:
        chosen: list[int] = []
        rounds = 0
        while len(chosen) < count and rounds < 4 * n:
            want = clusters[len(chosen) % len(clusters)]
            candidates = [i for i in order if i not in taken and cluster[i] == want]
            if prefer is not None:
                candidates.sort(key=prefer)
            if not candidates:
                candidates = [i for i in order if i not in taken and cluster[i] in clusters]
            if not candidates:
                break
            chosen.append(int(candidates[0]))
            taken.add(int(candidates[0]))
            rounds += 1
        return chosen

    n_low = max(3, round(n * 0.08))
    n_improving = max(2, round(n * 0.06))
    n_inflated = max(2, round(n * 0.06))
    n_unfav = max(3, round(n * 0.08))
    n_resilient = max(2, round(n * 0.05))
    # cluster 0 schools № 1 and № 2 are the gymnasium and the lyceum: keep them out of the low lists
    taken.update(i for i in range(min(2, urban)))
    low = pick(n_low, (0, 1, 2))
    improving = pick(n_improving, (0, 1))
    inflated_idx = pick(n_inflated, (0, 1))
    unfav = pick(n_unfav, (1, 2, 1))
    resilient = pick(n_resilient, (1, 2))

    cluster_mean = {c: float(q_base[cluster == c].mean()) for c in range(3)}
    spread = float(q_base.std()) or 1.0
    for i in range(min(2, urban)):  # the gymnasium and the lyceum
        q_base[i] = cluster_mean[0] + 1.2 * spread
    for i in low:
        q_base[i] = cluster_mean[int(cluster[i])] - 2.6 * spread
    for i in improving:
        q_base[i] = cluster_mean[int(cluster[i])] - 1.6 * spread
    for i in inflated_idx:
        q_base[i] = cluster_mean[int(cluster[i])] - 0.3 * spread
    s_high = float(s_base.max())
    # the first stably low school also has unfavourable conditions: the overlay is not empty
    unfav_all = unfav + low[:1]
    for i in unfav_all:
        s_base[i] = s_high + 1.0 + rng.random()
        remote[i] = True
    for i in resilient:
        s_base[i] = s_high + 1.0 + rng.random()
        remote[i] = True
        q_base[i] = cluster_mean[int(cluster[i])] + 1.0 * spread

    measure_year = years[0] + max(0, min(len(years) - 2, 1))
    y = len(years)
    q_year = q_base[:, None] + rng.normal(0, 0.12, (n, y))
    s_year = s_base[:, None] + rng.normal(0, 0.15, (n, y))
    for i in low:
        q_year[i] = q_base[i] + rng.normal(0, 0.05, y)
    for i in improving:
        target = cluster_mean[int(cluster[i])] + 0.4 * spread
        for k, year in enumerate(years):
            if year > measure_year:
                q_year[i, k] = min(target, q_base[i] + 1.3 * spread * (year - measure_year))
    inflated = np.zeros(n, dtype=bool)
    inflated[inflated_idx] = True

    # organisations
    schools: list[Org] = []
    number_urban = 0
    village_uses: dict[int, int] = {}
    village_cursor = int(rng.integers(len(names.VILLAGES)))
    for i in range(n):
        c = int(cluster[i])
        level = "СОШ" if senior[i] else "ООШ"
        if c == 0:
            number_urban += 1
            village, dup = ("", ""), 1
            number = number_urban
        else:
            v = village_cursor % len(names.VILLAGES)
            village_cursor += 1
            village_uses[v] = village_uses.get(v, 0) + 1
            village, dup, number = names.VILLAGES[v], village_uses[v], 0
        short, full, settlement = _school_names(c, level, number, village, dup)
        street = names.STREETS[rng.integers(len(names.STREETS))]
        place = names.TOWN if c == 0 else f"с. {village[0]}"
        code = f"OO-{i + 1:04d}"
        schools.append(
            Org(
                code=code, kind="school", short_name=short, full_name=full, settlement=settlement,
                small=c == 2, remote=bool(remote[i]), address=f"{place}, {street}, д. {rng.integers(1, 60)}",
                head=person_name(rng), phone=_phone(rng), email=f"{code.lower()}@demo-edu.ru",
                cluster=CLUSTER_CODES[c], index=i,
            )
        )

    preschools: list[Org] = []
    for j in range(config.preschools):
        rural_doo = j % 3 == 2
        title = names.KINDERGARTEN_NAMES[j % len(names.KINDERGARTEN_NAMES)]
        number = j + 1
        if rural_doo:
            village = names.VILLAGES[(j * 7) % len(names.VILLAGES)]
            short = f"МКДОУ детский сад № {number} «{title}»"
            full = f"Муниципальное казённое дошкольное образовательное учреждение «Детский сад № {number} «{title}»» с. {village[0]}"
            place = f"с. {village[0]}"
        else:
            short = f"МБДОУ детский сад № {number} «{title}»"
            full = f"Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № {number} «{title}»» {names.TOWN}"
            place = names.TOWN
        code = f"DOO-{j + 1:04d}"
        preschools.append(
            Org(
                code=code, kind="preschool", short_name=short, full_name=full,
                settlement="село" if rural_doo else "город", small=False, remote=False,
                address=f"{place}, {names.STREETS[rng.integers(len(names.STREETS))]}, д. {rng.integers(1, 60)}",
                head=person_name(rng, female=True), phone=_phone(rng), email=f"{code.lower()}@demo-edu.ru", index=j,
            )
        )

    additional: list[Org] = []
    for j in range(config.additional):
        title = names.ADDITIONAL_NAMES[j % len(names.ADDITIONAL_NAMES)]
        dup = j // len(names.ADDITIONAL_NAMES)
        suffix = f" № {dup + 1}" if dup else ""
        quoted = title if "«" in title else f"«{title}{suffix}»"
        if "«" in title and suffix:
            quoted = f"{title}{suffix}"
        code = f"UDO-{j + 1:04d}"
        additional.append(
            Org(
                code=code, kind="additional", short_name=f"МБУ ДО {quoted}",
                full_name=f"Муниципальное бюджетное учреждение дополнительного образования {quoted} {names.TOWN}",
                settlement="город", small=False, remote=False,
                address=f"{names.TOWN}, {names.STREETS[rng.integers(len(names.STREETS))]}, д. {rng.integers(1, 60)}",
                head=person_name(rng), phone=_phone(rng), email=f"{code.lower()}@demo-edu.ru", index=j,
            )
        )

    codes = [s.code for s in schools]
    planted = {
        "inflated": sorted(codes[i] for i in inflated_idx),
        "stably_low": sorted(codes[i] for i in low),
        "improving": [{"code": codes[i], "measure_year": measure_year, "measure_year_label": year_label(measure_year)} for i in sorted(improving)],
        "unfavourable": sorted(codes[i] for i in unfav_all + resilient),
        "resilient": sorted(codes[i] for i in resilient),
    }
    return World(
        seed=config.seed, years=years, schools=schools, preschools=preschools, additional=additional,
        cluster=cluster, senior=senior.astype(bool), classes=classes.astype(np.int16), class_size=class_size,
        q_base=q_base, s_base=s_base, q_year=q_year, s_year=s_year, inflated=inflated, planted=planted,
    )
