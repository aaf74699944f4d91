import assert from "node:assert/strict";
import { runCli } from "./fixture_test_util.ts";
import { commandOutput } from "../lib/testing/deadline.ts";

const _ROOT = new URL("../", import.meta.url);

/** The documents whose `sh` examples must run, each with at least this many `azof` lines. */
const _DOCS: ReadonlyArray<readonly [string, number]> = [["README.md", 5], ["docs/CLI.md", 20]];

/** Commands that never write under their `--path`. */
const _READ_ONLY = ["scan", "plan", "inspect", "history", "sql", "check", "ls"];

/** The `azof ...` command lines of a document's `sh` blocks (and `deno task azof ...`). */
function docCommands(path: string): string[][] {
  const text = Deno.readTextFileSync(new URL(path, _ROOT));
  const commands: string[][] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trim().replace(/^deno task azof /, "azof ");
      if (!line.startsWith("azof ")) continue;
      if (/[|<>$`;&]/.test(line.replace(/"[^"]*"|'[^']*'/g, ""))) {
        throw new Error(`${path} example needs a shell, which this test does not run: ${line}`);
      }
      const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) =>
        m[1] ?? m[2] ?? m[3]!
      );
      const outside = words.find((w) =>
        (/^[/~]/.test(w) && !w.startsWith("/tmp/")) || /(^|[/=])\.\.([/]|$)/.test(w)
      );
      if (outside !== undefined) {
        throw new Error(`${path} example names ${outside}, outside the checkout and /tmp: ${line}`);
      }
      commands.push(words.slice(1));
    }
  }
  return commands;
}

/** Every file under a folder (relative path to contents), to tell whether examples changed it. */
async function _tree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string) => {
    for await (const entry of Deno.readDir(`${dir}/${rel}`)) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else files.set(path, (await Deno.readFile(`${dir}/${path}`)).join(","));
    }
  };
  await walk("");
  return files;
}

for (const [doc, least] of _DOCS) {
  Deno.test(`the azof commands of ${doc} write nowhere but /tmp`, () => {
    for (const args of docCommands(doc)) {
      args.forEach((path, i) => {
        const flag = args[i - 1] ?? "";
        const writes = ["--output", "-o"].includes(flag) ||
          (["--path", "-p"].includes(flag) && !_READ_ONLY.includes(args[0]!));
        assert.ok(!writes || path.startsWith("/tmp/"), `azof ${args.join(" ")} writes to ${path}`);
      });
    }
  });

  Deno.test(`every azof command in ${doc} runs and exits 0 on a copy of testdata`, async (t) => {
    const cwd = await Deno.makeTempDir({ prefix: "azof-doc-" });
    try {
      const testdata = new URL("testdata", _ROOT).pathname;
      await commandOutput("cp", { args: ["-r", testdata, cwd] });
      await Deno.mkdir(`${cwd}/tmp`);
      const commands = docCommands(doc);
      assert.ok(commands.length >= least, `found ${commands.length} ${doc} commands`);
      for (const args of commands) {
        await t.step(`azof ${args.join(" ")}`, async () => {
          // The examples write under /tmp; here that is the test's own folder.
          const local = args.map((a) => a.startsWith("/tmp/") ? `${cwd}${a}` : a);
          const run = await runCli(local, { cwd });
          assert.equal(run.code, 0, run.stderr);
          assert.equal(run.stderr.includes("error:"), false, run.stderr);
        });
      }
      await t.step("the examples leave the bundled sample as it was", async () => {
        assert.deepEqual(await _tree(`${cwd}/testdata`), await _tree(testdata));
      });
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  });
}
