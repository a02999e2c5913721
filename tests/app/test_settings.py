"""Settings come from the command line, then the environment, then the settings file."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from app.settings import Settings, SettingsError, load_settings, save_settings


def test_precedence(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    file.write_text(json.dumps({"server_url": "https://file.example.org", "read_timeout": 11, "junk": 1}))
    env = {"PROVIDERDESK_SERVER_URL": "https://env.example.org/api/v1", "PROVIDERDESK_CONNECT_TIMEOUT": "3"}
    from_file = load_settings({}, environ={}, path=file)
    assert from_file.server_url == "https://file.example.org/api/v1"
    assert from_file.read_timeout == 11
    from_env = load_settings({}, environ=env, path=file)
    assert from_env.server_url == "https://env.example.org/api/v1"
    assert from_env.connect_timeout == 3
    assert from_env.read_timeout == 11
    from_cli = load_settings({"server_url": "http://127.0.0.1:8001", "data_dir": str(tmp_path)}, environ=env,
                             path=file)
    assert from_cli.server_url == "http://127.0.0.1:8001/api/v1"
    assert from_cli.data_dir == tmp_path


def test_no_server_means_the_embedded_one(tmp_path: Path) -> None:
    settings = load_settings({}, environ={}, path=tmp_path / "none.json")
    assert settings.uses_embedded_server


@pytest.mark.parametrize(
    ("values", "words"),
    [({"server_url": "not a url"}, "The server address 'not a url' is not a web address; it should start with "
      "http:// or https:// and look like https://providers.example.org/api/v1."),
     ({"server_url": "ftp://x.org"}, "The server address 'ftp://x.org' is not a web address"),
     ({"server_url": "http://"}, "The server address 'http://' is not a web address"),
     ({"server_url": "https://x.org/?a=1"}, "The server address 'https://x.org/?a=1' has a query or a fragment"),
     ({"read_timeout": "soon"}, "The reply timeout 'soon' is not usable: it should be a number of seconds, more "
      "than 0 and at most 600."),
     ({"connect_timeout": -1}, "The connection timeout -1 is not usable: it should be a number of seconds, more "
      "than 0 and at most 120.")],
)
def test_malformed_values_are_clear_errors(tmp_path: Path, values: dict[str, object], words: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(values, environ={}, path=tmp_path / "none.json")
    assert str(raised.value).startswith(words)
    assert "setting" not in str(raised.value), "no setting's name, no programmer's words"


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    file.write_text("{not json")
    with pytest.raises(SettingsError, match="cannot be read"):
        load_settings({}, environ={}, path=file)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    file = tmp_path / "deep" / "settings.json"
    saved = Settings(server_url="https://a.example.org", data_dir=tmp_path, read_timeout=12)
    save_settings(saved, file)
    assert load_settings({}, environ={}, path=file) == saved


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_the_data_folder_and_the_settings_file_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert Settings(data_dir=data).prepare_data_dir() == data
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    os.chmod(data, 0o755)  # as an older version left it
    Settings(data_dir=data).prepare_data_dir()
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    file = tmp_path / "config" / "settings.json"
    save_settings(Settings(server_url="https://a.example.org", data_dir=data), file)
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(file.parent).st_mode) == 0o700
