"""The demo's exclusion list: a small synthetic LEIE file, loaded at seeding so that screening shows every flag.

Its rows are made up, in the OIG's layout (server/screening/leie.py): entities that match nobody, a
few rows that carry demo providers' NPIs (Excluded), a few with demo providers' names in their
license's state and no NPI (Possible match), and one reinstated row (no flag). Real people are
never in it: every name is a demo provider's or a made-up business's.
"""
from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from server.directory.models import Provider
from server.screening.leie import HEADER
from server.screening.rules import state_of
from server.screening.runs import last_run
from server.screening.services import leie_load

EXCLUDED, POSSIBLE, REINSTATED = 3, 4, 1
BUSINESSES = ("SUNRISE HOME HEALTH LLC", "GOLDEN STATE DME SUPPLY", "LAKESIDE AMBULANCE INC",
              "PIONEER PHARMACY, INC.", "BAYVIEW BILLING SERVICES", "NORTHSTAR LAB CORP", "EVERGREEN HOSPICE LLC",
              "MERIDIAN TRANSPORT CO", "RIVERBEND MEDICAL SUPPLY", "SUMMIT WOUND CARE INC")
TYPES = ("1128a1", "1128a2", "1128a3", "1128b4", "1128b7")


def _day(rng: random.Random, today: date) -> str:
    return (today - timedelta(days=rng.randint(60, 2500))).strftime("%Y%m%d")


def _person(rng: random.Random, provider: Provider, today: date, *, npi: str,
            reinstated: str = "00000000") -> list[str]:
    state = state_of(provider.license_number)
    return [provider.last_name.upper(), provider.first_name.upper(), "", "", "INDIVIDUAL",
            provider.specialization.upper(), "", npi, "00000000", f"{rng.randint(10, 9999)} MAIN ST", "SPRINGFIELD",
            state, f"{rng.randint(10000, 99999)}", rng.choice(TYPES), _day(rng, today), reinstated, "00000000", ""]


def _business(rng: random.Random, name: str, today: date) -> list[str]:
    return ["", "", "", name, "OTHER BUSINESS", "", "", "0000000000", "00000000", f"{rng.randint(10, 9999)} OAK AVE",
            "RIVERSIDE", rng.choice(("CA", "TX", "NY", "FL", "IL")), f"{rng.randint(10000, 99999)}",
            rng.choice(TYPES), _day(rng, today), "00000000", "00000000", ""]


def demo_leie(rng: random.Random, today: date) -> bytes:
    """The file's bytes: the header and its rows, as the OIG writes them (CSV, CRLF)."""
    chosen = list(Provider.objects.filter(user__isnull=True, npi__isnull=False).order_by("id")
                  .only("first_name", "last_name", "npi", "license_number", "specialization"))
    picked = rng.sample(chosen, min(len(chosen), EXCLUDED + POSSIBLE + REINSTATED))
    rows = [_business(rng, name, today) for name in BUSINESSES]
    rows += [_person(rng, p, today, npi=str(p.npi)) for p in picked[:EXCLUDED]]
    rows += [_person(rng, p, today, npi="0000000000") for p in picked[EXCLUDED:EXCLUDED + POSSIBLE]]
    rows += [_person(rng, p, today, npi=str(p.npi), reinstated=_day(rng, today))
             for p in picked[EXCLUDED + POSSIBLE:]]
    rng.shuffle(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def load_demo_leie(rng: random.Random, today: date) -> dict[str, int]:
    """Load the demo's LEIE file (a monitoring run with it); the flags it gave, by kind."""
    leie_load(stream=io.BytesIO(demo_leie(rng, today)), name="UPDATED-demo.csv", loaded_by="demo seed",
              published=today.replace(day=1))
    run = last_run()
    return {} if run is None else {f"screening flags ({kind})": n for kind, n in run.counts.items()}
