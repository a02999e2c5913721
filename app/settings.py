"""Settings: server URL, data folder, timeouts; command line > environment > settings file.

Environment: PROVIDERDESK_SERVER_URL, PROVIDERDESK_DATA_DIR, PROVIDERDESK_CONNECT_TIMEOUT,
PROVIDERDESK_READ_TIMEOUT, PROVIDERDESK_THEME. The settings file is `settings.json` in the user's config folder.
A malformed value is a SettingsError that says which value and why.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from platformdirs import user_config_dir, user_data_dir
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from app.private_files import private_dir, private_opener

APP_NAME = "ProviderDesk"
ENV_PREFIX = "PROVIDERDESK_"
FIELDS = ("server_url", "data_dir", "connect_timeout", "read_timeout", "theme")
Theme = Literal["system", "light", "dark"]
# the application's look, each as the Settings dialog names it; "system" follows the system's light or dark
THEMES: dict[Theme, str] = {"system": "As the system", "light": "Light", "dark": "Dark"}


EXAMPLE_URL = "https://providers.example.org/api/v1"
# each setting as a person calls it, in the messages
LABELS = {"server_url": "server address", "data_dir": "data folder", "connect_timeout": "connection timeout",
          "read_timeout": "reply timeout", "theme": "theme"}


class SettingsError(Exception):
    """A setting has a value the application cannot use; the message says which and why."""


class Settings(BaseModel):
    """What the application needs to start. `server_url` None means: the embedded server."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    server_url: str | None = None
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir(APP_NAME, appauthor=False)))
    connect_timeout: float = Field(default=5.0, gt=0, le=120)
    read_timeout: float = Field(default=30.0, gt=0, le=600)
    theme: Theme = "system"

    @field_validator("server_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("is not a web address; it should start with http:// or https:// and look like "
                             + EXAMPLE_URL)
        if parts.query or parts.fragment:
            raise ValueError("has a query or a fragment (a part after ? or #); give the address alone, like "
                             + EXAMPLE_URL)
        return value if parts.path.endswith("/api/v1") else value + "/api/v1"

    @property
    def uses_embedded_server(self) -> bool:
        return self.server_url is None

    def prepare_data_dir(self) -> Path:
        """Create the data folder (cache, logs, drafts, the local server's data) only the user may open
        (0700; an existing one is made so); its path."""
        return private_dir(self.data_dir)


def config_file() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.json"


def _from_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(f"The settings file {path} cannot be read ({error}). Fix or delete it.") from None
    return {k: v for k, v in data.items() if k in FIELDS} if isinstance(data, dict) else {}


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    return {name: environ[ENV_PREFIX + name.upper()] for name in FIELDS if environ.get(ENV_PREFIX + name.upper())}


def load_settings(
    command_line: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> Settings:
    """Merge the settings file, then the environment, then the command line (which wins)."""
    merged = _from_file(path or config_file())
    merged.update(_from_env(os.environ if environ is None else environ))
    merged.update({k: v for k, v in (command_line or {}).items() if v is not None and k in FIELDS})
    try:
        return Settings.model_validate(merged)
    except PydanticValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise SettingsError(_words(name, merged.get(name), str(first["msg"]))) from None


def _words(name: str, value: Any, message: str) -> str:
    """What is wrong with setting `name` holding `value`, in plain words (pydantic's `message` as the last resort)."""
    label = LABELS.get(name, name)
    if name in ("connect_timeout", "read_timeout"):
        field = Settings.model_fields[name]
        most = next(m.le for m in field.metadata if getattr(m, "le", None) is not None)
        return (f"The {label} {value!r} is not usable: it should be a number of seconds, more than 0 and "
                f"at most {most:g}.")
    if message.startswith("Value error, "):  # our own validator's words
        return f"The {label} {value!r} {message.removeprefix('Value error, ')}."
    return f"The {label} {value!r} cannot be used: {message[:1].lower()}{message[1:]}."


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings that differ from the defaults to the settings file."""
    target = path or config_file()
    private_dir(target.parent)
    data = settings.model_dump(mode="json", exclude_defaults=True)
    with open(target, "w", encoding="utf-8", opener=private_opener) as file:
        file.write(json.dumps(data, indent=2))
