import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { objectUrl, parseS3Url, resolveS3Config, type TextFileReader } from "./s3_config.ts";

const HOME = { HOME: "/home/u" };

function files(map: Record<string, string>): TextFileReader & { reads: string[] } {
  const reads: string[] = [];
  const reader = (path: string) => {
    reads.push(path);
    return map[path];
  };
  return Object.assign(reader, { reads });
}

const CREDENTIALS = `
[default]
aws_access_key_id = DEFAULTKEY
aws_secret_access_key = defaultsecret

[dev]
aws_access_key_id=DEVKEY
aws_secret_access_key=devsecret
aws_session_token = devtoken
`;

const CONFIG = `
# comment
[default]
region = eu-central-1

[profile dev]
region = ap-south-1
s3 =
  endpoint_url = http://minio.local:9000/
  addressing_style = path

[profile flat]
aws_access_key_id = FLATKEY
aws_secret_access_key = flatsecret
endpoint_url = https://flat.example

[profile role]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = default
`;

const AWS_FILES = files({
  "/home/u/.aws/credentials": CREDENTIALS,
  "/home/u/.aws/config": CONFIG,
});

function rejectsWith(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AzofError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("resolveS3Config() with nothing configured is anonymous in us-east-1 on AWS", () => {
  assert.deepEqual(resolveS3Config(HOME, () => undefined), {
    region: "us-east-1",
    pathStyle: false,
  });
});

Deno.test("resolveS3Config() takes keys, session token and region from the environment", () => {
  const config = resolveS3Config({
    ...HOME,
    AWS_ACCESS_KEY_ID: "ENVKEY",
    AWS_SECRET_ACCESS_KEY: "envsecret",
    AWS_SESSION_TOKEN: "envtoken",
    AWS_DEFAULT_REGION: "us-west-2",
  }, AWS_FILES);
  assert.deepEqual(config.credentials, {
    accessKeyId: "ENVKEY",
    secretAccessKey: "envsecret",
    sessionToken: "envtoken",
  });
  assert.equal(config.region, "us-west-2");
});

Deno.test("resolveS3Config() prefers AWS_REGION over AWS_DEFAULT_REGION over the profile", () => {
  const env = { ...HOME, AWS_REGION: "sa-east-1", AWS_DEFAULT_REGION: "us-west-2" };
  assert.equal(resolveS3Config(env, AWS_FILES).region, "sa-east-1");
  assert.equal(resolveS3Config({ ...HOME }, AWS_FILES).region, "eu-central-1");
});

Deno.test("resolveS3Config() prefers environment keys over the profile's", () => {
  const env = { ...HOME, AWS_PROFILE: "dev", AWS_ACCESS_KEY_ID: "E", AWS_SECRET_ACCESS_KEY: "S" };
  assert.equal(resolveS3Config(env, AWS_FILES).credentials?.accessKeyId, "E");
});

Deno.test("resolveS3Config() reads the default profile from ~/.aws/credentials", () => {
  const config = resolveS3Config({ ...HOME }, AWS_FILES);
  assert.deepEqual(config.credentials, {
    accessKeyId: "DEFAULTKEY",
    secretAccessKey: "defaultsecret",
  });
});

Deno.test("resolveS3Config() reads AWS_PROFILE from both files, with nested s3 endpoint_url", () => {
  const config = resolveS3Config({ ...HOME, AWS_PROFILE: "dev" }, AWS_FILES);
  assert.deepEqual(config, {
    region: "ap-south-1",
    endpoint: "http://minio.local:9000",
    pathStyle: true,
    credentials: { accessKeyId: "DEVKEY", secretAccessKey: "devsecret", sessionToken: "devtoken" },
  });
});

Deno.test("resolveS3Config() reads keys and endpoint_url from a config-only profile", () => {
  const config = resolveS3Config({ ...HOME, AWS_PROFILE: "flat" }, AWS_FILES);
  assert.equal(config.credentials?.accessKeyId, "FLATKEY");
  assert.equal(config.endpoint, "https://flat.example");
  assert.equal(config.region, "us-east-1");
});

Deno.test("resolveS3Config() reads the files AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE name", () => {
  const reader = files({ "/etc/creds": CREDENTIALS, "/etc/conf": CONFIG });
  const config = resolveS3Config({
    ...HOME,
    AWS_SHARED_CREDENTIALS_FILE: "/etc/creds",
    AWS_CONFIG_FILE: "/etc/conf",
  }, reader);
  assert.deepEqual(reader.reads, ["/etc/creds", "/etc/conf"]);
  assert.equal(config.credentials?.accessKeyId, "DEFAULTKEY");
  assert.equal(config.region, "eu-central-1");
});

Deno.test("resolveS3Config() takes the endpoint from AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL", () => {
  const both = { AWS_ENDPOINT_URL_S3: "http://s3only:1", AWS_ENDPOINT_URL: "http://all:2" };
  assert.equal(resolveS3Config(both, () => undefined).endpoint, "http://s3only:1");
  const general = resolveS3Config({ AWS_ENDPOINT_URL: "http://all:2/" }, () => undefined);
  assert.equal(general.endpoint, "http://all:2");
  assert.equal(general.pathStyle, true);
  const env = { ...HOME, AWS_PROFILE: "dev", AWS_ENDPOINT_URL: "http://env:3" };
  assert.equal(resolveS3Config(env, AWS_FILES).endpoint, "http://env:3");
});

Deno.test("resolveS3Config() ignores endpoints when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true", () => {
  const env = {
    ...HOME,
    AWS_PROFILE: "dev",
    AWS_ENDPOINT_URL: "http://env:3",
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
  };
  const config = resolveS3Config(env, AWS_FILES);
  assert.equal(config.endpoint, undefined);
  assert.equal(config.pathStyle, false);
});

Deno.test("resolveS3Config() is anonymous when AWS_NO_SIGN_REQUEST=true, whatever keys exist", () => {
  const env = {
    ...HOME,
    AWS_NO_SIGN_REQUEST: "TRUE",
    AWS_ACCESS_KEY_ID: "K",
    AWS_SECRET_ACCESS_KEY: "S",
  };
  assert.equal(resolveS3Config(env, AWS_FILES).credentials, undefined);
});

Deno.test("resolveS3Config() refuses what it cannot use, without printing secrets", async (t) => {
  await t.step("a named profile that is in neither file", () => {
    rejectsWith(
      () => resolveS3Config({ ...HOME, AWS_PROFILE: "nope" }, AWS_FILES),
      "StorageError",
      /^Cannot use AWS profile nope: it is in neither \/home\/u\/\.aws\/credentials nor/,
    );
  });
  await t.step("an access key without a secret, and the reverse", () => {
    rejectsWith(
      () => resolveS3Config({ AWS_ACCESS_KEY_ID: "K" }, () => undefined),
      "StorageError",
      /AWS_SECRET_ACCESS_KEY is not set/,
    );
    rejectsWith(
      () => resolveS3Config({ AWS_SECRET_ACCESS_KEY: "topsecret" }, () => undefined),
      "StorageError",
      /^Cannot sign S3 requests: AWS_ACCESS_KEY_ID is not set$/,
    );
  });
  await t.step("a profile that assumes a role", () => {
    rejectsWith(
      () => resolveS3Config({ ...HOME, AWS_PROFILE: "role" }, AWS_FILES),
      "Unsupported",
      /^Cannot use AWS profile role: role_arn is not supported/,
    );
  });
  await t.step("an endpoint with a password in it", () => {
    assert.throws(
      () => resolveS3Config({ AWS_ENDPOINT_URL: "http://u:hunter2@minio:9000" }, () => undefined),
      (e: unknown) => e instanceof AzofError && !e.message.includes("hunter2"),
    );
  });
  await t.step("an endpoint that is not an http(s) URL", () => {
    rejectsWith(
      () => resolveS3Config({ AWS_ENDPOINT_URL: "minio:9000" }, () => undefined),
      "InputInvalid",
      /expected an http:\/\/ or https:\/\/ URL/,
    );
  });
});

Deno.test("parseS3Url() splits bucket and prefix and refuses malformed URLs", () => {
  assert.deepEqual(parseS3Url("s3://b"), { bucket: "b", prefix: "" });
  assert.deepEqual(parseS3Url("s3://b/"), { bucket: "b", prefix: "" });
  assert.deepEqual(parseS3Url("S3://b/x/y//"), { bucket: "b", prefix: "x/y" });
  for (const bad of ["s3://", "s3:///x", "s3://key:secret@b/x", "https://b/x"]) {
    assert.throws(() => parseS3Url(bad), (e: unknown) => {
      assert.ok(e instanceof AzofError && e.code === "InputInvalid");
      assert.ok(!e.message.includes("secret"), e.message);
      return true;
    });
  }
});

Deno.test("objectUrl() addresses buckets by path or by host name and encodes keys", () => {
  const aws = { region: "us-east-1", pathStyle: false };
  assert.equal(objectUrl(aws, "b", "t/s1.json"), "https://b.s3.us-east-1.amazonaws.com/t/s1.json");
  assert.equal(objectUrl(aws, "b", ""), "https://b.s3.us-east-1.amazonaws.com/");
  assert.equal(objectUrl(aws, "my.bucket", "k"), "https://s3.us-east-1.amazonaws.com/my.bucket/k");
  const local = { region: "us-east-1", endpoint: "http://127.0.0.1:4568", pathStyle: true };
  assert.equal(
    objectUrl(local, "b", "t/ä b+c%(1)*.json"),
    "http://127.0.0.1:4568/b/t/%C3%A4%20b%2Bc%25%281%29%2A.json",
  );
  const vhost = { region: "x", endpoint: "https://r2.example.com", pathStyle: false };
  assert.equal(objectUrl(vhost, "b", "k"), "https://b.r2.example.com/k");
});
