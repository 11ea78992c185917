"""The product index: its analyzers and mapping, declared with elasticsearch-dsl.

Vietnamese is handled in two layers, as in the default engine. Python gives the exact fields,
and every query, their canonical spelling (`marketplace.search.text.normalize`: NFC, lower
case, one tone placement), since no Elasticsearch filter moves a tone mark from "hoá" to "hóa".
The analyzers then split words and, for the folded fields, strip every diacritic, đ included,
so that "che tan cuong", "Chè Tân Cương" and "chè tân cuơng" meet there.

With the ICU plugin (setting `ELASTICSEARCH_ICU`), words are split by `icu_tokenizer` and
folded by `icu_folding`; without it, by the standard tokenizer and `asciifolding`. Both give the
same tokens for Vietnamese in NFC, which is what Python sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch.dsl import (
    Boolean,
    Byte,
    Date,
    Index,
    Integer,
    Keyword,
    Long,
    Mapping,
    Text,
    analyzer,
    char_filter,
    normalizer,
    token_filter,
)
from elasticsearch.dsl.utils import DslBase

# Kept whatever folding filter follows, so that the rule the issue insists on (NFD stripping
# misses đ) is visible in the index settings.
D_WITH_STROKE = char_filter("vi_d_with_stroke", "mapping", mappings=["đ => d", "Đ => D"])
NFC = char_filter("vi_nfc", "icu_normalizer", name="nfc")
AUTOCOMPLETE_PREFIXES = token_filter("autocomplete_prefixes", "edge_ngram", min_gram=2, max_gram=15)
# SKUs are matched whole but in any case: shoppers type "ds-mc200" for "DS-MC200".
CODE = normalizer("code", filter=["lowercase"])

# One shard holds a few hundred thousand products comfortably; more shards would only spread
# the term statistics that ranking relies on.
SHARDS = 1


@dataclass(frozen=True)
class Analyzers:
    """The three analyzers of the index, in their plain or ICU variant."""

    exact: DslBase
    folded: DslBase
    autocomplete: DslBase


def vietnamese_analyzers(*, icu: bool) -> Analyzers:
    """`vi_exact` keeps diacritics, `vi_folded` strips them (đ included), `autocomplete` indexes
    the folded prefixes (2 to 15 letters) of each word."""
    tokenizer = "icu_tokenizer" if icu else "standard"
    folding = ["icu_folding"] if icu else ["lowercase", "asciifolding"]
    exact_options: dict[str, Any] = {"char_filter": [NFC]} if icu else {}
    return Analyzers(
        exact=analyzer("vi_exact", tokenizer=tokenizer, filter=["lowercase"], **exact_options),
        folded=analyzer(
            "vi_folded", tokenizer=tokenizer, char_filter=[D_WITH_STROKE], filter=folding
        ),
        autocomplete=analyzer(
            "autocomplete",
            tokenizer=tokenizer,
            char_filter=[D_WITH_STROKE],
            filter=[*folding, AUTOCOMPLETE_PREFIXES],
        ),
    )


def product_mapping(*, icu: bool) -> Mapping:
    """The fields of a product document (see documents.product_document), `dynamic: strict`
    so that a document with a field not declared here is refused instead of guessed."""
    analyzers = vietnamese_analyzers(icu=icu)

    def canonical_text(*, autocomplete: bool = False) -> Text:
        """A text sent in its canonical spelling, matched as spelled and, as `.folded`,
        without diacritics; with `.autocomplete` for the search box."""
        fields = {"folded": Text(analyzer=analyzers.folded)}
        if autocomplete:
            fields["autocomplete"] = Text(
                analyzer=analyzers.autocomplete, search_analyzer=analyzers.folded
            )
        return Text(analyzer=analyzers.exact, fields=fields)

    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    fields = {
        "product_id": Integer(),
        "slug": Keyword(index=False, doc_values=False),
        "name": canonical_text(autocomplete=True),
        # The name as written, for highlighting and suggestions: the canonical spelling is in
        # lower case, and a highlight shows the indexed text.
        "display_name": Text(analyzer=analyzers.folded),
        "variant_names": canonical_text(),
        "category_names": canonical_text(),
        "enterprise_name": canonical_text(autocomplete=True),
        "commune": canonical_text(),
        # As written, folded only: the lowest-ranked field, and the one whose highlighted
        # fragments are shown under a result.
        "description": Text(analyzer=analyzers.folded),
        "skus": Keyword(normalizer=CODE),
        "gtins": Keyword(),
        "category_paths": Keyword(),
        "ocop_stars": Byte(),
        "ocop_until": Date(),
        "ward_code": Integer(),
        "enterprise_kind": Keyword(),
        "enterprise_id": Integer(),
        "min_price_vnd": Long(),
        "in_stock": Boolean(),
        "sold_count": Integer(),
        "published_at": Date(),
    }
    for name, field in fields.items():
        mapping.field(name, field)
    return mapping


def product_index(name: str, *, icu: bool, aliases: tuple[str, ...] = ()) -> Index:
    """The definition of one concrete product index named `name` (created by
    engine.create_index), with its analyzers in the settings and the given aliases."""
    index = Index(name)
    index.settings(number_of_shards=SHARDS)
    index.aliases(**{alias: {} for alias in aliases})
    index.mapping(product_mapping(icu=icu))
    return index
