"""Every method of ApiClient against the real server, and the errors it turns answers into."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta

import orjson
import pytest

from app.api import errors
from app.api.client import ApiClient, Upload
from app.api.models import AuditRecord, Decision, LicenseStatus, Provider, Role
from tests.helpers.aio import CountingTransport, run
from tests.helpers.factories import provider_fields, registration_fields, screened
from tests.helpers.live_server import DEMO_PASSWORD, LiveServer

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def screened_on(server: LiveServer) -> None:
    """A monitoring run now (Verify needs a recent screening of the provider)."""
    with server.client(server.login("credentialing@demo.local")["access"]) as officer:
        screened(officer)


async def signed_in(server: LiveServer, email: str, **kwargs: object) -> ApiClient:
    client = ApiClient(server.api, **kwargs)  # type: ignore[arg-type]
    result = await client.login(email, DEMO_PASSWORD)
    client.auth.start(result.access, result.refresh)
    return client


def test_login_and_wrong_password(live_server: LiveServer) -> None:
    async def body() -> None:
        client = ApiClient(live_server.api)
        try:
            result = await client.login("admin@demo.local", DEMO_PASSWORD)
            assert result.user.role is Role.FACILITY_ADMIN
            with pytest.raises(errors.AuthenticationError) as wrong:
                await client.login("admin@demo.local", "not-it")
            assert wrong.value.message == "Invalid email or password."
        finally:
            await client.aclose()

    run(body)


def test_registration_errors_are_mapped_to_fields(live_server: LiveServer) -> None:
    async def body() -> None:
        client = ApiClient(live_server.api)
        try:
            form = registration_fields(first_name="", email="nope", password_confirm="other", phone_number="x")
            with pytest.raises(errors.ValidationError) as refused:
                await client.register(form)
            assert refused.value.field_errors == {
                "first_name": ["First name is required"],
                "email": ["Please enter a valid email address"],
                "phone_number": ["Please enter a valid phone number"],
            }, "field rules are reported before the password pair is compared"
            good = registration_fields()
            created = await client.register(good)
            assert created.profile.license_status is LicenseStatus.PENDING
            again = {**good, "email": good["email"].upper()}
            with pytest.raises(errors.ValidationError) as duplicate:
                await client.register(again)
            assert duplicate.value.field_errors["license_number"] == [
                "A provider with this license number already exists"]
        finally:
            await client.aclose()

    run(body)


def test_profile_patch_with_if_match_conflict(live_server: LiveServer) -> None:
    async def body() -> None:
        anon = ApiClient(live_server.api)
        form = registration_fields()
        account = await anon.register(form)
        await anon.aclose()
        client = ApiClient(live_server.api)
        client.auth.start(account.access, account.refresh)
        try:
            loaded = await client.profile()
            assert loaded.etag
            saved = await client.update_profile({"bio": "First."}, etag=loaded.etag)
            assert saved.value.bio == "First."
            assert saved.etag != loaded.etag
            with pytest.raises(errors.ConflictError) as conflict:
                await client.update_profile({"bio": "Second."}, etag=loaded.etag)
            assert isinstance(conflict.value.current, Provider)
            assert conflict.value.current.bio == "First."
            assert conflict.value.etag == saved.etag
            uploaded = await client.update_profile(
                {"specialization": "Dermatology"}, etag=saved.etag,
                document=Upload("license_document", "license.pdf", PDF, "application/pdf"))
            assert uploaded.value.has_license_document
            assert uploaded.value.specialization == "Dermatology"
            document = await client.license_document(uploaded.value.id)
            assert document.content == PDF
            assert document.content_type == "application/pdf"
            fields = {k: getattr(uploaded.value, k) for k in ("professional_title", "first_name", "last_name",
                                                               "email", "organization_facility",
                                                               "professional_role", "license_number")}
            replaced = await client.replace_profile({**fields, "bio": "Replaced."}, etag=uploaded.etag)
            assert replaced.value.bio == "Replaced."
            dashboard = await client.provider_dashboard()
            assert dashboard.provider_profile.id == uploaded.value.id
        finally:
            await client.aclose()

    run(body)


def test_directory_methods(live_server: LiveServer) -> None:
    async def body() -> None:
        client = await signed_in(live_server, "admin@demo.local")
        try:
            page = await client.providers({"ordering": "last_name"}, page=1, page_size=5)
            assert page.count >= 5
            assert len(page.results) == 5
            one = page.results[0]
            found = await client.search_providers(one.last_name[:4])
            assert one.id in {p.id for p in found}
            detail = await client.provider(one.id)
            assert detail.value.id == one.id
            assert detail.etag
            hospitals = await client.hospitals()
            assert hospitals.count >= 1
            hospital = await client.hospital(hospitals.results[0].id)
            assert hospital.name == hospitals.results[0].name
            await client.providers_by_hospital(hospital.id)
            changes = orjson.loads(await client.changes_raw(limit=3))
            assert len(changes["results"]) == 3
            assert changes["has_more"]
            following = orjson.loads(await client.changes_raw(changes["cursor"], limit=3))
            assert not {p["id"] for p in following["results"]} & {p["id"] for p in changes["results"]}
            created = await client.create_provider(provider_fields())
            changed = await client.update_provider(created.value.id, {"bio": "Edited"}, etag=created.etag)
            assert changed.value.bio == "Edited"
            replaced = await client.replace_provider(created.value.id, provider_fields(), etag=changed.etag)
            with pytest.raises(errors.ConflictError):
                await client.update_provider(created.value.id, {"bio": "Late"}, etag=changed.etag)
            await client.deactivate_provider(created.value.id, etag=replaced.etag)
            assert not (await client.provider(created.value.id)).value.is_active
            with pytest.raises(errors.NotFoundError):
                await client.provider("00000000-0000-4000-8000-000000000000")
            with pytest.raises(errors.ValidationError) as bad_filter:
                await client.providers({"license_status": "sometimes"})
            assert "license_status" in bad_filter.value.field_errors
            assert (await client.health()).status == "ok"
            schema = await client.openapi_schema()
            assert "/api/v1/providers/changes/" in schema["paths"]
        finally:
            await client.aclose()

    run(body)


def test_dropdown_is_cached_and_revalidated(live_server: LiveServer) -> None:
    async def body() -> None:
        transport = CountingTransport()
        client = await signed_in(live_server, "admin@demo.local", transport=transport)
        try:
            first = await client.dropdown()
            second = await client.dropdown()
            assert first == second
            assert len(first) > 0
            assert transport.paths["/api/v1/providers/dropdown/"] == 2, "the second call revalidates"
        finally:
            await client.aclose()

    run(body)


def test_credentialing_methods(live_server: LiveServer) -> None:
    async def body() -> None:
        officer = await signed_in(live_server, "credentialing@demo.local")
        admin = await signed_in(live_server, "admin@demo.local")
        try:
            target = await admin.create_provider(provider_fields())
            await asyncio.to_thread(screened_on, live_server)
            queue = await officer.verification_queue(page_size=500)
            assert target.value.id in {p.id for p in queue.results}
            verified = await officer.decide_license(target.value.id, Decision.VERIFIED,
                                                    expiry=date.today() + timedelta(days=20), etag=target.etag)
            assert verified.value.license_status is LicenseStatus.VERIFIED
            soon = await officer.verification_queue(expiring_within=30, page_size=500)
            assert target.value.id in {p.id for p in soon.results}
            with pytest.raises(errors.ValidationError) as no_note:
                await officer.decide_license(target.value.id, Decision.REJECTED)
            assert "note" in no_note.value.field_errors
            with pytest.raises(errors.PermissionDeniedError):
                await admin.decide_license(target.value.id, Decision.REJECTED, note="no")
            trail = await officer.audit_trail(target.value.id)
            assert [e.action for e in trail] == ["verified", "created"]
            dashboard = await officer.staff_dashboard()
            assert dashboard.providers_total >= 1
            with pytest.raises(errors.NotFoundError):
                await officer.license_document(target.value.id)
        finally:
            await officer.aclose()
            await admin.aclose()

    run(body)


def _move_decisions(live_server: LiveServer, times: dict[str, str]) -> None:
    """Set the time of each provider's decision to a local time (ISO, no zone), in the database."""
    live_server.manage("shell", "-c", (
        "from datetime import datetime\n"
        "from django.utils import timezone\n"
        "from server.credentialing.models import AuditEvent\n"
        f"for pid, at in {times!r}.items():\n"
        "    AuditEvent.objects.filter(provider_id=pid, action__in=['verified', 'rejected']).update(\n"
        "        at=timezone.make_aware(datetime.fromisoformat(at)))\n"))


def test_audit_events_pages_and_all(live_server: LiveServer) -> None:
    async def body() -> None:
        officer = await signed_in(live_server, "credentialing@demo.local")
        admin = await signed_in(live_server, "admin@demo.local")
        provider = await signed_in(live_server, "provider@demo.local")
        try:
            targets = [(await admin.create_provider(provider_fields())).value for _ in range(3)]
            await asyncio.to_thread(screened_on, live_server)
            expiry = date.today() + timedelta(days=200)
            await officer.decide_license(targets[0].id, Decision.VERIFIED, expiry=expiry)
            await officer.decide_license(targets[1].id, Decision.REJECTED, note="Blurred.")
            await officer.decide_license(targets[2].id, Decision.VERIFIED, expiry=expiry)
            await asyncio.to_thread(_move_decisions, live_server, {  # 2002: no other test's events
                targets[0].id: "2002-05-01T00:00:00", targets[1].id: "2002-05-02T13:30:00",
                targets[2].id: "2002-05-03T23:59:59"})
            since, until = date(2002, 5, 1), date(2002, 5, 3)
            first = await officer.audit_events(since=since, until=until, page_size=2)
            assert (first.count, first.previous) == (3, None)
            assert first.next is not None
            assert first.results[0] == AuditRecord(
                at="2002-05-01T00:00:00Z", actor="credentialing@demo.local", action="verified",
                detail=f"expires {expiry}", fields=("license_status",), provider_id=targets[0].id,
                provider_name=targets[0].full_name, license_number=targets[0].license_number)
            everything = await officer.all_audit_events(since=since, until=until, page_size=1)
            assert [(r.provider_id, r.action) for r in everything] == [
                (targets[0].id, "verified"), (targets[1].id, "rejected"), (targets[2].id, "verified")]
            assert [r.at.isoformat() for r in everything] == [
                "2002-05-01T00:00:00+00:00", "2002-05-02T13:30:00+00:00", "2002-05-03T23:59:59+00:00"]
            rejected = await admin.all_audit_events(since=since, until=until, action="rejected")
            assert [(r.provider_id, r.detail) for r in rejected] == [(targets[1].id, "Blurred.")]
            assert await officer.all_audit_events(since=since, until=until, action="created") == []
            with pytest.raises(errors.ValidationError) as backwards:
                await officer.audit_events(since=until, until=since)
            assert backwards.value.field_errors == {
                "until": ["The end date (until) must not be before the start date (since)."]}
            with pytest.raises(errors.ValidationError) as unknown:
                await officer.audit_events(since=since, until=until, action="approved")
            assert unknown.value.field_errors == {
                "action": ["Select a valid choice. approved is not one of the available choices."]}
            with pytest.raises(errors.PermissionDeniedError):
                await provider.audit_events(since=since, until=until)
        finally:
            for client in (officer, admin, provider):
                await client.aclose()

    run(body)


def test_logout_makes_the_refresh_token_useless(live_server: LiveServer) -> None:
    async def body() -> None:
        client = await signed_in(live_server, "credentialing@demo.local")
        refresh = client.auth.refresh
        assert refresh
        try:
            await client.logout(refresh)
            client.auth.resume(refresh)
            with pytest.raises(errors.AuthenticationError):
                await client.providers()
            assert client.auth.ended
        finally:
            await client.aclose()

    run(body)


def test_validate_token(live_server: LiveServer) -> None:
    async def body() -> None:
        client = await signed_in(live_server, "provider@demo.local")
        try:
            assert client.auth.access
            checked = await client.validate_token(client.auth.access)
            assert checked.valid
            assert checked.user
            assert checked.user.provider_id
            with pytest.raises(errors.AuthenticationError):
                await client.validate_token("not-a-token")
        finally:
            await client.aclose()

    run(body)
