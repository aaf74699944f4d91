import assert from "node:assert/strict";
import { runCli } from "./fixture_test_util.ts";
import {
  S3RVER_BUCKET,
  S3RVER_ENDPOINT,
  S3RVER_SKIP,
  s3rverEnv,
  s3rverRoot,
  s3rverTestName,
} from "../lib/testing/s3rver.ts";

const _DATA = new URL("../testdata/", import.meta.url).pathname;

Deno.test({
  name: s3rverTestName(
    "azof create, write, history, scan, inspect, compact and vacuum work on s3:// and match the same commands locally",
  ),
  ignore: S3RVER_SKIP !== undefined,
  fn: async () => {
    const env = s3rverEnv(S3RVER_ENDPOINT!);
    const s3 = s3rverRoot("cli");
    const local = await Deno.makeTempDir({ prefix: "azof-s3-cli-" });
    try {
      const steps: string[][] = [
        ["create", "-t", "rates", "--schema", "rate:Float,note:String?", "--segment", "P1Y,P3M"],
        ["write", "-t", "rates", "-i", `${_DATA}rates.csv`],
        ["write", "-t", "rates", "-i", `${_DATA}rates_fix.ndjson`],
      ];
      for (const args of steps) {
        for (const path of [s3, local]) {
          const run = await runCli([...args, "-p", path], { env });
          assert.equal(run.code, 0, run.stderr);
        }
      }
      const reads: string[][] = [
        ["scan", "-t", "rates", "-f", "csv"],
        ["scan", "-t", "rates", "--as-of", "2024-03-31", "-f", "csv"],
        ["scan", "-t", "rates", "--as-of", "2024-03-31", "--version", "2", "-f", "csv"],
        ["scan", "-t", "rates", "--as-of", "2024-01-19", "-f", "ndjson"],
      ];
      const answers = new Map<string, string>();
      for (const args of reads) {
        const [a, b] = [
          await runCli([...args, "-p", s3], { env }),
          await runCli([...args, "-p", local]),
        ];
        assert.equal(a.code, 0, a.stderr);
        assert.equal(a.stdout, b.stdout, args.join(" "));
        answers.set(args.join(" "), a.stdout);
      }
      const history = await runCli(["history", "-t", "rates", "-p", s3, "-f", "json"], { env });
      assert.deepEqual(
        JSON.parse(history.stdout).snapshots.map((s: { operation: string }) => s.operation),
        [
          "create",
          "write",
          "write",
        ],
      );
      const inspect = await runCli(["inspect", "-t", "rates", "-p", s3, "-f", "json"], { env });
      assert.equal(JSON.parse(inspect.stdout).totals.rows, 8);
      for (const path of [s3, local]) {
        const run = await runCli(["compact", "-t", "rates", "-p", path, "--force"], { env });
        assert.equal(run.code, 0, run.stderr);
      }
      for (const args of reads) {
        const [a, b] = [
          await runCli([...args, "-p", s3], { env }),
          await runCli([...args, "-p", local]),
        ];
        assert.equal(a.code, 0, a.stderr);
        assert.equal(a.stdout, b.stdout, `after compact: ${args.join(" ")}`);
        assert.equal(a.stdout, answers.get(args.join(" ")), `compact kept ${args.join(" ")}`);
      }
      const vacuums = [];
      for (const path of [s3, local]) {
        const run = await runCli(
          ["vacuum", "-t", "rates", "-p", path, "--keep", "1", "--grace", "0", "-f", "json"],
          { env },
        );
        assert.equal(run.code, 0, run.stderr);
        const { remove, referenced } = JSON.parse(run.stdout);
        // Data file names hold a random id: compare what is removed and why, not the ids.
        const removed = remove.map((r: { file: string }) =>
          JSON.stringify({ ...r, file: r.file.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, "ID") })
        );
        vacuums.push({ remove: removed.sort(), referenced, files: remove });
      }
      assert.deepEqual(vacuums[0]!.remove, vacuums[1]!.remove);
      assert.deepEqual(vacuums[0]!.referenced, vacuums[1]!.referenced);
      assert.deepEqual(
        vacuums[0]!.files.map((r: { file: string }) => r.file).filter((f: string) =>
          f.endsWith(".json")
        ),
        ["s1.json", "s2.json", "s3.json"],
      );
      for (const args of [["-f", "csv"], ["--version", "2"]]) {
        const [a, b] = [
          await runCli(["scan", "-t", "rates", ...args, "-p", s3], { env }),
          await runCli(["scan", "-t", "rates", ...args, "-p", local]),
        ];
        assert.equal(a.code, b.code, a.stderr);
        assert.equal(a.stdout, b.stdout);
        assert.equal(a.stderr.replace(s3, "ROOT"), b.stderr.replace(local, "ROOT"));
      }
      const missing = await runCli(["scan", "-t", "nope", "-p", s3], { env });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^error: Cannot open table nope: no version\.txt in s3:\/\//);
      assert.ok(!missing.stderr.includes("S3RVER"), "no credentials in messages");
    } finally {
      await Deno.remove(local, { recursive: true });
    }
  },
});

const _SECRET = "azofSECRET/k9+Zq7wXyEXAMPLEsecretKEY";
const _TOKEN = "azofTOKEN/Fwo+GZXIvEXAMPLEsessionTOKEN";

function _assertNoCredentials(run: { stdout: string; stderr: string }, what: string): void {
  for (const secret of [_SECRET, _TOKEN]) {
    for (const form of [secret, encodeURIComponent(secret), secret.slice(0, 12)]) {
      assert.ok(!run.stderr.includes(form), `${what}: stderr contains a credential: ${run.stderr}`);
      assert.ok(!run.stdout.includes(form), `${what}: stdout contains a credential`);
    }
  }
}

Deno.test("azof --verbose never prints the secret key or session token when S3 requests fail on the network", async () => {
  const env = {
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: _SECRET,
    AWS_SESSION_TOKEN: _TOKEN,
    AWS_ENDPOINT_URL_S3: "http://127.0.0.1:1",
    AWS_REGION: "us-east-1",
  };
  const runs: string[][] = [
    ["scan", "-t", "rates", "-p", "s3://lake/x", "--verbose"],
    ["create", "-t", "rates", "--schema", "rate:Float", "-p", "s3://lake/x", "--verbose"],
  ];
  for (const args of runs) {
    const run = await runCli(args, { env });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^error: Cannot \w+ s3:\/\/lake\/x\/rates\/\S+: network error/m);
    _assertNoCredentials(run, args.join(" "));
  }
});

Deno.test({
  name: s3rverTestName(
    "azof --verbose never prints the secret key when s3rver refuses the key or lacks the bucket",
  ),
  ignore: S3RVER_SKIP !== undefined,
  fn: async () => {
    const base = { AWS_ENDPOINT_URL_S3: S3RVER_ENDPOINT!, AWS_REGION: "us-east-1" };
    const badKey = { ...base, AWS_ACCESS_KEY_ID: "NOSUCHKEY", AWS_SECRET_ACCESS_KEY: _SECRET };
    const goodKey = { ...base, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: _SECRET };
    const cases: [Record<string, string>, string[], RegExp][] = [
      [badKey, ["scan", "-t", "rates", "-p", `s3://${S3RVER_BUCKET}/x`], /access denied \(403/],
      [
        badKey,
        ["write", "-t", "rates", "-p", `s3://${S3RVER_BUCKET}/x`, "-i", `${_DATA}rates.csv`],
        /403/,
      ],
      [goodKey, ["scan", "-t", "rates", "-p", "s3://azof-no-such-bucket/x"], /azof-no-such-bucket/],
      [
        goodKey,
        ["create", "-t", "r", "--schema", "v:Int", "-p", "s3://azof-no-such-bucket"],
        /404/,
      ],
    ];
    for (const [env, args, reason] of cases) {
      const run = await runCli([...args, "--verbose"], { env });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr.split("\n")[0]!, reason);
      _assertNoCredentials(run, args.join(" "));
    }
  },
});
