package teletest

import (
	"encoding/binary"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Service queries that some clients send with an even seqno, as if they were not
// content-related.
const (
	idPing                = 0x7abe77ec // ping#7abe77ec
	idPingDelayDisconnect = 0xf3427b8c // ping_delay_disconnect#f3427b8c
	idGetFutureSalts      = 0xb921bd04 // get_future_salts#b921bd04
)

// maxServiceQueryPacket bounds the encrypted packet of a lone ping, ping_delay_disconnect or
// get_future_salts: 24 bytes of envelope, 32 of header, at most 16 of body and the padding
// (88 bytes with the usual 12..27 bytes of padding; larger paddings up to 56 bytes pass).
const maxServiceQueryPacket = 128

// seqNoCompat makes a top-level ping, ping_delay_disconnect or get_future_salts with an even
// seqno acceptable to the session engine by re-sealing it with the odd seqno the protocol
// asks for. It returns packet unchanged when nothing needs fixing, or on any error (the
// engine then judges the original).
//
// MTProto calls every message that needs an acknowledgement content-related (odd seqno),
// which is every message except containers and acknowledgements; these queries get an answer,
// so they are content-related. gotd/td v0.93.0 sends them through writeServiceMessage with an
// even seqno, and Telegram's servers answer them anyway. The server applies this only to
// clients announcing a layer other than its own, so MTGo's client is held to the rule.
func seqNoCompat(key *crypto.AuthKey, packet []byte, rnd interface{ Read([]byte) (int, error) }) []byte {
	if len(packet) > maxServiceQueryPacket {
		return packet // too long to hold one of these queries alone: skip the extra decryption
	}
	plain, err := crypto.DecryptMessage(nil, key, crypto.Client, packet)
	if err != nil || len(plain) < crypto.InnerHeaderSize+4 {
		return packet
	}
	seq := binary.LittleEndian.Uint32(plain[24:])
	switch binary.LittleEndian.Uint32(plain[crypto.InnerHeaderSize:]) {
	case idPing, idPingDelayDisconnect, idGetFutureSalts:
	default:
		return packet
	}
	if seq&1 == 1 {
		return packet
	}
	binary.LittleEndian.PutUint32(plain[24:], seq|1)
	fixed, err := crypto.EncryptMessage(nil, key, crypto.Client, plain, rnd)
	if err != nil {
		return packet
	}
	return fixed
}

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
	off := 0
	for range maxWrapperDepth {
		if len(body)-off < 4 {
			return body
		}
		switch binary.LittleEndian.Uint32(body[off:]) {
		case tg.InvokeWithoutUpdatesRequestTypeID:
			off += 4
			continue
		case tg.InvokeWithLayerRequestTypeID:
			off += 8
			continue
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
	return body
}
