#!/usr/bin/env bash
# Screenshots of the app for the README: serves the sample data, shoots each page with headless chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8097}
store=$(mktemp -d)/decisions.db  # a fresh review store: screenshots show no one's decisions
.venv/bin/orgfriction serve sample_data --port "$port" --store "$store" >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 150); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done
mkdir -p docs/img
shoot() {
  chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=15000 --window-size=1400,"${3:-900}" \
    --user-data-dir="$(mktemp -d)" --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --disable-quic \
    --host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1" \
    --screenshot="docs/img/$1.png" "http://127.0.0.1:$port$2" 2>/dev/null
}
shoot overview /
shoot graph "/graph?team=notifications-email" 1000
shoot clusters "/clusters" 1100
shoot suggestions /suggestions 1100
shoot tickets /tickets 1000
ids=$(.venv/bin/python -c "import orgfriction as o; a=o.analyze(o.load('sample_data')); print(','.join(a.suggestions.filter('feasible')['suggestion_id'].head(3)))")
shoot what-if "/what-if?suggestions=$ids" 1000
# the leadership report, opened from disk like a leader would
report=$(mktemp -d)/report.html
.venv/bin/orgfriction report sample_data --out "$report" >/dev/null
chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=15000 --window-size=1300,1500 \
  --user-data-dir="$(mktemp -d)" --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --disable-quic --host-resolver-rules="MAP * ~NOTFOUND" \
  --screenshot="docs/img/report.png" "file://$report" 2>/dev/null
echo "wrote docs/img/*.png"
