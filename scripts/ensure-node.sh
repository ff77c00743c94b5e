#!/usr/bin/env bash
# Print a directory to put first on PATH so that `node` is 22 or newer (@pulumi/pulumi needs Node 22+).
# Uses the node on PATH when it is new enough; otherwise installs the pinned Node 22 from the npm registry into
# .ci/node (git-ignored) once, and reuses it after that.
set -euo pipefail
NODE22_VERSION=22.23.3
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -ge 22 ]; then
  dirname "$(command -v node)"
  exit 0
fi
prefix="$root/.ci/node"
bin="$prefix/node_modules/.bin"
if [ "$("$bin/node" --version 2>/dev/null)" != "v$NODE22_VERSION" ]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@$NODE22_VERSION" >&2
fi
echo "$bin"
