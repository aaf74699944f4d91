/**
 * The local S3 server of the S3 tests (`.ci/s3rver.sh start`): its endpoint and bucket from the
 * environment, a skip reason when it is absent, and stores pointed at it or at a proxy in front.
 *
 * @module
 */

import { S3Store } from "../store/s3.ts";
import type { S3StoreOptions } from "../store/s3_requests.ts";
import { resolveS3Config } from "../store/s3_config.ts";

/** `AZOF_TEST_S3_ENDPOINT`: the running s3rver, if any. */
export const S3RVER_ENDPOINT: string | undefined = Deno.env.get("AZOF_TEST_S3_ENDPOINT");

/** `AZOF_TEST_S3_BUCKET`, `azof-test` by default. */
export const S3RVER_BUCKET: string = Deno.env.get("AZOF_TEST_S3_BUCKET") ?? "azof-test";

/** Why S3 server tests are skipped, or `undefined` when a server is configured. */
export const S3RVER_SKIP: string | undefined = S3RVER_ENDPOINT
  ? undefined
  : "AZOF_TEST_S3_ENDPOINT is not set (start a server with .ci/s3rver.sh)";

/**
 * The environment that points the CLI (or `resolveS3Config`) at the server: its credentials,
 * endpoint and region.
 *
 * @param endpoint The server, or a proxy in front of it.
 * @returns The variables, for `runCli(args, { env })`.
 */
export function s3rverEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: "us-east-1",
  };
}

/**
 * A fresh `s3://` root in the test bucket.
 *
 * @param label Start of the prefix, naming the test that made it.
 * @returns `s3://<bucket>/<label>-<random>`.
 */
export function s3rverRoot(label: string): string {
  return `s3://${S3RVER_BUCKET}/${label}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * A test name that says why the test is skipped when no server is configured.
 *
 * @param name What the test checks.
 * @returns The name, with ` (skipped: ...)` when {@link S3RVER_SKIP} is set.
 */
export function s3rverTestName(name: string): string {
  return S3RVER_SKIP ? `${name} (skipped: ${S3RVER_SKIP})` : name;
}

/**
 * A store under a fresh prefix of the test bucket, reached through `endpoint`.
 *
 * @param endpoint The server, or a proxy in front of it.
 * @param options Store options (retries, concurrency).
 * @param prefix The prefix within the bucket; a random one by default.
 * @returns The store.
 */
export function s3rverStore(
  endpoint: string,
  options: Omit<S3StoreOptions, "config"> = {},
  prefix = `t-${crypto.randomUUID().slice(0, 8)}`,
): S3Store {
  const config = resolveS3Config(s3rverEnv(endpoint), () => undefined);
  return new S3Store(`s3://${S3RVER_BUCKET}/${prefix}`, { ...options, config });
}
