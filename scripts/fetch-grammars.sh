#!/usr/bin/env bash
# Regenerates src/scan/grammars/*.wasm from the npm registry. The grammar packages declare
# conflicting tree-sitter peer dependencies, so they are not installed as dependencies; their
# wasm files are committed with checksums instead (verified by src/scan/grammars.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && for p in tree-sitter-python@0.25.0 tree-sitter-javascript@0.25.0 \
    tree-sitter-typescript@0.23.2 @eagleoutice/tree-sitter-r@1.1.2; do npm pack --silent "$p" >/dev/null; done
  for f in *.tgz; do mkdir -p "x/$f"; tar xzf "$f" -C "x/$f"; done )
cp "$tmp"/x/*/package/*.wasm src/scan/grammars/
( cd src/scan/grammars && sha256sum *.wasm > SHA256SUMS )
echo "grammars updated:"; cat src/scan/grammars/SHA256SUMS
