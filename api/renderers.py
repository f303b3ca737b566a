"""CSV with flat columns, for Excel and Power BI: the serializers are flat, so a record is a row."""

import csv
import io
import json

from rest_framework.renderers import BaseRenderer

from send_portal.exports import escape_formula


class CSVRenderer(BaseRenderer):
    """`?format=csv`: one row per record, the serializer's fields as columns (in its order, also when no
    record matches), a byte-order mark so Excel reads UTF-8, and text that starts like a formula escaped
    as in the pages' exports. An error answers a one-row table of its fields."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, dict):
            rows = [rows]
        columns = self._columns(renderer_context, rows)
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows or []:
            writer.writerow([_cell(row.get(column)) for column in columns])
        return out.getvalue().encode(self.charset)

    def _columns(self, context, rows):
        response, view = context.get("response"), context.get("view")
        ok = response is None or response.status_code < 400
        if ok and view is not None and hasattr(view, "get_serializer_class"):
            return list(view.get_serializer_class()().fields)
        return list(dict.fromkeys(key for row in rows or [] for key in row))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):  # a nested record (a period's snapshot): as JSON text
        return json.dumps(value, ensure_ascii=False)
    return escape_formula(value)
