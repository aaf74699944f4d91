import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { planScan } from "../read/plan.ts";
import { scan } from "../read/scan.ts";
import { openTable } from "./table.ts";
import { formatInstant, parseInstant, tryParseInstant } from "./time.ts";

const BAD = [
  "",
  "now",
  "17/01/2019",
  "2019-13-01",
  "2019-02-30",
  "2019-01-17T25:00:00",
  "2019-01-17Z",
];

Deno.test("parseInstant() throws InputInvalid naming text that is not an instant", () => {
  for (const text of BAD) {
    assert.throws(
      () => parseInstant(text),
      (e) => e instanceof AzofError && e.code === "InputInvalid" && e.message.includes(`"${text}"`),
      text,
    );
    assert.equal(tryParseInstant(text), undefined, text);
  }
  assert.equal(
    formatInstant(parseInstant("2019-01-17T02:00:00+02:00")),
    "2019-01-17T00:00:00.000Z",
  );
});

Deno.test("scan() and planScan() refuse an asOf that is not ms since the epoch", async () => {
  const table = openTable("testdata", "prices");
  const snapshot = await table.snapshot();
  for (const asOf of ["2024-03-01", Number.NaN, 1.5, new Date(0)]) {
    const options = { asOf: asOf as unknown as number };
    assert.throws(() => planScan(snapshot, options), TypeError);
    await assert.rejects(() => scan(table, options), /Invalid asOf .*parseInstant/);
  }
});
