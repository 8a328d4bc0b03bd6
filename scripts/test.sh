#!/usr/bin/env bash
# Runs gofmt, go vet and go test in every module listed in go.work.
# Fails if any module fails. Usage: ./scripts/test.sh [module-dir ...]
#
# Environment:
#   MTGO_TEST_FLAGS  extra flags for go test (default: -race -count=1 -timeout=20m)
#   MTGO_NO_RACE=1   run without the race detector (faster on small machines)
#   MTGO_NO_CHECKS=1 skip scripts/checks.sh (go.mod agreement, GOWORK=off, purego, arm64,
#                    staticcheck)
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
	modules=("$@")
else
	mapfile -t modules < <(go work edit -json | sed -n 's/.*"DiskPath": "\(.*\)".*/\1/p')
fi

flags=${MTGO_TEST_FLAGS:--count=1 -timeout=20m}
race="-race"
[ "${MTGO_NO_RACE:-}" = "1" ] && race=""

failed=()
# Module-level checks (go.mod agreement, GOWORK=off build/vet, purego, arm64 vet, staticcheck).
if [ "${MTGO_NO_CHECKS:-}" != "1" ]; then
	./scripts/checks.sh "${modules[@]}" || failed+=("checks")
fi
for m in "${modules[@]}"; do
	m=${m#./}
	echo "=== module $m"
	unformatted=$(cd "$m" && gofmt -l . 2>/dev/null)
	if [ -n "$unformatted" ]; then
		echo "gofmt needed in $m:"; echo "$unformatted"; failed+=("$m(gofmt)"); continue
	fi
	if ! (cd "$m" && go vet ./...); then failed+=("$m(vet)"); continue; fi
	# Generated packages (tl/tg, tl/mt) are huge; they run without -race to keep CI
	# time bounded. Everything hand-written runs under the race detector.
	pkgs=$(cd "$m" && go list ./... 2>/dev/null)
	plain=$(echo "$pkgs" | grep -E '/tl/(tg|mt)$' || true)
	raced=$(echo "$pkgs" | grep -vE '/tl/(tg|mt)$' || true)
	if [ -n "$raced" ]; then
		# shellcheck disable=SC2086
		if ! (cd "$m" && go test $race $flags $raced); then failed+=("$m"); continue; fi
	fi
	if [ -n "$plain" ]; then
		# shellcheck disable=SC2086
		if ! (cd "$m" && go test $flags $plain); then failed+=("$m"); continue; fi
	fi
	# The allocation gates skip under the race detector (it drops sync.Pool items at random);
	# they run once more without it so a regression still fails the run.
	if [ -n "$race" ] && [ "$m" = "integration/bench" ]; then
		# shellcheck disable=SC2086
		if ! (cd "$m" && go test $flags -run 'Gate$' .); then failed+=("$m(gates)"); continue; fi
	fi
done

if [ "${#failed[@]}" -gt 0 ]; then
	echo "FAILED: ${failed[*]}"
	exit 1
fi
echo "all modules passed"
