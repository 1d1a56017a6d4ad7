#!/usr/bin/env bash
# Prints the path of actionlint (the GitHub Actions workflow linter), building the pinned
# version from the Go module proxy into the tool cache on first use.
set -euo pipefail
version=v1.7.12
cache_root=${ATLAS_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atlas-release}
bin_dir="$cache_root/actionlint/$version/bin"
if [[ ! -x "$bin_dir/actionlint" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "ensure-actionlint: Go is not installed; install Go 1.26+ to build actionlint $version (the workflow lint test needs it)" >&2
    exit 2
  fi
  mkdir -p "$bin_dir"
  exec 9>"$bin_dir/.build.lock"
  flock 9
  if [[ ! -x "$bin_dir/actionlint" ]]; then
    echo "ensure-actionlint: building actionlint $version into $bin_dir (first run only)" >&2
    GOFLAGS=-mod=mod GOBIN="$bin_dir" go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
  fi
fi
echo "$bin_dir/actionlint"
