#!/usr/bin/env bash
# Module-level checks besides gofmt/vet/test; scripts/test.sh runs them first.
#
#   1. go.mod files agree with the imports and the set version (scripts/modsync.go -check)
#   2. every module builds and vets alone: GOWORK=off go build ./... && GOWORK=off go vet ./...
#   3. the pure-Go paths: go vet and go test with -tags purego in every module with a file
#      constrained by purego (the assembly is the default on amd64)
#   4. one non-amd64 target: GOARCH=arm64 go vet ./...
#   5. staticcheck (honnef.co/go/tools) with the one staticcheck.conf at the root; skipped with
#      a message when it is not installed, unless MTGO_CI is set (.ci/run installs it)
#
# Usage: ./scripts/checks.sh [module-dir ...]   (default: every module of go.work)
# Environment: MTGO_TEST_FLAGS extra flags for the purego tests (default -count=1 -timeout=20m).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
	modules=("$@")
else
	mapfile -t modules < <(go work edit -json | sed -n 's/.*"DiskPath": "\(.*\)".*/\1/p')
fi
flags=${MTGO_TEST_FLAGS:--count=1 -timeout=20m}

staticcheck=$(command -v staticcheck || true)
if [ -z "$staticcheck" ] && [ -x "$(go env GOPATH)/bin/staticcheck" ]; then
	staticcheck="$(go env GOPATH)/bin/staticcheck"
fi
if [ -z "$staticcheck" ]; then
	if [ -n "${MTGO_CI:-}" ]; then
		echo "staticcheck not installed (MTGO_CI is set: .ci/run should have installed it)" >&2
		exit 1
	fi
	echo "note: staticcheck not installed, skipping it" \
		"(go install honnef.co/go/tools/cmd/staticcheck@$(cat .ci/staticcheck-version))"
fi

failed=()
step() { # step <name> <module> <command...>: runs the command in the module, records a failure
	local name=$1 m=$2
	shift 2
	if ! (cd "$m" && "$@"); then
		failed+=("$m($name)")
	fi
}

echo "=== go.mod files"
go run scripts/modsync.go -check || failed+=("go.mod(modsync -check)")

for m in "${modules[@]}"; do
	m=${m#./}
	echo "=== checks $m"
	step "GOWORK=off build" "$m" env GOWORK=off go build ./...
	step "GOWORK=off vet" "$m" env GOWORK=off go vet ./...
	if grep -rqlE --include='*.go' '^//go:build .*purego' "$m"; then
		step "purego vet" "$m" go vet -tags purego ./...
		# shellcheck disable=SC2086
		step "purego test" "$m" go test -tags purego $flags ./...
	fi
	step "arm64 vet" "$m" env GOARCH=arm64 go vet ./...
	if [ -n "$staticcheck" ]; then
		step staticcheck "$m" "$staticcheck" ./...
	fi
done

if [ "${#failed[@]}" -gt 0 ]; then
	echo "CHECKS FAILED: ${failed[*]}"
	exit 1
fi
echo "all checks passed"
