from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.functional import cached_property

from marketplace import page_cache, selectors
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
    them), where a page reads 24. A kept count never hides a product: a page reads its rows
    without the count's bound, and a page that does not hold what the count says (fewer or
    more rows, or a page past the end) has the count taken again. Only the figure "N
    products" on a full page in the middle may lag a publication by that long."""

    object_list: QuerySet[Product]

    def __init__(self, object_list: QuerySet[Product], per_page: int, *, key: str) -> None:
        """`key` says which products `object_list` holds (`selectors.filters_key`)."""
        super().__init__(object_list, per_page)
        digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
        self._count_key = f"marketplace:catalogue-count:{digest}"

    @cached_property
    def count(self) -> int:
        count = cache.get(self._count_key)
        return self._recount() if count is None else int(count)

    def _recount(self) -> int:
        count = self.object_list.count()
        cache.set(self._count_key, count, CATALOGUE_COUNT_SECONDS)
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)
        return count

    def get_page(self, number: int | float | str | None) -> Page:
        """As Paginator.get_page (a bad number gives the first page, one past the end the
        last), with the number checked against a fresh count when the kept one rules it
        out."""
        try:
            return self.page(int(number) if isinstance(number, float) else number or 1)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number: int | str) -> Page:
        try:
            valid = self.validate_number(number)
        except EmptyPage:  # past the end by the kept count: count again before saying so
            self._recount()
            valid = self.validate_number(number)
        bottom = (valid - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if len(rows) != max(0, min(self.per_page, self.count - bottom)):
            self._recount()
            valid = self.validate_number(valid)  # EmptyPage if the page is gone
        return Page(rows, valid, self)


def catalogue(request: HttpRequest) -> HttpResponse:
    """Product list with filters and sorting, paginated (a page query, and a count kept a
    minute per set of filters, whatever the size). With
    a query it is the search page: results by relevance, and facet links with their counts."""
    form = CatalogueFilterForm(request.GET or None)
    filters = form.to_filters()
    query = (form.cleaned_data.get("q") or "").strip() if form.is_bound else ""
    results = search_catalogue(query, filters, cards=True)
    if isinstance(results.products, QuerySet):
        paginator: Paginator = CachedCountPaginator(
            results.products, PAGE_SIZE, key=selectors.filters_key(filters, with_order=False)
        )
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
    filter_fields = page_cache.filter_fields(
        form,
        lambda: render_to_string("marketplace/_catalogue_filters.html", {"form": form}, request),
    )
    return render(
        request,
        "marketplace/catalogue.html",
        {
            "form": form,
            "filter_fields": filter_fields,
            "page_obj": page,
            "query": query,
            "querystring": params.urlencode(),
            "facets": facets,
        },
    )


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A product's page. Its own parts (gallery, packs, certificates, lots, seller, search
    engine data) are rendered once per version of the rows they show and kept in the cache
    (marketplace/page_cache.py); a visit reads the product, its variants and the related
    products, and renders the rest around the kept parts."""
    product = selectors.storefront_product(slug=slug)
    if product is None:
        raise Http404

    def render_parts() -> str:
        selectors.complete_product(product)
        context = {"product": product, "lots": selectors.recent_lots(product)}
        return render_to_string("marketplace/_product_parts.html", context, request)

    key = page_cache.product_key(product, product.variants.all(), path=request.path)
    head, body = page_cache.product_parts(request, key, render_parts)
    return render(
        request,
        "marketplace/product_detail.html",
        {
            "product": product,
            "head": head,
            "body": body,
            "related": selectors.related_products(product),
        },
    )


def enterprise_directory(request: HttpRequest) -> HttpResponse:
    enterprises = Enterprise.objects.approved().order_by("name")
    page = Paginator(enterprises, 48).get_page(request.GET.get("page"))
    return render(request, "marketplace/enterprise_directory.html", {"page_obj": page})


def enterprise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise.objects.approved(), slug=slug)
    products = selectors.storefront_products(
        selectors.CatalogueFilters(enterprise=enterprise), cards=True
    )
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "marketplace/enterprise_detail.html", {"enterprise": enterprise, "page_obj": page}
    )
