"""Pages of 100 records (up to 1,000 with ?page_size=); CSV answers every matching record at once."""

from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """`count`, `next`, `previous` and `results`. Power Query follows `next` until it is null."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        if getattr(request.accepted_renderer, "format", None) == "csv":
            return None  # a spreadsheet wants the whole table; exports ignore pagination on the pages too
        return super().paginate_queryset(queryset, request, view)
