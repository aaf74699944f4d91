import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { liftTimeTravel } from "./time_travel.ts";
import { tokenize } from "./tokens.ts";

const JAN17 = Date.UTC(2019, 0, 17);

Deno.test("tokenize() gives the query back and keeps strings, identifiers and comments whole", () => {
  const sql = `SELECT 'it''s AT (x)', "a""b", $$AT ('y')$$ -- AT ('z')\n/* AT ('w') */ FROM t`;
  const tokens = tokenize(sql);
  assert.equal(tokens.map((t) => t.text).join(""), sql);
  assert.deepEqual(tokens.filter((t) => t.kind === "string").map((t) => t.text), [
    "'it''s AT (x)'",
    "$$AT ('y')$$",
  ]);
  assert.deepEqual(tokens.filter((t) => t.kind === "quoted").map((t) => t.text), ['"a""b"']);
  assert.equal(tokens.filter((t) => t.kind === "comment").length, 2);
});

Deno.test("liftTimeTravel() lifts each clause form and replaces the table name", async (t) => {
  const forms: [string, { asOf?: number; version?: number }][] = [
    ["AT ('2019-01-17T00:00:00.000Z')", { asOf: JAN17 }],
    ["at('2019-01-17')", { asOf: JAN17 }],
    ["FOR SYSTEM_TIME AS OF '2019-01-17T01:00:00+01:00'", { asOf: JAN17 }],
    ["AT (TIMESTAMP => '2019-01-17 00:00:00')", { asOf: JAN17 }],
    ["AT (VERSION => 3)", { version: 3 }],
  ];
  for (const [clause, expected] of forms) {
    await t.step(clause, () => {
      const lifted = liftTimeTravel(`SELECT * FROM financials ${clause} WHERE x = 1`);
      assert.equal(lifted.refs.length, 1);
      const ref = lifted.refs[0]!;
      assert.equal(ref.table, "financials");
      assert.equal(ref.asOf, expected.asOf);
      assert.equal(ref.version, expected.version);
      assert.equal(ref.clause, clause);
      assert.equal(lifted.text(), `SELECT * FROM ${ref.placeholder}   WHERE x = 1`);
      assert.equal(
        lifted.text(new Set([ref.placeholder])),
        `SELECT * FROM ${ref.placeholder} AS "financials"   WHERE x = 1`,
      );
    });
  }
});

Deno.test("liftTimeTravel() finds the table before or after an alias", async (t) => {
  const cases = [
    `SELECT * FROM fin AT ('2019-01-17') a JOIN fin b AT ('2019-01-17') ON a.k = b.k`,
    `SELECT * FROM fin AS a AT ('2019-01-17'), "fin" AT ('2019-01-17') AS b`,
    `SELECT * FROM (SELECT 1) x LEFT JOIN fin a AT ('2019-01-17') USING (k), fin AT ('2019-01-17') b`,
  ];
  for (const sql of cases) {
    await t.step(sql, () => {
      const lifted = liftTimeTravel(sql);
      assert.deepEqual(lifted.refs.map((r) => r.table), ["fin", "fin"]);
      const text = lifted.text();
      assert.ok(!/fin/.test(text.replaceAll(/__azof_tt_\d/g, "")), text);
      assert.ok(!/AT \(/.test(text), text);
    });
  }
});

Deno.test("liftTimeTravel() leaves strings, comments and AT TIME ZONE alone", () => {
  const sql = `SELECT ts AT TIME ZONE 'UTC', 'x AT (''2019'')' -- t AT ('2019')
FROM t /* t AT ('2019') */`;
  const lifted = liftTimeTravel(sql);
  assert.equal(lifted.refs.length, 0);
  assert.equal(lifted.text(), sql);
});

Deno.test("liftTimeTravel() picks a placeholder the query does not contain", () => {
  const lifted = liftTimeTravel(`SELECT '__azof_tt_1' FROM t AT ('2019-01-17')`);
  assert.ok(!lifted.refs[0]!.placeholder.startsWith("__azof_tt_1"));
});

Deno.test("liftTimeTravel() maps offsets of the rewritten text back to the query", () => {
  const sql = "SELECT * FROM financials AT ('2019-01-17') WHER x";
  const lifted = liftTimeTravel(sql);
  const text = lifted.text();
  assert.equal(lifted.originalOffset(text.indexOf("WHER")), sql.indexOf("WHER"));
  assert.equal(lifted.originalOffset(text.indexOf("x")), sql.indexOf("x"));
});

Deno.test("liftTimeTravel() refuses bad time literals and malformed clauses with a position", async (t) => {
  const cases: [string, RegExp][] = [
    ["SELECT * FROM f AT ('2019-13-01')", /Invalid time '2019-13-01' after f at line 1, column 21/],
    ["SELECT * FROM f AT ('yesterday')", /expected YYYY-MM-DD/],
    ["SELECT * FROM f\n  AT (VERSION => 0)", /line 2, column 3: expected AT \(VERSION => n\)/],
    ["SELECT * FROM f AT (VERSION => '2')", /snapshot number/],
    ["SELECT * FROM f AT (SOMETIME => '2019-01-01')", /Invalid time-travel clause/],
    ["SELECT * FROM f AT ('2019-01-01'", /Invalid time-travel clause/],
    ["SELECT * FROM f FOR SYSTEM_TIME '2019-01-01'", /FOR SYSTEM_TIME AS OF/],
  ];
  for (const [sql, message] of cases) {
    await t.step(sql, () => {
      assert.throws(() => liftTimeTravel(sql), (error: unknown) => {
        assert.ok(error instanceof AzofError && error.code === "InputInvalid");
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
