"""The marketplace's own signals, for writes that Django's model signals do not announce."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after enterprises, products or certificates were written in bulk (`bulk_create`,
# `bulk_update`, `update()`: no post_save is sent for them), so that whatever counts or keeps
# them reads them again. Sent inside the writing transaction: a receiver that acts on the
# committed rows defers to the commit (`transaction.on_commit`).
catalogue_written = Signal()
