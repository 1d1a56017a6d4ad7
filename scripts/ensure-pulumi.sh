#!/usr/bin/env bash
# Prints the path of a Pulumi CLI at least as new as the pinned version, building it
# from the Go module proxy on first use. Progress goes to stderr (what it does and for how long; the
# Go tool's own output goes to build.log in the cache directory), the path to stdout.
#
#   ATLAS_TOOL_CACHE   where built binaries are cached (default: ~/.cache/atlas-release)
#   ATLAS_PULUMI_BUILD=always   ignore a `pulumi` on PATH and use/build the pinned one
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool_module="$repo_root/tools/pulumi-cli"
pinned=$(grep -Eo 'github\.com/pulumi/pulumi/pkg/v3 v[0-9][^ ]*' "$tool_module/go.mod" | head -n1 | cut -d' ' -f2)
if [[ -z "$pinned" ]]; then
  echo "ensure-pulumi: cannot read the pinned pkg/v3 version from $tool_module/go.mod" >&2
  exit 2
fi

cache_root=${ATLAS_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atlas-release}
cache_dir="$cache_root/pulumi/$pinned"
cached_cli="$cache_dir/bin/pulumi"

log() { echo "ensure-pulumi: $*" >&2; }

# version_at_least A B: true when semantic version A >= B (leading "v" ignored).
version_at_least() {
  local a=${1#v} b=${2#v}
  a=${a%%-*}; b=${b%%-*}
  [[ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n1)" == "$b" ]]
}

# 1. A pulumi on PATH that is recent enough.
if [[ "${ATLAS_PULUMI_BUILD:-}" != "always" ]] && on_path=$(command -v pulumi 2>/dev/null); then
  found=$("$on_path" version 2>/dev/null | tr -d '[:space:]' || true)
  if [[ -n "$found" ]] && version_at_least "$found" "$pinned"; then
    log "using $on_path ($found, pinned minimum $pinned)"
    echo "$on_path"
    exit 0
  fi
  log "ignoring $on_path (${found:-unknown version}); need at least $pinned"
fi

# 2. The cached build.
if [[ -x "$cached_cli" ]] && [[ "$("$cached_cli" version 2>/dev/null | tr -d '[:space:]')" == "$pinned" ]]; then
  log "using cached $cached_cli ($pinned)"
  echo "$cached_cli"
  exit 0
fi

# 3. Build it. One build at a time per cache directory.
if ! command -v go >/dev/null 2>&1; then
  log "Go is not installed; install Go 1.26+ (or put a Pulumi CLI >= $pinned on PATH) and retry"
  exit 2
fi
mkdir -p "$cache_dir/bin"
exec 9>"$cache_dir/.build.lock"
flock 9
if [[ -x "$cached_cli" ]] && [[ "$("$cached_cli" version 2>/dev/null | tr -d '[:space:]')" == "$pinned" ]]; then
  echo "$cached_cli"   # another process built it while we waited
  exit 0
fi
build_log="$cache_dir/build.log"
log "building Pulumi CLI $pinned from the Go module proxy into $cache_dir (first run only; several minutes)"
log "the Go tool's output (each module it downloads) goes to $build_log"
started=$(date +%s)
tmp_out="$cache_dir/bin/.pulumi.partial.$$"
(
  cd "$tool_module"
  GOFLAGS=-mod=readonly go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pinned" \
    -o "$tmp_out" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
) >"$build_log" 2>&1 &
build_pid=$!
# An interrupted script stops its build (a background job would ignore the terminal's Ctrl-C).
trap 'kill "$build_pid" 2>/dev/null || true; rm -f "$tmp_out"' EXIT
trap 'exit 130' INT TERM

# progress_line: what the build is doing and for how long, from the log's `go: downloading` lines.
progress_line() {
  local elapsed=$(( $(date +%s) - started )) modules
  modules=$(grep -c '^go: downloading' "$build_log" 2>/dev/null || true)
  printf 'ensure-pulumi: building Pulumi CLI %s: %s module(s) downloaded, compiling… %dm%02ds' "$pinned" "${modules:-0}" $(( elapsed / 60 )) $(( elapsed % 60 ))
}

# On a terminal one line updated in place every second; elsewhere (CI) a plain line every 30 seconds.
last_plain=$started
while kill -0 "$build_pid" 2>/dev/null; do
  if [[ -t 2 ]]; then
    printf '\r\033[K%s' "$(progress_line)" >&2
  elif (( $(date +%s) - last_plain >= 30 )); then
    last_plain=$(date +%s)
    echo "$(progress_line)" >&2
  fi
  sleep 1
done
[[ -t 2 ]] && printf '\r\033[K' >&2
if ! wait "$build_pid"; then
  rm -f "$tmp_out"
  log "the build failed after $(( $(date +%s) - started ))s; the last lines of $build_log:"
  grep -v '^go: downloading' "$build_log" | tail -n 20 | sed 's/^/  /' >&2
  log "they name the module or package that was refused or did not compile"
  exit 3
fi
trap - EXIT
mv -f "$tmp_out" "$cached_cli"
log "built $("$cached_cli" version) in $(( $(date +%s) - started ))s ($(grep -c '^go: downloading' "$build_log" || true) module(s) downloaded; log: $build_log)"
echo "$cached_cli"
