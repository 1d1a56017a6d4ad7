#!/usr/bin/env bash
# Prints the path of a Pulumi CLI at least as new as the pinned version, building it
# from the Go module proxy on first use. Progress goes to stderr, the path to stdout.
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
log "building Pulumi CLI $pinned from the Go module proxy into $cache_dir (first run only; several minutes)"
started=$(date +%s)
tmp_out="$cache_dir/bin/.pulumi.partial.$$"
(
  cd "$tool_module"
  GOFLAGS=-mod=readonly go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pinned" \
    -o "$tmp_out" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
) >&2 || {
  rm -f "$tmp_out"
  log "the build failed; the Go output above names the module or package that was refused or did not compile"
  exit 3
}
mv -f "$tmp_out" "$cached_cli"
log "built $("$cached_cli" version) in $(( $(date +%s) - started ))s"
echo "$cached_cli"
