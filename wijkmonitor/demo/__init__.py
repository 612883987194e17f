"""Demo data: seeded, documented generators of synthetic monitor data."""
