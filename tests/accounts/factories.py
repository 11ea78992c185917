from __future__ import annotations

import factory

from accounts.models import User

TEST_PASSWORD = "chè-tân-cương-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    email = factory.Sequence(lambda n: f"nguoidung{n}@example.vn")
    first_name = "An"
    last_name = "Nguyễn Văn"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
