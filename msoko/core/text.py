"""Russian text helpers that make search and sorting behave the same on SQLite and PostgreSQL."""

from __future__ import annotations


def search_key(text: str) -> str:
    """Case- and ё-insensitive key: stored beside names, compared with plain `contains`.

    SQLite folds case for ASCII only and PostgreSQL sorts Cyrillic correctly only with an ICU
    collation; a precomputed key avoids both problems. Lowercase Cyrillic letters а…я are in
    alphabetical order by code point once ё is folded to е, so ordering by this key sorts
    Russian names correctly everywhere.
    """
    return " ".join((text or "").casefold().replace("ё", "е").split())
