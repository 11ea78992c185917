"""Facets of a search: how many of the current results fall in each category, OCOP star
level, commune of origin and price band, so that the shopper narrows a search knowing what
each choice leaves.

Both engines give the same `Facets`: Elasticsearch counts them in its aggregations, the
database engine in `tally_facets`, from the columns it reads with the ranked results (at most
a thousand rows). `facet_groups` turns the counts into the links of the search page.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.divisions import home_ward_choices
from marketplace.models import Category
from payments.money import format_vnd

STAR_LEVELS = (3, 4, 5)
# Communes listed on the search page, most results first; the filter form lists them all.
WARD_FACET_LIMIT = 8


@dataclass(frozen=True)
class PriceBand:
    """A price facet bucket, in đồng: `low` included, `high` excluded."""

    key: str
    low: int | None
    high: int | None

    def holds(self, price: int | None) -> bool:
        """Whether a product whose lowest price is `price` falls in the band."""
        if price is None:
            return False
        return (self.low is None or price >= self.low) and (self.high is None or price < self.high)


PRICE_BANDS = (
    PriceBand("under_100k", None, 100_000),
    PriceBand("100k_300k", 100_000, 300_000),
    PriceBand("300k_1m", 300_000, 1_000_000),
    PriceBand("over_1m", 1_000_000, None),
)


class Facets(TypedDict):
    """Hit counts of the current query and filters, as plain dicts."""

    category: dict[str, int]  # category path (ancestors counted too) → hits
    ocop_stars: dict[int, int]  # star level of a badge valid today → hits
    ward_code: dict[int, int]  # ward or commune of origin → hits
    price: dict[str, int]  # PriceBand.key → hits (every band, even empty)


# The columns of a result that its facets read, in the order `tally_facets` takes them.
FACET_FIELDS = (
    "category__path",
    "origin_ward_code",
    "ocop_badge_stars",
    "ocop_badge_until",
    "min_price_vnd",
)
FacetRow = tuple[str | None, int | None, int | None, datetime.date | None, int | None]


def tally_facets(rows: Iterable[FacetRow]) -> Facets:
    """The facets of search results, from each result's FACET_FIELDS: the database engine
    reads them with the results' ids in one query (at most MAX_RANKED rows), so counting
    here costs no query of its own."""
    today = timezone.localdate()
    by_path: Counter[str | None] = Counter()
    by_ward: Counter[int] = Counter()
    stars: Counter[int] = Counter()
    price = dict.fromkeys((band.key for band in PRICE_BANDS), 0)
    for path, ward_code, badge_stars, badge_until, min_price in rows:
        by_path[path] += 1
        if ward_code is not None:
            by_ward[ward_code] += 1
        if badge_stars in STAR_LEVELS and badge_until is not None and badge_until >= today:
            stars[badge_stars] += 1
        for band in PRICE_BANDS:
            if band.holds(min_price):
                price[band.key] += 1
                break
    return Facets(
        category=with_ancestors(by_path.items()),
        ocop_stars={level: stars[level] for level in STAR_LEVELS if stars[level]},
        ward_code=dict(by_ward),
        price=price,
    )


def with_ancestors(counts: Iterable[tuple[str | None, int]]) -> dict[str, int]:
    """Counts by category path, each also added to its ancestors' (a search for "chè" counts
    under "Đồ uống" as well as under "Chè búp")."""
    total: Counter[str] = Counter()
    step = Category.steplen
    for path, hits in counts:
        for end in range(step, len(path or "") + 1, step):
            total[path[:end]] += hits  # type: ignore[index]
    return dict(total)


@dataclass(frozen=True)
class FacetOption:
    label: str | Promise
    count: int
    querystring: str
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    title: str | Promise
    options: list[FacetOption]


def facet_groups(
    facets: Facets,
    params: QueryDict,
    *,
    categories: Iterable[Category],
    current_category: Category | None,
) -> list[FacetGroup]:
    """The search page's facet links: each option is the current query string with that
    choice made (and the page number dropped), with the number of results it leaves.
    Categories shown are the children of the chosen one (the top groups when none is)."""
    groups = [
        FacetGroup(
            _("Category"),
            [
                _option(
                    category.name,
                    facets["category"].get(category.path, 0),
                    params,
                    {"category": category.slug},
                    selected=False,
                )
                for category in categories
                if _is_child(category, current_category) and facets["category"].get(category.path)
            ],
        ),
        FacetGroup(
            _("OCOP stars"),
            [
                _option(
                    gettext("%(stars)s★ and above") % {"stars": level} if level < 5 else _("5★"),
                    sum(hits for stars, hits in facets["ocop_stars"].items() if stars >= level),
                    params,
                    {"stars": str(level)},
                    selected=params.get("stars") == str(level),
                )
                for level in STAR_LEVELS
            ],
        ),
        FacetGroup(
            _("Commune of origin"),
            [
                _option(
                    name,
                    facets["ward_code"][code],
                    params,
                    {"ward": str(code)},
                    selected=params.get("ward") == str(code),
                )
                for code, name in _top_wards(facets["ward_code"])
            ],
        ),
        FacetGroup(
            _("Price"),
            [
                _option(
                    _price_label(band),
                    facets["price"].get(band.key, 0),
                    params,
                    _price_params(band),
                    selected=all(params.get(k) == v for k, v in _price_params(band).items()),
                )
                for band in PRICE_BANDS
            ],
        ),
    ]
    return [
        FacetGroup(group.title, [option for option in group.options if option.count])
        for group in groups
        if any(option.count for option in group.options)
    ]


def _is_child(category: Category, parent: Category | None) -> bool:
    if parent is None:
        return category.depth == 1
    return category.depth == parent.depth + 1 and category.path.startswith(parent.path)


def _top_wards(counts: dict[int, int]) -> list[tuple[int, str]]:
    names = dict(home_ward_choices())
    ranked = sorted(counts, key=lambda code: (-counts[code], names.get(code, "")))
    return [(code, names[code]) for code in ranked if code in names][:WARD_FACET_LIMIT]


def _price_params(band: PriceBand) -> dict[str, str]:
    return {
        "min_price": "" if band.low is None else str(band.low),
        "max_price": "" if band.high is None else str(band.high - 1),
    }


def _price_label(band: PriceBand) -> str | Promise:
    if band.low is None:
        return gettext("Under %(price)s") % {"price": format_vnd(band.high)}
    if band.high is None:
        return gettext("%(price)s and over") % {"price": format_vnd(band.low)}
    return gettext("%(low)s to %(high)s") % {
        "low": format_vnd(band.low),
        "high": format_vnd(band.high),
    }


def _option(
    label: str | Promise,
    count: int,
    params: QueryDict,
    changes: dict[str, str],
    *,
    selected: bool,
) -> FacetOption:
    query = params.copy()
    query.pop("page", None)
    for key, value in changes.items():
        if value:
            query[key] = value
        else:
            query.pop(key, None)
    return FacetOption(label, count, query.urlencode(), selected)
