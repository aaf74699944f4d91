import assert from "node:assert/strict";
import { COMMANDS } from "./commands.ts";
import { memoryContext } from "./context_test_util.ts";
import { main } from "./main.ts";
import { COMMON_OPTIONS } from "./usage.ts";

async function _help(args: string[]): Promise<string> {
  const run = memoryContext();
  const code = await main(args, run.context);
  assert.equal(code, 0, run.stderr());
  assert.equal(run.stderr(), "");
  return run.stdout();
}

Deno.test("every command's --help has a synopsis, every flag it accepts, and examples", async (t) => {
  for (const command of COMMANDS) {
    await t.step(command.name, async () => {
      const help = await _help([command.name, "--help"]);
      assert.match(help, new RegExp(`^Usage: azof ${command.name} `));
      const { OPTIONS } = await command.load();
      const flags = { ...COMMON_OPTIONS, ...OPTIONS };
      for (const [name, definition] of Object.entries(flags)) {
        const short = (definition as { short?: string }).short;
        const pattern = short ? `-${short}, --${name}` : `--${name}`;
        assert.match(
          help,
          new RegExp(`(^|[\\s/])${pattern.replace(/[-,]/g, "\\$&")}(?![\\w-])`, "m"),
          `azof ${command.name} --help does not mention ${pattern}`,
        );
      }
      const examples = help.split("\nExamples:\n")[1];
      assert.ok(examples, `azof ${command.name} --help has no Examples section`);
      assert.match(examples, new RegExp(`^  (.*\\| )?azof ${command.name} `, "m"));
    });
  }
});

Deno.test("azof help CMD and azof CMD -h print the same text as CMD --help", async () => {
  for (const command of COMMANDS) {
    const help = await _help([command.name, "--help"]);
    assert.equal(await _help(["help", command.name]), help);
    assert.equal(await _help([command.name, "-h"]), help);
  }
});

Deno.test("azof --help lists every command with its summary", async () => {
  const help = await _help(["--help"]);
  for (const command of COMMANDS) {
    assert.match(
      help,
      new RegExp(`^  ${command.name} +${command.summary.replace(/[()]/g, "\\$&")}$`, "m"),
    );
  }
});

Deno.test("the standalone binary refuses azof sql with a message naming the Deno install", async () => {
  const run = memoryContext({ standalone: true });
  const code = await main(["sql", "-p", "testdata", "SELECT 1"], run.context);
  assert.equal(code, 1);
  assert.equal(run.stdout(), "");
  assert.match(
    run.stderr(),
    /^error: azof sql is not in the standalone binary .*installed with Deno.*\n$/,
  );
});
