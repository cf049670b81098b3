#!/bin/sh
# Builds the release binaries with `deno compile --target` into dist/release/:
#   plexus-<version>-<target>[.exe] for Linux x64/arm64, macOS x64/arm64 and Windows x64.
# deno compile needs the runtime image (denort) of each target. It downloads them; offline,
# give them as DENORT_BIN (the host's target, as `make build`) or DENORT_DIR/denort-<target>[.exe].
# A target whose runtime is not available is reported and skipped; no file is ever faked.
# Exit code: 0 when every target was built, 1 otherwise.
set -u
cd "$(dirname "$0")/.."
DENO="${DENO:-deno}"
V8_FLAGS="${V8_FLAGS:---max-semi-space-size=4,--heap-growing-percent=25,--no-concurrent-recompilation}"
RUN_FLAGS="${RUN_FLAGS:---no-code-cache}"
TARGETS="${TARGETS:-x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-msvc}"
version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' deno.json | head -1)
host=$("$DENO" --version 2>/dev/null | head -1 | sed -n 's/.*(\(.*\)).*/\1/p' | awk -F', ' '{print $NF}')
out=dist/release
mkdir -p "$out"
built=""
failed=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in $TARGETS; do
  suffix=""
  case "$target" in *windows*) suffix=".exe" ;; esac
  file="$out/plexus-$version-$target$suffix"
  rm -f "$file"
  runtime=""
  if [ -n "${DENORT_DIR:-}" ] && [ -x "$DENORT_DIR/denort-$target$suffix" ]; then
    runtime="$DENORT_DIR/denort-$target$suffix"
  elif [ -n "${DENORT_BIN:-}" ] && [ "$target" = "$host" ]; then
    runtime="$DENORT_BIN"
  fi
  if [ -n "$runtime" ]; then
    export DENORT_BIN="$runtime"
  else
    unset DENORT_BIN
  fi
  # shellcheck disable=SC2086 # RUN_FLAGS is a list of flags
  if "$DENO" compile -A $RUN_FLAGS --v8-flags="$V8_FLAGS" --target "$target" --output "$file" main.ts >"$log" 2>&1 && [ -s "$file" ]; then
    echo "built $file"
    built="$built $target"
  elif [ -z "$runtime" ] && grep -qi "denort\|base binary\|download" "$log"; then
    rm -f "$file"
    echo "release: $target skipped: deno compile could not download the runtime image (denort) for $target here; set DENORT_DIR to a folder holding denort-$target$suffix from a machine with network access" >&2
    failed="$failed $target"
  else
    rm -f "$file"
    cat "$log" >&2
    echo "release: $target failed (see above)" >&2
    failed="$failed $target"
  fi
done
if [ -n "$built" ]; then
  (cd "$out" && sha256sum plexus-"$version"-* > "SHA256SUMS-$version")
fi
if [ -n "$failed" ]; then
  echo "release: built:${built:- none}; not built:$failed" >&2
  exit 1
fi
echo "release: all targets built in $out"
