"""Driver records: one folder per driver, plus the catalog of names."""
