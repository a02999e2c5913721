"""CSV export of a directory query, and a roster's import: reading, preview, server checks, creation."""
from __future__ import annotations

import asyncio
import csv
import itertools
import tracemalloc
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.client import ApiClient
from app.directory.cache import DirectoryCache
from app.directory.query import DirectoryQuery, ProviderRow
from app.directory.sync import DirectorySync
from app.transfer.csv_export import EXPORT_COLUMNS, export_csv
from app.transfer.csv_format import Cancelled, unguard
from app.transfer.roster_creation import ImportReport, create_rows
from app.transfer.roster_file import REQUIRED_COLUMNS, RosterError, read_roster
from app.transfer.roster_preview import EMAIL_UNIQUE, RowPreview, known_in_cache, preview, server_duplicates
from app.validation import LICENSE_UNIQUE
from tests.helpers.aio import run
from tests.helpers.factories import create_provider, unique
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer, SignIns

HEADER = ("professional_title,first_name,last_name,email,phone_number,organization_facility,professional_role,"
          "specialization,license_number,years_of_experience,consultation_fee")


class FakeCache:
    """count/rows like DirectoryCache, counting the reads."""

    def __init__(self, rows: list[ProviderRow]) -> None:
        self._rows = rows
        self.reads = 0

    def count(self, query: Any) -> int:
        return len(self._rows)

    def rows(self, query: Any, offset: int, limit: int) -> list[ProviderRow]:
        self.reads += 1
        return self._rows[offset:offset + limit]


def fake_rows(n: int) -> list[ProviderRow]:
    return [ProviderRow(f"id-{i}", f"Ana María Núñez {i}", "Dr.", "Physician", "Cardiology", 'Clinic "North", Ward 3',
                    f"LIC-{i}", "verified", "2030-01-31" if i % 2 else None, f"ana{i}@example.org", i % 3 != 0)
            for i in range(n)]


def read_back(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ---- export ----

def test_export_round_trip_writes_every_row_quoted_and_guarded(tmp_path: Path) -> None:
    rows = fake_rows(12_345)
    rows[0] = ProviderRow("x", "=HYPERLINK(\"http://evil\")", "Dr.", "Physician", "+cmd|' /C calc'!A0",
                      "@SUM(1+1)", "-1234", "pending_verification", None, "a,b@example.org", True)
    cache, seen = FakeCache(rows), []
    count = run(lambda: export_csv(tmp_path / "out.csv", cache, None, progress=lambda d, t: seen.append((d, t))))
    assert count == 12_345
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    back = read_back(tmp_path / "out.csv")
    assert list(back[0]) == list(EXPORT_COLUMNS)
    assert len(back) == 12_345
    assert back[1] == {"id": "id-1", "full_name": "Ana María Núñez 1", "professional_title": "Dr.",
                       "professional_role": "Physician", "specialization": "Cardiology",
                       "organization_facility": 'Clinic "North", Ward 3', "license_number": "LIC-1",
                       "license_status": "verified", "license_expiry_date": "2030-01-31",
                       "email": "ana1@example.org", "is_active": "true",
                       **dict.fromkeys(("first_name", "last_name", "npi", "phone_number", "additional_information",
                                        "years_of_experience", "consultation_fee", "bio"), "")}
    assert back[3]["is_active"] == "false"
    assert back[2]["license_expiry_date"] == ""
    formulas = back[0]
    assert formulas["full_name"] == "'=HYPERLINK(\"http://evil\")"
    assert formulas["specialization"] == "'+cmd|' /C calc'!A0"
    assert formulas["organization_facility"] == "'@SUM(1+1)"
    assert formulas["license_number"] == "'-1234"
    assert [unguard(v) for v in formulas.values()][1] == "=HYPERLINK(\"http://evil\")"
    assert seen == [(5000, 12_345), (10_000, 12_345), (12_345, 12_345)], "progress after each block of 5,000"
    assert cache.reads == 3
    assert not list(tmp_path.glob(".*part")), "no temporary file left"


def test_export_of_nothing_writes_the_header(tmp_path: Path) -> None:
    assert run(lambda: export_csv(tmp_path / "none.csv", FakeCache([]), None)) == 0
    assert (tmp_path / "none.csv").read_text(encoding="utf-8-sig").splitlines() == [",".join(EXPORT_COLUMNS)]


def test_cancelled_export_leaves_no_file(tmp_path: Path) -> None:
    cache = FakeCache(fake_rows(20_000))
    with pytest.raises(Cancelled):
        run(lambda: export_csv(tmp_path / "out.csv", cache, None, cancel=lambda: cache.reads >= 2))
    assert list(tmp_path.iterdir()) == []


def test_export_accepts_an_async_cache_and_yields_to_the_loop_between_blocks(tmp_path: Path) -> None:
    """Off the loop is checked by what runs in between, not by a stall's length (a busy machine is slow,
    not wrong): another task gets the loop between every two blocks read."""
    beats = 0
    seen: list[int] = []  # the beats counted when each block was asked for

    class AsyncCache(FakeCache):
        async def rows(self, query: Any, offset: int, limit: int) -> list[ProviderRow]:  # type: ignore[override]
            seen.append(beats)
            return super().rows(query, offset, limit)

    async def body() -> int:
        async def ticker() -> None:
            nonlocal beats
            while True:
                beats += 1
                await asyncio.sleep(0)

        beat = asyncio.create_task(ticker())
        count = await export_csv(tmp_path / "a.csv", AsyncCache(fake_rows(60_000)), None)
        beat.cancel()
        return count

    assert run(body) == 60_000
    assert len(seen) > 2, "the rows were read in blocks"
    assert all(b > a for a, b in itertools.pairwise(seen)), f"the loop ran other tasks between blocks: {seen}"


# ---- reading ----

BAD_ROWS = "\n".join([
    HEADER,
    "Dr.,Grace,Hopper,grace@example.org,+1 555 010 2030,General Hospital,Physician,Cardiology,ABC-1,12,150.00",
    "dr,alan,turing,alan@example.org,,General Hospital,physician,,abc-2,,",  # lenient choices: fine
    ",Ada,,ada@example.org,,General Hospital,Physician,,ABC-3,,",  # missing title and last name
    "Dr.,Bad,Email,not-an-email,12,General Hospital,Physician,,ABC-4,,",  # invalid email and phone
    "Dr.," + "L" * 101 + ",Long,long@example.org,,General Hospital,Physician,,ABC-5,,",
    "RN,Dup,License,dup@example.org,,General Hospital,Registered Nurse,, abc-1 ,,",  # license of row 2
    "RN,Known,Email,KNOWN@example.org ,,General Hospital,Registered Nurse,,ABC-7,,",
    "Dr.,grace,HOPPER,grace2@example.org,,general  hospital,Physician,,ABC-8,,",  # likely duplicate of row 2
    "Dr.,Joe,Known,joe@example.org,,City Clinic,Physician,,ABC-9,,",  # likely duplicate of the directory
    "Dr.,Type,Errors,types@example.org,,General Hospital,Physician,,ABC-10,five,$12",
    "Dr.,Too,Many,many@example.org,,General, Hospital,Physician,,ABC-11,,,",
    "Dr.,Too,Few,few@example.org,,General Hospital",
    "Dr.,Known,License,kl@example.org,,General Hospital,Physician,,srv-1,,",
    ",,,,,,,,,,",  # empty rows are skipped
])


def test_preview_names_every_problem_with_the_seeds_words(tmp_path: Path) -> None:
    roster = read_roster(write(tmp_path / "r.csv", BAD_ROWS))
    rows = {p.number: p for p in preview(roster, known_licenses={"SRV-1"}, known_emails={"known@example.org"},
                                         known_name_orgs={("Dr. Joe Known", "City clinic")})}
    texts = {n: [pr.text for pr in p.problems] for n, p in rows.items()}
    assert sorted(rows) == list(range(2, 15))
    assert rows[2].ok
    assert not rows[2].problems
    assert rows[2].fields["years_of_experience"] == 12
    assert rows[3].ok
    assert rows[3].fields["professional_title"] == "Dr."
    assert rows[3].fields["professional_role"] == "Physician"
    assert texts[4] == ["Professional title is required", "Last name is required"]
    assert texts[5] == ["Please enter a valid email address", "Please enter a valid phone number"]
    assert texts[6] == ["First name cannot exceed 100 characters"]
    assert texts[7] == ["The same license number is already on row 2 of this file"]
    assert texts[8] == [EMAIL_UNIQUE]
    assert rows[9].ok
    assert texts[9] == ["Likely duplicate of row 2: same name at the same organization"]
    assert rows[9].warnings
    assert not rows[9].errors
    assert rows[10].ok
    assert texts[10] == ["Likely duplicate: Joe Known at City Clinic is already in the directory"]
    assert texts[11] == ["Years of experience must be a whole number of 0 or more",
                         "Consultation fee must be an amount of 0 or more with at most 2 decimals"]
    assert texts[12][0].startswith("This row has 13 cells but the header has 11")
    assert texts[13][0].startswith("This row has 6 cells but the header has 11")
    assert "Professional role is required" in texts[13]
    assert "License number is required" in texts[13]
    assert texts[14] == [LICENSE_UNIQUE]
    assert [n for n, p in rows.items() if p.ok] == [2, 3, 9, 10]


def test_headers_are_case_and_space_tolerant_and_extra_columns_ignored(tmp_path: Path) -> None:
    text = ("Professional Title;First Name;LAST-NAME;E-mail;Email;Organization/Facility;Professional role;"
            "License_Number;Notes\nDr.;Ana;Silva;x;ana@example.org;Clinic;Physician;'-77;hello\n")
    roster = read_roster(write(tmp_path / "r.csv", text))
    assert roster.ignored == ("E-mail", "Notes")
    assert roster.rows[0].values["license_number"] == "-77", "our export's formula guard is undone"
    assert roster.rows[0].values["email"] == "ana@example.org"


@pytest.mark.parametrize(("content", "words"), [
    (b"", "The file is empty."),
    (b"  \r\n", "The file is empty."),
    (b"PK\x03\x04\x14\x00\x06\x00", "This is an Excel workbook"),
    (bytes(range(256)) * 40, "This is not a CSV file: it contains binary data"),
    (b"first_name,last_name,email\nAna,Silva,a@example.org\n",
     "Required columns are missing: professional_title, organization_facility, professional_role, license_number"),
    (b"Dear colleagues, please find the list attached.\n", "This file does not look like a provider roster"),
    (HEADER.encode() + b"\n", "The file has a header row but no providers below it."),
    (HEADER.encode() + b"\n,,,,\n", "The file has a header row but no providers below it."),
    (b"email,email\n", "These columns appear more than once: email"),
    (HEADER.encode() + b'\nDr.,"Ana,Silva\n', 'Line 2 cannot be read as CSV: a quoted cell is not closed'),
])
def test_malformed_files_get_a_plain_answer(tmp_path: Path, content: bytes, words: str) -> None:
    with pytest.raises(RosterError) as refused:
        read_roster(write_bytes(tmp_path / "bad.csv", content))
    assert words in refused.value.message


def write_bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_a_missing_file_is_an_answer_too(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="cannot be opened"):
        read_roster(tmp_path / "nowhere.csv")


def test_latin1_file_is_read_with_a_warning(tmp_path: Path) -> None:
    text = HEADER + "\nDr.,José,Núñez,jose@example.org,,Clínica Sur,Physician,,L-1,,\n"
    roster = read_roster(write(tmp_path / "r.csv", text, "latin-1"))
    assert roster.encoding == "cp1252"
    assert roster.rows[0].values["first_name"] == "José"
    assert "not UTF-8" in roster.warnings[0]
    assert read_roster(write(tmp_path / "u.csv", text, "utf-8-sig")).warnings == ()
    assert read_roster(write(tmp_path / "w.csv", text.replace(",", "\t"), "utf-16")).rows[0].values[
        "last_name"] == "Núñez", "Excel's 'Unicode text' (UTF-16, tabs) too"


def test_a_hundred_thousand_rows_are_refused_quickly_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        for i in range(100_000):
            handle.write(f"Dr.,First{i},Last{i},p{i}@example.org,,Hospital {i % 50},Physician,,L-{i},3,10\n")
    tracemalloc.start()
    with pytest.raises(RosterError) as refused:
        read_roster(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert refused.value.message.startswith("This file has 100,000 providers; one import takes at most 10,000.")
    assert peak < 60_000_000, f"{peak / 1e6:.0f} MB: the file is counted as it streams, not held"


def test_ten_thousand_rows_are_read_and_previewed(tmp_path: Path) -> None:
    lines = [HEADER] + [f"Dr.,First{i},Last{i},p{i}@example.org,,Hospital,Physician,,L-{i},3,10"
                        for i in range(10_000)]
    previews = preview(read_roster(write(tmp_path / "r.csv", "\n".join(lines))), known_licenses=set(),
                       known_emails=set(), known_name_orgs=set())
    assert len(previews) == 10_000
    assert all(p.ok for p in previews)


# ---- against the server ----

async def admin_client(server: LiveServer) -> ApiClient:
    client = ApiClient(server.api)
    result = await client.login("admin@demo.local", DEMO_PASSWORD)
    client.auth.start(result.access, result.refresh)
    return client


def roster_text(existing_license: str, tag: str) -> str:
    return "\n".join([
        HEADER,
        f"Dr.,Mira,Okafor{tag},mira.{tag}@example.org,+44 20 7946 0958,Roster Hospital,Physician,Neurology,"
        f"RST-A-{tag},7,95.5",
        f"RN,Lena,Berg{tag},lena.{tag}@example.org,,Roster Hospital,Registered Nurse,,RST-B-{tag},,",
        f"Dr.,Omar,Haddad{tag},omar.{tag}@example.org,,Roster Hospital,Physician,,{existing_license.lower()},,",
        f"Dr.,Bad,Row{tag},bad-email,,Roster Hospital,Physician,,RST-C-{tag},,",
    ])


def test_server_duplicates_and_creation_with_a_report(live_server: LiveServer, admin: httpx.Client,
                                                      tmp_path: Path) -> None:
    existing = create_provider(admin)
    tag = unique()
    roster = read_roster(write(tmp_path / "r.csv", roster_text(existing["license_number"], tag)))
    local = preview(roster, known_licenses=set(), known_emails=set(), known_name_orgs=set())
    assert [p.ok for p in local] == [True, True, True, False]

    async def body() -> tuple[list[RowPreview], ImportReport]:
        client = await admin_client(live_server)
        try:
            checked = await server_duplicates(client, local)
            report = await create_rows(client, local)  # the unchecked list: the server must refuse row 4
            return checked, report
        finally:
            await client.aclose()

    checked, report = run(body)
    assert [[pr.text for pr in p.errors] for p in checked][:3] == [[], [], [LICENSE_UNIQUE]]
    outcomes = [(r.preview.number, r.outcome) for r in report.results]
    assert outcomes == [(2, "created"), (3, "created"), (4, "refused"), (5, "skipped")]
    assert report.results[2].messages == (LICENSE_UNIQUE,)
    assert report.results[3].messages == ("Please enter a valid email address",)
    made = admin.get(f"/providers/{report.results[0].provider_id}/").json()
    assert (made["email"], made["consultation_fee"], made["years_of_experience"]) == (
        f"mira.{tag}@example.org", "95.50", 7)
    assert admin.get("/providers/search/", params={"q": f"omar.{tag}"}).json() == []
    report.write_csv(tmp_path / "report.csv")
    saved = read_back(tmp_path / "report.csv")
    assert [row["outcome"] for row in saved] == ["Created", "Created", "Refused by the server",
                                                 "Not sent: problems in the file"]
    assert saved[2]["messages"] == LICENSE_UNIQUE
    assert saved[0]["provider_id"] == made["id"]


def test_creation_stops_when_the_server_is_gone(tmp_path: Path, tokens: SignIns) -> None:
    tag = unique()
    roster = read_roster(write(tmp_path / "r.csv", roster_text("X-1", tag)))
    rows = preview(roster, known_licenses=set(), known_emails=set(), known_name_orgs=set())

    async def body() -> ImportReport:
        client = ApiClient("http://127.0.0.1:9/api/v1", retries=0)  # nothing listens on port 9
        client.auth.start(tokens["facility_admin"], "unused")
        try:
            return await create_rows(client, rows, concurrency=1)
        finally:
            await client.aclose()

    report = run(body)
    assert [r.outcome for r in report.results] == ["unknown", "not_sent", "not_sent", "skipped"]
    assert report.created == ()


def test_known_in_cache_finds_what_the_directory_has(tmp_path: Path) -> None:
    class SearchCache(FakeCache):
        def rows(self, query: Any, offset: int, limit: int) -> list[ProviderRow]:
            assert query.is_active is None, "deactivated providers count too"
            words = query.text.lower().split()
            hits = [r for r in fake_rows(50) if all(w in f"{r.full_name} {r.license_number} {r.email}".lower()
                                                     for w in words)]
            return hits[offset:offset + limit]

    text = "\n".join([HEADER, 'Dr.,Ana María,Núñez 7,new@example.org,,"Clinic ""north"", ward 3",Physician,,lic-3,,',
                      "Dr.,Someone,Else,ANA4@example.org,,Elsewhere,Physician,,NEW-1,,"])
    known = run(lambda: known_in_cache(SearchCache([]), read_roster(write(tmp_path / "r.csv", text))))
    assert known == {"known_licenses": {"lic-3"}, "known_emails": {"ANA4@example.org"},
                     "known_name_orgs": {("Ana María Núñez 7", 'Clinic "north", ward 3')}}


def test_an_exported_file_imports_as_a_roster_unchanged(live_server: LiveServer, tmp_path: Path) -> None:
    """Export from a cache a real sync filled, then read the file back as a roster: every required
    column is there, every row parses, and each is reported as already in the directory."""
    target = tmp_path / "directory.csv"

    async def body() -> tuple[int, Any, list[RowPreview], list[RowPreview]]:
        client = ApiClient(live_server.api)
        login = await client.login(DEMO_ACCOUNTS["facility_admin"], DEMO_PASSWORD)
        client.auth.start(login.access, login.refresh)
        cache = DirectoryCache.open(tmp_path / "cache.db", bytes(range(32)))
        try:
            await DirectorySync(client, cache).run()
            count = await export_csv(target, cache, DirectoryQuery())
            roster = read_roster(target)
            fresh = preview(roster, known_licenses=set(), known_emails=set(), known_name_orgs=set())
            known = preview(roster, **await known_in_cache(cache, roster))
            return count, roster, fresh, known
        finally:
            cache.close()
            await client.aclose()

    count, roster, fresh, known = run(body)
    assert count > 0
    assert set(REQUIRED_COLUMNS) <= set(roster.columns)
    assert {"phone_number", "years_of_experience", "consultation_fee", "bio"} <= set(roster.columns)
    assert len(roster.rows) == count
    assert [p.errors for p in fresh if p.errors] == [], "every exported row is a valid roster row"
    assert all(p.fields["first_name"] and p.fields["last_name"] for p in fresh)
    assert all(any(e.column in ("license_number", "email") for e in p.errors) for p in known), \
        "each is already in the directory"
