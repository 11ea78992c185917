"""Import the catalogue from a spreadsheet: enterprises, products, variants, OCOP certificates.

One row per variant; rows with the same tax code and product name are one product (the format is
described in docs/import.md). The import is all or nothing: every row is checked first, and one
bad row means nothing is written. Rows are matched to what exists (an enterprise by tax code, a
product by enterprise and name, a variant by enterprise and SKU, an OCOP certificate by enterprise
and number) and only values that differ are written, so importing a file twice changes nothing.

    service.py  import_products(), the one entry point (the command and the admin page call it)
    table.py    the file: CSV or XLSX → header and rows of text
    cells.py    one row: each cell converted and validated with the models' own validators
    groups.py   what the rows say about each enterprise, product and certificate
    run.py      all rows: grouped, matched to the database, written
    report.py   what the caller gets back
"""

from marketplace.importer.report import Counts, ImportReport, Phase, ProgressCallback, RowIssue
from marketplace.importer.service import import_products
from marketplace.importer.table import COLUMNS, OPTIONAL_COLUMNS

__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "Counts",
    "ImportReport",
    "Phase",
    "ProgressCallback",
    "RowIssue",
    "import_products",
]
