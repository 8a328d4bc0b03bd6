package mtgo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrForwardOption reports a send option that messages.forwardMessages has no field for (a
// reply markup, a link preview setting, a new caption) given to ForwardMessages, which would
// drop it, or to a copy of a media kind that cannot be sent anew.
var ErrForwardOption = errors.New("mtgo: option not available when forwarding or copying")

// ForwardMessages forwards messages ids of fromChat to toChat (both anything ResolvePeer
// accepts) with the header naming their origin, and returns the new messages in the order of
// ids. The send options apply except those the server cannot take with a forward
// (WithReplyMarkup, WithNoWebpage, WithInvertMedia, WithCaption: ErrForwardOption).
func (c *Client) ForwardMessages(ctx context.Context, toChat, fromChat any, ids []int, opts ...SendOption) ([]*types.Message, error) {
	return c.forward(ctx, toChat, fromChat, ids, false, opts)
}

// CopyMessage sends a copy of message id of fromChat to toChat: the same text or media, with
// no header naming its origin. It is messages.forwardMessages with drop_author, so the server
// copies every media kind without a download; WithCaption("") drops a media's caption. The
// options forwardMessages has no field for (a new caption, WithReplyMarkup, WithNoWebpage,
// WithInvertMedia) make it fetch the message and send its text, or its photo, document,
// location or contact, anew (messages.sendMessage or sendMedia); other media kinds then
// fail with ErrForwardOption.
func (c *Client) CopyMessage(ctx context.Context, toChat, fromChat any, id int, opts ...SendOption) (*types.Message, error) {
	msgs, err := c.forward(ctx, toChat, fromChat, []int{id}, true, opts)
	if err != nil {
		return nil, err
	}
	return msgs[0], nil
}

// forward is ForwardMessages, or CopyMessage when drop is set.
func (c *Client) forward(ctx context.Context, toChat, fromChat any, ids []int, drop bool, opts []SendOption) ([]*types.Message, error) {
	p := option.CollectSend(opts)
	refused := forwardable(p, drop)
	if refused != nil && !drop {
		return nil, refused
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ids32, err := wireMessageIDs(ids)
	if err != nil {
		return nil, fmt.Errorf("mtgo: forward messages: %w", err)
	}
	to, err := c.ResolvePeer(ctx, toChat)
	if err != nil {
		return nil, err
	}
	from, err := c.ResolvePeer(ctx, fromChat)
	if err != nil {
		return nil, err
	}
	if refused != nil { // a copy with options only a new message takes
		m, err := c.resend(ctx, to, from, ids[0], p, opts)
		if err != nil {
			return nil, err
		}
		return []*types.Message{m}, nil
	}
	out, err := c.resolveSend(ctx, p)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesForwardMessagesRequest{
		FromPeer: from, ToPeer: to, ID: ids32, RandomID: make([]int64, len(ids)),
		DropAuthor: drop, DropMediaCaptions: drop && p.CaptionSet,
	}
	for _, o := range opts {
		if f, ok := o.(forwardFlag); ok {
			req.DropAuthor = req.DropAuthor || f == dropAuthor
			req.DropMediaCaptions = req.DropMediaCaptions || f == dropCaptions
		}
	}
	for i := range req.RandomID {
		req.RandomID[i] = randomID()
	}
	out.toForward(req)
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: forward messages: %w", err)
	}
	msgs, err := findAllSent(clientAPI{c: c}, res.Updates, req.RandomID)
	for _, m := range msgs {
		c.msgCache.add(m)
	}
	return msgs, err
}

// forwardFlag is an option of ForwardMessages only (a no-op for other sends).
type forwardFlag int

const (
	dropAuthor forwardFlag = iota + 1
	dropCaptions
)

// ApplySend implements SendOption: the flag has no field in the send parameters; forward
// reads it from the options themselves.
func (forwardFlag) ApplySend(*option.SendParams) {}

// WithDropAuthor forwards without the header naming the original author, as a copy
// (ForwardMessages; other sends ignore it).
func WithDropAuthor() SendOption { return dropAuthor }

// WithDropCaption forwards media without their captions (ForwardMessages; other sends
// ignore it). CopyMessage drops a caption with WithCaption("").
func WithDropCaption() SendOption { return dropCaptions }

// CopyMediaGroup copies the album message id of fromChat belongs to into toChat (both
// anything ResolvePeer accepts): every item, in order, as one new album without a header
// naming its origin (messages.forwardMessages with drop_author), and returns the new
// messages. WithCaption("") drops the captions; the options a forward cannot carry
// (ErrForwardOption) are refused. ErrNotMediaGroup when the message is not in an album. A
// business album is copied with CopyBusinessMediaGroup.
func (c *Client) CopyMediaGroup(ctx context.Context, toChat, fromChat any, id int, opts ...SendOption) ([]*types.Message, error) {
	return c.forwardGroup(ctx, toChat, fromChat, id, true, opts)
}

// ForwardMediaGroup forwards the album message id of fromChat belongs to into toChat, every
// item in order, as one new album with the header naming its origin, and returns the new
// messages. ErrNotMediaGroup when the message is not in an album.
func (c *Client) ForwardMediaGroup(ctx context.Context, toChat, fromChat any, id int, opts ...SendOption) ([]*types.Message, error) {
	return c.forwardGroup(ctx, toChat, fromChat, id, false, opts)
}

// forwardGroup forwards (or copies, drop set) the album of message id.
func (c *Client) forwardGroup(ctx context.Context, toChat, fromChat any, id int, drop bool, opts []SendOption) ([]*types.Message, error) {
	if err := forwardable(option.CollectSend(opts), drop); err != nil {
		return nil, err
	}
	if _, err := wireMessageID(id); err != nil {
		return nil, fmt.Errorf("mtgo: forward album: %w", err)
	}
	from, err := c.ResolvePeer(ctx, fromChat)
	if err != nil {
		return nil, err
	}
	group, err := c.mediaGroup(ctx, from, id)
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(group))
	for i, m := range group {
		ids[i] = m.ID
	}
	return c.forward(ctx, toChat, from, ids, drop, opts)
}

// forwardable checks that the options fit messages.forwardMessages (drop: of a copy, which
// may drop a media's caption).
func forwardable(p option.SendParams, drop bool) error {
	switch {
	case p.ReplyMarkup != nil:
		return fmt.Errorf("%w: reply markup", ErrForwardOption)
	case p.NoWebpage:
		return fmt.Errorf("%w: no webpage", ErrForwardOption)
	case p.InvertMedia:
		return fmt.Errorf("%w: invert media", ErrForwardOption)
	case p.CaptionSet && (!drop || p.Caption != ""):
		return fmt.Errorf("%w: caption", ErrForwardOption)
	}
	return nil
}

// resend sends message id of from to to anew, with the options of a copy.
func (c *Client) resend(ctx context.Context, to, from tg.InputPeerClass, id int, p option.SendParams, opts []SendOption) (*types.Message, error) {
	m, err := c.fetchMessage(ctx, from, id)
	if err != nil {
		return nil, err
	}
	return c.sendAnew(ctx, to, m, p, opts)
}

// sendAnew sends the text, or the photo, document, location or contact, of m to to: a copy
// without a header naming its origin.
func (c *Client) sendAnew(ctx context.Context, to tg.InputPeerClass, m *tg.Message, p option.SendParams, opts []SendOption) (*types.Message, error) {
	if _, page := m.Media.(*tg.MessageMediaWebPage); m.Media == nil || page {
		return c.SendMessage(ctx, to, m.Message, append([]SendOption{WithEntities(m.Entities)}, opts...)...)
	}
	in, err := inputMediaOf(m.Media)
	if err != nil {
		return nil, err
	}
	caption, ents := m.Message, m.Entities
	if p.CaptionSet {
		if caption, ents, err = c.messageText(ctx, p.Caption, p.Text); err != nil {
			return nil, err
		}
	}
	out, err := c.resolveSend(ctx, p)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesSendMediaRequest{Peer: to, Media: in, Message: caption, Entities: ents, RandomID: randomID()}
	out.toMedia(req)
	return c.postSend(ctx, "copy", out, req, req.RandomID, to, caption, ents)
}

// inputMediaOf returns the input media that sends media again: the same photo or document
// (by id), location or contact.
func inputMediaOf(media tg.MessageMediaClass) (tg.InputMediaClass, error) {
	switch md := media.(type) {
	case *tg.MessageMediaPhoto:
		if ph, ok := md.Photo.(*tg.Photo); ok {
			return &tg.InputMediaPhoto{Spoiler: md.Spoiler, ID: &tg.InputPhoto{ID: ph.ID, AccessHash: ph.AccessHash, FileReference: ph.FileReference}}, nil
		}
	case *tg.MessageMediaDocument:
		if d, ok := md.Document.(*tg.Document); ok {
			return &tg.InputMediaDocument{Spoiler: md.Spoiler, ID: &tg.InputDocument{ID: d.ID, AccessHash: d.AccessHash, FileReference: d.FileReference}}, nil
		}
	case *tg.MessageMediaGeo:
		if g, ok := md.Geo.(*tg.GeoPoint); ok {
			return &tg.InputMediaGeoPoint{GeoPoint: &tg.InputGeoPoint{Lat: g.Lat, Long: g.Long, AccuracyRadius: g.AccuracyRadius}}, nil
		}
	case *tg.MessageMediaContact:
		return &tg.InputMediaContact{PhoneNumber: md.PhoneNumber, FirstName: md.FirstName, LastName: md.LastName, Vcard: md.Vcard}, nil
	}
	return nil, fmt.Errorf("%w: %T cannot be sent anew", ErrForwardOption, media)
}

// PinChatMessage pins message id in chat (anything ResolvePeer accepts). WithSilent pins
// without notifying the members; WithPinOneSide pins a private chat's message for the
// account only.
func (c *Client) PinChatMessage(ctx context.Context, chat any, id int, opts ...PinOption) error {
	return c.pin(ctx, chat, id, false, opts)
}

// UnpinChatMessage unpins message id in chat; of the PinOptions only
// WithBusinessConnection applies.
func (c *Client) UnpinChatMessage(ctx context.Context, chat any, id int, opts ...PinOption) error {
	return c.pin(ctx, chat, id, true, opts)
}

// UnpinAllChatMessages unpins every pinned message of chat (anything ResolvePeer accepts;
// in channels, admins only) and returns how many pin events the server recorded
// (messages.unpinAllMessages).
func (c *Client) UnpinAllChatMessages(ctx context.Context, chat any) (int, error) {
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return 0, err
	}
	var res tg.MessagesAffectedHistory
	if err := c.invoker().Invoke(ctx, &tg.MessagesUnpinAllMessagesRequest{Peer: ip}, &res); err != nil {
		return 0, fmt.Errorf("mtgo: unpin all messages: %w", err)
	}
	return int(res.PtsCount), nil
}

func (c *Client) pin(ctx context.Context, chat any, id int, unpin bool, opts []PinOption) error {
	id32, err := wireMessageID(id)
	if err != nil {
		return fmt.Errorf("mtgo: pin message: %w", err)
	}
	p := option.CollectPin(opts)
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesUpdatePinnedMessageRequest{Peer: ip, ID: id32, Unpin: unpin, Silent: p.Silent, PmOneside: p.OneSide}
	var res tg.UpdatesClassBox
	if err := c.businessCall(ctx, p.BusinessConnectionID, req, &res); err != nil {
		return fmt.Errorf("mtgo: pin message: %w", err)
	}
	return nil
}

// SendReaction sets the account's reactions to message id in chat to emoji (each a plain
// emoji, "👍"); no emoji removes them.
func (c *Client) SendReaction(ctx context.Context, chat any, id int, emoji ...string) error {
	id32, err := wireMessageID(id)
	if err != nil {
		return fmt.Errorf("mtgo: send reaction: %w", err)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesSendReactionRequest{Peer: ip, MsgID: id32}
	for _, e := range emoji {
		req.Reaction = append(req.Reaction, &tg.ReactionEmoji{Emoticon: e})
	}
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: send reaction: %w", err)
	}
	return nil
}

// findAllSent returns the messages a forward produced, in the order of randomIDs.
func findAllSent(api types.API, u tg.UpdatesClass, randomIDs []int64) ([]*types.Message, error) {
	list, users, chats, ok := updatesParts(u)
	if !ok {
		return nil, ErrNoMessageUpdates
	}
	ids := make(map[int64]int32, len(randomIDs))
	for _, up := range list {
		if m, ok := up.(*tg.UpdateMessageID); ok {
			ids[m.RandomID] = m.ID
		}
	}
	byID := make(map[int32]*tg.Message, len(randomIDs))
	eachMessage(list, func(m *tg.Message) bool {
		byID[m.ID] = m
		return true
	})
	e := types.NewEntities(users, chats)
	out := make([]*types.Message, 0, len(randomIDs))
	for _, rid := range randomIDs {
		raw, ok := byID[ids[rid]]
		if !ok {
			return out, ErrNoMessageUpdates
		}
		out = append(out, types.NewMessage(api, raw, e))
	}
	return out, nil
}

// ForwardMessage implements types.API.
func (a clientAPI) ForwardMessage(ctx context.Context, to any, from tg.InputPeerClass, id int, drop bool, opts ...SendOption) (*types.Message, error) {
	msgs, err := a.c.forward(ctx, to, from, []int{id}, drop, opts)
	if err != nil {
		return nil, err
	}
	return msgs[0], nil
}

// Pin implements types.API.
func (a clientAPI) Pin(ctx context.Context, peer tg.InputPeerClass, id int, unpin bool, opts ...PinOption) error {
	return a.c.pin(ctx, peer, id, unpin, opts)
}

// React implements types.API.
func (a clientAPI) React(ctx context.Context, peer tg.InputPeerClass, id int, emoji ...string) error {
	return a.c.SendReaction(ctx, peer, id, emoji...)
}
