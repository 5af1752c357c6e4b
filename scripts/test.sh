#!/usr/bin/env bash
# The README's test command: bring up PostgreSQL and Redis, then build and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh
exec mvn -B verify "$@"
