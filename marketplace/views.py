from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property

from marketplace import selectors
from marketplace.forms import CatalogueFilterForm
from marketplace.models import Enterprise, Product
from marketplace.search.facets import facet_groups
from marketplace.search.products import search_catalogue

PAGE_SIZE = 24
# How long the catalogue's count for a set of filters is kept (see CachedCountPaginator).
CATALOGUE_COUNT_SECONDS = 60


class CachedCountPaginator(Paginator):
    """Pages of a storefront queryset whose count is kept CATALOGUE_COUNT_SECONDS per set of
    filters: counting the whole catalogue reads every listed product (29 ms at 100,000 of
    them), where the page itself reads 24. The products shown are always current; the
    figure "N products" and the number of pages may lag a publication by that long."""

    object_list: QuerySet[Product]

    @cached_property
    def count(self) -> int:
        sql, params = self.object_list.order_by().query.sql_with_params()
        digest = hashlib.blake2b(f"{sql}|{params!r}".encode(), digest_size=16).hexdigest()
        key = f"marketplace:catalogue-count:{digest}"
        count = cache.get(key)
        if count is None:
            count = self.object_list.count()
            cache.set(key, count, CATALOGUE_COUNT_SECONDS)
        return int(count)


def catalogue(request: HttpRequest) -> HttpResponse:
    """Product list with filters and sorting, paginated (a page query, and a count kept a
    minute per set of filters, whatever the size). With
    a query it is the search page: results by relevance, and facet links with their counts."""
    form = CatalogueFilterForm(request.GET or None)
    filters = form.to_filters()
    query = (form.cleaned_data.get("q") or "").strip() if form.is_bound else ""
    results = search_catalogue(query, filters)
    if isinstance(results.products, QuerySet):
        paginator: Paginator = CachedCountPaginator(results.products, PAGE_SIZE)
    else:  # search results, counted already
        paginator = Paginator(results.products, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    facets = []
    if results.facets is not None:
        facets = facet_groups(
            results.facets,
            params,
            categories=selectors.category_tree(),
            current_category=filters.category,
        )
    return render(
        request,
        "marketplace/catalogue.html",
        {
            "form": form,
            "page_obj": page,
            "query": query,
            "querystring": params.urlencode(),
            "facets": facets,
        },
    )


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.storefront_product(slug=slug)
    if product is None:
        raise Http404
    return render(
        request,
        "marketplace/product_detail.html",
        {
            "product": product,
            "related": selectors.related_products(product),
            "lots": selectors.recent_lots(product),
        },
    )


def enterprise_directory(request: HttpRequest) -> HttpResponse:
    enterprises = Enterprise.objects.approved().order_by("name")
    page = Paginator(enterprises, 48).get_page(request.GET.get("page"))
    return render(request, "marketplace/enterprise_directory.html", {"page_obj": page})


def enterprise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise.objects.approved(), slug=slug)
    products = selectors.storefront_products(selectors.CatalogueFilters(enterprise=enterprise))
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "marketplace/enterprise_detail.html", {"enterprise": enterprise, "page_obj": page}
    )
