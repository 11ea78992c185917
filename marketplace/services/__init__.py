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
    "add_member",
    "approve_enterprise",
    "register_enterprise",
    "reinstate_enterprise",
    "reject_enterprise",
    "suspend_enterprise",
]
