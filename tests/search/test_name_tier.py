"""On PostgreSQL the products named with the query's words come first, then those that match
elsewhere (best sellers first), and the names' search text follows every write of a name."""

from __future__ import annotations

import pytest
from django.db import connection

from marketplace.models import Product
from marketplace.search.indexing import index_products
from marketplace.search.products import prepare, ranked_ids
from tests.marketplace.factories import EnterpriseFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def indexed(**fields):
    product = ProductFactory(**fields)
    VariantFactory(product=product)
    index_products([product.pk])
    return product


def test_the_search_text_follows_the_name():
    product = ProductFactory(name="Chè Tân Cương")
    assert product.search_text == "chè tân cương che tan cuong"
    product.name = "Mật ong Võ Nhai"
    product.save(update_fields=["name"])
    product.refresh_from_db()
    assert product.search_text == "mật ong võ nhai mat ong vo nhai"


def test_index_upkeep_mends_names_written_in_bulk():
    product = ProductFactory(name="Gạo nếp cái hoa vàng")
    Product.objects.filter(pk=product.pk).update(name="Gạo Bao Thai", search_text="")
    index_products([product.pk])
    product.refresh_from_db()
    assert product.search_text == "gạo bao thai gao bao thai"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tiers are PostgreSQL's")
def test_names_come_before_matches_elsewhere_then_best_sellers_first():
    # given: two products that match only through their enterprise's name, one a best seller
    htx = EnterpriseFactory(name="HTX Chè Tân Cương")
    quiet = indexed(name="Hồng không hạt", enterprise=htx, sold_count=1)
    popular = indexed(name="Mật ong rừng", enterprise=htx, sold_count=500)
    long_name = indexed(name="Chè Tân Cương móc câu đặc biệt hộp quà", sold_count=0)
    short_name = indexed(name="Chè Tân Cương", sold_count=0)
    # when
    ids = ranked_ids(prepare("che tan cuong"))
    # then
    assert ids == [short_name.pk, long_name.pk, popular.pk, quiet.pk]
