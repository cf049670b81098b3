#!/bin/sh
# Builds dist/plexus with `deno compile`. Never produces a fake binary: when the runtime image
# (denort) can neither be downloaded nor found in DENORT_BIN, it says so and fails.
set -eu
DENO="${DENO:-deno}"
if [ -n "${DENORT_BIN:-}" ]; then
  if [ ! -x "$DENORT_BIN" ]; then
    echo "make build: DENORT_BIN=$DENORT_BIN is not an executable file" >&2
    exit 1
  fi
  export DENORT_BIN
fi
if "$DENO" compile -A --output dist/plexus main.ts; then
  echo "built dist/plexus"
else
  echo "make build: deno compile could not get its runtime image (denort); download it on a machine with network access and rerun with DENORT_BIN=/path/to/denort" >&2
  exit 1
fi
