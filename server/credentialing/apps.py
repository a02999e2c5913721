from django.apps import AppConfig


class CredentialingConfig(AppConfig):
    name = "server.credentialing"
    label = "credentialing"
    default_auto_field = "django.db.models.BigAutoField"
