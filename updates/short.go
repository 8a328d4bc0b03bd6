package updates

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// shortMessage turns updateShortMessage into the updateNewMessage it stands for.
func shortMessage(u *tg.UpdateShortMessage, self int64) tg.UpdateClass {
	m := &tg.Message{
		Out:         u.Out,
		Mentioned:   u.Mentioned,
		MediaUnread: u.MediaUnread,
		Silent:      u.Silent,
		ID:          u.ID,
		PeerID:      &tg.PeerUser{UserID: u.UserID},
		FwdFrom:     u.FwdFrom,
		ViaBotID:    u.ViaBotID,
		ReplyTo:     u.ReplyTo,
		Date:        u.Date,
		Message:     u.Message,
		Entities:    u.Entities,
		TTLPeriod:   u.TTLPeriod,
	}
	switch {
	case !u.Out:
		m.FromID = &tg.PeerUser{UserID: u.UserID}
	case self != 0:
		m.FromID = &tg.PeerUser{UserID: self}
	}
	return &tg.UpdateNewMessage{Message: m, Pts: u.Pts, PtsCount: u.PtsCount}
}

// shortChatMessage turns updateShortChatMessage into the updateNewMessage it stands for.
func shortChatMessage(u *tg.UpdateShortChatMessage) tg.UpdateClass {
	m := &tg.Message{
		Out:         u.Out,
		Mentioned:   u.Mentioned,
		MediaUnread: u.MediaUnread,
		Silent:      u.Silent,
		ID:          u.ID,
		FromID:      &tg.PeerUser{UserID: u.FromID},
		PeerID:      &tg.PeerChat{ChatID: u.ChatID},
		FwdFrom:     u.FwdFrom,
		ViaBotID:    u.ViaBotID,
		ReplyTo:     u.ReplyTo,
		Date:        u.Date,
		Message:     u.Message,
		Entities:    u.Entities,
		TTLPeriod:   u.TTLPeriod,
	}
	return &tg.UpdateNewMessage{Message: m, Pts: u.Pts, PtsCount: u.PtsCount}
}

// Sent is what a messages.sendMessage (or sendMedia) call sent, which the server's short answer
// updateShortSentMessage leaves out.
type Sent struct {
	// Peer is where the message went.
	Peer tg.PeerClass
	// Message is the text that was sent.
	Message string
	// ReplyTo is the reply header the message carries, if any.
	ReplyTo tg.MessageReplyHeaderClass
	// Silent reports a message sent without notification.
	Silent bool
}

// sentMessage turns updateShortSentMessage into updateNewMessage using what the call sent.
func sentMessage(u *tg.UpdateShortSentMessage, s Sent, self int64) tg.UpdateClass {
	m := &tg.Message{
		Out:       u.Out,
		Silent:    s.Silent,
		ID:        u.ID,
		PeerID:    s.Peer,
		ReplyTo:   s.ReplyTo,
		Date:      u.Date,
		Message:   s.Message,
		Media:     u.Media,
		Entities:  u.Entities,
		TTLPeriod: u.TTLPeriod,
	}
	if self != 0 {
		m.FromID = &tg.PeerUser{UserID: self}
	}
	return &tg.UpdateNewMessage{Message: m, Pts: u.Pts, PtsCount: u.PtsCount}
}

// ProcessSent applies the result of a call that sent a message. When the result is
// updateShortSentMessage it is completed with s and delivered as updateNewMessage; any other
// result is processed as Process does.
func (b *Box) ProcessSent(now time.Time, s Sent, in tg.UpdatesClass) (Output, error) {
	u, ok := in.(*tg.UpdateShortSentMessage)
	if !ok || u == nil || s.Peer == nil {
		return b.Process(now, in)
	}
	b.begin()
	b.startAt(now, nil)
	b.single(now, sentMessage(u, s, b.cfg.SelfID), u.Date)
	return b.finish(), nil
}

// shortSentAlone handles updateShortSentMessage handed over without the call that produced it.
// It carries neither the peer nor the text, so it cannot be delivered as it is; its pts range is
// fetched with getDifference instead, which returns the full message.
func (b *Box) shortSentAlone(now time.Time, u *tg.UpdateShortSentMessage) {
	b.active = now
	if !b.stateKnown || b.common.busy() {
		b.common.again = true
		return
	}
	if check(b.pts.pts, u.Pts, u.PtsCount) == duplicate {
		return
	}
	b.startCommon(now, "updateShortSentMessage without its call")
}

// ExpandShort returns the tg.Updates that a short form (updateShort, updateShortMessage,
// updateShortChatMessage) stands for, with full message objects, as the Manager delivers it,
// for a client that dispatches updates without a Manager. self is the logged-in user; with 0
// (unknown) an outgoing message has no sender rather than user 0. Anything else, nil values
// included, is returned as it is.
func ExpandShort(u tg.UpdatesClass, self int64) tg.UpdatesClass {
	var up tg.UpdateClass
	var date int32
	switch s := u.(type) {
	case *tg.UpdateShort:
		if s != nil && s.Update != nil {
			up, date = s.Update, s.Date
		}
	case *tg.UpdateShortMessage:
		if s != nil {
			up, date = shortMessage(s, self), s.Date
		}
	case *tg.UpdateShortChatMessage:
		if s != nil {
			up, date = shortChatMessage(s), s.Date
		}
	}
	if up == nil {
		return u
	}
	return &tg.Updates{Updates: []tg.UpdateClass{up}, Date: date}
}
