"""Answers in pages: DRF's page-number pagination with the contract's `page_size` (default 50, at most 500)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# An endpoint whose answer is a page: `{count, next, previous, results}` (a comment, not a docstring:
# the OpenAPI document would take it for every such endpoint's description).
class PagedApi(APIView):
    pagination_class = PageNumberPagination  # also how the OpenAPI document learns the answer is a page

    def page(self, request: Request, items: QuerySet[Any, Any] | Sequence[Any],
             render: Callable[[list[Any]], list[Any]], count: Callable[[], int] | None = None) -> Response:
        """The page the request asks for of `items`, each page's items turned into its results by `render`.

        `count` says how many `items` there are when it knows better than counting them (a cached count).
        """
        paginator = self.pagination_class()
        if count is not None:
            paginator.django_paginator_class = _counted_by(count)
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(render(list(page or [])))


def _counted_by(count: Callable[[], int]) -> type[Paginator]:
    """Django's Paginator, its `count` taken from `count()`."""

    class Counted(Paginator):
        @property
        def count(self) -> int:
            if not hasattr(self, "_known"):
                self._known = count()
            return self._known

    return Counted
