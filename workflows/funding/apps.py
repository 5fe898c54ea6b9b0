from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "workflows.funding"
    label = "funding"
    verbose_name = "Financement des lieux"
