"""The marketplace's back office in the Wagtail admin."""

from __future__ import annotations

from marketplace import admin_import  # noqa: F401  (registers its own admin URL and menu item)
