"""Logging to a rotating file in the data folder, with secrets scrubbed from every line.

No token, password or license document reaches the log at any level: the filter sits on the
handler, so it sees every record, including those of httpx and other libraries.
"""
from __future__ import annotations

import logging
import re
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app.private_files import private_dir, private_file

LOG_NAME = "providerdesk.log"
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
# A secret's name (any *password* field, tokens, the Authorization header), its quote, then `:` or `=`.
_SECRET_NAME = r"""(?:\w*password\w*|\w*token|refresh|access|authorization|secret)"""
_SECRET_FIELDS = re.compile(
    rf"""(?ix)(?P<key> \\?["']? (?<![\w-]) {_SECRET_NAME} \\?["']? \s*[:=]\s* )
    (?P<value>
        \\"(?:(?!\\").)*\\"                         # \"...\" : JSON inside a JSON or repr'd string
      | "(?:[^"\\\n]|\\.)*"                        # "...", spaces and escapes included
      | '(?:[^'\\\n]|\\.)*'                        # '...'
      | (?:(?:Bearer|Basic|Token|JWT)\s+)?[^\s&,;}})\]"']+  # bare: key=value forms, headers
    )"""
)
# What a user searched for or an email in an address (httpx logs every URL): personal data.
_QUERY_VALUES = re.compile(r"(?i)(?<=[?&])(q|search|email)=[^&\s\"']*")
_BINARY = re.compile(r"(%PDF-|\\x89PNG|\\xff\\xd8\\xff).*", re.DOTALL)


def _hide_value(match: re.Match[str]) -> str:
    """The key as it was, the whole value (a quoted one keeps its quotes; a header its scheme) hidden."""
    value = match["value"]
    if value.startswith('\\"'):
        hidden = '\\"[hidden]\\"'
    elif value[0] in "\"'":
        hidden = f"{value[0]}[hidden]{value[0]}"
    else:
        scheme = value.split()[0] + " " if len(value.split()) > 1 else ""
        hidden = f"{scheme}[hidden]"
    return match["key"] + hidden


def scrub(text: str) -> str:
    """`text` with tokens, password values and document contents replaced."""
    text = _SECRET_FIELDS.sub(_hide_value, text)
    text = _JWT.sub("[token]", text)
    text = _QUERY_VALUES.sub(r"\1=[hidden]", text)
    return _BINARY.sub(r"\1[document content hidden]", text)


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_text is None and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return True


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose every file, the first and each one after a rollover, only the user may read."""

    def _open(self) -> TextIOWrapper:
        private_file(Path(self.baseFilename))
        return super()._open()


def setup_logging(data_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send log records to `data_dir/logs/providerdesk.log` (1 MB, 5 files kept); the path.

    The folder is made 0700 and the files 0600, also those an older version left readable.
    """
    folder = private_dir(data_dir / "logs")
    path = folder / LOG_NAME
    for old in folder.glob(LOG_NAME + "*"):
        private_file(old, create=False)
    handler = PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return path
