from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class EstampilleConfig(AppConfig):
    """The project itself, above the domain apps: what reads several of them (the demo data, the
    navigation) lives here so that `labelling` never imports `workflows`."""

    name = "config"
    verbose_name = "Estampille"

    def ready(self) -> None:
        from config import auth

        user_logged_in.connect(auth.stamp_session, dispatch_uid="estampille_session_clocks")
