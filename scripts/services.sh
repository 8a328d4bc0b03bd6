#!/usr/bin/env bash
# Starts the loopback helper servers the tests use (proxies and friends).
# Called by .ci/run after the packages are installed; safe to run by hand.
# Each service prints the environment variable the tests read to find it.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in scripts/services.d/*.sh; do
	[ -e "$f" ] || continue
	echo "--- starting $(basename "$f")"
	bash "$f"
done
