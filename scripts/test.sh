#!/usr/bin/env bash
# The whole suite: integration tests on SQLite, the same tests on PostgreSQL when TEST_DATABASE_URL names a
# maintenance database (e.g. postgres://user:pass@127.0.0.1:5432/postgres), then the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(find server common test -name '*.test.ts' | sort)
rm -rf .tmp/test-logs

echo "== integration tests on SQLite =="
env -u TEST_DATABASE_URL node --import tsx --test --test-concurrency=2 "${files[@]}"

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== integration tests on PostgreSQL =="
  node --import tsx --test --test-concurrency=2 "${files[@]}"
else
  echo "== PostgreSQL run skipped: set TEST_DATABASE_URL to run the suite on PostgreSQL too =="
fi

if [ "${SKIP_BROWSER_TESTS:-}" != "1" ]; then
  echo "== browser tests =="
  npm run build --silent
  mapfile -t e2e < <(find e2e -name '*.test.ts' | sort)
  node --import tsx --test --test-concurrency=1 "${e2e[@]}"
fi

echo "== log scan: no ID number, phone or password in any log line the suite wrote =="
node --import tsx test/scan-logs.ts
