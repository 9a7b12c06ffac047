"""Subject codes for ГИА and олимпиады: the ВПР codes where they exist, then a few more."""

from __future__ import annotations

import re

from msoko.collection import vpr_spec

EXTRA_SUBJECTS: dict[str, str] = {
    "mb": "Математика (базовая)",
    "mp": "Математика (профильная)",
    "in": "Информатика",
    "li": "Литература",
    "de": "Немецкий язык",
    "fr": "Французский язык",
    "es": "Испанский язык",
    "zh": "Китайский язык",
}

_ALIASES = {
    "математика базовая": "mb", "математика базовый уровень": "mb", "математика б": "mb",
    "математика профильная": "mp", "математика профильный уровень": "mp", "математика п": "mp",
    "информатика и икт": "in", "информатика икт": "in",
    "немецкий": "de", "французский": "fr", "испанский": "es", "китайский": "zh",
}

_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
     "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True,
))


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").casefold().replace("ё", "е")).split())


_BY_NAME = {_normal(name): code for code, name in EXTRA_SUBJECTS.items()}
_BY_NAME.update({_normal(k): v for k, v in _ALIASES.items()})


def known_subject_code(name: str) -> str | None:
    """Code of a ВПР/ГИА subject by its Russian name (case, ё, brackets do not matter)."""
    if name is None:
        return None
    return vpr_spec.subject_code(name) or _BY_NAME.get(_normal(name))


def subject_slug(name: str) -> str:
    """A stable code for any subject name: the known code, or a transliteration (олимпиады)."""
    code = known_subject_code(name)
    if code:
        return code
    text = "".join(_TRANSLIT.get(c, c) for c in _normal(name))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:40] or "subject"
