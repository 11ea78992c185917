"""The category tree every install starts with: the six OCOP groups and tea (Decision 148).

Officers may rename, add or move categories in the admin; this only adds what is missing.
"""

from __future__ import annotations

from typing import Any

from marketplace.models import Category

DEFAULT_TREE: list[tuple[str, str, int, list[tuple[str, str]]]] = [
    (
        "Thực phẩm",
        "thuc-pham",
        1,
        [
            ("Mật ong", "mat-ong"),
            ("Miến dong, bún, bánh", "mien-dong-bun-banh"),
            ("Gạo, nếp và nông sản", "gao-nep-nong-san"),
        ],
    ),
    (
        "Đồ uống",
        "do-uong",
        2,
        [("Chè Thái Nguyên", "che-thai-nguyen"), ("Rượu truyền thống", "ruou-truyen-thong")],
    ),
    ("Dược liệu và sản phẩm từ dược liệu", "duoc-lieu", 3, []),
    ("Thủ công mỹ nghệ", "thu-cong-my-nghe", 4, []),
    ("Sinh vật cảnh", "sinh-vat-canh", 5, []),
    ("Du lịch cộng đồng, sinh thái và điểm du lịch", "du-lich", 6, []),
]


def ensure_default_categories(**kwargs: Any) -> None:
    """Create the missing default categories (idempotent; runs after every migrate)."""
    for name, slug, group, children in DEFAULT_TREE:
        parent = Category.objects.filter(slug=slug).first()
        if parent is None:
            parent = Category.add_root(name=name, slug=slug, ocop_group=group)
        for child_name, child_slug in children:
            if not Category.objects.filter(slug=child_slug).exists():
                parent.refresh_from_db()
                parent.add_child(name=child_name, slug=child_slug, ocop_group=group)
