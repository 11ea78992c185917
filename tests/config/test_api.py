"""The API's error handlers: every refusal has the same JSON shape, in the client's language."""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from ninja.errors import ValidationError as ParameterError

from config.api import api
from tests.api_errors import api_error


def test_parameters_refused_by_type_checks_get_field_errors_in_djangos_words(rf):
    # given: what ninja raises for a missing and a mistyped query parameter (Vietnamese is
    # active, as for any request that asks for no other language)
    request = rf.get("/api/v1/")
    error = ParameterError(
        [
            {"type": "missing", "loc": ("query", "gtin"), "msg": "Field required"},
            {"type": "int_parsing", "loc": ("query", "lot"), "msg": "Input should be..."},
        ]
    )
    # when
    response = api.on_exception(request, error)
    # then
    assert response.status_code == 400
    assert json.loads(response.content) == api_error(
        "invalid",
        gettext("Some values are not valid."),
        {"gtin": ["Trường này là bắt buộc."], "lot": ["Nhập một giá trị hợp lệ."]},
    )


def test_an_error_about_the_whole_request_is_filed_under_all(rf):
    # given
    request = rf.post("/api/v1/")
    # when
    response = api.on_exception(request, ValidationError("Sản phẩm đã hết hàng."))
    # then
    assert response.status_code == 400
    assert json.loads(response.content) == api_error(
        "invalid", gettext("Some values are not valid."), {"__all__": ["Sản phẩm đã hết hàng."]}
    )
