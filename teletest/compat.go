package teletest

import (
	"encoding/binary"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Layer 170 forms of requests whose constructor changed since.
const (
	resolveUsername170ID = 0xf93ccba3 // contacts.resolveUsername#f93ccba3 username:string
	sendMessage170ID     = 0x280d096f // messages.sendMessage#280d096f
)

// upgradeRequest rewrites the layer 170 forms of contacts.resolveUsername and
// messages.sendMessage (possibly inside invokeWithLayer and invokeWithoutUpdates) into the
// server's layer, returning body unchanged when there is nothing to rewrite:
//
//   - contacts.resolveUsername gained a flags field (for referer) in front of username;
//   - messages.sendMessage only gained fields under flag bits a layer 170 client never sets,
//     so its bytes are valid in the new form once the id is replaced, unless reply_to is set
//     (inputReplyToMessage changed too); that case is left alone and fails to decode.
func upgradeRequest(body []byte) []byte {
	off, ok := innerOffset(body)
	if !ok || len(body)-off < 4 {
		return body
	}
	switch binary.LittleEndian.Uint32(body[off:]) {
	case resolveUsername170ID:
		out := make([]byte, 0, len(body)+4)
		out = append(out, body[:off]...)
		out = binary.LittleEndian.AppendUint32(out, tg.ContactsResolveUsernameRequestTypeID)
		out = binary.LittleEndian.AppendUint32(out, 0) // flags: no referer
		return append(out, body[off+4:]...)
	case sendMessage170ID:
		if len(body)-off < 8 || binary.LittleEndian.Uint32(body[off+4:])&1 != 0 {
			return body
		}
		out := append([]byte(nil), body...)
		binary.LittleEndian.PutUint32(out[off:], tg.MessagesSendMessageRequestTypeID)
		return out
	}
	return body
}
