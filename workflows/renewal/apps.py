from django.apps import AppConfig


class RenewalConfig(AppConfig):
    name = "workflows.renewal"
    label = "renewal"
    verbose_name = "Revues annuelles"
