/**
 * The public API of azof as text: every export of `mod.ts` and `sql.ts` with its kind, one a line,
 * taken from `deno doc --json`. `docs/api.txt` holds the checked-in list; `api_test.ts` compares
 * the two, so changing the public API means updating the list in the same commit:
 * `deno task api` rewrites it.
 *
 * @module
 */

/** The entry points whose exports are public. */
export const ENTRY_POINTS: readonly string[] = ["mod.ts", "sql.ts"];

/** One exported symbol as `deno doc --json` describes it. */
export interface ApiSymbol {
  /** The entry point exporting it. */
  readonly entry: string;
  /** The exported name. */
  readonly name: string;
  /** `function`, `class`, `variable`, `interface`, `typeAlias`, ... */
  readonly kind: string;
  /** Its JSDoc text (empty when it has none). */
  readonly doc: string;
  /** Whether its JSDoc has an `@example`. */
  readonly hasExample: boolean;
  /** The code of each `@example`. */
  readonly examples: readonly string[];
}

const _ROOT = new URL("../", import.meta.url);

interface _DocJson {
  nodes: Record<string, {
    symbols: {
      name: string;
      declarations: {
        kind: string;
        jsDoc?: { doc?: string; tags?: { kind: string; doc?: string }[] };
      }[];
    }[];
  }>;
}

/**
 * Reads the exports of the entry points with `deno doc --json`.
 *
 * @param signal Stops `deno doc` when aborted (tests give it a deadline).
 * @returns The symbols, sorted by entry point and name.
 */
export async function readApi(signal?: AbortSignal): Promise<ApiSymbol[]> {
  const symbols: ApiSymbol[] = [];
  for (const entry of ENTRY_POINTS) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["doc", "--json", entry],
      cwd: _ROOT,
      stdout: "piped",
      stderr: "null",
      ...(signal ? { signal } : {}),
    }).output();
    if (out.code !== 0) throw new Error(`deno doc --json ${entry} failed (exit ${out.code})`);
    const json = JSON.parse(new TextDecoder().decode(out.stdout)) as _DocJson;
    for (const node of Object.values(json.nodes)) {
      for (const symbol of node.symbols) {
        const declaration = symbol.declarations[0]!;
        symbols.push({
          entry,
          name: symbol.name,
          kind: declaration.kind,
          doc: declaration.jsDoc?.doc?.trim() ?? "",
          hasExample: declaration.jsDoc?.tags?.some((t) => t.kind === "example") ?? false,
          examples: (declaration.jsDoc?.tags ?? []).filter((t) => t.kind === "example")
            .map((t) => t.doc ?? ""),
        });
      }
    }
  }
  return symbols.sort((a, b) =>
    a.entry.localeCompare(b.entry) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

/**
 * Formats the API list as `docs/api.txt` holds it.
 *
 * @param symbols The exports.
 * @returns The text: a header, then `entry name kind` lines.
 */
export function formatApi(symbols: readonly ApiSymbol[]): string {
  const header = [
    "# The public API of azof: every export of mod.ts and sql.ts, with its kind.",
    "# api_test.ts checks it against the modules; after a deliberate change run `deno task api`.",
  ];
  return [...header, ...symbols.map((s) => `${s.entry} ${s.name} ${s.kind}`)].join("\n") + "\n";
}

if (import.meta.main) {
  const path = new URL("docs/api.txt", _ROOT);
  await Deno.writeTextFile(path, formatApi(await readApi()));
  console.log(`wrote ${path.pathname}`);
}
