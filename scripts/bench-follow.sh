#!/usr/bin/env bash
# Follows a whole rollout and a monitoring window with the real kubectl against the simulated
# cluster at 3, 40 and 100 replicas x 2 containers, through one kubectl proxy and through one
# kubectl per container (the fallback), side by side, plus stream-drops at 100 replicas; prints
# per run: kubectl processes, peak RSS of the whole process tree, CPU seconds, lines/s through
# the monitor model, new pods' first-line latency (median, max), lines lost or doubled.
#
#   scripts/bench-follow.sh [ARGS]     e.g. --sizes 3,40 --window 30 --modes proxy
#
# Targets (issue 14) at 100x2: peak tree RSS <= 250 MiB, <= 2 kubectl processes, >= 20,000
# lines/s through the monitor using under one core, first line <= 1 s (median), 0 lost/doubled
# under stream-drops. The per-container fallback at 100x2 starts 200+ kubectl (about 9 GiB).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "building release (static Swift stdlib, .build-static)..." >&2
swift build -c release --product hotfix --static-swift-stdlib --scratch-path .build-static >&2
bin="$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/hotfix"
exec python3 scripts/bench-follow.py "$bin" "$@"
