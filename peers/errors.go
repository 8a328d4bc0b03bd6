package peers

import "errors"

var (
	// ErrPeerNotFound reports a peer that cannot be resolved from the given identifier: not in
	// the cache, unknown to the server, or an identifier that names no peer. Errors from the
	// server or the parser that mean "no such peer" match it as well as their own cause.
	ErrPeerNotFound = errors.New("peers: peer not found")

	// ErrInvalidQuery reports a string that is not a peer identifier (a malformed username,
	// phone number, id or link). It comes wrapped together with ErrPeerNotFound.
	ErrInvalidQuery = errors.New("peers: not a peer identifier")

	// ErrUnsupportedLink reports a t.me or tg:// link that is valid but names no peer, such
	// as a sticker set or proxy link. It comes wrapped together with ErrPeerNotFound.
	ErrUnsupportedLink = errors.New("peers: link does not name a peer")

	// ErrCorruptRecord reports a stored peer record or key that does not decode.
	ErrCorruptRecord = errors.New("peers: corrupt peer record")
)
