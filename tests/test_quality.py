"""The frames the GX gates validate: what DuckDB hands over, in the types GX checks quickly."""

from decimal import Decimal

import pyarrow as pa

from lumbung import quality


def test_chunks_reach_gx_with_int64_and_float64_columns_and_the_same_values():
    """GX compares values one by one in Python unless a column is int64 or float64: a DECIMAL
    amount and an INTEGER year are widened, nothing else changes, and a NULL stays missing."""
    table = pa.table({
        "value": pa.array([Decimal("3552000000.0000"), Decimal("-0.0001"), None], pa.decimal128(24, 4)),
        "year": pa.array([2024, 2023, None], pa.int32()),
        "fact_id": pa.array([1, 2, 3], pa.int64()),
        "metric": pa.array(["budget", "budget", "indicator"]),
    })
    frame = quality._to_pandas(table)
    assert [str(t) for t in frame.dtypes[["value", "year", "fact_id"]]] == ["float64", "float64", "int64"]
    assert frame["value"].tolist()[:2] == [3552000000.0, -0.0001] and frame["value"].isna().tolist()[2]
    assert frame["year"].tolist()[:2] == [2024, 2023] and frame["metric"].tolist() == ["budget", "budget", "indicator"]
    assert str(quality._to_pandas(table.slice(0, 2))["year"].dtype) == "int64"
