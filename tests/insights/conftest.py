from __future__ import annotations

import pytest

from tests.insights.dataset import DataSet, build


@pytest.fixture
def data(db) -> DataSet:
    return build()
