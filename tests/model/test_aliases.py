"""The Chinese names of tables and columns: each means one thing, and names what exists."""

from __future__ import annotations

from collections import Counter

from gridpolicing.io.dataset_schema import columns
from gridpolicing.model import TABLES
from gridpolicing.model.aliases import COLUMN_ALIASES, TABLE_ALIASES, column_names, table_names


def test_every_table_has_chinese_names_and_each_names_one_table() -> None:
    assert set(TABLE_ALIASES) == set(TABLES)
    names = [n for aliases in TABLE_ALIASES.values() for n in aliases]
    assert [n for n, k in Counter(names).items() if k > 1] == []
    assert not set(names) & set(TABLES)
    assert all(table_names()[n] == t for t, aliases in TABLE_ALIASES.items() for n in aliases)


def test_column_names_are_unique_within_their_table_and_name_its_columns() -> None:
    assert set(COLUMN_ALIASES) == set(TABLES)
    for table, spec in TABLES.items():
        fields = [c.name for c in columns(spec.model)]
        own = {f: a for f, a in COLUMN_ALIASES[table].items() if f in fields}
        names = [n for aliases in own.values() for n in aliases]
        assert [n for n, k in Counter(names).items() if k > 1] == [], table
        assert not set(names) & set(fields), table
        assert all(own.get(f) for f in fields), (table, [f for f in fields if not own.get(f)])
        resolved = column_names(table, fields)
        assert all(resolved[n] == f for f, aliases in own.items() for n in aliases), table
