import assert from "node:assert/strict";
import { stringify } from "npm:csv-stringify@6.9.0/sync";
import { type CsvRecord, CsvRecordReader } from "./csv_records.ts";
import { csvRows } from "./csv.ts";
import { Prng } from "../write/prng.ts";
import { instantFromText, valueFromText } from "./row.ts";

type Rec = { fields: (string | null)[]; line: number };

/** Reads `text` fed in pieces cut at the given positions. */
function read(text: string, cuts: number[] = []): Rec[] {
  const out: Rec[] = [];
  const reader = new CsvRecordReader();
  const sink = (record: CsvRecord, line: number) => out.push({ fields: record.fields(), line });
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    reader.feed(text.slice(at, cut), false, sink);
    at = cut;
  }
  reader.feed(text.slice(at), true, sink);
  return out;
}

/** Reads `text` fed whole and in every split into two pieces, requiring the same records. */
function readEverySplit(text: string): Rec[] {
  const whole = read(text);
  for (let cut = 0; cut <= text.length; cut++) {
    assert.deepEqual(read(text, [cut]), whole, `split at ${cut} of ${JSON.stringify(text)}`);
  }
  return whole;
}

Deno.test("CsvRecordReader reads RFC 4180 records", async (t) => {
  await t.step("plain fields, with or without a trailing line break", () => {
    const expected = [{ fields: ["a", "b"], line: 1 }, { fields: ["c", "d"], line: 2 }];
    assert.deepEqual(readEverySplit("a,b\nc,d\n"), expected);
    assert.deepEqual(readEverySplit("a,b\nc,d"), expected);
  });
  await t.step("CRLF line breaks", () => {
    assert.deepEqual(readEverySplit("a,b\r\nc,d\r\n"), [
      { fields: ["a", "b"], line: 1 },
      { fields: ["c", "d"], line: 2 },
    ]);
  });
  await t.step("an unquoted empty field is null, a quoted one the empty string", () => {
    assert.deepEqual(readEverySplit(',"",x,\n').map((r) => r.fields), [[null, "", "x", null]]);
  });
  await t.step("quotes: separators, doubled quotes and line breaks inside", () => {
    const recs = readEverySplit('"a,b","say ""hi""","two\nlines",z\r\n"x\r\ny",""""\n');
    assert.deepEqual(recs, [
      { fields: ["a,b", 'say "hi"', "two\nlines", "z"], line: 1 },
      { fields: ["x\r\ny", '"'], line: 3 },
    ]);
  });
  await t.step("empty lines are skipped but counted", () => {
    assert.deepEqual(readEverySplit("a\n\n\r\nb\n"), [
      { fields: ["a"], line: 1 },
      { fields: ["b"], line: 4 },
    ]);
  });
  await t.step("a quoted field at the end of input without a line break", () => {
    assert.deepEqual(readEverySplit('a,"b"').map((r) => r.fields), [["a", "b"]]);
  });
  await t.step("non-ASCII text", () => {
    assert.deepEqual(readEverySplit("é,\u{1F600}\n").map((r) => r.fields), [["é", "\u{1F600}"]]);
  });
});

Deno.test("CsvRecordReader rejects malformed CSV naming the line", async (t) => {
  const cases: [string, string, RegExp][] = [
    [
      "an unterminated quote",
      'a\nb,"c\nd\n',
      /line 2, malformed CSV: a quoted field is not closed/,
    ],
    ["text after a closing quote", 'a\n"b"x,c\n', /line 2, malformed CSV: unexpected "x" after/],
    ["a quote inside an unquoted field", 'a\nb"c\n', /line 2, malformed CSV: a quote inside/],
    ["a stray quote after a quoted line break", '"a\nb",c"\n', /line 2, malformed CSV: a quote/],
  ];
  for (const [name, text, message] of cases) {
    await t.step(name, () => {
      for (let cut = 0; cut <= text.length; cut++) {
        assert.throws(() => read(text, [cut]), message, `split at ${cut}`);
      }
    });
  }
});

Deno.test("CsvRecordReader agrees with csv-stringify on random fields", () => {
  const prng = new Prng(11);
  const alphabet = ["a", "b", ",", '"', "\n", "\r\n", " ", "é", "\u{1F600}"];
  for (let round = 0; round < 200; round++) {
    const width = prng.int(1, 4);
    const records: string[][] = [];
    for (let r = prng.int(1, 5); r > 0; r--) {
      records.push(
        Array.from({ length: width }, () => {
          let s = "x";
          for (let n = prng.int(0, 6); n > 0; n--) s += alphabet[prng.int(0, alphabet.length - 1)];
          return s;
        }),
      );
    }
    const text = stringify(records, { quoted: prng.next() < 0.5 });
    const cuts = Array.from({ length: 3 }, () => prng.int(0, text.length));
    assert.deepEqual(read(text, cuts).map((r) => r.fields), records, JSON.stringify(text));
  }
});

Deno.test("CsvRecordReader.feedBytes reads the records and lines feed reads, from any byte cuts", () => {
  const prng = new Prng(12);
  const plain = ["a", "b", "7", ",", "\n", "\n\n", ".", "-", "\r\n"];
  const mixed = [...plain, '"', '""', "\r", "é", "\u{1F600}"];
  for (let round = 0; round < 300; round++) {
    // Most rounds plain ASCII (the split on bytes), some with quotes, CR or non-ASCII here and there.
    const alphabet = round % 4 === 0 ? mixed : plain;
    let text = "";
    for (let n = prng.int(0, 60); n > 0; n--) text += alphabet[prng.int(0, alphabet.length - 1)];
    if (round % 7 === 0 && text.includes("\n")) text = text.replace("\n", '\n"q\n,"\n');
    let expected: Rec[] | Error;
    try {
      expected = read(text);
    } catch (error) {
      expected = error as Error;
    }
    const bytes = new TextEncoder().encode((round % 5 === 0 ? "\ufeff" : "") + text);
    const out: Rec[] = [];
    const reader = new CsvRecordReader();
    const sink = (record: CsvRecord, line: number) => out.push({ fields: record.fields(), line });
    const got = (() => {
      try {
        for (let at = 0; at < bytes.length;) {
          const size = prng.next() < 0.3 ? 1 : prng.int(1, 20);
          reader.feedBytes(bytes.subarray(at, at + size), false, sink);
          at += size;
        }
        reader.feedBytes(new Uint8Array(0), true, sink);
        return out;
      } catch (error) {
        return error as Error;
      }
    })();
    if (expected instanceof Error) {
      assert.ok(got instanceof Error, JSON.stringify(text));
      assert.equal(got.message, expected.message, JSON.stringify(text));
    } else assert.deepEqual(got, expected, JSON.stringify(text));
  }
});

Deno.test("csvRows() skips a UTF-8 byte order mark and reads null versus empty strings", async () => {
  const schema = { columns: [{ name: "s", type: "String" as const, nullable: true }] };
  const bytes = new Uint8Array([
    0xef,
    0xbb,
    0xbf,
    ...new TextEncoder().encode('key,event_time,s\na,2024-01-01,\nb,2024-01-01,""\n'),
  ]);
  // One byte per chunk, so the mark and every record are split across chunks.
  const rows = await Array.fromAsync(
    csvRows(ReadableStream.from([...bytes].map((b) => new Uint8Array([b]))), schema),
  );
  assert.deepEqual(rows.map((r) => [r.key, r.values[0]]), [["a", null], ["b", ""]]);
});

Deno.test("csvRows() reads fields split anywhere across byte chunks like the general conversion", async () => {
  const schema = {
    columns: [
      { name: "s", type: "String" as const, nullable: true },
      { name: "n", type: "Int" as const, nullable: true },
      { name: "f", type: "Float" as const, nullable: false },
      { name: "d", type: "DateTime" as const, nullable: true },
    ],
  };
  const prng = new Prng(21);
  const pick = <T>(xs: readonly T[]) => xs[prng.int(0, xs.length - 1)]!;
  const quote = (s: string) =>
    /[",\r\n]/.test(s) || prng.next() < 0.2 ? `"${s.replaceAll('"', '""')}"` : s;
  for (let round = 0; round < 20; round++) {
    const eol = round % 2 ? "\r\n" : "\n";
    const lines = ["key,event_time,s,n,f,d"];
    const expected: unknown[][] = [];
    for (let r = 0; r < 30; r++) {
      const key = pick(["k1", "é", "\u{1F600}k", "日本", 'a"b', "x,y"]) + r;
      const t = new Date(prng.int(-3e12, 3e12)).toISOString();
      const time = pick([t, t.slice(0, 10), ` ${t}`]);
      const s = pick(["", "plain", "é\u{1F600}", "two\r\nlines", 'say "hi"']);
      const n = pick(["", "42", "-9223372036854775808", " 7", "123456789012345", "+5"]);
      const f = pick([
        "3959.75",
        "-0.25",
        "1e3",
        "0.000000000000000001",
        " 2.5",
        "12345678901234567",
      ]);
      const d = pick(["", t, t.slice(0, 10)]);
      const fields = [key, time, s, n, f, d].map(quote);
      lines.push(fields.join(","));
      expected.push([
        key,
        instantFromText(time, "", ""),
        fields[2] === "" ? null : s,
        valueFromText(n === "" ? null : n, schema.columns[1]!, ""),
        valueFromText(f, schema.columns[2]!, ""),
        valueFromText(d === "" ? null : d, schema.columns[3]!, ""),
      ]);
    }
    const bytes = new TextEncoder().encode(lines.join(eol) + (round % 3 ? eol : ""));
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = prng.next() < 0.3 ? 1 : prng.int(1, 40);
      chunks.push(bytes.slice(at, at + size));
      at += size;
    }
    const rows = await Array.fromAsync(csvRows(ReadableStream.from(chunks), schema));
    assert.deepEqual(rows.map((r) => [r.key, r.eventTime, ...r.values]), expected);
  }
});
