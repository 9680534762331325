"""Searching cases by words, Chinese or not, on both engines.

Chinese has no spaces between words, so the text is indexed as its single characters and every
pair of neighbouring characters (bigrams), beside the Latin words and numbers: "电瓶车充电" becomes
"电 瓶 车 充 电 电瓶 瓶车 车充 充电". A query is cut the same way and every piece must be there.
PostgreSQL answers from a GIN index over the stored ``to_tsvector('simple', search_text)``; SQLite, the
embedded default, compares with LIKE (slower, fine for one committee's cases).
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from linli.cases.casework.models import Case

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


def tokens(text: str, *, for_query: bool = False) -> list[str]:
    """Words and numbers as they are, CJK runs as characters and bigrams (a query: bigrams only,
    or the character itself when it stands alone)."""
    found: list[str] = []
    for run in _RUN.findall(text.lower()):
        if not _IS_CJK.match(run):
            found.append(run)
            continue
        bigrams = [run[i:i + 2] for i in range(len(run) - 1)]
        if for_query:
            found.extend(bigrams or [run])
        else:
            found.extend([*run, *bigrams])
    return list(dict.fromkeys(found))


def search_text(*parts: str | None) -> str:
    return " ".join(tokens(" ".join(p for p in parts if p)))


def vector(text: str, dialect: str) -> sa.ColumnElement[str] | None:
    """What ``Case.search_vector`` holds for ``text``: a tsvector on PostgreSQL, nothing on SQLite."""
    return sa.func.to_tsvector(sa.literal_column("'simple'"), text) if dialect == "postgresql" else None


def matches(query: str, dialect: str) -> sa.ColumnElement[bool] | None:
    """A WHERE clause for cases containing every word of ``query``; None when it has no words."""
    pieces = tokens(query, for_query=True)
    if not pieces:
        return None
    if dialect == "postgresql":
        tsquery = " & ".join(pieces)  # pieces hold only [0-9a-z] and CJK characters
        return Case.search_vector.op("@@")(sa.func.to_tsquery(sa.literal_column("'simple'"), tsquery))
    return sa.and_(*(Case.search_text.like(f"%{piece}%") for piece in pieces))


def matches_each_row(query: str) -> sa.ColumnElement[bool]:
    """PostgreSQL: the same test as :func:`matches`, on each row's stored vector (not through the
    GIN index), for a few thousand rows chosen already."""
    tsquery = " & ".join(tokens(query, for_query=True))
    stored = sa.func.coalesce(Case.search_vector, sa.text("''::tsvector"))
    return stored.op("@@")(sa.func.to_tsquery(sa.literal_column("'simple'"), tsquery))
