"""The API's one pagination: `page` and `page_size` in, `count`, `pages`, links and results out."""

from math import ceil

from django.http import HttpRequest


def page(request: HttpRequest, items, params) -> dict:
    count = len(items) if isinstance(items, list) else items.count()
    pages = max(1, ceil(count / params.page_size))
    start = (params.page - 1) * params.page_size
    results = list(items[start : start + params.page_size])

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": params.page,
        "pages": pages,
        "page_size": params.page_size,
        "next": link(params.page + 1) if params.page < pages else None,
        "previous": link(min(params.page - 1, pages)) if params.page > 1 else None,
        "results": results,
    }
