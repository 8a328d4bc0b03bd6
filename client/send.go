package mtgo

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// SendMessage sends text to peer (anything ResolvePeer accepts) and returns the sent message.
// The text is read with Config.ParseMode unless WithParseMode or WithEntities say otherwise;
// every SendOption applies (reply, topic, silent, schedule, protect, send-as, effect, markup).
func (c *Client) SendMessage(ctx context.Context, peer any, text string, opts ...SendOption) (*types.Message, error) {
	p := collectSend(opts)
	ip, err := c.ResolvePeer(ctx, peer)
	if err != nil {
		return nil, err
	}
	text, ents, err := c.messageText(ctx, text, p.Text)
	if err != nil {
		return nil, err
	}
	out, err := c.resolveSend(ctx, p)
	if err != nil {
		return nil, err
	}
	if wp := linkPreview(c.cfg.LinkPreview, out.noWebpage, text, ents); wp != nil {
		req := &tg.MessagesSendMediaRequest{Peer: ip, Media: wp, Message: text, RandomID: randomID(), Entities: ents}
		out.toMedia(req)
		return c.postSend(ctx, "message", out, req, req.RandomID, ip, text, ents)
	}
	req := &tg.MessagesSendMessageRequest{Peer: ip, Message: text, RandomID: randomID(), Entities: ents}
	out.toMessage(req)
	return c.postSend(ctx, "message", out, req, req.RandomID, ip, text, ents)
}

// sendAnswer is what a send keeps after its call: the answer, and the raw message and peers an
// updateShortSentMessage answer is made into. One allocation holds them all.
type sendAnswer struct {
	res        tg.UpdatesClassBox
	m          tg.Message
	peer, from tg.PeerUser
}

// peerOf returns the peer a message sent to ip names, in s's memory for a user (self when ip
// names no other peer).
func (s *sendAnswer) peerOf(ip tg.InputPeerClass, self int64) tg.PeerClass {
	switch p := ip.(type) {
	case *tg.InputPeerUser:
		s.peer.UserID = p.UserID
	case *tg.InputPeerUserFromMessage:
		s.peer.UserID = p.UserID
	case *tg.InputPeerChat, *tg.InputPeerChannel, *tg.InputPeerChannelFromMessage:
		return inputToPeer(ip, self)
	default:
		s.peer.UserID = self
	}
	return &s.peer
}

// postSend invokes req, the send of one message (random id rid, to ip, with text and ents),
// lets the update engine account for it and returns the sent message; what names the send
// in errors.
func (c *Client) postSend(ctx context.Context, what string, out outgoing, req tl.Encoder, rid int64, ip tg.InputPeerClass, text string, ents []tg.MessageEntityClass) (*types.Message, error) {
	s := new(sendAnswer)
	call := c.call
	if out.business != "" {
		call = func(ctx context.Context, req tl.Encoder, res tl.Decoder) error {
			return c.businessCall(ctx, out.business, req, res)
		}
	}
	if err := call(ctx, req, &s.res); err != nil {
		return nil, fmt.Errorf("mtgo: send %s: %w", what, err)
	}
	self := c.selfID()
	to := s.peerOf(ip, self)
	if out.business == "" { // a business send changes the business account's state, not ours
		c.absorbSent(updates.Sent{Peer: to, Message: text, Silent: out.silent, ReplyTo: out.replyHeader}, s.res.Updates)
	}
	var msg *types.Message
	var err error
	if u, ok := s.res.Updates.(*tg.UpdateShortSentMessage); ok {
		msg, err = c.shortSentMessage(clientAPI{c: c}, s, u, to, text, ents)
	} else {
		msg, err = c.sentMessage(s.res.Updates, rid, ip, text, ents)
	}
	switch {
	case err != nil:
	case out.business != "": // the business account's message: Edit and Delete go through the connection
		msg.BusinessConnectionID = out.business
	default: // the account's own (a business message's id is the business account's, not ours)
		c.msgCache.add(msg)
	}
	return msg, err
}

// sentMessage finds the message a send produced in its answer.
func (c *Client) sentMessage(u tg.UpdatesClass, randomID int64, peer tg.InputPeerClass, text string, ents []tg.MessageEntityClass) (*types.Message, error) {
	api := clientAPI{c: c}
	if u, ok := u.(*tg.UpdateShortSentMessage); ok {
		s := new(sendAnswer)
		return c.shortSentMessage(api, s, u, s.peerOf(peer, c.selfID()), text, ents)
	}
	list, users, chats, ok := updatesParts(u)
	if !ok {
		return nil, ErrNoMessageUpdates
	}
	return findSent(api, list, users, chats, randomID)
}

// shortSentMessage builds, in s, the message an updateShortSentMessage reports (sent to the
// peer to with text and ents).
func (c *Client) shortSentMessage(api types.API, s *sendAnswer, u *tg.UpdateShortSentMessage, to tg.PeerClass, text string, ents []tg.MessageEntityClass) (*types.Message, error) {
	s.m = tg.Message{
		Out: true, ID: u.ID, Date: u.Date, PeerID: to,
		Message: text, Entities: ents, Media: u.Media, TTLPeriod: u.TTLPeriod,
	}
	if u.Entities != nil {
		s.m.Entities = u.Entities
	}
	msg := types.NewMessage(api, &s.m, types.Entities{})
	if msg == nil {
		return nil, ErrNoMessageShort
	}
	if self := c.Me(); self != nil { // set after NewMessage, which would build a User of the bare id
		s.from.UserID = self.ID
		s.m.FromID = &s.from
		msg.From = self
	}
	return msg, nil
}

// updatesParts returns the updates, users and chats of an Updates answer; ok is false for the
// kinds that carry no list (short messages, updatesTooLong).
func updatesParts(u tg.UpdatesClass) (list []tg.UpdateClass, users []tg.UserClass, chats []tg.ChatClass, ok bool) {
	switch u := u.(type) {
	case *tg.Updates:
		return u.Updates, u.Users, u.Chats, true
	case *tg.UpdatesCombined:
		return u.Updates, u.Users, u.Chats, true
	case *tg.UpdateShort:
		return []tg.UpdateClass{u.Update}, nil, nil, true
	}
	return nil, nil, nil, false
}

// findSent returns the new message whose id updateMessageID pairs with randomID (or the only
// new message when there is no such pairing).
func findSent(api types.API, list []tg.UpdateClass, users []tg.UserClass, chats []tg.ChatClass, randomID int64) (*types.Message, error) {
	id := int32(0)
	for _, u := range list {
		if m, ok := u.(*tg.UpdateMessageID); ok && m.RandomID == randomID {
			id = m.ID
		}
	}
	var msg *types.Message
	eachMessage(list, func(raw *tg.Message) bool {
		if id == 0 || raw.ID == id {
			msg = types.NewMessage(api, raw, types.NewEntities(users, chats))
		}
		return msg == nil
	})
	if msg == nil {
		return nil, ErrNoMessageUpdates
	}
	return msg, nil
}

// eachMessage calls f with each message that new, scheduled and edited message updates in
// list carry, until f returns false.
func eachMessage(list []tg.UpdateClass, f func(*tg.Message) bool) {
	for _, u := range list {
		var m tg.MessageClass
		switch u := u.(type) {
		case *tg.UpdateNewMessage:
			m = u.Message
		case *tg.UpdateNewChannelMessage:
			m = u.Message
		case *tg.UpdateNewScheduledMessage:
			m = u.Message
		case *tg.UpdateEditMessage:
			m = u.Message
		case *tg.UpdateEditChannelMessage:
			m = u.Message
		case *tg.UpdateBotNewBusinessMessage: // the answer to a send through a business connection
			m = u.Message
		case *tg.UpdateBotEditBusinessMessage: // the answer to an edit through one
			m = u.Message
		default:
			continue
		}
		if raw, ok := m.(*tg.Message); ok && raw != nil && !f(raw) {
			return
		}
	}
}

// inputToPeer converts an input peer into the peer a message names.
func inputToPeer(p tg.InputPeerClass, self int64) tg.PeerClass {
	switch p := p.(type) {
	case *tg.InputPeerUser:
		return &tg.PeerUser{UserID: p.UserID}
	case *tg.InputPeerUserFromMessage:
		return &tg.PeerUser{UserID: p.UserID}
	case *tg.InputPeerChat:
		return &tg.PeerChat{ChatID: p.ChatID}
	case *tg.InputPeerChannel:
		return &tg.PeerChannel{ChannelID: p.ChannelID}
	case *tg.InputPeerChannelFromMessage:
		return &tg.PeerChannel{ChannelID: p.ChannelID}
	}
	return &tg.PeerUser{UserID: self}
}

func randomID() int64 {
	var b [8]byte
	_, _ = crand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]))
}

// clientAPI binds types.Message methods to the client.
type clientAPI struct{ c *Client }

// SendText implements types.API.
func (a clientAPI) SendText(ctx context.Context, peer tg.InputPeerClass, text string, replyTo int, opts ...SendOption) (*types.Message, error) {
	if replyTo != 0 {
		opts = append([]SendOption{WithReplyTo(replyTo)}, opts...)
	}
	return a.c.SendMessage(ctx, peer, text, opts...)
}

// EditText implements types.API.
func (a clientAPI) EditText(ctx context.Context, peer tg.InputPeerClass, id int, text string, opts ...EditOption) (*types.Message, error) {
	return a.c.EditMessageText(ctx, peer, id, text, opts...)
}

// DeleteMessages implements types.API.
func (a clientAPI) DeleteMessages(ctx context.Context, peer tg.InputPeerClass, ids []int) error {
	_, err := a.c.deleteMessages(ctx, peer, ids)
	return err
}
