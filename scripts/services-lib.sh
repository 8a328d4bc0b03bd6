# Shared by the scripts in scripts/services.d (sourced, not run): each starts one loopback
# server the tests use, leaves a port that already answers alone, and reports a server it
# cannot start as a skip, or as a failure under MTGO_CI.

# listening PORT...: every port accepts a TCP connection on 127.0.0.1.
listening() {
	local p
	for p in "$@"; do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || return 1
	done
}

# find_bin NAME: the program's path on PATH or in the sbin/bin directories Debian uses.
find_bin() {
	command -v "$1" 2>/dev/null && return 0
	local d
	for d in /usr/sbin /usr/bin; do
		[ -x "$d/$1" ] && echo "$d/$1" && return 0
	done
	return 1
}

# give_up MESSAGE: says why on stderr and ends the script: a failure under MTGO_CI, where
# every service is required, else a skip (the tests that need it skip too).
give_up() {
	echo "$1" >&2
	[ -n "${MTGO_CI:-}" ] && exit 1
	exit 0
}

# wait_listening PORT...: waits up to WAIT_TRIES tenths of a second (default 50: 5 s) for
# every port to accept connections.
wait_listening() {
	for _ in $(seq 1 "${WAIT_TRIES:-50}"); do
		listening "$@" && return 0
		sleep 0.1
	done
	return 1
}
