from django.apps import AppConfig


class LabellingConfig(AppConfig):
    name = "labelling"
    verbose_name = "Labellisation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from labelling import signals  # noqa: F401 (connects the receivers)
