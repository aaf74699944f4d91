import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { fakeS3 } from "../store/fake_s3_test_util.ts";
import { LocalStore } from "../store/local.ts";
import { S3Store } from "../store/s3.ts";
import { openTable } from "../format/table.ts";
import { openEngine } from "./engine.ts";
import { createAsOfView, createViewOf } from "./relation.ts";
import { localPaths } from "./staging.ts";

const PRICES = new URL("../../testdata/", import.meta.url).pathname;

/** The sample table `prices` in a fake bucket, a store on it, and the data files it was asked for. */
async function pricesInS3(misread = false) {
  const fake = fakeS3("b");
  fake.misreadSuffixRanges = misread;
  const local = new LocalStore(PRICES);
  for (const entry of await local.list("prices/")) {
    if (!entry.key.includes("/expected/")) {
      fake.objects.set(`lake/${entry.key}`, await local.read(entry.key));
    }
  }
  const store = new S3Store("s3://b/lake", {
    config: { region: "us-east-1", endpoint: "http://s3.test", pathStyle: true },
    fetch: fake.fetch,
  });
  const dataReads = () =>
    fake.log.filter((l) => l.startsWith("GET ") && l.includes(".parquet"))
      .map((l) => l.split(" ")[1]!.replace("lake/prices/", ""));
  return { fake, store, table: openTable(store, "prices"), dataReads };
}

Deno.test("localPaths() copies only the files asked for, whole, once, and reuses copies", async () => {
  const { table, dataReads } = await pricesInS3();
  const dir = await Deno.makeTempDir();
  try {
    const files = ["year_2024_base.parquet", "year_2024_d1.parquet"];
    const paths = await localPaths(table, files, dir);
    assert.deepEqual(paths, files.map((f) => `${dir}/prices/${f}`));
    for (const [i, f] of files.entries()) {
      assert.deepEqual(await Deno.readFile(paths[i]!), await Deno.readFile(`${PRICES}prices/${f}`));
    }
    assert.deepEqual(dataReads().sort(), [...files].sort());
    assert.deepEqual(await localPaths(table, [files[1]!, files[1]!], dir), [paths[1], paths[1]]);
    assert.equal(dataReads().length, 2, "copies already there are not fetched again");
    assert.deepEqual([...Deno.readDirSync(`${dir}/prices`)].map((e) => e.name).sort(), files);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("localPaths() needs a staging folder for tables outside local folders, none for local ones", async () => {
  const { table } = await pricesInS3();
  await assert.rejects(
    () => localPaths(table, ["year_2024_base.parquet"], undefined),
    (e: unknown) =>
      e instanceof AzofError && e.code === "Unsupported" && /stagingDir/.test(e.message),
  );
  const [path] = await localPaths(
    openTable(PRICES, "prices"),
    ["year_2024_base.parquet"],
    undefined,
  );
  assert.equal(path, `${PRICES}prices/year_2024_base.parquet`);
});

Deno.test("localPaths() names a missing data file and leaves no partial copy", async () => {
  const { table } = await pricesInS3();
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => localPaths(table, ["year_2024_base.parquet", "gone.parquet"], dir),
      (e: unknown) =>
        e instanceof AzofError && e.code === "DataInvalid" &&
        e.message.startsWith("Cannot read data file gone.parquet of table prices: "),
    );
    const left = [...Deno.readDirSync(`${dir}/prices`)].map((e) => e.name);
    assert.ok(left.every((name) => !name.endsWith(".part")), left.join(", "));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a view of an s3:// table equals the view of the same table on disk at every instant", async () => {
  const { table, dataReads } = await pricesInS3();
  const dir = await Deno.makeTempDir();
  const engine = await openEngine({ threads: 1 });
  try {
    const instants = [undefined, Date.UTC(2023, 0, 1), Date.UTC(2023, 5, 30), Date.UTC(2024, 2, 1)];
    for (const asOf of instants) {
      const s3 = await createViewOf(engine.connection, table, {
        view: "s3",
        asOf,
        stagingDir: dir,
      });
      await createAsOfView(engine.connection, PRICES, "prices", { view: "disk", asOf });
      const rows = async (view: string) =>
        (await engine.connection.runAndReadAll(`SELECT * FROM ${view} ORDER BY key`)).getRows();
      assert.deepEqual(await rows("s3"), await rows("disk"), `as of ${asOf}`);
      for (const f of s3.plan.files) assert.ok(dataReads().includes(f.file), f.file);
    }
    const planned = new Set<string>();
    for (const asOf of instants) {
      const snapshot = await table.snapshot();
      const { planScan } = await import("../read/plan.ts");
      for (const f of planScan(snapshot, { asOf }).files) planned.add(f.file);
    }
    assert.deepEqual(new Set(dataReads()), planned, "only planned files were fetched, each once");
    assert.equal(dataReads().length, planned.size);
  } finally {
    engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("localPaths() copies a file bigger than a part in ranged parts, also from a server that misreads suffix ranges", async () => {
  for (const misread of [false, true]) {
    const { fake, table } = await pricesInS3(misread);
    const big = new Uint8Array(17 * 1024 * 1024 + 123).map((_, i) => (i * 13 + (i >> 12)) % 256);
    fake.objects.set("lake/prices/big.parquet", big);
    const dir = await Deno.makeTempDir();
    try {
      const [path] = await localPaths(table, ["big.parquet"], dir);
      assert.deepEqual(await Deno.readFile(path!), big);
      const gets = fake.log.filter((l) => l.startsWith("GET lake/prices/big.parquet"));
      assert.equal(gets.length, 3, gets.join("; "));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});
