#!/usr/bin/env bash
# Everything the tests need, then the whole suite: system packages (when missing),
# npm packages (builds the native addon and the TypeScript), type-check, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
# `npm install`, not `npm ci`: the registry here serves only this platform's optional
# packages (e.g. @rollup/rollup-darwin-*), so the lock cannot list them all and
# npm 11's `npm ci` rejects it as out of sync.
npm install --no-audit --no-fund
npm test
