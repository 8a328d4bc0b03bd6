package mtgo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Telegram Business: a business account connects the bot, which then receives the account's
// private chats (OnBusinessMessage, OnEditedBusinessMessage, OnDeletedBusinessMessages) and
// answers on its behalf (WithBusinessConnection for sends and edits; Context.Reply on a
// business message; DeleteBusinessMessages, ReadBusinessChatHistory, SendBusinessChatAction).

// NewBusinessConnectionHandler builds a handler of business connections for AddHandler.
func NewBusinessConnectionHandler(cb func(*Context, *types.BusinessConnection) error, fs ...Filter) *Handler {
	return handlerOf(kindBusinessConnection, cb, func(ctx *Context) *types.BusinessConnection { return ctx.BusinessConnection }, fs)
}

// NewBusinessMessageHandler builds a handler of new business messages for AddHandler.
func NewBusinessMessageHandler(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return handlerOf(kindBusinessMessage, cb, func(ctx *Context) *types.Message { return ctx.Message }, fs)
}

// NewEditedBusinessMessageHandler builds a handler of edited business messages for
// AddHandler.
func NewEditedBusinessMessageHandler(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return handlerOf(kindEditedBusinessMessage, cb, func(ctx *Context) *types.Message { return ctx.Message }, fs)
}

// NewDeletedBusinessMessagesHandler builds a handler of deleted business messages for
// AddHandler.
func NewDeletedBusinessMessagesHandler(cb func(*Context, *types.DeletedBusinessMessages) error, fs ...Filter) *Handler {
	return handlerOf(kindDeletedBusinessMessages, cb, func(ctx *Context) *types.DeletedBusinessMessages { return ctx.DeletedBusinessMessages }, fs)
}

// OnBusinessConnection registers cb in group 0 for business accounts connecting the bot,
// changing its rights or disconnecting it (updateBotBusinessConnect).
func (c *Client) OnBusinessConnection(cb func(*Context, *types.BusinessConnection) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewBusinessConnectionHandler(cb, fs...))
}

// OnBusinessMessage registers cb in group 0 for new messages in the private chats of the
// business accounts connected to the bot (updateBotNewBusinessMessage). Message.Outgoing
// marks those the business account sent; like OnMessage, the handler takes them only after
// AcceptOutgoing. Context.Reply answers on the business account's behalf.
func (c *Client) OnBusinessMessage(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewBusinessMessageHandler(cb, fs...))
}

// OnEditedBusinessMessage registers cb in group 0 for edits of business messages
// (updateBotEditBusinessMessage).
func (c *Client) OnEditedBusinessMessage(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewEditedBusinessMessageHandler(cb, fs...))
}

// OnDeletedBusinessMessages registers cb in group 0 for deletions of business messages
// (updateBotDeleteBusinessMessage).
func (c *Client) OnDeletedBusinessMessages(cb func(*Context, *types.DeletedBusinessMessages) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewDeletedBusinessMessagesHandler(cb, fs...))
}

// isBusiness reports the kinds that carry a business account's message.
func isBusiness(k updateKind) bool {
	return k == kindBusinessMessage || k == kindEditedBusinessMessage
}

// connectionOf returns the business connection of m, "" for none (or no message).
func connectionOf(m *types.Message) string {
	if m == nil {
		return ""
	}
	return m.BusinessConnectionID
}

// businessCall invokes req inside invokeWithBusinessConnection id (as itself, managed, when
// id is empty), on the connection's data center (Telegram's rule: its dc_id, the business
// account's), learned from updateBotBusinessConnect or, the first time, with
// GetBusinessConnection, with the flood-wait handling of every managed call. The answer of a
// business call tells of the business account's state, not the bot's: its users and chats go
// to the peer cache, its updates not to the update engine.
func (c *Client) businessCall(ctx context.Context, id string, req tl.Encoder, res tl.Decoder) error {
	if id == "" {
		return c.invoker().Invoke(ctx, req, res)
	}
	dc, ok := c.bizDCs.get(id)
	if !ok {
		bc, err := c.GetBusinessConnection(ctx, id)
		if err != nil {
			return err
		}
		dc = bc.DC
	}
	wrapped := &tg.InvokeWithBusinessConnectionRequest{ConnectionID: id, Query: req}
	if err := c.callDC(ctx, dc, wrapped, res); err != nil {
		return err
	}
	if b, ok := res.(*tg.UpdatesClassBox); ok {
		c.learnUpdates(b.Updates)
	} else {
		c.absorb(res) // no updates: only users and chats
	}
	return nil
}

// needConnection reports an empty business connection id.
func needConnection(what, id string) error {
	if id == "" {
		return fmt.Errorf("mtgo: %s: %w: business connection id", what, ErrEmptyField)
	}
	return nil
}

// businessChat resolves chat for a call through business connection id; the id must be
// set.
func (c *Client) businessChat(ctx context.Context, what, id string, chat any) (tg.InputPeerClass, error) {
	if err := needConnection(what, id); err != nil {
		return nil, err
	}
	return c.ResolvePeer(ctx, chat)
}

// DeleteBusinessMessages deletes messages ids of the business account connected to the bot
// through connectionID, for both sides of its private chats
// (messages.deleteMessages inside invokeWithBusinessConnection). The connection needs the
// delete_sent_messages right for the account's own messages and delete_received_messages
// for the other party's. Message.Delete of a business message calls it.
func (c *Client) DeleteBusinessMessages(ctx context.Context, connectionID string, ids ...int) error {
	const what = "delete business messages"
	if err := needConnection(what, connectionID); err != nil {
		return err
	}
	list, err := wireMessageIDs(ids)
	if err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	req := &tg.MessagesDeleteMessagesRequest{Revoke: true, ID: list}
	if err := c.businessCall(ctx, connectionID, req, &tg.MessagesAffectedMessages{}); err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return nil
}

// ReadBusinessChatHistory marks the private chat of the business account connected through
// connectionID with chat (anything ResolvePeer accepts) read up to maxID (0: all) for that
// account (messages.readHistory inside invokeWithBusinessConnection). The connection needs
// the read_messages right.
func (c *Client) ReadBusinessChatHistory(ctx context.Context, connectionID string, chat any, maxID int) error {
	const what = "read business chat history"
	max32, err := wireMaxMessageID(maxID)
	if err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	peer, err := c.businessChat(ctx, what, connectionID, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesReadHistoryRequest{Peer: peer, MaxID: max32}
	if err := c.businessCall(ctx, connectionID, req, &tg.MessagesAffectedMessages{}); err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return nil
}

// SendBusinessChatAction shows chat (anything ResolvePeer accepts) what the business account
// connected through connectionID is doing, as SendChatAction does for the account itself
// (messages.setTyping inside invokeWithBusinessConnection). The connection needs the reply
// right.
func (c *Client) SendBusinessChatAction(ctx context.Context, connectionID string, chat any, action types.ChatAction) error {
	const what = "send business chat action"
	peer, err := c.businessChat(ctx, what, connectionID, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesSetTypingRequest{Peer: peer, Action: action.TL()}
	if err := c.businessCall(ctx, connectionID, req, &tg.BoolBox{}); err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return nil
}

// DeleteBusinessMessages implements types.BusinessDeleter.
func (a clientAPI) DeleteBusinessMessages(ctx context.Context, connectionID string, ids ...int) error {
	return a.c.DeleteBusinessMessages(ctx, connectionID, ids...)
}

// GetBusinessConnection returns the bot's business connection connectionID
// (account.getBotBusinessConnection). Bots only; CONNECTION_ID_INVALID for a connection that
// is unknown, ended or another bot's.
func (c *Client) GetBusinessConnection(ctx context.Context, connectionID string) (*types.BusinessConnection, error) {
	var res tg.UpdatesClassBox
	if err := c.call(ctx, &tg.AccountGetBotBusinessConnectionRequest{ConnectionID: connectionID}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get business connection: %w", err)
	}
	list, users, chats, _ := updatesParts(res.Updates)
	for _, u := range list {
		if bc := types.NewBusinessConnection(u, types.NewEntities(users, chats)); bc != nil {
			c.bizDCs.learn(u)
			return bc, nil
		}
	}
	return nil, errNoBusinessConnection
}

// maxBusinessDCs bounds the business connections whose data center the client remembers.
const maxBusinessDCs = 4096

// businessDCs remembers the data center of each business connection the bot has seen (at
// most maxBusinessDCs; the oldest is forgotten first, and asked for again when used).
type businessDCs struct {
	mu    sync.Mutex
	dc    map[string]int
	order []string
}

// learn records the connection of up when it is updateBotBusinessConnect.
func (b *businessDCs) learn(up tg.UpdateClass) {
	u, ok := up.(*tg.UpdateBotBusinessConnect)
	if !ok || u == nil {
		return
	}
	id, dc := u.Connection.ConnectionID, int(u.Connection.DCID)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dc == nil {
		b.dc = make(map[string]int)
	}
	if _, known := b.dc[id]; !known {
		if len(b.order) >= maxBusinessDCs {
			delete(b.dc, b.order[0])
			b.order = b.order[1:]
		}
		b.order = append(b.order, id)
	}
	b.dc[id] = dc
}

// get returns the data center of connection id, if known.
func (b *businessDCs) get(id string) (int, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	dc, ok := b.dc[id]
	return dc, ok
}

// errNoBusinessConnection reports an answer to account.getBotBusinessConnection without the
// connection.
var errNoBusinessConnection = errors.New("mtgo: get business connection: no updateBotBusinessConnect in the answer")

// GetBusinessSettings returns the automatic greeting and away messages of user (anything
// ResolvePeer accepts; "me" for the account itself), read from its full profile.
func (c *Client) GetBusinessSettings(ctx context.Context, user any) (*types.BusinessSettings, error) {
	full, err := c.GetFullUser(ctx, user)
	if err != nil {
		return nil, err
	}
	return types.NewBusinessSettings(full.Raw), nil
}

// inputRecipients resolves the users of r.
func (c *Client) inputRecipients(ctx context.Context, r types.BusinessRecipients) (tg.InputBusinessRecipients, error) {
	out := tg.InputBusinessRecipients{
		ExistingChats: r.ExistingChats, NewChats: r.NewChats, Contacts: r.Contacts, NonContacts: r.NonContacts,
		ExcludeSelected: r.ExcludeSelected,
	}
	var err error
	out.Users, err = c.resolveUserIDs(ctx, r.Users)
	return out, err
}

// resolveUserIDs resolves each of ids; nil for none.
func (c *Client) resolveUserIDs(ctx context.Context, ids []int64) ([]tg.InputUserClass, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list := make([]any, len(ids))
	for i, id := range ids {
		list[i] = id
	}
	return c.resolveUsers(ctx, list)
}

// ErrShortcutID reports a quick reply shortcut id no shortcut can have: Telegram numbers them
// from 1 to 2^31-1, and cut to the request's 32 bits a larger int would name another
// shortcut, so SetBusinessGreeting and SetBusinessAway refuse it before sending anything.
// 0 and below name no shortcut (TDLib, Telegram's own library, takes a greeting or away
// message with one for none set): nil turns the message off.
var ErrShortcutID = errors.New("mtgo: quick reply shortcut id out of range")

// ErrNoActivityDays reports a business greeting's NoActivityDays outside 1 to 2^31-1, which
// SetBusinessGreeting refuses before sending anything: a chat is silent for a positive number
// of days, and cut to the request's 32 bits a larger int would name another number.
var ErrNoActivityDays = errors.New("mtgo: business greeting's days without activity out of range")

// wireShortcutID converts the id of a quick reply shortcut for a request.
func wireShortcutID(id int) (int32, error) { return wireInt32(id, 1, ErrShortcutID) }

// SetBusinessGreeting turns on the automatic greeting (nil turns it off;
// account.updateBusinessGreetingMessage); a ShortcutID outside 1..2^31-1 is ErrShortcutID,
// a NoActivityDays outside 1..2^31-1 ErrNoActivityDays (Telegram takes 7, 14, 21 or 28 for
// now). Premium accounts only.
func (c *Client) SetBusinessGreeting(ctx context.Context, g *types.BusinessGreeting) error {
	req := &tg.AccountUpdateBusinessGreetingMessageRequest{}
	if g != nil {
		id, err := wireShortcutID(g.ShortcutID)
		if err != nil {
			return fmt.Errorf("mtgo: set business greeting: %w", err)
		}
		days, err := wireInt32(g.NoActivityDays, 1, ErrNoActivityDays)
		if err != nil {
			return fmt.Errorf("mtgo: set business greeting: %w", err)
		}
		rc, err := c.inputRecipients(ctx, g.Recipients)
		if err != nil {
			return err
		}
		req.Message = &tg.InputBusinessGreetingMessage{ShortcutID: id, Recipients: rc, NoActivityDays: days}
	}
	var res tg.BoolBox
	if err := c.call(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: set business greeting: %w", err)
	}
	return nil
}

// SetBusinessAway turns on the automatic away message (nil turns it off;
// account.updateBusinessAwayMessage): Always, OutsideWorkHours, or the period From-Until.
// A ShortcutID outside 1..2^31-1 is ErrShortcutID; a period needs both ends, so a zero From
// or Until, or one outside 1901-12-13..2038-01-19, is ErrDate. Premium accounts only.
func (c *Client) SetBusinessAway(ctx context.Context, a *types.BusinessAway) error {
	req := &tg.AccountUpdateBusinessAwayMessageRequest{}
	if a != nil {
		id, err := wireShortcutID(a.ShortcutID)
		if err != nil {
			return fmt.Errorf("mtgo: set business away message: %w", err)
		}
		s, err := awaySchedule(a)
		if err != nil {
			return fmt.Errorf("mtgo: set business away message: %w", err)
		}
		rc, err := c.inputRecipients(ctx, a.Recipients)
		if err != nil {
			return err
		}
		req.Message = &tg.InputBusinessAwayMessage{OfflineOnly: a.OfflineOnly, ShortcutID: id, Schedule: s, Recipients: rc}
	}
	var res tg.BoolBox
	if err := c.call(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: set business away message: %w", err)
	}
	return nil
}

// awaySchedule is when an away message is sent: Always, OutsideWorkHours, or From to Until,
// both required (ErrDate for a zero time or one a request cannot carry).
func awaySchedule(a *types.BusinessAway) (tg.BusinessAwayMessageScheduleClass, error) {
	switch {
	case a.Always:
		return &tg.BusinessAwayMessageScheduleAlways{}, nil
	case a.OutsideWorkHours:
		return &tg.BusinessAwayMessageScheduleOutsideWorkHours{}, nil
	}
	from, err := tgdate.Of("away from", a.From)
	if err != nil {
		return nil, err
	}
	until, err := tgdate.Of("away until", a.Until)
	if err != nil {
		return nil, err
	}
	return &tg.BusinessAwayMessageScheduleCustom{StartDate: from, EndDate: until}, nil
}

// businessLink reads text with the parse mode and options of a send into a chat link.
func (c *Client) businessLink(ctx context.Context, text, title string, opts []SendOption) (tg.InputBusinessChatLink, error) {
	p := option.CollectSend(opts)
	text, ents, err := c.messageText(ctx, text, p.Text)
	if err != nil {
		return tg.InputBusinessChatLink{}, err
	}
	l := tg.InputBusinessChatLink{Message: text, Entities: ents}
	if title != "" {
		l.Title = tl.Some(title)
	}
	return l, nil
}

// CreateBusinessChatLink creates a link that opens the chat with the account with text typed
// in (read with the parse mode; WithParseMode and WithEntities apply); title names it in the
// account's list. Premium accounts only.
func (c *Client) CreateBusinessChatLink(ctx context.Context, text, title string, opts ...SendOption) (*types.BusinessChatLink, error) {
	l, err := c.businessLink(ctx, text, title, opts)
	if err != nil {
		return nil, err
	}
	var res tg.BusinessChatLink
	if err := c.call(ctx, &tg.AccountCreateBusinessChatLinkRequest{Link: l}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: create business chat link: %w", err)
	}
	return types.NewBusinessChatLink(res), nil
}

// EditBusinessChatLink replaces the text and title of the link (its URL or slug).
func (c *Client) EditBusinessChatLink(ctx context.Context, link, text, title string, opts ...SendOption) (*types.BusinessChatLink, error) {
	l, err := c.businessLink(ctx, text, title, opts)
	if err != nil {
		return nil, err
	}
	slug, err := chatLinkSlug(link)
	if err != nil {
		return nil, fmt.Errorf("mtgo: edit business chat link: %w", err)
	}
	var res tg.BusinessChatLink
	if err := c.call(ctx, &tg.AccountEditBusinessChatLinkRequest{Slug: slug, Link: l}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: edit business chat link: %w", err)
	}
	return types.NewBusinessChatLink(res), nil
}

// DeleteBusinessChatLink deletes the link (its URL or slug).
func (c *Client) DeleteBusinessChatLink(ctx context.Context, link string) error {
	slug, err := chatLinkSlug(link)
	if err != nil {
		return fmt.Errorf("mtgo: delete business chat link: %w", err)
	}
	var res tg.BoolBox
	if err := c.call(ctx, &tg.AccountDeleteBusinessChatLinkRequest{Slug: slug}, &res); err != nil {
		return fmt.Errorf("mtgo: delete business chat link: %w", err)
	}
	return nil
}

// GetBusinessChatLinks lists the account's business chat links.
func (c *Client) GetBusinessChatLinks(ctx context.Context) ([]*types.BusinessChatLink, error) {
	var res tg.AccountBusinessChatLinks
	if err := c.call(ctx, &tg.AccountGetBusinessChatLinksRequest{}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get business chat links: %w", err)
	}
	out := make([]*types.BusinessChatLink, 0, len(res.Links))
	for _, l := range res.Links {
		out = append(out, types.NewBusinessChatLink(l))
	}
	return out, nil
}

// ResolveBusinessChatLink opens someone's business chat link (its URL or slug): the chat and
// the message to type in.
func (c *Client) ResolveBusinessChatLink(ctx context.Context, link string) (*types.ResolvedBusinessChatLink, error) {
	slug, err := chatLinkSlug(link)
	if err != nil {
		return nil, fmt.Errorf("mtgo: resolve business chat link: %w", err)
	}
	var res tg.AccountResolvedBusinessChatLinks
	if err := c.call(ctx, &tg.AccountResolveBusinessChatLinkRequest{Slug: slug}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: resolve business chat link: %w", err)
	}
	return &types.ResolvedBusinessChatLink{
		Chat: types.NewEntities(res.Users, res.Chats).Chat(res.Peer), Message: res.Message, Entities: res.Entities,
	}, nil
}

// chatLinkSlug returns the slug of a business chat link (https://t.me/m/<slug>,
// tg://message?slug=<slug>, or the slug itself), read as ResolvePeer reads links.
func chatLinkSlug(link string) (string, error) {
	return businessChatLinks.slug(link)
}
