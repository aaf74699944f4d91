/**
 * An in-process fake of the S3 REST API for tests, as a `fetch` function: path-style requests to
 * one bucket, with HEAD, ranged GET, ListObjectsV2, PUT honouring `If-None-Match: *` (412 when the
 * key exists, as AWS S3, MinIO and R2 answer), and DELETE. Unlike s3rver, it honours the conditional
 * PUT and suffix ranges (`bytes=-N`, the last N bytes), so the commit path and footer reads can be
 * tested against the behaviour real services have; `misreadSuffixRanges` answers them as s3rver does.
 *
 * @module
 */

/** The fake: its `fetch`, its objects by full key, and the requests it answered. */
export interface FakeS3 {
  /** Pass as `S3StoreOptions.fetch`. */
  readonly fetch: typeof fetch;
  /** Objects by key within the bucket. */
  readonly objects: Map<string, Uint8Array>;
  /** `METHOD key status` of every answered request, in order. */
  readonly log: string[];
  /** Called before a PUT is applied (to let a rival writer in first); may be async. */
  beforePut?: (key: string, request: Request) => void | Promise<void>;
  /** Answer `bytes=-N` with bytes `0-N`, as s3rver 3.7.1 does. */
  misreadSuffixRanges?: boolean;
}

/**
 * Makes an empty fake bucket reached at `http://s3.test/<bucket>/...` (path style).
 *
 * @param bucket The bucket name.
 * @returns The fake.
 */
export function fakeS3(bucket: string): FakeS3 {
  const fake: FakeS3 = {
    objects: new Map(),
    log: [],
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const path = decodeURIComponent(url.pathname).slice(1);
      if (path !== bucket && !path.startsWith(`${bucket}/`)) return _error(404, "NoSuchBucket");
      const key = path.slice(bucket.length + 1);
      const response = await _answer(fake, request, key, url.searchParams);
      fake.log.push(`${request.method} ${key} ${response.status}`);
      return response;
    },
  };
  return fake;
}

async function _answer(
  fake: FakeS3,
  request: Request,
  key: string,
  query: URLSearchParams,
): Promise<Response> {
  if (request.method === "GET" && query.get("list-type") === "2") return _list(fake, query);
  const object = fake.objects.get(key);
  switch (request.method) {
    case "HEAD":
      return object
        ? new Response(null, { headers: { "content-length": String(object.length) } })
        : new Response(null, { status: 404 });
    case "GET":
      if (!object) return _error(404, "NoSuchKey");
      return _get(object, request.headers.get("range"), fake.misreadSuffixRanges ?? false);
    case "PUT": {
      const body = new Uint8Array(await request.arrayBuffer());
      await fake.beforePut?.(key, request);
      if (request.headers.get("if-none-match") === "*" && fake.objects.has(key)) {
        return _error(412, "PreconditionFailed");
      }
      fake.objects.set(key, body);
      return new Response(null, { status: 200 });
    }
    case "DELETE":
      fake.objects.delete(key);
      return new Response(null, { status: 204 });
    default:
      return _error(405, "MethodNotAllowed");
  }
}

function _get(object: Uint8Array, range: string | null, misread: boolean): Response {
  if (range === null) return new Response(object.slice());
  const match = /^bytes=(\d*)-(\d*)$/.exec(range);
  if (!match || (match[1] === "" && match[2] === "")) return _error(400, "InvalidRange");
  const suffix = match[1] === "" && !misread;
  // A misread suffix range `-N` is the range `0-N` (s3rver's reading: Number("") is 0).
  const start = suffix ? Math.max(0, object.length - Number(match[2])) : Number(match[1]);
  const last = match[2] === "" || suffix ? object.length : Number(match[2]) + 1;
  const end = Math.min(object.length, last);
  if (start >= object.length) {
    return _error(416, "InvalidRange", { "content-range": `bytes */${object.length}` });
  }
  return new Response(object.slice(start, end), {
    status: 206,
    headers: { "content-range": `bytes ${start}-${end - 1}/${object.length}` },
  });
}

function _list(fake: FakeS3, query: URLSearchParams): Response {
  const prefix = query.get("prefix") ?? "";
  const max = Number(query.get("max-keys") ?? 1000);
  const after = query.get("continuation-token") ?? "";
  const keys = [...fake.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
  const page = keys.slice(0, max);
  const truncated = keys.length > max;
  const contents = page.map((k) =>
    `<Contents><Key>${_escape(k)}</Key><Size>${fake.objects.get(k)!.length}</Size></Contents>`
  );
  const next = truncated
    ? `<NextContinuationToken>${_escape(page.at(-1)!)}</NextContinuationToken>`
    : "";
  return new Response(
    `<?xml version="1.0"?><ListBucketResult>${
      contents.join("")
    }<IsTruncated>${truncated}</IsTruncated>${next}</ListBucketResult>`,
  );
}

function _error(status: number, code: string, headers: Record<string, string> = {}): Response {
  return new Response(`<?xml version="1.0"?><Error><Code>${code}</Code></Error>`, {
    status,
    headers,
  });
}

function _escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
