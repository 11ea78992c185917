from marketplace.services.catalogue import (
    PRODUCT_TRANSITIONS,
    archive_product,
    publish_product,
    refresh_ocop_badges,
    refresh_product_summaries,
    refresh_product_summary,
    reject_product,
    revoke_certificate,
    submit_product,
    verify_certificate,
)
from marketplace.services.enterprises import (
    TRANSITIONS as ENTERPRISE_TRANSITIONS,
)
from marketplace.services.enterprises import (
    accept_invitation,
    add_member,
    approve_enterprise,
    invite_member,
    register_enterprise,
    reinstate_enterprise,
    reject_enterprise,
    revoke_invitation,
    suspend_enterprise,
)

__all__ = [
    "ENTERPRISE_TRANSITIONS",
    "PRODUCT_TRANSITIONS",
    "accept_invitation",
    "add_member",
    "approve_enterprise",
    "archive_product",
    "invite_member",
    "publish_product",
    "refresh_ocop_badges",
    "refresh_product_summaries",
    "refresh_product_summary",
    "register_enterprise",
    "reinstate_enterprise",
    "reject_enterprise",
    "reject_product",
    "revoke_certificate",
    "revoke_invitation",
    "submit_product",
    "suspend_enterprise",
    "verify_certificate",
]
