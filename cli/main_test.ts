import assert from "node:assert/strict";
import { tableFromIPC } from "npm:apache-arrow@21.2.0";
import { parquetReadObjects } from "npm:hyparquet@1.31.5";
import { assertError, FIXTURE_SNAPSHOT, runCli, withFixture } from "./fixture_test_util.ts";

Deno.test("azof scan writes CSV by key with RFC 4180 quoting, exact ints and nulls as empty", async () => {
  await withFixture(async (root) => {
    const run = await runCli(["scan", "--path", root, "--table", "t"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      [
        "key,event_time,value,n",
        "a,2024-02-10T00:00:00.000Z,a1,2",
        'b,2024-01-01T00:00:00.000Z,"say ""hi"",\nbye",9007199254740993',
        "c,2024-03-05T00:00:00.000Z,,",
        "",
      ].join("\n"),
    );
  });
});

Deno.test("azof scan --as-of reads the table as the world was then", async (t) => {
  await withFixture(async (root) => {
    await t.step("before the first segment the table is empty", async () => {
      const run = await runCli([
        "scan",
        "-p",
        root,
        "-t",
        "t",
        "--as-of",
        "2023-12-31T23:59:59.999Z",
      ]);
      assert.equal(run.stdout, "key,event_time,value,n\n");
    });
    await t.step("a delta that starts later is not read", async () => {
      const run = await runCli([
        "scan",
        "-p",
        root,
        "-t",
        "t",
        "--as-of",
        "2024-01-31",
        "-c",
        "key,value",
      ]);
      assert.equal(run.stdout, 'key,value\na,a0\nb,"say ""hi"",\nbye"\n');
    });
    await t.step("rows after the instant are ignored within a read delta", async () => {
      const run = await runCli([
        "scan",
        "-p",
        root,
        "-t",
        "t",
        "--as-of",
        "2024-02-10T01:00:00+01:00",
        "-c",
        "key,n",
      ]);
      assert.equal(run.stdout, "key,n\na,2\nb,9007199254740993\n");
    });
    await t.step("--limit keeps the first keys", async () => {
      const run = await runCli(["scan", "-p", root, "-t", "t", "--limit", "1", "-c", "key"]);
      assert.equal(run.stdout, "key\na\n");
    });
  });
});

Deno.test("azof scan writes NDJSON, JSON, Parquet and Arrow that other readers load", async (t) => {
  await withFixture(async (root) => {
    await t.step("ndjson keeps int64 exact and null as null", async () => {
      const run = await runCli([
        "scan",
        "-p",
        root,
        "-t",
        "t",
        "-f",
        "ndjson",
        "-c",
        "key,n,value",
      ]);
      const lines = run.stdout.trimEnd().split("\n");
      assert.equal(lines.length, 3);
      assert.equal(lines[1], '{"key":"b","n":9007199254740993,"value":"say \\"hi\\",\\nbye"}');
      assert.deepEqual(JSON.parse(lines[2]!), { key: "c", n: null, value: null });
    });
    await t.step("json is one array", async () => {
      const run = await runCli([
        "scan",
        "-p",
        root,
        "-t",
        "t",
        "-f",
        "json",
        "-c",
        "key,event_time",
      ]);
      assert.deepEqual(JSON.parse(run.stdout), [
        { key: "a", event_time: "2024-02-10T00:00:00.000Z" },
        { key: "b", event_time: "2024-01-01T00:00:00.000Z" },
        { key: "c", event_time: "2024-03-05T00:00:00.000Z" },
      ]);
    });
    await t.step("parquet output reads back with hyparquet", async () => {
      const out = `${root}/out.parquet`;
      const run = await runCli(["scan", "-p", root, "-t", "t", "-o", out]);
      assert.equal(run.code, 0, run.stderr);
      const bytes = await Deno.readFile(out);
      const rows = await parquetReadObjects({ file: bytes.buffer });
      assert.deepEqual(
        rows.map((r) => [r.key, (r.event_time as Date).toISOString(), r.value, r.n]),
        [
          ["a", "2024-02-10T00:00:00.000Z", "a1", 2n],
          ["b", "2024-01-01T00:00:00.000Z", 'say "hi",\nbye', 9007199254740993n],
          ["c", "2024-03-05T00:00:00.000Z", null, null],
        ],
      );
    });
    await t.step("arrow output is an IPC stream with int64 and UTC timestamps", async () => {
      const run = await runCli(["scan", "-p", root, "-t", "t", "-f", "arrow"]);
      const table = tableFromIPC(run.bytes);
      assert.equal(table.numRows, 3);
      assert.equal(String(table.schema.fields[1]!.type), "Timestamp<MILLISECOND, UTC>");
      assert.deepEqual([...table.getChild("n")!.toArray()], [2n, 9007199254740993n, 0n]);
      assert.equal(table.getChild("n")!.get(2), null);
    });
  });
});

Deno.test("azof inspect shows the segment tree and the files an as-of read opens", async (t) => {
  await withFixture(async (root) => {
    await t.step("text", async () => {
      const run = await runCli(["inspect", "-p", root, "-t", "t", "--as-of", "2024-02-15"]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^table t at /);
      assert.match(run.stdout, /schema: key String, event_time DateTime, value String\?, n Int\?/);
      assert.match(run.stdout, /2024 {2}2024-01-01T00:00:00\.000Z \.\. open/);
      assert.match(run.stdout, /base {3}base\.parquet {2}2 rows/);
      assert.match(
        run.stdout,
        /opens 2 files, in order:\n {2}1\. delta\.parquet .*\n {2}2\. base\.parquet/,
      );
    });
    await t.step("json", async () => {
      const run = await runCli([
        "inspect",
        "-p",
        root,
        "-t",
        "t",
        "--as-of",
        "2024-01-15",
        "-f",
        "json",
      ]);
      const report = JSON.parse(run.stdout);
      assert.equal(report.snapshot, 1);
      assert.equal(report.totals.files, 2);
      assert.equal(report.totals.rows, 4);
      assert.equal(report.segments[0].deltas[0].rows, 2);
      assert.equal(report.segments[0].end, null);
      assert.deepEqual(report.plan.files.map((f: { file: string }) => f.file), ["base.parquet"]);
    });
  });
});

Deno.test("azof reports bad tables with one error line and exit code 1", async (t) => {
  await withFixture(async (root) => {
    const dir = `${root}/t`;
    await t.step("missing table", async () => {
      assertError(
        await runCli(["scan", "-p", root, "-t", "nope"]),
        1,
        /table nope.*no version\.txt/,
      );
    });
    await t.step("malformed version.txt", async () => {
      await Deno.writeTextFile(`${dir}/version.txt`, "one");
      assertError(
        await runCli(["scan", "-p", root, "-t", "t"]),
        1,
        /version\.txt must hold a snapshot number.*"one"/,
      );
      await Deno.writeTextFile(`${dir}/version.txt`, "1");
    });
    await t.step("version.txt naming a missing snapshot", async () => {
      await Deno.writeTextFile(`${dir}/version.txt`, "0");
      assertError(await runCli(["scan", "-p", root, "-t", "t"]), 1, /version\.txt/);
      await Deno.rename(`${dir}/s1.json`, `${dir}/s1.bak`);
      await Deno.writeTextFile(`${dir}/version.txt`, "1");
      assertError(await runCli(["scan", "-p", root, "-t", "t"]), 1, /s1\.json/);
      await Deno.rename(`${dir}/s1.bak`, `${dir}/s1.json`);
    });
    const withSnapshot = async (snapshot: unknown, mention: RegExp, args: string[] = []) => {
      await Deno.writeTextFile(
        `${dir}/s1.json`,
        typeof snapshot === "string" ? snapshot : JSON.stringify(snapshot),
      );
      try {
        assertError(await runCli(["scan", "-p", root, "-t", "t", ...args]), 1, mention);
      } finally {
        await Deno.writeTextFile(`${dir}/s1.json`, JSON.stringify(FIXTURE_SNAPSHOT));
      }
    };
    const segment = FIXTURE_SNAPSHOT.segments[0]!;
    await t.step("malformed JSON", () => withSnapshot("{ not json", /s1\.json: not valid JSON/));
    await t.step(
      "a field of the wrong type",
      () =>
        withSnapshot(
          { ...FIXTURE_SNAPSHOT, segments: [{ ...segment, start: 20240101 }] },
          /"start" of segment 2024 must be a string/,
        ),
    );
    await t.step("end before start", () =>
      withSnapshot(
        { ...FIXTURE_SNAPSHOT, segments: [{ ...segment, end: "2023-01-01T00:00:00.000Z" }] },
        /"end" is before "start" in segment 2024/,
      ));
    await t.step("a file name that escapes the table folder", async () => {
      await withSnapshot(
        { ...FIXTURE_SNAPSHOT, segments: [{ ...segment, file: "../x.parquet" }] },
        /inside the table folder.*\.\.\/x\.parquet/,
      );
      await withSnapshot(
        { ...FIXTURE_SNAPSHOT, segments: [{ ...segment, file: "/etc/passwd" }] },
        /inside the table folder/,
      );
    });
    await t.step(
      "a missing data file",
      () =>
        withSnapshot(
          { ...FIXTURE_SNAPSHOT, segments: [{ ...segment, file: "gone.parquet" }] },
          /data file gone\.parquet .*missing/,
        ),
    );
    await t.step("a data file that is not Parquet", async () => {
      await Deno.writeTextFile(`${dir}/junk.parquet`, "hello, not parquet at all");
      await withSnapshot(
        { ...FIXTURE_SNAPSHOT, segments: [{ ...segment, file: "junk.parquet" }] },
        /junk\.parquet .*not a Parquet file/,
      );
    });
    await t.step("a data file without event_time", async () => {
      const out = await runCli([
        "scan",
        "-p",
        root,
        "-t",
        "t",
        "-c",
        "key,value",
        "-o",
        `${dir}/noet.parquet`,
      ]);
      assert.equal(out.code, 0, out.stderr);
      await withSnapshot({
        ...FIXTURE_SNAPSHOT,
        segments: [{ ...segment, file: "noet.parquet", delta: [] }],
      }, /noet\.parquet: it has no "event_time" column/);
    });
  });
});

Deno.test("azof reports bad command lines with exit code 2", async (t) => {
  await withFixture(async (root) => {
    const cases: [string, string[], RegExp][] = [
      ["unknown column", ["-c", "key,nope"], /Unknown column "nope".*key, event_time, value, n/],
      [
        "bad --as-of",
        ["--as-of", "17/01/2019"],
        /Invalid --as-of "17\/01\/2019": expected YYYY-MM-DD/,
      ],
      ["impossible date", ["--as-of", "2019-02-30"], /Invalid --as-of/],
      ["bad --limit", ["--limit", "ten"], /Invalid --limit "ten"/],
      ["bad --format", ["-f", "xml"], /Invalid --format "xml": expected one of table, csv/],
      ["unknown flag", ["--frobnicate"], /Unknown flag --frobnicate for "azof scan"/],
      ["missing flag value", ["--as-of"], /--as-of needs a value/],
      ["snapshot that does not exist", ["--version", "9"], /s9\.json/],
    ];
    for (const [name, args, mention] of cases) {
      await t.step(name, async () => {
        assertError(await runCli(["scan", "-p", root, "-t", "t", ...args]), 2, mention);
      });
    }
    await t.step("missing --table", async () => {
      assertError(await runCli(["scan", "-p", root]), 2, /needs --table NAME/);
    });
    await t.step("unknown command", async () => {
      assertError(await runCli(["scna"]), 2, /Unknown command "scna" \(did you mean scan\?\)/);
    });
  });
});

Deno.test("azof --verbose adds a stack trace to errors", async () => {
  const run = await runCli(["scan", "-p", "/nonexistent", "-t", "t", "--verbose"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: /);
  assert.match(run.stderr, /\n\s+at /);
});

Deno.test("azof scan --output leaves no file behind when the scan fails", async () => {
  await withFixture(async (root) => {
    await Deno.writeTextFile(`${root}/t/base.parquet`, "corrupt");
    const out = `${root}/result.csv`;
    const run = await runCli(["scan", "-p", root, "-t", "t", "-o", out]);
    assert.equal(run.code, 1);
    const left = [...Deno.readDirSync(root)].map((e) => e.name).filter((n) =>
      n.startsWith("result")
    );
    assert.deepEqual(left, []);
  });
});

Deno.test("azof --help, help <cmd> and --version print to stdout and exit 0", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: azof <command>/);
  assert.match(help.stdout, /scan +Read a table as of an event-time instant/);
  const scanHelp = await runCli(["help", "scan"]);
  assert.match(scanHelp.stdout, /Usage: azof scan --table NAME/);
  assert.equal(
    (await runCli(["inspect", "--help"])).stdout,
    (await runCli(["help", "inspect"])).stdout,
  );
  assert.match((await runCli(["--version"])).stdout, /^azof \d+\.\d+\.\d+\n$/);
});
