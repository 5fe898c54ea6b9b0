app_name = "workflows"

urlpatterns: list = []
