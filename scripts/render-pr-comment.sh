#!/usr/bin/env bash
# Regenerates docs/images/pr-comment.png: the pull-request comment of a real rehearsal's pull-request
# check, rendered as GitHub shows it and screenshotted with headless Chromium.
#
#   sudo apt-get install -y chromium     # once (Debian; not a test dependency)
#   bash scripts/render-pr-comment.sh    # about five minutes on 2 cores with the Pulumi CLI cached
#
# It deploys this checkout's HEAD to dev, staging and prod in a fresh offline workspace (the rehearsal's
# first three steps), commits the issue-29 pull request on top of it (the pipeline alarm reworded in the
# code, 12 Glue workers in Pulumi.prod.yaml only), runs each environment's check as pull-request.yml does
# (promote --pull-request-check --json, parity --deployed, status), assembles the comment with
# npm run pr-comment, and screenshots it. Set KEEP=1 to keep the workspace and the comment's files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/docs/images/pr-comment.png}"
CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$CHROMIUM" ]; then
    echo "render-pr-comment: no chromium on PATH; install it first (sudo apt-get install -y chromium)" >&2
    exit 2
fi
if [ ! -d "$ROOT/node_modules" ]; then
    echo "render-pr-comment: run npm ci first" >&2
    exit 2
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/atlas-pr-comment-XXXXXX")"
cleanup() {
    if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "render-pr-comment: kept $WORK" >&2; fi
}
trap cleanup EXIT

echo "render-pr-comment: deploying HEAD to dev, staging and prod offline ($WORK/workspace)…" >&2
git clone -q "$ROOT" "$WORK/pr"
echo /node_modules >> "$WORK/pr/.git/info/exclude"
ln -s "$ROOT/node_modules" "$WORK/pr/node_modules"
(cd "$WORK/pr" && npm run --silent build:pack > /dev/null)
(cd "$WORK/pr" && npm run --silent rehearse -- --workspace "$WORK/workspace" --step dev --step staging --step prod >&2)

echo "render-pr-comment: the pull request: the alarm reworded, 12 Glue workers in prod only" >&2
cd "$WORK/pr"
sed -i 's/"A pipeline run failed"/"A pipeline run failed: see its execution history"/' src/components/observability.ts
sed -i 's/atlas:glueNumberOfWorkers: 10/atlas:glueNumberOfWorkers: 12/' Pulumi.prod.yaml
git -c user.name=atlas -c user.email=atlas@example.invalid commit -qam "PR 7: reword the pipeline alarm; 12 Glue workers in prod"

mkdir -p "$WORK/reports"
for stack in $(node -e 'require("ts-node/register/transpile-only"); console.log(require("./policy-pack/src/contract").ENVIRONMENTS.join(" "))'); do
    npm run --silent promote -- --stack "$stack" --version 0.0.0-pr.7 --preview-only --pull-request-check \
        --json "$WORK/reports/$stack.json" --workspace "$WORK/workspace" > /dev/null 2>&1 || echo "render-pr-comment: $stack's check did not pass (its row says why)" >&2
done
npm run --silent parity -- --deployed --format markdown --workspace "$WORK/workspace" > "$WORK/reports/parity.md" || true
npm run --silent status -- --format markdown --workspace "$WORK/workspace" > "$WORK/reports/status.md" || true
npm run --silent pr-comment -- --reports "$WORK/reports" --output "$WORK/comment.md"

node -e '
require("ts-node/register/transpile-only");
const fs = require("fs");
const MarkdownIt = require("markdown-it");
const body = new MarkdownIt({ html: true }).render(fs.readFileSync(process.argv[1], "utf8"));
const css = `body{font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:#1f2328;margin:0;background:#fff}
.comment{border:1px solid #d1d9e0;border-radius:6px;margin:12px;max-width:860px}
.head{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;color:#59636e}
.body{padding:4px 16px 12px}h2{font-size:1.4em;border-bottom:1px solid #d1d9e0;padding-bottom:.3em}h3{font-size:1.15em}
table{border-collapse:collapse}th,td{border:1px solid #d1d9e0;padding:5px 12px}th{background:#f6f8fa}
code{background:#eff1f3;border-radius:4px;padding:.1em .3em;font:12px ui-monospace,"DejaVu Sans Mono",monospace}
details{margin:4px 0}summary{cursor:pointer}`;
fs.writeFileSync(process.argv[2], `<!doctype html><meta charset="utf-8"><style>${css}</style><div class="comment"><div class="head"><b>github-actions</b> bot commented</div><div class="body">${body}</div></div>`);
' "$WORK/comment.md" "$WORK/comment.html"

"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size=900,640 --screenshot="$WORK/comment.png" "file://$WORK/comment.html" 2>/dev/null
mkdir -p "$(dirname "$OUT")"
cp "$WORK/comment.png" "$OUT"
echo "render-pr-comment: wrote $OUT ($(du -k "$OUT" | cut -f1) KB) from $WORK/comment.md" >&2
