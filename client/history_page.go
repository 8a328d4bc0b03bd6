package mtgo

import (
	"unsafe"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// pageBox decodes the answers of a listing (messages.Messages: a page of history or of
// search results) for a reader that turns each message into a types.Message and drops the
// decoded object. Messages (message#...) are decoded into scratch, structs reused from page
// to page, and each types.Message keeps the message's TL bytes for its Raw instead of the
// 472-byte tg.Message the generated decoder would allocate: that was half of what a page of
// text messages cost. Service and empty messages are decoded as usual. The fields before and
// after the messages are the generated decoders' (header by hand: flags and counts).
type pageBox struct {
	pg      page
	scratch []tg.Message // the page's message#... objects, reused by the next page
	wire    string       // the bytes of the page's messages vector, a private copy
	spans   []span       // per message of pg.msgs: its bytes in wire (empty: not in scratch)
}

// span is a range of pageBox.wire.
type span struct{ from, to int32 }

// Decode implements tl.Decoder for the constructors of messages.Messages.
func (x *pageBox) Decode(b *tl.Buffer) error {
	x.pg = page{msgs: x.pg.msgs[:0]}
	x.spans = x.spans[:0]
	id, err := b.ID()
	if err != nil {
		return b.DecodeErr("messages.Messages", "", err)
	}
	// One level deeper, as the generated decoder of messages.Messages goes: each object
	// below is then as deep as there, and so is the nesting refused.
	return deeper(b, "messages.Messages", func(b *tl.Buffer) error { return x.decodeFields(b, id) })
}

// decodeFields reads the fields of the messages.Messages constructor id.
func (x *pageBox) decodeFields(b *tl.Buffer, id uint32) (err error) {
	name := "messages.messages"
	switch id {
	case tg.MessagesMessagesTypeID:
		x.pg.complete = true
	case tg.MessagesMessagesSliceTypeID:
		name = "messages.messagesSlice"
		err = x.sliceHeader(b)
	case tg.MessagesChannelMessagesTypeID:
		name = "messages.channelMessages"
		err = x.channelHeader(b)
	case tg.MessagesMessagesNotModifiedTypeID:
		if _, err := b.Int32(); err != nil {
			return b.DecodeErr("messages.messagesNotModified", "count", err)
		}
		x.pg = page{count: -1, complete: true}
		return nil
	default:
		return b.UnexpectedID("messages.Messages", id)
	}
	if err != nil {
		return b.DecodeErr(name, "", err)
	}
	if err := x.messages(b); err != nil {
		return b.DecodeErr(name, "messages", err)
	}
	if _, err := decodeVector(b, 8, tg.DecodeForumTopicClass); err != nil {
		return b.DecodeErr(name, "topics", err)
	}
	if x.pg.chats, err = decodeVector(b, 12, tg.DecodeChatClass); err != nil {
		return b.DecodeErr(name, "chats", err)
	}
	if x.pg.users, err = decodeVector(b, 12, tg.DecodeUserClass); err != nil {
		return b.DecodeErr(name, "users", err)
	}
	if id == tg.MessagesMessagesTypeID {
		x.pg.count = len(x.pg.msgs)
	}
	return nil
}

// sliceHeader reads the fields of messages.messagesSlice before its messages.
func (x *pageBox) sliceHeader(b *tl.Buffer) error {
	flags, err := b.Uint32()
	if err != nil {
		return err
	}
	count, err := b.Int32()
	if err != nil {
		return err
	}
	x.pg.count = int(count)
	if flags&(1<<0) != 0 {
		if x.pg.nextRate, err = b.Int32(); err != nil {
			return err
		}
	}
	if flags&(1<<2) != 0 { // offset_id_offset
		if _, err := b.Int32(); err != nil {
			return err
		}
	}
	if flags&(1<<3) != 0 {
		var flood tg.SearchPostsFlood
		if err := b.ConsumeID(tg.SearchPostsFloodTypeID); err != nil {
			return err
		}
		if err := deeper(b, "searchPostsFlood", flood.DecodeBare); err != nil {
			return err
		}
	}
	return nil
}

// channelHeader reads the fields of messages.channelMessages before its messages.
func (x *pageBox) channelHeader(b *tl.Buffer) error {
	flags, err := b.Uint32()
	if err != nil {
		return err
	}
	if _, err := b.Int32(); err != nil { // pts
		return err
	}
	count, err := b.Int32()
	if err != nil {
		return err
	}
	x.pg.count = int(count)
	if flags&(1<<2) != 0 { // offset_id_offset
		if _, err := b.Int32(); err != nil {
			return err
		}
	}
	return nil
}

// messages reads the messages vector: message#... into scratch, the others as usual.
func (x *pageBox) messages(b *tl.Buffer) error {
	n, err := b.VectorHeaderOf(12)
	if err != nil {
		return err
	}
	if n > len(x.scratch) {
		x.scratch = make([]tg.Message, n)
	}
	start := b.Offset()
	for i := range n {
		id, err := b.PeekID()
		if err != nil {
			return err
		}
		if id != tg.MessageTypeID {
			m, err := tg.DecodeMessageClass(b)
			if err != nil {
				return err
			}
			x.pg.msgs = append(x.pg.msgs, m)
			x.spans = append(x.spans, span{})
			continue
		}
		from := b.Offset() - start
		if err := x.message1(b, &x.scratch[i]); err != nil {
			return err
		}
		m := &x.scratch[i]
		x.pg.msgs = append(x.pg.msgs, m)
		x.spans = append(x.spans, span{int32(from), int32(b.Offset() - start)})
	}
	if vec := b.Buf[start:b.Offset()]; b.Aliases(len(vec)) {
		// The buffer is a packet nobody reuses (the session's): keep it rather than copy.
		x.wire = unsafe.String(unsafe.SliceData(vec), len(vec))
	} else {
		x.wire = string(vec)
	}
	return nil
}

// message1 reads a boxed message#... into m, one level deeper, as DecodeMessageClass would.
func (x *pageBox) message1(b *tl.Buffer, m *tg.Message) error {
	if err := b.ConsumeID(tg.MessageTypeID); err != nil {
		return err
	}
	return deeper(b, "Message", m.DecodeBare) // DecodeBare zeroes m first
}

// deeper runs decode one level deeper into b, as the generated decoders do around each nested
// object; what names the object when b refuses the level. It holds this file's only Enter and
// its Leave, which runs on every path, so no decoder here can leave b at another depth than
// it found (TestPageBoxDepthShape keeps it the only one).
func deeper(b *tl.Buffer, what string, decode func(*tl.Buffer) error) error {
	if err := b.Enter(); err != nil {
		return b.DecodeErr(what, "", err)
	}
	err := decode(b)
	b.Leave() // on the error path too
	return err
}

// set makes pg, decoded elsewhere, the page: its messages are built as they are.
func (x *pageBox) set(pg page) {
	x.pg, x.wire = pg, ""
	x.spans = append(x.spans[:0], make([]span, len(pg.msgs))...)
}

// message builds the i-th message of the page with e, nil for messageEmpty.
func (x *pageBox) message(api types.API, i int, e types.Entities) *types.Message {
	if s := x.spans[i]; s.to > s.from {
		return types.NewMessageFromWire(api, x.pg.msgs[i].(*tg.Message), x.wire[s.from:s.to], e)
	}
	return types.NewMessage(api, x.pg.msgs[i], e)
}

// decodeVector reads a boxed vector of n elements of at least elemMin bytes each.
func decodeVector[T any](b *tl.Buffer, elemMin int, decode func(*tl.Buffer) (T, error)) ([]T, error) {
	n, err := b.VectorHeaderOf(elemMin)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]T, n)
	for i := range out {
		if out[i], err = decode(b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// learnPage hands the page's users and chats to the peer cache, and its messages to the
// min-peer learner (as absorb does for a messages.Messages answer); of consecutive messages
// with the same sender and forward origin, only the first (the learner keeps one message per
// peer, so the others would only repeat its lookups).
func (c *Client) learnPage(pg *page) {
	if len(pg.users) == 0 && len(pg.chats) == 0 {
		return
	}
	c.learn(pg.users, pg.chats)
	l, ok := c.peers.(messageLearner)
	if !ok {
		return
	}
	var last0, last1 peers.Key
	for i, m := range pg.msgs {
		var from, fwd tg.PeerClass
		switch m := m.(type) {
		case *tg.Message:
			from = m.FromID
			if m.FwdFrom != nil {
				fwd = m.FwdFrom.FromID
			}
		case *tg.MessageService:
			from = m.FromID
		default:
			continue
		}
		k0, _ := peers.KeyOfPeer(from)
		k1, _ := peers.KeyOfPeer(fwd)
		if i > 0 && k0 == last0 && k1 == last1 {
			continue
		}
		last0, last1 = k0, k1
		l.LearnMessage(m)
	}
}
