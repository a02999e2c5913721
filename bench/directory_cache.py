"""The benchmark's cache: N deterministic synthetic providers, loaded as a first fill loads them."""
from __future__ import annotations

import multiprocessing
import random
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.directory.cache import DirectoryCache
from app.directory.schema import read_item
from app.directory.writer import Fill, Page
from bench.server_process import ROOT

CACHE = ROOT / "bench" / ".cache"
KEY = bytes(range(32))  # the benchmark's files are throwaway: a fixed key keeps --keep simple


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words("James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan "
         "Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret Donald "
         "Sandra Steven Ashley Paul Kimberly Andrew Emily Joshua Donna Kenneth Michelle Kevin Dorothy Brian Carol "
         "George Amanda Edward Melissa Ronald Deborah Timothy Stephanie Jason Rebecca Jeffrey Sharon Ryan Laura "
         "Jacob Cynthia Gary Kathleen Nicholas Amy Eric Shirley Jonathan Angela Stephen Helen Larry Anna Justin "
         "Brenda Scott Pamela Brandon Nicole Benjamin Emma Samuel Samantha Gregory Katherine Frank Christine "
         "Alexander Debra Raymond Rachel Patrick Catherine Jack Carolyn Dennis Janet Jerry Ruth Tyler Maria "
         "José Zoë Björn Siobhan Nguyen Priya Mohammed Aisha Wei Yuki Olusegun Ines Mateo Chloé")
LAST = _words("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
        "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
        "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
        "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz "
        "Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson "
        "Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray "
        "Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins "
        "Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero "
        "Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant "
        "Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez "
        "McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford "
        "Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Muñoz Hunt Hicks Holmes Palmer "
        "Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels "
        "O'Brien Müller Østergaard Kowalski Nakamura Okafor Haddad Dubois Rossi Novak")
SPECIALTIES = ("Cardiology", "Dermatology", "Endocrinology", "Gastroenterology", "Neurology", "Oncology", "Pediatrics",
               "Psychiatry", "Radiology", "Urology", "Nephrology", "Rheumatology", "Ophthalmology", "Orthopedics",
               "Pulmonology", "Anesthesiology", "Emergency Medicine", "Family Medicine", "Internal Medicine",
               "General Surgery", "Critical Care", "Geriatrics", "Infectious Disease", "Obstetrics and Gynecology",
               "Pathology", "Physical Therapy", "Nutrition")
ROLES = ("Physician", "Registered Nurse", "Specialist", "Healthcare Administrator", "Medical Technician", "Other")
TITLES = ("Dr.", "RN", "NP", "PA", "Mr.", "Ms.", "Prof.", "PT")
STATES = ("CA", "NY", "TX", "FL", "WA", "IL", "MA", "OH", "GA", "PA")
STATUSES = ("verified", "verified", "verified", "pending_verification", "rejected", "expired")


def synthetic(count: int, seed: int = 2026) -> list[dict[str, Any]]:
    """`count` provider records shaped like the change feed's, the same for the same arguments."""
    rng = random.Random(seed)
    hospitals = [{"id": str(uuid.UUID(int=rng.getrandbits(128))), "name": f"{name} General Hospital",
                  "city": rng.choice(LAST)} for name in LAST[:40]]
    now = datetime(2026, 1, 1, tzinfo=UTC).isoformat()
    today = date(2026, 1, 1)
    items = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        org = hospitals[i % 40]["name"]
        state, title = rng.choice(STATES), rng.choice(TITLES)
        items.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "professional_title": title, "first_name": first,
            "last_name": last, "full_name": f"{title} {first} {last}",
            "email": f"{first}.{last}{i}@{org.split()[0]}-health.org".lower(), "phone_number": "+1 555 010 2030",
            "organization_facility": org, "professional_role": rng.choice(ROLES),
            "specialization": rng.choice(SPECIALTIES), "license_number": f"{state}-{i:07d}",
            "license_status": rng.choice(STATUSES),
            "license_expiry_date": (today + timedelta(days=rng.randint(-200, 900))).isoformat(),
            "is_active": rng.random() > 0.05, "updated_at": now, "license_verified": False,
            "has_license_document": False, "license_document": None, "license_note": "",
            "additional_information": "", "years_of_experience": rng.randint(0, 40), "consultation_fee": "150.00",
            "bio": f"{first} {last} has practised {rng.choice(SPECIALTIES)} for years.",
            "hospitals": [hospitals[i % 40]], "created_at": now,
        })
    return items



def load(cache: DirectoryCache, items: Iterable[dict[str, Any]]) -> int:
    """Load providers into an empty cache at once, in name order, as a first fill does (rows, then the
    indexes and the search index in one go); how many."""
    rows = sorted((read_item(item) for item in items), key=lambda row: row.key)
    fill = Fill(cache)
    try:
        for start in range(0, len(rows), 50_000):
            fill.append(rows[start:start + 50_000])
    except BaseException:
        fill.abort()
        raise
    fill.finish(Page())
    return len(rows)


def _build(path: str, count: int) -> None:
    cache = DirectoryCache.open(Path(path), KEY)
    try:
        load(cache, synthetic(count))
    finally:
        cache.close()


def _kept_is_current(path: Path, count: int) -> bool:
    """A kept cache of this schema holding `count` providers (an older one is built again: opening it
    would empty it)."""
    import sqlcipher3.dbapi2 as sqlcipher

    from app.directory.database import CURRENT, CacheError, connect, stored_schema

    try:
        conn = connect(path, KEY)
    except CacheError:
        return False
    try:
        if stored_schema(conn) != CURRENT:
            return False
        return int(conn.execute("SELECT count(*) FROM providers").fetchone()[0]) == count
    except sqlcipher.DatabaseError:  # a half-built file
        return False
    finally:
        conn.close()


def build_cache(count: int, keep: bool) -> tuple[Path, float, bool]:
    """The cache file of `count` providers, built in a child process (so its memory is not ours)."""
    path = CACHE / f"directory-{count}.db"
    if keep and path.exists() and _kept_is_current(path, count):
        return path, 0.0, True
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    child = multiprocessing.get_context("spawn").Process(target=_build, args=(str(path), count))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"building the cache failed (exit {child.exitcode})")
    return path, time.perf_counter() - start, False



def file_bytes(path: Path) -> int:
    """The cache file's size with its write-ahead log."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
