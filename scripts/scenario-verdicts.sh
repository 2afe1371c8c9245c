#!/usr/bin/env bash
# Every scenario of the simulated cluster through the real kubectl and `hotfix logs compare`:
# baseline pods' logs, set image, rollout, the new pods' logs after five simulated minutes, and
# the verdict. Prints one block per scenario. Takes about 25 s per scenario at the default speed.
# Usage: scripts/scenario-verdicts.sh [SPEED] [SCENARIO...]   (default 20, all scenarios)
set -euo pipefail
cd "$(dirname "$0")/.."
speed="${1:-20}"; shift || true
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(fix-works no-effect new-error crashloop no-traffic stream-drops slow)
swift build >/dev/null
bin=.build/debug/hotfix
"$bin" logs compare --help >/dev/null 2>&1 || { echo "needs the log pipeline (hotfix logs compare)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for sc in "${scenarios[@]}"; do
  d="$work/$sc"; mkdir -p "$d/home"
  "$bin" sim --scenario "$sc" --speed "$speed" >"$d/sim.out" 2>&1 &
  sim=$!
  for _ in $(seq 1 100); do grep -q '^kubeconfig: ' "$d/sim.out" && break; sleep 0.1; done
  kc=$(awk '/^kubeconfig: /{print $2}' "$d/sim.out")
  k() { HOME="$d/home" kubectl --kubeconfig "$kc" --cache-dir "$d/home/cache" "$@"; }
  k logs -l app=app --prefix --timestamps --tail=-1 >"$d/baseline.log"
  old=$(k get deployment/app -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')
  hash=$(k get rs -l app=app -o jsonpath="{.items[?(@.metadata.annotations.deployment\.kubernetes\.io/revision==\"$old\")].metadata.labels.pod-template-hash}")
  k set image deployment/app app=registry/app:hotfix-1 >/dev/null
  k rollout status deployment/app --timeout="$(( 600 / speed + 5 ))s" >/dev/null 2>&1 || true
  sleep "$(awk -v s="$speed" 'BEGIN { printf "%.1f", 300 / s }')"
  k logs -l "app=app,pod-template-hash!=$hash" --prefix --timestamps --tail=-1 >"$d/after.log" 2>/dev/null || true
  restarts=$(k get pods -l "app=app,pod-template-hash!=$hash" -o jsonpath='{range .items[*]}{.status.containerStatuses[0].restartCount}{" "}{end}')
  kill -INT "$sim"; wait "$sim" || true
  set +e
  verdict=$("$bin" logs compare --baseline "$d/baseline.log" --after "$d/after.log")
  code=$?
  set -e
  echo "$sc: exit $code, $(wc -l <"$d/baseline.log") baseline lines, $(wc -l <"$d/after.log") after lines, new pods' restarts: ${restarts:-none}"
  echo "$verdict" | head -6 | sed 's/^/    /'
done
