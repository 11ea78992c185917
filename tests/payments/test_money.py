import pytest
from django.template import Context, Template

from payments.money import format_vnd


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (180000, "180.000\u00a0₫"),
        (0, "0\u00a0₫"),
        (1250000, "1.250.000\u00a0₫"),
        (-5000, "-5.000\u00a0₫"),
    ],
)
def test_format_vnd_groups_with_dots(amount, shown):
    assert format_vnd(amount) == shown


def test_vnd_filter_is_available_in_every_template_without_load():
    assert Template("{{ price|vnd }}").render(Context({"price": 180000})) == "180.000\u00a0₫"
