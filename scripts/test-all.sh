#!/usr/bin/env bash
# Everything the tests need, then the whole suite: system packages (when missing),
# npm packages (builds the native addon and the TypeScript), type-check, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
npm ci --no-audit --no-fund
npm test
