"""Pure basketball logic: parsing, formulas and table builders. No Dagster imports."""
