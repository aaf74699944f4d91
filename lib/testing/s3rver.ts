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
  const config = resolveS3Config({
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: "us-east-1",
  }, () => undefined);
  return new S3Store(`s3://${S3RVER_BUCKET}/${prefix}`, { ...options, config });
}
