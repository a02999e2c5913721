"""Every dialog of the application, built alone as its own tests build it: the catalogue the guards
over all dialogs walk (their keys, the wheel over their fields), so a new dialog is added once."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog

from app.api.client import ApiClient
from app.api.models import Appointment, Decision, Provider
from app.directory.query import DirectoryQuery
from app.settings import Settings
from tests.helpers.qt import SignedIn
from ui.appointments.dialogs import BookingDialog, CancelDialog, RescheduleDialog
from ui.common.tasks import TaskRunner
from ui.credentialing.audit_export_dialog import AuditExportDialog
from ui.credentialing.decision_dialog import DecisionDialog
from ui.credentialing.document_viewer import DocumentWindow
from ui.directory.export_dialog import ExportDialog
from ui.directory.fhir_export_dialog import FhirExportDialog
from ui.directory.roster_import_dialog import ImportDialog
from ui.profile.wizard import RegistrationWizard
from ui.providers.detail import ProviderDetailDialog
from ui.providers.edit_dialog import ProviderEditDialog
from ui.shell.password_dialog import PasswordDialog
from ui.shell.settings_dialog import SettingsDialog
from ui.shell.shortcuts import ShortcutsDialog

Make = Callable[[], QDialog]


def staff_dialogs(parts: SignedIn, made: dict[str, Any], drafts: Path) -> dict[str, Make]:
    """The dialogs of a signed-in administrator, by name; `made` is a provider the server created."""
    provider = Provider.model_validate(made)
    directory = parts.own_directory()
    return {
        "Edit provider": lambda: ProviderEditDialog(parts.client, parts.runner, made["id"]),
        "Provider details": lambda: ProviderDetailDialog(provider, browse_hospitals=True),
        "Export": lambda: ExportDialog(directory.cache, DirectoryQuery(), parts.runner),
        "Export as FHIR": lambda: FhirExportDialog(directory.cache, parts.runner),
        "Import": lambda: ImportDialog(parts.client, directory, parts.runner),
        "Verify": lambda: DecisionDialog(Decision.VERIFIED, provider),
        "Reject": lambda: DecisionDialog(Decision.REJECTED, provider),
        "Export decisions": lambda: AuditExportDialog(),
        "Document": lambda: DocumentWindow(),
        "Change password": lambda: PasswordDialog(parts.session, parts.runner),
        "Keyboard shortcuts": lambda: ShortcutsDialog([("Window", [("Ctrl+Q", "Quit")])]),
        "Register a provider": lambda: RegistrationWizard(parts.client, parts.runner, drafts, on_behalf=True),
        "Book an appointment": lambda: BookingDialog(directory.bookable_providers()),
        "New time": lambda: RescheduleDialog(SAMPLE_APPOINTMENT),
        "Cancel appointment": lambda: CancelDialog(SAMPLE_APPOINTMENT),
    }


# an appointment as the server answers one, for the dialogs that change one
SAMPLE_APPOINTMENT = Appointment.model_validate({
    "id": "0b6f2c56-5d2e-4a51-9d7e-3f6f3b9f6a01", "healthcare_provider": "3ebb90ce-b9e3-4d4b-a602-de141d701a99",
    "healthcare_provider_name": "Dr. Amelia Carter", "patient_name": "Sandra Dang", "patient_contact": "+1 555 0101",
    "appointment_date": "2030-03-04T09:00:00Z", "end_time": "2030-03-04T09:30:00Z", "duration_minutes": 30,
    "status": "scheduled", "can_be_cancelled": True, "can_be_rescheduled": True})


def dialogs_before_sign_in(client: ApiClient, runner: TaskRunner, server_url: str, data_dir: Path
                           ) -> dict[str, Make]:
    """The dialogs of the sign-in window, by name."""
    return {
        "Registration": lambda: RegistrationWizard(client, runner, data_dir),
        "Settings": lambda: SettingsDialog(Settings(server_url=server_url, data_dir=data_dir)),
    }
