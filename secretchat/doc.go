// Package secretchat is the sans-IO core of Telegram secret chats (end-to-end encrypted chats,
// core.telegram.org/api/end-to-end): the Diffie-Hellman step that makes a chat's key, MTProto 2.0
// encryption of decryptedMessageLayer values under that key, the in_seq_no/out_seq_no
// bookkeeping and the key visualizations users compare. It does no I/O: randomness comes in as
// bytes or an io.Reader, TL values as bytes or tl/e2e objects, and output is appended to caller
// buffers.
package secretchat

import "github.com/mtgo-labs/mtgo/crypto"

// Role says which end of a secret chat a party is: the originator called
// messages.requestEncryption, the responder messages.acceptEncryption. It selects x = 0
// (originator) or x = 8 (responder) in the key derivation, and the parity of sequence numbers
// (the originator's out_seq_no are odd, the responder's even).
type Role uint8

const (
	// Originator is the party that requested the chat.
	Originator Role = iota
	// Responder is the party that accepted it.
	Responder
)

// String returns "originator" or "responder".
func (r Role) String() string {
	switch r {
	case Originator:
		return "originator"
	case Responder:
		return "responder"
	}
	return "role(invalid)"
}

// Other returns the peer's role.
func (r Role) Other() Role { return r ^ 1 }

// valid reports whether r is one of the two roles.
func (r Role) valid() bool { return r <= Responder }

// side maps a role to the MTProto 2.0 key offset: the originator uses the client's x = 0, the
// responder the server's x = 8.
func (r Role) side() crypto.Side {
	if r == Originator {
		return crypto.Client
	}
	return crypto.Server
}

// parity is the low bit of every out_seq_no the role sends: 1 for the originator, 0 for the
// responder (core.telegram.org/api/end-to-end/seq_no: x_out is 1 for the party that initiated
// the chat).
func (r Role) parity() int64 { return int64(r&1) ^ 1 }
