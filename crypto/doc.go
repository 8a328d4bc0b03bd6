// Package crypto holds every cryptographic primitive MTProto 2.0 needs: AES-256-IGE, the
// message envelope (msg_key, key/iv derivation, padding) for both directions, Telegram's RSA
// keys, fingerprints and RSA_PAD, the key-exchange math (pq factorisation, DH checks, nonce
// hashes, salts), obfuscated2 stream keys and the temporary-key binding message.
//
// The package uses the standard library only and does no I/O. Functions that need randomness
// take an io.Reader, so tests can pass NewDeterministicReader. Functions that produce bytes
// append to a caller buffer so the hot paths (IGE and message crypto) allocate nothing.
package crypto

// Side says who sent a message: it selects the x = 0 (client) or x = 8 (server) offset into the
// auth key during message key derivation, and mirrors obfuscated2 streams.
type Side uint8

const (
	// Client is the side that opened the connection (x = 0 in the MTProto 2.0 formulas).
	Client Side = iota
	// Server is the side that accepted the connection (x = 8 in the MTProto 2.0 formulas).
	Server
)

// String returns "client" or "server".
func (s Side) String() string {
	switch s {
	case Client:
		return "client"
	case Server:
		return "server"
	default:
		return "invalid side"
	}
}

// x returns the auth key offset of messages sent by s.
func (s Side) x() int {
	if s == Server {
		return 8
	}
	return 0
}

// Other returns the opposite side.
func (s Side) Other() Side {
	if s == Server {
		return Client
	}
	return Server
}
