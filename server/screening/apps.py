from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "server.screening"
    label = "screening"
    default_auto_field = "django.db.models.BigAutoField"
