"""Record the seed guide's backend: run the scenario of tools/seed_calls.py and rewrite the fixture.

    /work/seed-backend/start.sh 8011      # or any fresh instance, as docs/api.md says
    python -m tools.seed_record --api http://127.0.0.1:8011/api/v1 --superuser-password PASSWORD

The instance must be fresh (an empty database with one `createsuperuser` account, admin@seed.local,
username seedadmin, named Seed Admin): the scenario registers its provider and expects to be the
first. The answers go to tests/fixtures/seed_backend/answers.json (tokens replaced by "<jwt>"),
which the stand-in's tests compare it with (tests/test_seed_stand_in.py).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from tools.seed_calls import Scenario, dumps

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seed_backend" / "answers.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="the instance's API root, e.g. http://127.0.0.1:8011/api/v1")
    parser.add_argument("--superuser-password", required=True, help="the password of admin@seed.local")
    parser.add_argument("--out", type=Path, default=FIXTURE)
    options = parser.parse_args()
    answers = Scenario(options.api.rstrip("/"), options.superuser_password).run()
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(dumps(answers), encoding="utf-8")
    for answer in answers:
        print(f"{answer['status']} {answer['content_type']:<16} {answer['name']}")
    print(f"{len(answers)} answers written to {options.out}")


if __name__ == "__main__":
    main()
