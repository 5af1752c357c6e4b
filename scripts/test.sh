#!/usr/bin/env bash
# The README's test command: bring up PostgreSQL and Redis, then build and run every test,
# then build the application image from that build and test it headless (packaging/test-image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh
mvn -B verify "$@"
exec packaging/test-image.sh
