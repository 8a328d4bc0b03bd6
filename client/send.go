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

// SendOption adjusts one SendMessage call.
type SendOption func(*sendOptions)

type sendOptions struct {
	parseMode    int
	parseModeSet bool
	replyTo      int
	silent       bool
	noWebpage    bool
	entities     []tg.MessageEntityClass
	markup       tg.ReplyMarkupClass
}

// WithReplyTo sends the message as a reply to message id.
func WithReplyTo(id int) SendOption { return func(o *sendOptions) { o.replyTo = id } }

// WithParseMode overrides Config.ParseMode for this message.
func WithParseMode(mode int) SendOption {
	return func(o *sendOptions) { o.parseMode, o.parseModeSet = mode, true }
}

// WithSilent sends the message without a notification sound.
func WithSilent() SendOption { return func(o *sendOptions) { o.silent = true } }

// WithNoWebpage disables the link preview.
func WithNoWebpage() SendOption { return func(o *sendOptions) { o.noWebpage = true } }

// WithEntities sends text with these entities as they are (no parse mode applies).
func WithEntities(e []tg.MessageEntityClass) SendOption {
	return func(o *sendOptions) { o.entities = e }
}

// WithReplyMarkup attaches a keyboard or inline buttons.
func WithReplyMarkup(m tg.ReplyMarkupClass) SendOption {
	return func(o *sendOptions) { o.markup = m }
}

// SendMessage sends text to peer (anything ResolvePeer accepts) and returns the sent message.
// The text is read with Config.ParseMode unless WithParseMode or WithEntities say otherwise.
func (c *Client) SendMessage(ctx context.Context, peer interface{}, text string, opts ...SendOption) (*types.Message, error) {
	o := sendOptions{parseMode: c.cfg.ParseMode}
	for _, opt := range opts {
		opt(&o)
	}
	ip, err := c.ResolvePeer(ctx, peer)
	if err != nil {
		return nil, err
	}
	ents := o.entities
	if ents == nil {
		if text, ents, err = ParseText(o.parseMode, text); err != nil {
			return nil, err
		}
	}
	req := &tg.MessagesSendMessageRequest{
		NoWebpage:   o.noWebpage,
		Silent:      o.silent,
		Peer:        ip,
		Message:     text,
		RandomID:    randomID(),
		ReplyMarkup: o.markup,
		Entities:    c.inputEntities(ctx, ents),
	}
	if o.replyTo != 0 {
		req.ReplyTo = &tg.InputReplyToMessage{ReplyToMsgID: int32(o.replyTo)}
	}
	var res tg.UpdatesClassBox
	if err := c.invoke(ctx, route{}, req, &res, invokeOpts{managed: true}); err != nil {
		return nil, fmt.Errorf("mtgo: send message: %w", err)
	}
	sent := updates.Sent{Peer: inputToPeer(ip, c.selfID()), Message: text, Silent: o.silent}
	if o.replyTo != 0 {
		sent.ReplyTo = &tg.MessageReplyHeader{ReplyToMsgID: tl.Some(int32(o.replyTo))}
	}
	c.absorbSent(ctx, sent, res.Updates)
	msg, err := c.sentMessage(res.Updates, req.RandomID, ip, text, ents)
	if err == nil {
		c.msgCache.add(msg)
	}
	return msg, err
}

// absorbSent hands the answer to a sent message to the update engine, completed with what was
// sent (an updateShortSentMessage carries neither text nor peer).
func (c *Client) absorbSent(ctx context.Context, s updates.Sent, u tg.UpdatesClass) {
	c.learnUpdates(u)
	if c.updates == nil {
		return
	}
	c.feedEngine(func(ctx context.Context) error {
		if hs, ok := c.updates.(interface {
			HandleSent(context.Context, updates.Sent, tg.UpdatesClass) error
		}); ok {
			return hs.HandleSent(ctx, s, u)
		}
		return c.updates.HandleUpdates(ctx, u)
	})
}

// sentMessage finds the message a send produced in its answer.
func (c *Client) sentMessage(u tg.UpdatesClass, randomID int64, peer tg.InputPeerClass, text string, ents []tg.MessageEntityClass) (*types.Message, error) {
	api := clientAPI{c: c}
	switch u := u.(type) {
	case *tg.UpdateShortSentMessage:
		m := &tg.Message{
			Out: true, ID: u.ID, PeerID: inputToPeer(peer, c.selfID()), Date: u.Date,
			Message: text, Entities: ents, Media: u.Media, TTLPeriod: u.TTLPeriod,
		}
		if u.Entities != nil {
			m.Entities = u.Entities
		}
		if self := c.Me(); self != nil {
			m.FromID = &tg.PeerUser{UserID: self.ID}
		}
		msg := types.NewMessage(api, m, types.Entities{})
		if msg == nil {
			return nil, ErrNoMessageShort
		}
		if self := c.Me(); self != nil {
			msg.From = self
		}
		return msg, nil
	case *tg.Updates:
		return findSent(api, u.Updates, u.Users, u.Chats, randomID)
	case *tg.UpdatesCombined:
		return findSent(api, u.Updates, u.Users, u.Chats, randomID)
	case *tg.UpdateShort:
		return findSent(api, []tg.UpdateClass{u.Update}, nil, nil, randomID)
	}
	return nil, ErrNoMessageUpdates
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
		default:
			continue
		}
		if raw, ok := m.(*tg.Message); ok && (id == 0 || raw.ID == id) {
			if msg := types.NewMessage(api, raw, types.NewEntities(users, chats)); msg != nil {
				return msg, nil
			}
		}
	}
	return nil, ErrNoMessageUpdates
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
func (a clientAPI) SendText(ctx context.Context, peer tg.InputPeerClass, text string, replyTo int) (*types.Message, error) {
	opts := []SendOption{}
	if replyTo != 0 {
		opts = append(opts, WithReplyTo(replyTo))
	}
	return a.c.SendMessage(ctx, peer, text, opts...)
}

// EditText implements types.API.
func (a clientAPI) EditText(ctx context.Context, peer tg.InputPeerClass, id int, text string) (*types.Message, error) {
	text, ents, err := ParseText(a.c.cfg.ParseMode, text)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesEditMessageRequest{Peer: peer, ID: int32(id), Message: tl.Some(text), Entities: a.c.inputEntities(ctx, ents)}
	var res tg.UpdatesClassBox
	if err := a.c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: edit message: %w", err)
	}
	switch u := res.Updates.(type) {
	case *tg.Updates:
		return findSent(a, u.Updates, u.Users, u.Chats, 0)
	case *tg.UpdatesCombined:
		return findSent(a, u.Updates, u.Users, u.Chats, 0)
	case *tg.UpdateShort:
		return findSent(a, []tg.UpdateClass{u.Update}, nil, nil, 0)
	}
	return nil, ErrNoMessageUpdates
}

// DeleteMessages implements types.API.
func (a clientAPI) DeleteMessages(ctx context.Context, peer tg.InputPeerClass, ids []int) error {
	list := make([]int32, len(ids))
	for i, id := range ids {
		list[i] = int32(id)
	}
	var err error
	switch p := peer.(type) {
	case *tg.InputPeerChannel:
		var res tg.MessagesAffectedMessages
		err = a.c.invoker().Invoke(ctx, &tg.ChannelsDeleteMessagesRequest{
			Channel: &tg.InputChannel{ChannelID: p.ChannelID, AccessHash: p.AccessHash}, ID: list,
		}, &res)
	default:
		var res tg.MessagesAffectedMessages
		err = a.c.invoker().Invoke(ctx, &tg.MessagesDeleteMessagesRequest{Revoke: true, ID: list}, &res)
	}
	if err != nil {
		return fmt.Errorf("mtgo: delete messages: %w", err)
	}
	return nil
}
