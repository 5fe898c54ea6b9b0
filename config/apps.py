from django.apps import AppConfig


class EstampilleConfig(AppConfig):
    """The project itself, above the domain apps: what reads several of them (the demo data, the
    navigation) lives here so that `labelling` never imports `workflows`."""

    name = "config"
    verbose_name = "Estampille"
