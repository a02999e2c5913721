"""Demo data: the seed's lists (names, places, careers), the providers and activity drawn from them, the
seeding of a database (seeding.py) and its reset (reset.py)."""
