"""What exists while a user is signed in: one object, built at sign-in, with nothing optional."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from app.api.client import ApiClient
from app.api.connectivity import Connectivity
from app.api.models import User
from app.session.session import Session
from ui.common.directory_state import DirectoryState
from ui.common.tasks import TaskRunner


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user and the objects that serve them until sign-out.

    The shell builds it once a sign-in (or a restored session) succeeds and hands each page only
    the parts it uses; sign-out closes the directory and drops the whole object.
    """

    user: User
    session: Session
    client: ApiClient
    connectivity: Connectivity
    runner: TaskRunner
    directory: DirectoryState
    data_dir: Path
    server_label: str
    window_state: QSettings
