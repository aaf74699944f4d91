/**
 * `azof write` refuses invalid UTF-8 and over-long lines with one `error:` line naming the line (and
 * column), exit code 1, and the table byte for byte as it was: from standard input, from a small
 * file, and from a large file parsed on the worker thread.
 */

import assert from "node:assert/strict";
import { assertError, folderHashes, runCli, withFixture } from "./fixture_test_util.ts";
import { MAX_RECORD_BYTES } from "../lib/input/record_limit.ts";

const enc = (s: string) => new TextEncoder().encode(s);

function bytes(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  const arrays = parts.map((p) => typeof p === "string" ? enc(p) : new Uint8Array(p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Runs `azof write` on table `t`, asserting it fails with `mention` and leaves the table as it was. */
async function refused(
  root: string,
  args: string[],
  stdin: Uint8Array | undefined,
  mention: RegExp,
): Promise<void> {
  const before = await folderHashes(root);
  const run = await runCli(["write", "-p", root, "-t", "t", "-q", ...args], {
    ...(stdin ? { stdin } : {}),
    timeout: 60_000,
  });
  assertError(run, 1, mention);
  assert.deepEqual(await folderHashes(root), before);
}

Deno.test("azof write refuses invalid UTF-8 naming line and column", async (t) => {
  await withFixture(async (root) => {
    await t.step("CSV on standard input", async () => {
      const input = bytes(
        "key,event_time,value,n\nk,2024-05-01,x,1\nm,2024-05-02,a",
        [0xff],
        ",2\n",
      );
      await refused(
        root,
        ["-i", "-"],
        input,
        /^error: Cannot write: line 3, column "value": invalid UTF-8 \(byte 0xff\)$/,
      );
    });
    await t.step("NDJSON on standard input", async () => {
      const input = bytes('{"key":"k","event_time":"2024-05-01","value":"', [0xc0, 0x80], '"}\n');
      await refused(
        root,
        ["-i", "-", "--input-format", "ndjson"],
        input,
        /^error: Cannot write: line 1, byte 47: invalid UTF-8 \(byte 0xc0\)$/,
      );
    });
    await t.step("a CSV file of 9 MiB, on the worker, the bad byte near the end", async () => {
      const rows: string[] = ["key,event_time,value,n\n"];
      let size = rows[0]!.length;
      for (let i = 0; size < 9 << 20; i++) {
        const row = `k${i},2024-05-01T00:00:00.000Z,v${i},${i}\n`;
        rows.push(row);
        size += row.length;
      }
      const path = `${root}/big.csv`;
      await Deno.writeFile(path, bytes(rows.join(""), "z,2024-05-01,caf", [0xe9], ",1\n"));
      await refused(
        root,
        ["-i", path],
        undefined,
        new RegExp(`line ${rows.length + 1}, column "value": invalid UTF-8 \\(byte 0xe9\\)$`),
      );
      await Deno.remove(path);
    });
  });
});

Deno.test("azof write refuses a line longer than 16 MiB quickly", async (t) => {
  await withFixture(async (root) => {
    const long = "x".repeat(MAX_RECORD_BYTES);
    await t.step("CSV", async () => {
      const input = enc(`key,event_time,value,n\nk,2024-05-01,x,1\nm,2024-05-01,${long},2\n`);
      await refused(
        root,
        ["-i", "-"],
        input,
        /^error: Cannot write: line 3, the line is longer than 16 MiB \(the limit of one line\)$/,
      );
    });
    await t.step("NDJSON", async () => {
      const input = enc(`{"key":"k","event_time":"2024-05-01"}\n{"key":"${long}"}\n`);
      await refused(
        root,
        ["-i", "-", "--input-format", "ndjson"],
        input,
        /^error: Cannot write: line 2, the line is longer than 16 MiB \(the limit of one line\)$/,
      );
    });
  });
});
