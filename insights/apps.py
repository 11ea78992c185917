from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from insights.selectors import forget_catalogue
        from marketplace.models import Enterprise, Product
        from marketplace.signals import catalogue_written
        from traceability.models import Certificate, SuspicionReport

        for model in (Enterprise, Product, Certificate, SuspicionReport):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(
                    forget_catalogue,
                    sender=model,
                    dispatch_uid=f"insights.catalogue.{model._meta.model_name}.{name}",
                )
        m2m_changed.connect(
            forget_catalogue,
            sender=Product.certificates.through,
            dispatch_uid="insights.catalogue.product-certificates",
        )
        catalogue_written.connect(forget_catalogue, dispatch_uid="insights.catalogue.bulk")
