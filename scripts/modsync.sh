#!/usr/bin/env bash
# Keeps every go.mod in step with the imports: each module requires the sibling modules it
# imports at the set's version (client's Version constant) and replaces every sibling it
# reaches with its directory. Re-run it after adding or removing an import of a sibling.
#
#   ./scripts/modsync.sh           rewrite sibling requires/replaces, then GOWORK=off go mod tidy
#   ./scripts/modsync.sh -check    change nothing; fail if any go.mod disagrees
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
	set -- -tidy
fi
exec go run scripts/modsync.go "$@"
