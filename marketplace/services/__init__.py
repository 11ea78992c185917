from marketplace.services.catalogue import (
    PRODUCT_TRANSITIONS,
    archive_product,
    publish_product,
    refresh_product_summary,
    reject_product,
    submit_product,
)
from marketplace.services.enterprises import (
    TRANSITIONS as ENTERPRISE_TRANSITIONS,
)
from marketplace.services.enterprises import (
    add_member,
    approve_enterprise,
    register_enterprise,
    reinstate_enterprise,
    reject_enterprise,
    suspend_enterprise,
)

__all__ = [
    "ENTERPRISE_TRANSITIONS",
    "PRODUCT_TRANSITIONS",
    "add_member",
    "approve_enterprise",
    "archive_product",
    "publish_product",
    "refresh_product_summary",
    "register_enterprise",
    "reinstate_enterprise",
    "reject_enterprise",
    "reject_product",
    "submit_product",
    "suspend_enterprise",
]
