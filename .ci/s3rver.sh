#!/usr/bin/env bash
# Starts (or stops) a local s3rver for the S3 store tests.
#
#   .ci/s3rver.sh start               # installs s3rver@3.7.1 once, starts it, prints export lines
#   . /tmp/azof-s3rver/env            # the same export lines, written to $AZOF_S3RVER_DIR/env
#   deno test --allow-all lib/store/
#   .ci/s3rver.sh stop
#
# (`eval "$(.ci/s3rver.sh start)"` also works interactively, but eval hides a failed start from set -e.)
#
# Environment: AZOF_S3RVER_DIR (install + state, default /tmp/azof-s3rver), AZOF_S3RVER_PORT (first
# port to try, default 4568), AZOF_TEST_S3_BUCKET (default azof-test).
# s3rver accepts the access key S3RVER with secret S3RVER; it checks that the key exists but does not
# verify SigV4 signatures, and it ignores If-None-Match on PUT.
set -euo pipefail

dir="${AZOF_S3RVER_DIR:-/tmp/azof-s3rver}"
bucket="${AZOF_TEST_S3_BUCKET:-azof-test}"
pidfile="$dir/s3rver.pid"
bin="$dir/node_modules/s3rver/bin/s3rver.js"

log() { echo "s3rver.sh: $*" >&2; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop() {
  if [[ -f "$pidfile" ]]; then
    local pid
    pid="$(cat "$pidfile")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      log "stopped pid $pid"
    else
      log "pid $pid was not running"
    fi
    rm -f "$pidfile"
  fi
  rm -rf "$dir/data" "$dir/env"
}

start() {
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "already running (pid $(cat "$pidfile")); run '$0 stop' first"
    exit 1
  fi
  mkdir -p "$dir"
  if [[ ! -f "$bin" ]]; then
    log "installing s3rver@3.7.1 into $dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" s3rver@3.7.1 >&2
  fi
  local port="${AZOF_S3RVER_PORT:-4568}" tries=0
  until port_free "$port"; do
    tries=$((tries + 1))
    if ((tries > 50)); then log "no free port near ${AZOF_S3RVER_PORT:-4568}"; exit 1; fi
    port=$((port + 1))
  done
  rm -rf "$dir/data" && mkdir -p "$dir/data"
  # DES continuation tokens (paged listings) need the legacy OpenSSL provider on Node >= 17.
  NODE_OPTIONS="--openssl-legacy-provider" nohup node "$bin" -d "$dir/data" -a 127.0.0.1 \
    -p "$port" --silent --configure-bucket "$bucket" >"$dir/s3rver.log" 2>&1 &
  echo $! >"$pidfile"
  local endpoint="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if curl -sf -o /dev/null "$endpoint/$bucket"; then
      log "listening on $endpoint (bucket $bucket, pid $(cat "$pidfile"), log $dir/s3rver.log)"
      printf 'export AZOF_TEST_S3_ENDPOINT=%s\nexport AZOF_TEST_S3_BUCKET=%s\n' "$endpoint" "$bucket" |
        tee "$dir/env"
      return 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then break; fi
    sleep 0.1
  done
  log "s3rver did not answer on $endpoint; log follows"
  cat "$dir/s3rver.log" >&2
  stop
  exit 1
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
