from marketplace.models.enterprises import (
    Enterprise,
    EnterpriseEvent,
    EnterpriseQuerySet,
    Membership,
    normalize_tax_code,
    validate_tax_code,
)

__all__ = [
    "Enterprise",
    "EnterpriseEvent",
    "EnterpriseQuerySet",
    "Membership",
    "normalize_tax_code",
    "validate_tax_code",
]
