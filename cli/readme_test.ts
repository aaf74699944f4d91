import assert from "node:assert/strict";
import { runCli } from "./fixture_test_util.ts";
import { commandOutput } from "../lib/testing/deadline.ts";

const _ROOT = new URL("../", import.meta.url);

/** The `azof ...` command lines of the README's `sh` blocks (and `deno task azof ...`). */
function readmeCommands(): string[][] {
  const readme = Deno.readTextFileSync(new URL("README.md", _ROOT));
  const commands: string[][] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trim().replace(/^deno task azof /, "azof ");
      if (!line.startsWith("azof ")) continue;
      if (/[|<>$`;&]/.test(line.replace(/"[^"]*"|'[^']*'/g, ""))) {
        throw new Error(`README example needs a shell, which this test does not run: ${line}`);
      }
      const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) =>
        m[1] ?? m[2] ?? m[3]!
      );
      commands.push(words.slice(1));
    }
  }
  return commands;
}

Deno.test("the README's azof commands write nowhere but /tmp", () => {
  const readOnly = ["scan", "inspect", "history", "sql", "check", "ls"];
  for (const args of readmeCommands()) {
    args.forEach((path, i) => {
      const flag = args[i - 1] ?? "";
      const writes = ["--output", "-o"].includes(flag) ||
        (["--path", "-p"].includes(flag) && !readOnly.includes(args[0]!));
      assert.ok(!writes || path.startsWith("/tmp/"), `azof ${args.join(" ")} writes to ${path}`);
    });
  }
});

Deno.test("every azof command in the README runs and exits 0 on the bundled sample", async (t) => {
  const cwd = await Deno.makeTempDir({ prefix: "azof-readme-" });
  try {
    await commandOutput("cp", { args: ["-r", new URL("testdata", _ROOT).pathname, cwd] });
    await Deno.mkdir(`${cwd}/tmp`);
    const commands = readmeCommands();
    assert.ok(commands.length >= 5, `found ${commands.length} README commands`);
    for (const args of commands) {
      await t.step(`azof ${args.join(" ")}`, async () => {
        // The README writes under /tmp; here that is the test's own folder.
        const local = args.map((a) => a.startsWith("/tmp/") ? `${cwd}${a}` : a);
        const run = await runCli(local, { cwd });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr.includes("error:"), false, run.stderr);
      });
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
