package world

import (
	"math"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// sendExtra is what a send's options leave on the message beyond its body: the album it
// belongs to, protection, an effect, a reply to another chat or a quote, a forum topic, the
// channel it was posted as, and whether it was scheduled. Shared by every copy.
type sendExtra struct {
	groupedID     int64
	noforwards    bool
	effect        int64
	topID         int32
	replyPeer     Peer // the replied message's chat when it is another chat
	quote         string
	sendAs        Peer // the channel the message was posted as
	fromScheduled bool
}

// sendExtraOf checks the send options of d, sent by a to p, and returns what the message
// keeps of them; nil when there is nothing (under w.mu).
func (w *World) sendExtraOf(a *account, p Peer, d Draft) (*sendExtra, error) {
	x := sendExtra{noforwards: d.Noforwards, effect: d.Effect, topID: d.TopMsgID, quote: d.Quote}
	if d.ReplyToPeer != nil {
		rp, err := w.resolvePeer(a, d.ReplyToPeer)
		if err != nil {
			return nil, err
		}
		if rp != p {
			if d.ReplyTo == 0 {
				return nil, rpcErr(400, "REPLY_MESSAGE_ID_INVALID")
			}
			x.replyPeer = rp
		}
	}
	if d.Quote != "" && d.ReplyTo == 0 {
		return nil, rpcErr(400, "QUOTE_TEXT_INVALID")
	}
	if d.Effect != 0 && p.Kind != PeerUser {
		return nil, rpcErr(400, "EFFECT_ID_INVALID") // effects play in private chats only
	}
	if d.SendAs != nil {
		as, err := w.resolvePeer(a, d.SendAs)
		if err != nil {
			return nil, err
		}
		switch ch := w.channels[as.ID]; {
		case as == UserPeer(a.id):
		case as.Kind == PeerChannel && p.Kind == PeerChannel && ch != nil && ch.isAdmin(a.id):
			x.sendAs = as
		default:
			return nil, rpcErr(400, "SEND_AS_PEER_INVALID")
		}
	}
	if x == (sendExtra{}) {
		return nil, nil
	}
	return &x, nil
}

// with returns a copy of x (nil: an empty one) changed by f.
func (x *sendExtra) with(f func(*sendExtra)) *sendExtra {
	var c sendExtra
	if x != nil {
		c = *x
	}
	f(&c)
	return &c
}

// render adds x to the rendering of m.
func (x *sendExtra) render(m *message, out *tg.Message) {
	if x == nil {
		return
	}
	if x.groupedID != 0 {
		out.GroupedID = tl.Some(x.groupedID)
	}
	if x.effect != 0 {
		out.Effect = tl.Some(x.effect)
	}
	out.Noforwards, out.FromScheduled = x.noforwards, x.fromScheduled
	if x.sendAs.ID != 0 {
		out.FromID = peerTG(x.sendAs)
	}
	if x.replyPeer.ID == 0 && x.quote == "" && x.topID == 0 {
		return
	}
	h := &tg.MessageReplyHeader{}
	if m.replyTo != 0 {
		h.ReplyToMsgID = tl.Some(m.replyTo)
	}
	if x.replyPeer.ID != 0 {
		h.ReplyToPeerID = peerTG(x.replyPeer)
	}
	if x.quote != "" {
		h.Quote, h.QuoteText = true, tl.Some(x.quote)
	}
	if x.topID != 0 {
		h.ForumTopic = true
		if m.replyTo == 0 {
			h.ReplyToMsgID = tl.Some(x.topID)
		} else if m.replyTo != x.topID {
			h.ReplyToTopID = tl.Some(x.topID)
		}
	}
	out.ReplyTo = h
}

// sendable reports whether m may be sent as a new message: a live location must have a
// point and not be stopped (those are for edits).
func (m *media) sendable() bool {
	return m.place == nil || (!math.IsNaN(m.place.lat) && m.place.period >= 0)
}

// addRefs adds the peers x names to r.
func (x *sendExtra) addRefs(r *refs) {
	if x != nil {
		r.add(x.replyPeer)
		r.add(x.sendAs)
	}
}

// ErrChatForwardsRestricted answers a forward of a protected message (sent with noforwards).
var ErrChatForwardsRestricted = rpcErr(400, "CHAT_FORWARDS_RESTRICTED")

// protected reports whether the message x belongs to may not be forwarded.
func (x *sendExtra) protected() bool { return x != nil && x.noforwards }
