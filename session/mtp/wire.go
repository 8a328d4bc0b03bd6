package mtp

import (
	"encoding/binary"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
)

// Constructor ids of the MTProto service layer. The engine encodes and parses these few
// fixed-layout messages itself: they are on the hot path, and rpc_result, msg_container and
// gzip_packed are not expressible in generated code anyway.
const (
	idRPCResult               = 0xf35c6d01
	idMsgContainer            = 0x73f1f8dc
	idGzipPacked              = 0x3072cfa1
	idMsgCopy                 = 0xe06046b2
	idRPCError                = 0x2144ca19
	idMsgsAck                 = 0x62d6b459
	idBadMsgNotification      = 0xa7eff811
	idBadServerSalt           = 0xedab447b
	idMsgsStateReq            = 0xda69fb52
	idMsgsStateInfo           = 0x04deb57d
	idMsgsAllInfo             = 0x8cc0d131
	idMsgDetailedInfo         = 0x276d3ec6
	idMsgNewDetailedInfo      = 0x809db6df
	idMsgResendReq            = 0x7d861a08
	idRPCAnswerUnknown        = 0x5e2ad36e
	idRPCAnswerDroppedRunning = 0xcd78e586
	idRPCAnswerDropped        = 0xa43ad8b7
	idFutureSalt              = 0x0949d9dc
	idFutureSalts             = 0xae500895
	idPong                    = 0x347773c5
	idDestroySessionOk        = 0xe22045fc
	idDestroySessionNone      = 0x62d350c9
	idNewSessionCreated       = 0x9ec20908
	idHTTPWait                = 0x9299359f
	idRPCDropAnswer           = 0x58e4a740
	idGetFutureSalts          = 0xb921bd04
	idPing                    = 0x7abe77ec
	idPingDelayDisconnect     = 0xf3427b8c
	idDestroySession          = 0xe7512126
	idInvokeAfterMsg          = 0xcb9f372d
)

// Sizes of fixed parts of the wire format.
const (
	innerHeaderSize     = 32 // salt, session_id, msg_id, seqno, length
	containerItemHeader = 16 // msg_id, seqno, bytes
	maxAckIDs           = 8192
)

var le = binary.LittleEndian

// appendMessage appends a container item header (msg_id, seqno, length) and body.
func appendItem(dst []byte, msgID int64, seqNo int32, body []byte) []byte {
	dst = le.AppendUint64(dst, uint64(msgID))
	dst = le.AppendUint32(dst, uint32(seqNo))
	dst = le.AppendUint32(dst, uint32(len(body)))
	return append(dst, body...)
}

// appendLongVector appends a boxed Vector<long>.
func appendLongVector(dst []byte, ids []int64) []byte {
	dst = le.AppendUint32(dst, tl.VectorID)
	dst = le.AppendUint32(dst, uint32(len(ids)))
	for _, id := range ids {
		dst = le.AppendUint64(dst, uint64(id))
	}
	return dst
}

// appendBytes appends a TL bytes value (length prefix, data, padding to 4).
func appendBytes(dst, p []byte) []byte {
	var b tl.Buffer
	b.Buf = dst
	b.PutBytes(p)
	return b.Buf
}

// readLongVector reads a boxed Vector<long>, refusing counts above the bytes left.
func readLongVector(b *tl.Buffer, dst []int64) ([]int64, error) {
	if err := b.ConsumeID(tl.VectorID); err != nil {
		return dst, err
	}
	n, err := b.BareVectorHeader()
	if err != nil {
		return dst, err
	}
	if n < 0 || n > b.Len()/8 {
		return dst, fmt.Errorf("%w: vector of %d longs in %d bytes", tl.ErrTooLarge, n, b.Len())
	}
	for range n {
		v, err := b.Int64()
		if err != nil {
			return dst, err
		}
		dst = append(dst, v)
	}
	return dst, nil
}

// peekID returns the constructor id at the start of body, or 0 if body is too short.
func peekID(body []byte) uint32 {
	if len(body) < 4 {
		return 0
	}
	return le.Uint32(body)
}

// contentRelated reports whether a message with this body needs an acknowledgement: everything
// except acks and containers.
func contentRelated(body []byte) bool {
	switch peekID(body) {
	case idMsgsAck, idMsgContainer, idHTTPWait:
		return false
	}
	return true
}
