/**
 * Where and as whom the S3 store talks: credentials, region and endpoint resolved the way the AWS CLI
 * resolves them, and the URL of an object under path-style or virtual-hosted addressing.
 *
 * {@linkcode resolveS3Config} is a pure function of an environment record and a file reader, so it can
 * be tested without touching the real environment; {@linkcode loadS3Config} feeds it the real ones.
 *
 * @module
 */

import { AzofError } from "../errors.ts";

/** AWS access keys; never printed. */
export interface S3Credentials {
  /** `AWS_ACCESS_KEY_ID` or `aws_access_key_id`. */
  readonly accessKeyId: string;
  /** `AWS_SECRET_ACCESS_KEY` or `aws_secret_access_key`. */
  readonly secretAccessKey: string;
  /** `AWS_SESSION_TOKEN` or `aws_session_token`, for temporary credentials. */
  readonly sessionToken?: string;
}

/** Everything the S3 store needs besides the bucket and prefix. */
export interface S3Config {
  /** Signing region, e.g. `us-east-1`. */
  readonly region: string;
  /** An S3-compatible endpoint such as `http://127.0.0.1:4568` (no trailing slash); AWS when absent. */
  readonly endpoint?: string;
  /** Whether the bucket goes in the path (`endpoint/bucket/key`) rather than the host name. */
  readonly pathStyle: boolean;
  /** Keys to sign with; requests are anonymous (unsigned) when absent. */
  readonly credentials?: S3Credentials;
}

/** An environment: variable name to value (unset variables are absent or `undefined`). */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** Reads a text file, returning `undefined` when it does not exist. */
export type TextFileReader = (path: string) => string | undefined;

/** A bucket and a key prefix, parsed from `s3://bucket/prefix`. */
export interface S3Location {
  /** The bucket name. */
  readonly bucket: string;
  /** The key prefix without leading or trailing `/` (empty for the bucket root). */
  readonly prefix: string;
}

/** Environment variables {@linkcode resolveS3Config} reads. */
export const S3_ENV_NAMES: readonly string[] = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_ENDPOINT_URL_S3",
  "AWS_ENDPOINT_URL",
  "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
  "AWS_NO_SIGN_REQUEST",
  "HOME",
  "USERPROFILE",
];

/** Profile settings that name credential sources this small client does not implement. */
const _UNSUPPORTED_SOURCES = [
  "role_arn",
  "credential_process",
  "sso_session",
  "sso_start_url",
  "web_identity_token_file",
];

/**
 * Resolves region, endpoint and credentials as the AWS CLI does.
 *
 * Credentials: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, else the profile
 * (`AWS_PROFILE`, default `default`) in the shared credentials file, then in the config file; none
 * means anonymous requests, and `AWS_NO_SIGN_REQUEST=true` forces them. Region: `AWS_REGION`,
 * `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`. Endpoint: `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL`, the profile's `s3 = endpoint_url` or `endpoint_url`; setting one selects
 * path-style addressing.
 *
 * @param env The environment variables (see {@linkcode S3_ENV_NAMES}).
 * @param readFile Reads `~/.aws/credentials` and `~/.aws/config` (or the files the environment names).
 * @returns The resolved configuration.
 * @throws {AzofError} `StorageError` when a named profile is missing or keys are incomplete,
 * `Unsupported` when the profile needs a credential source other than static keys.
 *
 * @example Resolve credentials for an S3-compatible store from an environment record
 * ```ts
 * import { resolveS3Config } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const config = resolveS3Config({
 *   AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
 *   AWS_SECRET_ACCESS_KEY: "secret",
 *   AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4568/",
 * }, () => undefined);
 * assert.equal(config.region, "us-east-1");
 * assert.equal(config.endpoint, "http://127.0.0.1:4568");
 * assert.equal(config.pathStyle, true);
 * assert.equal(config.credentials?.accessKeyId, "AKIDEXAMPLE");
 * ```
 */
export function resolveS3Config(env: EnvRecord, readFile: TextFileReader): S3Config {
  const home = env.HOME ?? env.USERPROFILE ?? "";
  const profileName = _nonEmpty(env.AWS_PROFILE) ?? _nonEmpty(env.AWS_DEFAULT_PROFILE);
  const name = profileName ?? "default";
  const credentialsPath = _nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ??
    `${home}/.aws/credentials`;
  const configPath = _nonEmpty(env.AWS_CONFIG_FILE) ?? `${home}/.aws/config`;
  const fromCredentials = _readIni(readFile, credentialsPath).get(name);
  const fromConfig = _readIni(readFile, configPath).get(
    name === "default" ? "default" : `profile ${name}`,
  );
  if (profileName !== undefined && !fromCredentials && !fromConfig) {
    throw new AzofError(
      "StorageError",
      `Cannot use AWS profile ${name}: it is in neither ${credentialsPath} nor ${configPath}`,
    );
  }
  const profile = { ...fromConfig, ...fromCredentials };
  const endpoint = _endpoint(env, profile);
  const credentials = _isTrue(env.AWS_NO_SIGN_REQUEST)
    ? undefined
    : _envCredentials(env) ?? _profileCredentials(profile, name);
  return {
    region: _nonEmpty(env.AWS_REGION) ?? _nonEmpty(env.AWS_DEFAULT_REGION) ??
      _nonEmpty(profile.region) ?? "us-east-1",
    ...(endpoint === undefined ? {} : { endpoint }),
    pathStyle: endpoint !== undefined,
    ...(credentials === undefined ? {} : { credentials }),
  };
}

/**
 * Resolves the configuration from this process's environment and AWS files
 * (needs `--allow-env` and `--allow-read` for them; what is not granted counts as unset).
 *
 * @returns The resolved configuration.
 *
 * @example Load the configuration of this process
 * ```ts
 * import { loadS3Config } from "./s3_config.ts";
 * const config = loadS3Config();
 * console.log(config.region, config.credentials ? "signed" : "anonymous");
 * ```
 */
export function loadS3Config(): S3Config {
  const env: Record<string, string | undefined> = {};
  for (const name of S3_ENV_NAMES) {
    try {
      env[name] = Deno.env.get(name);
    } catch {
      // Not granted: treat as unset.
    }
  }
  return resolveS3Config(env, _readTextFileOrUndefined);
}

/**
 * Parses `s3://bucket/prefix` into a bucket and a prefix.
 *
 * @param url An `s3://` URL.
 * @returns The bucket and the prefix (without surrounding `/`).
 * @throws {AzofError} `InputInvalid` when the URL is not `s3://bucket[/prefix]`.
 *
 * @example Parse a table location
 * ```ts
 * import { parseS3Url } from "./s3_config.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseS3Url("s3://lake/tables/"), { bucket: "lake", prefix: "tables" });
 * ```
 */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/*(.*)$/i.exec(url);
  const bucket = match?.[1];
  if (!match || !bucket || bucket.includes("@") || !/^[A-Za-z0-9._-]+$/.test(bucket)) {
    throw new AzofError(
      "InputInvalid",
      `Cannot open ${_redactUrl(url)}: expected s3://bucket or s3://bucket/prefix`,
    );
  }
  return { bucket, prefix: (match[2] ?? "").replace(/\/+$/, "") };
}

/**
 * The HTTP URL of an object (or of the bucket, for an empty key), with the key percent-encoded.
 *
 * @param config The resolved configuration.
 * @param bucket The bucket name.
 * @param key The full object key (including the store prefix).
 * @returns The URL to request.
 *
 * @example Path-style for a custom endpoint, virtual-hosted for AWS
 * ```ts
 * import { objectUrl } from "./s3_config.ts";
 * import assert from "node:assert/strict";
 * const local = { region: "us-east-1", endpoint: "http://127.0.0.1:4568", pathStyle: true };
 * assert.equal(objectUrl(local, "b", "t/a b.json"), "http://127.0.0.1:4568/b/t/a%20b.json");
 * const aws = { region: "eu-west-1", pathStyle: false };
 * assert.equal(objectUrl(aws, "b", "t/s1.json"), "https://b.s3.eu-west-1.amazonaws.com/t/s1.json");
 * ```
 */
export function objectUrl(config: S3Config, bucket: string, key: string): string {
  const path = key.split("/").map(_encodeSegment).join("/");
  const base = config.endpoint ?? `https://s3.${config.region}.amazonaws.com`;
  // Dotted bucket names do not match the wildcard TLS certificate, so they go in the path.
  if (config.pathStyle || (config.endpoint === undefined && bucket.includes("."))) {
    return `${base}/${bucket}/${path}`;
  }
  const url = new URL(base);
  return `${url.protocol}//${bucket}.${url.host}${url.pathname.replace(/\/$/, "")}/${path}`;
}

function _encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function _endpoint(env: EnvRecord, profile: Record<string, string>): string | undefined {
  if (_isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return undefined;
  const raw = _nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? _nonEmpty(env.AWS_ENDPOINT_URL) ??
    _nonEmpty(profile["s3.endpoint_url"]) ?? _nonEmpty(profile.endpoint_url);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AzofError("InputInvalid", `Cannot use S3 endpoint ${_redactUrl(raw)}: not a URL`);
  }
  if (url.username || url.password) {
    throw new AzofError(
      "InputInvalid",
      "Cannot use the S3 endpoint URL: it contains a user name or password; use AWS_ACCESS_KEY_ID",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AzofError(
      "InputInvalid",
      `Cannot use S3 endpoint ${url.origin}: expected an http:// or https:// URL`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function _envCredentials(env: EnvRecord): S3Credentials | undefined {
  const accessKeyId = _nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = _nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = accessKeyId === undefined ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY";
    throw new AzofError("StorageError", `Cannot sign S3 requests: ${missing} is not set`);
  }
  return _credentials(accessKeyId, secretAccessKey, _nonEmpty(env.AWS_SESSION_TOKEN));
}

function _profileCredentials(
  profile: Record<string, string>,
  name: string,
): S3Credentials | undefined {
  const accessKeyId = _nonEmpty(profile.aws_access_key_id);
  const secretAccessKey = _nonEmpty(profile.aws_secret_access_key);
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    return _credentials(accessKeyId, secretAccessKey, _nonEmpty(profile.aws_session_token));
  }
  if (accessKeyId !== undefined || secretAccessKey !== undefined) {
    throw new AzofError(
      "StorageError",
      `Cannot use AWS profile ${name}: it needs both aws_access_key_id and aws_secret_access_key`,
    );
  }
  const source = _UNSUPPORTED_SOURCES.find((k) => profile[k] !== undefined);
  if (source !== undefined) {
    throw new AzofError(
      "Unsupported",
      `Cannot use AWS profile ${name}: ${source} is not supported; ` +
        "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (e.g. from `aws configure export-credentials`)",
    );
  }
  return undefined;
}

function _credentials(
  accessKeyId: string,
  secretAccessKey: string,
  sessionToken: string | undefined,
): S3Credentials {
  return sessionToken === undefined
    ? { accessKeyId, secretAccessKey }
    : { accessKeyId, secretAccessKey, sessionToken };
}

type _Ini = Map<string, Record<string, string>>;

function _readIni(readFile: TextFileReader, path: string): _Ini {
  const text = readFile(path);
  return text === undefined ? new Map() : _parseIni(text);
}

/**
 * Parses the AWS INI dialect: `[section]`, `key = value`, `#`/`;` comments, and nested settings
 * (`s3 =` followed by indented `endpoint_url = ...`, stored as `s3.endpoint_url`).
 */
function _parseIni(text: string): _Ini {
  const out: _Ini = new Map();
  let section: Record<string, string> | undefined;
  let parent: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(trimmed);
    if (header?.[1] !== undefined) {
      section = {};
      out.set(header[1].replace(/\s+/g, " "), section);
      parent = undefined;
      continue;
    }
    const eq = trimmed.indexOf("=");
    if (!section || eq < 0) continue;
    const key = trimmed.slice(0, eq).trim().toLowerCase();
    const value = trimmed.slice(eq + 1).trim();
    const nested = /^\s/.test(line) && parent !== undefined;
    if (nested) section[`${parent}.${key}`] = value;
    else {
      section[key] = value;
      parent = value === "" ? key : undefined;
    }
  }
  return out;
}

function _readTextFileOrUndefined(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

function _nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function _isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === "true";
}

/** Drops anything that looks like user info from a URL before it goes into a message. */
function _redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//");
}
