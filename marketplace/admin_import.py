"""The product import offered to officers in the Wagtail admin (see marketplace/importer.py)."""
