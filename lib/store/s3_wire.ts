/**
 * What the S3 adapter reads and writes on the wire besides bodies: ListObjectsV2 pages, error
 * descriptions, query-string encoding.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import type { StoreEntry } from "./store.ts";

/** A one-line reason for an S3 error status. */
export function describeS3Error(
  status: number,
  code: string | undefined,
  headers: Headers,
  region: string,
): string {
  const bucketRegion = headers.get("x-amz-bucket-region");
  if (bucketRegion && bucketRegion !== region) {
    return `the bucket is in region ${bucketRegion}, not ${region}; set AWS_REGION (${status})`;
  }
  if (code === "NoSuchBucket") return `no such bucket (${status})`;
  if (status === 404) return `no such object (404)`;
  if (status === 403) {
    return `access denied (403${code && code !== "AccessDenied" ? ` ${code}` : ""})`;
  }
  if (status === 416) return "the range is past the end of the object (416)";
  return `HTTP ${status}${code ? ` ${code}` : ""}`;
}

/** The entries and continuation token of a ListObjectsV2 result page. */
export function parseListPage(xml: string): { entries: StoreEntry[]; next?: string } {
  const entries: StoreEntry[] = [];
  for (const match of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const body = match[1] ?? "";
    const key = xmlText(body, "Key");
    if (key === undefined) continue;
    const modified = Date.parse(xmlText(body, "LastModified") ?? "");
    entries.push({
      key,
      size: Number(xmlText(body, "Size") ?? "0"),
      ...(Number.isNaN(modified) ? {} : { modified }),
    });
  }
  const truncated = xmlText(xml, "IsTruncated") === "true";
  const next = truncated ? xmlText(xml, "NextContinuationToken") : undefined;
  if (truncated && next === undefined) {
    throw new AzofError("StorageError", "Cannot list: truncated page without a continuation token");
  }
  return next === undefined ? { entries } : { entries, next };
}

/** The text of the first `<tag>` element, with XML entities decoded. */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match?.[1] === undefined ? undefined : _unescapeXml(match[1]);
}

function _unescapeXml(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] === "#") {
      const hex = name[1] === "x" || name[1] === "X";
      return String.fromCodePoint(parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return named[name] ?? all;
  });
}

/** A query-string value encoded as S3 signs it (RFC 3986; a space is %20, not "+"). */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
