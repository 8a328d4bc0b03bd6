#!/usr/bin/env bash
# Checks that the module set agrees on one version and prints (or creates) its tags.
#
#   ./scripts/release.sh           dry run: check, then print the tags that would be created
#   ./scripts/release.sh --apply   also create them as annotated tags on HEAD (never pushes)
#
# The set's version is client's Version constant (client/config.go). Every module's go.mod
# must require the siblings it imports at exactly that version and replace each sibling it
# reaches with the sibling's directory (scripts/modsync.go -check). Tags are <dir>/vX.Y.Z, one
# per module, the form the go command resolves for a module in a subdirectory.
set -euo pipefail
cd "$(dirname "$0")/.."

apply=0
case "${1:-}" in
	"") ;;
	--apply) apply=1 ;;
	*) echo "usage: $0 [--apply]" >&2; exit 2 ;;
esac

echo "--- checking go.mod files"
go run scripts/modsync.go -check

mapfile -t tags < <(go run scripts/modsync.go -tags)
if [ "${#tags[@]}" -eq 0 ]; then
	echo "no tags to create" >&2
	exit 1
fi
version=${tags[0]##*/}
for t in "${tags[@]}"; do
	if [ "${t##*/}" != "$version" ]; then
		echo "tag $t does not carry the set version $version" >&2
		exit 1
	fi
done

existing=()
for t in "${tags[@]}"; do
	if git rev-parse -q --verify "refs/tags/$t" >/dev/null; then
		existing+=("$t")
	fi
done

echo "--- tags for $version at $(git rev-parse --short HEAD)"
printf '%s\n' "${tags[@]}"

if [ "$apply" -eq 0 ]; then
	[ "${#existing[@]}" -gt 0 ] && echo "note: already exist: ${existing[*]}"
	echo "(dry run; ./scripts/release.sh --apply creates them)"
	exit 0
fi

if [ "${#existing[@]}" -gt 0 ]; then
	echo "refusing: tags already exist: ${existing[*]}" >&2
	exit 1
fi
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	echo "refusing: the working tree has uncommitted changes" >&2
	exit 1
fi
for t in "${tags[@]}"; do
	git tag -a "$t" -m "${t%/*} $version"
done
echo "created ${#tags[@]} tags; push them with:"
echo "  git push origin ${tags[*]}"
