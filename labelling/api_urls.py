from django.urls import path

from labelling import api

app_name = "api"

urlpatterns = [
    path("conformity/check", api.conformity_check, name="conformity_check"),
]
