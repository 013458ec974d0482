"""Column contracts: one declared schema per table, applied to every frame written or loaded.

A contract is a ``dagster.TableSchema`` (shown in the UI as the asset's column schema) whose
column types are the logical types below. ``conform`` returns the frame with exactly the
contract's columns, in its order, with its dtypes, or raises ``ContractViolation``: a missing or
extra column, a lossy cast (1.5 into an integer, text into a number) or a NULL in a non-nullable
column. Nothing is coerced silently, so a reordered frame can never swap values.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd

# logical type -> (DuckDB type, BigQuery type, pandas dtype)
LOGICAL_TYPES = {
    "date": ("DATE", "DATE", "datetime64[ns]"),
    "timestamp": ("TIMESTAMP", "TIMESTAMP", "datetime64[ns]"),
    "string": ("VARCHAR", "STRING", "object"),
    "int64": ("BIGINT", "INT64", "Int64"),
    "float64": ("DOUBLE", "FLOAT64", "float64"),
    "bool": ("BOOLEAN", "BOOL", "boolean"),
}


class ContractViolation(ValueError):
    """A frame that does not match its table's declared columns."""


def column(
    name: str, logical_type: str, nullable: bool = True, description: str | None = None
) -> dg.TableColumn:
    if logical_type not in LOGICAL_TYPES:
        raise ValueError(f"unknown logical type {logical_type!r} for column {name!r}")
    return dg.TableColumn(
        name,
        logical_type,
        description=description,
        constraints=dg.TableColumnConstraints(nullable=nullable),
    )


def described_by(shared: dict[str, str]):
    """``column`` whose description defaults to ``shared[name]``: a column that means the same
    in every table of a module (a date, an id, a box-score count) is described once, and one
    that is neither described nor shared fails at import, so no column reaches the UI blank."""

    def described(
        name: str, logical_type: str, nullable: bool = True, description: str | None = None
    ) -> dg.TableColumn:
        if description is None and name not in shared:
            raise ValueError(f"column {name!r} has no description and no shared one")
        return column(name, logical_type, nullable, description or shared[name])

    return described


def schema(*columns: dg.TableColumn) -> dg.TableSchema:
    names = [c.name for c in columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"duplicate columns in contract: {duplicated}")
    return dg.TableSchema(columns=list(columns))


def _fail(
    table: str, name: str, problem: str, values: pd.Series, bad: pd.Series
) -> ContractViolation:
    label = bad[bad].index[0]
    return ContractViolation(
        f"{table}.{name}: {problem} (row {label}, value {values[label]!r}; {int(bad.sum())} rows)"
    )


def _cast(values: pd.Series, logical_type: str, table: str, name: str) -> pd.Series:
    dtype = values.dtype
    present = values.notna()
    if logical_type in ("date", "timestamp"):
        if pd.api.types.is_datetime64_any_dtype(dtype):
            if getattr(dtype, "tz", None) is not None:
                raise ContractViolation(
                    f"{table}.{name}: timezone-aware timestamps are not allowed ({dtype})"
                )
            out = values.astype("datetime64[ns]")
        elif pd.api.types.is_object_dtype(dtype):
            is_date = values.map(lambda v: v is None or v is pd.NaT or hasattr(v, "year"))
            if not is_date.all():
                raise _fail(table, name, f"expected {logical_type} values", values, ~is_date)
            out = pd.to_datetime(values).astype("datetime64[ns]")
        else:
            raise ContractViolation(f"{table}.{name}: expected {logical_type}, found dtype {dtype}")
        if logical_type == "date":
            has_time = present & (out != out.dt.normalize())
            if has_time.any():
                raise _fail(table, name, "date with a time of day", values, has_time)
        return out
    if logical_type == "string":
        if pd.api.types.infer_dtype(values[present], skipna=False) in ("string", "empty"):
            return values.astype("object").where(present, None)
        is_text = values.map(lambda v: isinstance(v, str)) | ~present
        if not is_text.all():
            raise _fail(table, name, "expected text", values, ~is_text)
        return values.astype("object").where(present, None)
    if logical_type == "bool":
        if pd.api.types.is_bool_dtype(dtype):
            return values.astype("boolean")
        is_bool = values.map(lambda v: isinstance(v, bool)) | ~present
        if pd.api.types.is_object_dtype(dtype) and is_bool.all():
            return values.astype("boolean")
        raise ContractViolation(f"{table}.{name}: expected bool, found dtype {dtype}")
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        raise ContractViolation(f"{table}.{name}: expected {logical_type}, found dtype {dtype}")
    if logical_type == "float64":
        return values.astype("float64")
    if pd.api.types.is_float_dtype(dtype):
        fractional = present & (values.fillna(0) % 1 != 0)
        if fractional.any():
            raise _fail(table, name, "non-integral value for an int64 column", values, fractional)
    return values.astype("Int64")


def conform(frame: pd.DataFrame, contract: dg.TableSchema, table: str) -> pd.DataFrame:
    """``frame`` with exactly the contract's columns, order and dtypes, or ``ContractViolation``."""
    names = [c.name for c in contract.columns]
    missing = [n for n in names if n not in frame.columns]
    extra = [c for c in frame.columns if c not in names]
    if missing or extra:
        raise ContractViolation(
            f"{table}: columns differ from the contract (missing {missing}, unexpected {extra})"
        )
    out = {}
    for col in contract.columns:
        values = _cast(frame[col.name], col.type, table, col.name)
        if not col.constraints.nullable and values.isna().any():
            raise _fail(
                table, col.name, "NULL in a non-nullable column", frame[col.name], values.isna()
            )
        out[col.name] = values
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


def contract_of(metadata: dict, table: str) -> dg.TableSchema:
    """The ``dagster/column_schema`` an asset declares; a table without one cannot be written."""
    contract = metadata.get("dagster/column_schema")
    if contract is None:
        raise ContractViolation(
            f"{table}: no column contract declared (metadata 'dagster/column_schema')"
        )
    return getattr(contract, "schema", contract)


def warehouse_type(col: dg.TableColumn, warehouse: str) -> str:
    duckdb_type, bigquery_type, _ = LOGICAL_TYPES[col.type]
    return duckdb_type if warehouse == "duckdb" else bigquery_type


def empty(contract: dg.TableSchema) -> pd.DataFrame:
    """A frame with no rows and exactly the contract's columns and dtypes."""
    return pd.DataFrame(
        {c.name: pd.Series(dtype=LOGICAL_TYPES[c.type][2]) for c in contract.columns}
    )
