import assert from "node:assert/strict";
import { parseArgs as nodeParseArgs } from "node:util";
import { parseArgs } from "./parse_args.ts";

const OPTIONS = {
  format: { type: "string", short: "f" },
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  key: { type: "string", multiple: true },
  flag: { type: "boolean", multiple: true },
  "as-of": { type: "string" },
  "no-progress": { type: "boolean" },
} as const;

/** Arguments that exercise every rule: groups, inline values, dashes, unknown and odd names. */
const WORDS = [
  "--format",
  "csv",
  "-f",
  "-fcsv",
  "-f-x",
  "-qv",
  "-qf",
  "-vqfcsv",
  "-qx",
  "-xq",
  "--quiet=1",
  "--format=-x",
  "--format=",
  "-x",
  "--unknown",
  "--unknown=1",
  "--",
  "-",
  "pos",
  "--key",
  "a",
  "--key=b",
  "-5",
  "--as-of",
  "--no-progress",
  "--__proto__",
  "--flag",
  "-q",
  "-v",
  "--=x",
  "---x",
  "it's",
  "--constructor",
  "-",
  "--flag=",
  "-qq",
];

function outcome(parse: () => { values: object; positionals: string[] }) {
  try {
    const { values, positionals } = parse();
    return { values: { ...values }, positionals, proto: Object.getPrototypeOf(values) };
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
}

function check(args: string[], allowPositionals: boolean): void {
  const ours = outcome(() => parseArgs({ args, options: OPTIONS, allowPositionals }));
  const node = outcome(() =>
    nodeParseArgs({ args, options: OPTIONS, strict: true, allowPositionals })
  );
  assert.deepEqual(
    ours,
    node,
    `args ${JSON.stringify(args)}, allowPositionals ${allowPositionals}`,
  );
}

Deno.test("parseArgs() agrees with node:util's strict parseArgs", async (t) => {
  await t.step("on each word alone and each pair", () => {
    for (const a of WORDS) {
      for (const allow of [false, true]) {
        check([a], allow);
        for (const b of WORDS) check([a, b], allow);
      }
    }
  });
  await t.step("on 20,000 random command lines of up to 6 words", () => {
    let seed = 12345;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const args = Array.from({ length: next(7) }, () => WORDS[next(WORDS.length)]!);
      check(args, next(2) === 1);
    }
  });
});
