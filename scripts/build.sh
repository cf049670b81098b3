#!/bin/sh
# Builds dist/plexus with `deno compile`. Never produces a fake binary: when the runtime image
# (denort) can neither be downloaded nor found in DENORT_BIN, it says so in one line and fails.
set -eu
DENO="${DENO:-deno}"
# An empty DENORT_BIN would make deno look for a file named ''; unset, it downloads instead.
[ -n "${DENORT_BIN:-}" ] || unset DENORT_BIN
if [ -n "${DENORT_BIN:-}" ] && [ ! -x "$DENORT_BIN" ]; then
  echo "make build: DENORT_BIN=$DENORT_BIN is not an executable file" >&2
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if "$DENO" compile -A ${RUN_FLAGS:-} ${V8_FLAGS:+--v8-flags="$V8_FLAGS"} --output dist/plexus main.ts >"$log" 2>&1; then
  echo "built dist/plexus"
elif [ -n "${DENORT_BIN:-}" ] || ! grep -q "base binary\|denort" "$log"; then
  cat "$log" >&2
  echo "make build: deno compile failed (see above)" >&2
  exit 1
else
  echo "make build: skipped, deno compile could not download its runtime image (denort) here; rerun with DENORT_BIN=/path/to/denort-$("$DENO" --version | head -1 | cut -d' ' -f2) from a machine with network access" >&2
  exit 1
fi
