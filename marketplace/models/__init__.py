from marketplace.models.catalogue import (
    Category,
    Product,
    ProductEvent,
    ProductImage,
    ProductQuerySet,
    Variant,
    validate_gtin,
)
from marketplace.models.enterprises import (
    Enterprise,
    EnterpriseEvent,
    EnterpriseQuerySet,
    Invitation,
    Membership,
    normalize_tax_code,
    validate_tax_code,
)

__all__ = [
    "Category",
    "Enterprise",
    "EnterpriseEvent",
    "EnterpriseQuerySet",
    "Invitation",
    "Membership",
    "Product",
    "ProductEvent",
    "ProductImage",
    "ProductQuerySet",
    "Variant",
    "normalize_tax_code",
    "validate_gtin",
    "validate_tax_code",
]
