/**
 * The upstream crate's scan assertions (crates/azof/src/lakehouse.rs, `mod tests`) reproduced on
 * its test tables table0, table1 and table2, read from ../shared/upstream-testdata.
 */

import assert from "node:assert/strict";
import { scan, type ScanOptions } from "./scan.ts";
import { openTable } from "../format/table.ts";
import { type Cell, scanRows } from "../testing/cells.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../testing/upstream.ts";
import { within } from "../testing/deadline.ts";

const JAN_1 = Date.UTC(2024, 0, 1);

/**
 * Scans an upstream table and returns its rows as cells plus the output column names, having
 * checked that a read through sorted runs of one row (its files are not key-ordered) gives them too,
 * sorted on one thread and on two.
 */
async function read(table: string, options: ScanOptions = {}) {
  const result = await scan(openTable(UPSTREAM_ROOT, table), options);
  const rows = await scanRows(result);
  for (const sortThreads of [1, 2]) {
    const runs = await within(
      `a scan of ${table} sorting on ${sortThreads} threads`,
      async () =>
        await scanRows(
          await scan(openTable(UPSTREAM_ROOT, table), {
            ...options,
            sortBudgetRows: 1,
            sortThreads,
          }),
        ),
      60_000,
    );
    assert.deepEqual(runs, rows, `${table} through sorted runs on ${sortThreads} threads`);
  }
  return { names: result.columns.map((c) => c.name), rows };
}

/** One column of rows, sorted like the upstream tests' `sort_by_column`. */
function column(rows: Cell[][], index: number): Cell[] {
  return rows.map((r) => r[index]!);
}

function sortedBy(rows: Cell[][], index: number): Cell[][] {
  return rows.toSorted((a, b) => {
    const x = a[index]!;
    const y = b[index]!;
    return x! < y! ? -1 : x! > y! ? 1 : 0;
  });
}

Deno.test({
  name: upstreamTestName("scan() of table0 reads one segment and its delta", "table0"),
  ignore: !hasUpstreamTable("table0"),
  async fn(t) {
    await t.step("current state has the delta's updates and its new key", async () => {
      const { names, rows } = await read("table0");
      assert.deepEqual(names, ["key", "event_time", "value"]);
      assert.deepEqual(column(rows, 0), ["1", "2", "3"]);
      assert.deepEqual(column(rows, 2), ["abc2", "xyz2", "www2"]);
    });
    await t.step("as of 2024-02-17 only the earlier delta rows count", async () => {
      const { rows } = await read("table0", { asOf: Date.UTC(2024, 1, 17) });
      assert.deepEqual(column(rows, 0), ["1", "2"]);
      assert.deepEqual(column(rows, 2), ["abc2", "xyz"]);
    });
  },
});

Deno.test({
  name: upstreamTestName("scan() of table1 resolves several updates across deltas", "table1"),
  ignore: !hasUpstreamTable("table1"),
  async fn(t) {
    await t.step("current state takes each key's latest event", async () => {
      const { rows } = await read("table1");
      assert.deepEqual(column(rows, 0), ["1", "2"]);
      assert.deepEqual(column(rows, 2), ["abc4", "xyz3"]);
    });
    await t.step("as of 2024-06-01 the second delta's rows at that instant count", async () => {
      const { rows } = await read("table1", { asOf: Date.UTC(2024, 5, 1) });
      assert.deepEqual(column(rows, 0), ["1", "2"]);
      assert.deepEqual(column(rows, 2), ["abc3", "xyz2"]);
    });
    await t.step("as of 2024-02-01 only key 1 exists", async () => {
      const { rows } = await read("table1", { asOf: Date.UTC(2024, 1, 1) });
      assert.deepEqual(column(rows, 0), ["1"]);
      assert.deepEqual(column(rows, 2), ["abc2"]);
    });
  },
});

Deno.test({
  name: upstreamTestName("scan() of table2 reads String, Int, Boolean and DateTime", "table2"),
  ignore: !hasUpstreamTable("table2"),
  async fn(t) {
    await t.step("current state, all columns", async () => {
      const { names, rows } = await read("table2");
      assert.deepEqual(names, ["key", "event_time", "value1", "value2", "is_active", "created"]);
      assert.deepEqual(rows.map((r) => [r[0], ...r.slice(2)]), [
        ["1", "abc2", "100", true, JAN_1],
        ["2", "xyz2", "222", false, JAN_1],
        ["3", "www2", "300", false, Date.UTC(2024, 2, 1)],
      ]);
    });
    await t.step("as of 2024-02-17, all columns", async () => {
      const { rows } = await read("table2", { asOf: Date.UTC(2024, 1, 17) });
      assert.deepEqual(rows.map((r) => [r[0], ...r.slice(2)]), [
        ["1", "abc2", "100", true, JAN_1],
        ["2", "xyz", "200", false, JAN_1],
      ]);
    });
    await t.step("Int values are exact bigints", async () => {
      const result = await scan(openTable(UPSTREAM_ROOT, "table2"), { columns: ["value2"] });
      const values: unknown[] = [];
      for await (const batch of result.batches) values.push(...batch.columns[0]!.values);
      assert.deepEqual(values, [100n, 222n, 300n]);
    });
  },
});

Deno.test({
  name: upstreamTestName("scan() of table2 projects the requested columns only", "table2"),
  ignore: !hasUpstreamTable("table2"),
  async fn(t) {
    await t.step("key, event_time and one value column", async () => {
      const { names, rows } = await read("table2", {
        columns: ["key", "event_time", "value1"],
      });
      assert.deepEqual(names, ["key", "event_time", "value1"]);
      assert.deepEqual(column(rows, 0), ["1", "2", "3"]);
      assert.deepEqual(column(rows, 2), ["abc2", "xyz2", "www2"]);
    });
    await t.step("key only", async () => {
      const { names, rows } = await read("table2", { columns: ["key"] });
      assert.deepEqual(names, ["key"]);
      assert.deepEqual(rows, [["1"], ["2"], ["3"]]);
    });
    await t.step("event_time only", async () => {
      const { names, rows } = await read("table2", { columns: ["event_time"] });
      assert.deepEqual(names, ["event_time"]);
      assert.deepEqual(column(sortedBy(rows, 0), 0), [1706745600000, 1708387200000, 1710028800000]);
    });
    await t.step("event_time, a Boolean and a DateTime", async () => {
      const { names, rows } = await read("table2", {
        columns: ["event_time", "is_active", "created"],
      });
      assert.deepEqual(names, ["event_time", "is_active", "created"]);
      assert.deepEqual(
        new Set(rows.map((r) => JSON.stringify(r))),
        new Set([
          JSON.stringify([1706745600000, true, 1704067200000]),
          JSON.stringify([1708387200000, false, 1704067200000]),
          JSON.stringify([1710028800000, false, 1709251200000]),
        ]),
      );
    });
    await t.step("one value column, in the order asked", async () => {
      const { names, rows } = await read("table2", { columns: ["value1"] });
      assert.deepEqual(names, ["value1"]);
      assert.deepEqual(column(sortedBy(rows, 0), 0), ["abc2", "www2", "xyz2"]);
    });
    await t.step("columns come out in the order asked, not schema order", async () => {
      const { names, rows } = await read("table2", { columns: ["created", "key", "value2"] });
      assert.deepEqual(names, ["created", "key", "value2"]);
      assert.deepEqual(rows[0], [JAN_1, "1", "100"]);
    });
  },
});
