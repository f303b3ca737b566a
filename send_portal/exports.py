"""Table exports (CSV, XLSX) that a spreadsheet cannot be tricked into running as formulas."""

from django_tables2.export import TableExport
from tablib import Dataset

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SafeTableExport(TableExport):
    """TableExport that prefixes text starting like a formula with an apostrophe. Numbers stay numbers."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        raw = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        safe = Dataset(headers=raw.headers, title=raw.title)
        for row in raw:
            safe.append([escape_formula(value) for value in row])
        return safe


def escape_formula(value):
    """'=1+2' becomes "'=1+2"; anything that is not text is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value
