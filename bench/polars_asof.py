"""The as-of answer computed by polars, beside DuckDB's (bench/duckdb_asof.ts), from the same job
file the benchmarks write (bench/out/*/job_*.json: the data files in plan order, the instant, the
columns): per key the newest row with event_time <= T, a tie to the earlier file in plan order,
then to the later row; a deleted winner dropped; rows in key (UTF-8 byte) order; CSV as azof writes
it. Usage: python bench/polars_asof.py JOB.json OUT.csv (needs polars; the test venv has it)."""
import json, sys, time
import polars as pl
job = json.load(open(sys.argv[1]))
t0 = time.time()
frames = []
for rank, f in enumerate(job["files"]):
    lf = pl.scan_parquet(f).with_row_index("_row").with_columns(pl.lit(rank).alias("_rank"))
    frames.append(lf)
lf = pl.concat(frames, how="diagonal_relaxed")
T = job["asOf"]
lf = lf.filter(pl.col("event_time").dt.epoch("ms") <= T)
lf = lf.sort(["key", "event_time", "_rank", "_row"], descending=[False, True, False, True])
lf = lf.group_by("key", maintain_order=True).first()
if "_deleted" in lf.collect_schema().names():
    lf = lf.filter(~pl.col("_deleted").fill_null(False))
cols = ["key", "event_time"] + [c["name"] for c in job["columns"]]
df = lf.select(cols).collect()
df.write_csv(sys.argv[2], datetime_format="%Y-%m-%dT%H:%M:%S%.3fZ")
print(f"{time.time()-t0:.2f} s, {df.height} rows", file=sys.stderr)
