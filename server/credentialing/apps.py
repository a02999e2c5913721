from django.apps import AppConfig


class CredentialingConfig(AppConfig):
    name = "server.credentialing"
    label = "credentialing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # registers the OpenAPI bearer scheme of our JWT authentication (spectacular finds
        # extensions by their import; server.common is no Django app of its own)
        import server.common.schema  # noqa: F401
