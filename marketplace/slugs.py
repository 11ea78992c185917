"""URL slugs made from Vietnamese names."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify


def vietnamese_slug(text: str) -> str:
    """ "Chè Đồi Sương" → "che-doi-suong": slugify drops diacritics but not đ, so map it first."""
    return slugify(text.replace("đ", "d").replace("Đ", "D"))


def unique_slug(model: type[models.Model], name: str, *, fallback: str) -> str:
    """A slug for a new `model` row made from `name`, with -2, -3… added when it is taken."""
    base = vietnamese_slug(name)[:200] or fallback
    slug, suffix = base, 2
    while model._default_manager.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug
