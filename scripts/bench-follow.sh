#!/usr/bin/env bash
# How soon the LogFollower delivers a new pod's first line after its container starts, with the
# real kubectl against the simulated cluster (speed 10). Prints each figure and the median.
# Usage: scripts/bench-follow.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
swift build --build-tests >/dev/null
figures=()
for i in $(seq 1 "$runs"); do
  out=$(swift test --skip-build --filter 'followerSeesEveryNewPodCompletely' 2>&1)
  grep -q 'passed after' <<<"$out" || { echo "run $i failed:"; echo "$out" | tail -20; exit 1; }
  while read -r s; do figures+=("$s"); done < <(grep -o 'arrived [0-9.]* s' <<<"$out" | awk '{print $2}')
done
printf '%s\n' "${figures[@]}" | sort -n | awk -v runs="$runs" '
  { v[NR] = $1 }
  END {
    if (NR == 0) { print "no figures"; exit 1 }
    med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "first line after container start: %d pods over %d runs, median %.2f s, min %.2f s, max %.2f s\n", NR, runs, med, v[1], v[NR]
  }'
