from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "server.directory"
    label = "directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from server.directory import signals  # noqa: F401  (connects the revision bumps)
