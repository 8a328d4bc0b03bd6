package mtgo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The chat side of the client: getting and creating chats, joining and leaving them. The
// chat arguments take anything ResolvePeer takes; edits are in chat_edit.go, members in
// members.go, administration in admin.go, links in invite.go, topics in topics.go,
// folders and the chat list in folders.go and dialogs.go.

// api returns the typed TL methods over the client's managed calls.
func (c *Client) api() *tg.Client { return tg.NewClient(c.invoker()) }

// chatPeer is a resolved chat: exactly one of chat (basic group id), channel or user is set.
type chatPeer struct {
	in      tg.InputPeerClass
	chat    int64
	channel *tg.InputChannel
	user    *tg.InputUser
}

// botAPIID is the peer's id in the Bot API form (-100... for channels, -id for basic groups;
// a user's id, the client's own for inputPeerSelf).
func (p chatPeer) botAPIID() int64 {
	if p.user != nil {
		return p.user.UserID
	}
	k, _ := peers.KeyOfInputPeer(p.in)
	return k.BotAPIID()
}

// resolveChat resolves chat into its kind.
func (c *Client) resolveChat(ctx context.Context, chat any) (chatPeer, error) {
	in, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return chatPeer{}, err
	}
	out := chatPeer{in: in}
	switch p := in.(type) {
	case *tg.InputPeerChat:
		out.chat = p.ChatID
	case *tg.InputPeerChannel:
		out.channel = &tg.InputChannel{ChannelID: p.ChannelID, AccessHash: p.AccessHash}
	case *tg.InputPeerUser:
		out.user = &tg.InputUser{UserID: p.UserID, AccessHash: p.AccessHash}
	case *tg.InputPeerSelf:
		out.user = &tg.InputUser{UserID: c.selfID()}
		out.in = &tg.InputPeerSelf{}
	default:
		return chatPeer{}, fmt.Errorf("mtgo: %v: unsupported peer %T", chat, in)
	}
	return out, nil
}

// resolveChannel resolves chat, which must be a supergroup or channel; else errNotChannel
// (or the caller's sentinel).
func (c *Client) resolveChannel(ctx context.Context, chat any, notChannel error) (*tg.InputChannel, tg.InputPeerClass, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, nil, err
	}
	if p.channel == nil {
		if notChannel == nil {
			notChannel = ErrNotChannel
		}
		return nil, nil, fmt.Errorf("%w: %v", notChannel, chat)
	}
	return p.channel, p.in, nil
}

// ErrNotChannel reports a method of supergroups and channels called on another kind of peer.
var ErrNotChannel = errors.New("mtgo: peer is not a supergroup or channel")

// resolveUser resolves user into an input user.
func (c *Client) resolveUser(ctx context.Context, user any) (tg.InputUserClass, error) {
	in, err := c.ResolvePeer(ctx, user)
	if err != nil {
		return nil, err
	}
	switch p := in.(type) {
	case *tg.InputPeerUser:
		return &tg.InputUser{UserID: p.UserID, AccessHash: p.AccessHash}, nil
	case *tg.InputPeerSelf:
		return &tg.InputUserSelf{}, nil
	}
	return nil, fmt.Errorf("mtgo: %v is not a user", user)
}

// resolveUsers resolves each of users.
func (c *Client) resolveUsers(ctx context.Context, users []any) ([]tg.InputUserClass, error) {
	out := make([]tg.InputUserClass, 0, len(users))
	for _, u := range users {
		in, err := c.resolveUser(ctx, u)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// chatOf returns the first chat (group or channel) an answer carries, nil when none.
func chatOf(u tg.UpdatesClass) *types.Chat {
	_, _, chats, _ := updatesParts(u)
	for _, ch := range chats {
		if c := types.NewChat(ch); c != nil {
			return c
		}
	}
	return nil
}

// updated runs an Updates-returning call and wraps its error with what.
func (c *Client) updated(ctx context.Context, what string, req tg.TLObject) (tg.UpdatesClass, error) {
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return res.Updates, nil
}

// boolCall runs a Bool-returning call and wraps its error with what.
func (c *Client) boolCall(ctx context.Context, what string, req tg.TLObject) error {
	var res tg.BoolBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return nil
}

// GetChat returns a basic group, supergroup or channel. A peer that is a user is
// ErrGetChatNotChat (GetFullChat describes private chats). A basic group that became a
// supergroup is answered with the supergroup, whose id its old id then resolves to.
func (c *Client) GetChat(ctx context.Context, chat any) (*types.Chat, error) {
	out, err := c.getChat(ctx, chat)
	if err != nil || out.Type != types.ChatGroup {
		return out, err
	}
	g, ok := out.Raw.(*tg.Chat)
	if !ok || g.MigratedTo == nil {
		return out, nil
	}
	to, ok := g.MigratedTo.(*tg.InputChannel)
	if !ok {
		return out, nil
	}
	c.migrated.Store(g.ID, &tg.InputPeerChannel{ChannelID: to.ChannelID, AccessHash: to.AccessHash})
	return c.getChat(ctx, types.ChannelChatID(to.ChannelID))
}

func (c *Client) getChat(ctx context.Context, chat any) (*types.Chat, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	var res tg.MessagesChatsClass
	switch {
	case p.user != nil:
		return nil, fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
	case p.channel != nil:
		res, err = c.api().ChannelsGetChannels(ctx, &tg.ChannelsGetChannelsRequest{ID: []tg.InputChannelClass{p.channel}})
	default:
		res, err = c.api().MessagesGetChats(ctx, &tg.MessagesGetChatsRequest{ID: []int64{p.chat}})
	}
	if err != nil {
		return nil, fmt.Errorf("mtgo: get chat %v: %w", chat, err)
	}
	for _, ch := range chatsOf(res) {
		if out := types.NewChat(ch); out != nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("mtgo: get chat %v: %w", chat, ErrPeerNotFound)
}

// GetFullChat returns the full information of a chat of any kind: a basic group
// (messages.getFullChat), a supergroup or channel (channels.getFullChannel) or a private
// chat (users.getFullUser: the bio and common chats count).
func (c *Client) GetFullChat(ctx context.Context, chat any) (*types.ChatFull, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	if p.user != nil {
		res, err := c.api().UsersGetFullUser(ctx, &tg.UsersGetFullUserRequest{ID: p.user})
		if err != nil {
			return nil, fmt.Errorf("mtgo: get full chat %v: %w", chat, err)
		}
		return types.NewUserChatFull(res), nil
	}
	var res *tg.MessagesChatFull
	if p.channel != nil {
		res, err = c.api().ChannelsGetFullChannel(ctx, &tg.ChannelsGetFullChannelRequest{Channel: p.channel})
	} else {
		res, err = c.api().MessagesGetFullChat(ctx, &tg.MessagesGetFullChatRequest{ChatID: p.chat})
	}
	if err != nil {
		return nil, fmt.Errorf("mtgo: get full chat %v: %w", chat, err)
	}
	out := types.NewChatFull(res)
	if out == nil {
		return nil, fmt.Errorf("mtgo: get full chat %v: unexpected answer %T", chat, res.FullChat)
	}
	return out, nil
}

// GetFullChannel is GetFullChat for a supergroup or channel (ErrNotChannel otherwise).
func (c *Client) GetFullChannel(ctx context.Context, chat any) (*types.ChatFull, error) {
	if _, _, err := c.resolveChannel(ctx, chat, nil); err != nil {
		return nil, err
	}
	return c.GetFullChat(ctx, chat)
}

// CreateGroup creates a basic group with the given members (anything ResolvePeer takes).
func (c *Client) CreateGroup(ctx context.Context, title string, users ...any) (*types.Chat, error) {
	in, err := c.resolveUsers(ctx, users)
	if err != nil {
		return nil, err
	}
	res, err := c.api().MessagesCreateChat(ctx, &tg.MessagesCreateChatRequest{Users: in, Title: title})
	if err != nil {
		return nil, fmt.Errorf("mtgo: create group: %w", err)
	}
	c.absorb(res.Updates)
	return c.createdChat("create group", res.Updates)
}

func (c *Client) createdChat(what string, u tg.UpdatesClass) (*types.Chat, error) {
	if ch := chatOf(u); ch != nil {
		return ch, nil
	}
	return nil, fmt.Errorf("mtgo: %s: the answer names no chat", what)
}

// CreateChannel creates a broadcast channel, or a supergroup when megagroup is set.
func (c *Client) CreateChannel(ctx context.Context, title, about string, megagroup bool) (*types.Chat, error) {
	return c.createChannel(ctx, &tg.ChannelsCreateChannelRequest{Broadcast: !megagroup, Megagroup: megagroup, Title: title, About: about})
}

// CreateSupergroup creates a supergroup.
func (c *Client) CreateSupergroup(ctx context.Context, title, about string) (*types.Chat, error) {
	return c.CreateChannel(ctx, title, about, true)
}

// CreateForum creates a supergroup organised in topics.
func (c *Client) CreateForum(ctx context.Context, title, about string) (*types.Chat, error) {
	return c.createChannel(ctx, &tg.ChannelsCreateChannelRequest{Megagroup: true, Forum: true, Title: title, About: about})
}

func (c *Client) createChannel(ctx context.Context, req *tg.ChannelsCreateChannelRequest) (*types.Chat, error) {
	u, err := c.updated(ctx, "create channel", req)
	if err != nil {
		return nil, err
	}
	return c.createdChat("create channel", u)
}

// MigrateChat turns a basic group into a supergroup and returns the supergroup. From then on
// the client resolves the group's old id to the supergroup, so the caller's stored ids go on
// working.
func (c *Client) MigrateChat(ctx context.Context, chat any) (*types.Chat, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	if p.chat == 0 {
		return nil, fmt.Errorf("mtgo: migrate chat %v: not a basic group", chat)
	}
	u, err := c.updated(ctx, "migrate chat", &tg.MessagesMigrateChatRequest{ChatID: p.chat})
	if err != nil {
		return nil, err
	}
	_, _, chats, _ := updatesParts(u)
	for _, ch := range chats {
		if x, ok := ch.(*tg.Channel); ok && x != nil {
			out := types.NewChat(x)
			c.migrated.Store(p.chat, out.InputPeer())
			return out, nil
		}
	}
	return nil, fmt.Errorf("mtgo: migrate chat %v: the answer names no supergroup", chat)
}

// migratedPeer returns the supergroup a basic group p became through MigrateChat, else p.
func (c *Client) migratedPeer(p tg.InputPeerClass) tg.InputPeerClass {
	if ch, ok := p.(*tg.InputPeerChat); ok {
		if to, ok := c.migrated.Load(ch.ChatID); ok {
			return to.(tg.InputPeerClass)
		}
	}
	return p
}

// DeleteChat deletes a supergroup or channel (channels.deleteChannel) or a basic group
// (messages.deleteChat), for every member.
func (c *Client) DeleteChat(ctx context.Context, chat any) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	switch {
	case p.channel != nil:
		_, err = c.updated(ctx, "delete chat", &tg.ChannelsDeleteChannelRequest{Channel: p.channel})
		return err
	case p.chat != 0:
		return c.boolCall(ctx, "delete chat", &tg.MessagesDeleteChatRequest{ChatID: p.chat})
	}
	return fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
}

// LeaveChat leaves a group or channel.
func (c *Client) LeaveChat(ctx context.Context, chat any) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	switch {
	case p.channel != nil:
		_, err = c.updated(ctx, "leave chat", &tg.ChannelsLeaveChannelRequest{Channel: p.channel})
		return err
	case p.chat != 0:
		_, err = c.updated(ctx, "leave chat", &tg.MessagesDeleteChatUserRequest{ChatID: p.chat, UserID: &tg.InputUserSelf{}})
		return err
	}
	return fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
}

// JoinChat joins a chat named by an invite link ("https://t.me/+hash", "t.me/joinchat/hash",
// "+hash"), a bare invite hash, a public username ("@name", "name") or its link
// ("https://t.me/name"). Anything else is ErrJoinRequiresInvite; an answer without the
// chat is ErrJoinNoInfo. A link that needs approval fails with INVITE_REQUEST_SENT: the
// request waits for an administrator.
func (c *Client) JoinChat(ctx context.Context, link string) (*types.Chat, error) {
	username, hash := joinTarget(link)
	if username != "" {
		ch, err := c.joinPublic(ctx, username)
		// A bare word may be a username or an invite hash: the username first.
		if hash == "" || !errors.Is(err, ErrPeerNotFound) {
			return ch, err
		}
	}
	if hash == "" {
		return nil, fmt.Errorf("%w: %q", ErrJoinRequiresInvite, link)
	}
	res, err := c.api().MessagesImportChatInvite(ctx, &tg.MessagesImportChatInviteRequest{Hash: hash})
	if err != nil {
		return nil, fmt.Errorf("mtgo: join chat by invite: %w", err)
	}
	return c.joined(res)
}

// joinPublic joins the public supergroup or channel @username.
func (c *Client) joinPublic(ctx context.Context, username string) (*types.Chat, error) {
	ch, _, err := c.resolveChannel(ctx, "@"+username, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.api().ChannelsJoinChannel(ctx, &tg.ChannelsJoinChannelRequest{Channel: ch})
	if err != nil {
		return nil, fmt.Errorf("mtgo: join @%s: %w", username, err)
	}
	return c.joined(res)
}

// joined returns the chat a join answered with.
func (c *Client) joined(res tg.MessagesChatInviteJoinResultClass) (*types.Chat, error) {
	ok, _ := res.(*tg.MessagesChatInviteJoinResultOk)
	if ok == nil || ok.Updates == nil {
		return nil, fmt.Errorf("%w: answer %T", ErrJoinNoInfo, res)
	}
	c.absorb(ok.Updates)
	if ch := chatOf(ok.Updates); ch != nil {
		return ch, nil
	}
	return nil, ErrJoinNoInfo
}

// joinTarget splits what JoinChat was given into a username or an invite hash (both empty
// when it is neither, both set for a bare word that may be either). Links are read as
// ResolvePeer reads them (peers.ParseQuery).
func joinTarget(link string) (username, hash string) {
	link = strings.TrimSpace(link)
	if h := types.InviteHash(link); h != "" {
		return "", h
	}
	q, err := peers.ParseQuery(link)
	switch {
	case err == nil && q.Kind == peers.QueryUsername && isInviteHash(link):
		return link, link // a bare word, in the case it came in: a hash keeps it
	case err == nil && q.Kind == peers.QueryUsername:
		return q.Username, ""
	case isInviteHash(link):
		return "", link // a bare word that is no username
	}
	return "", ""
}

// isInviteHash reports whether s has the form of an invite hash (URL-safe base64 or hex).
func isInviteHash(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := range len(s) {
		if !isLetter(s[i]) && !isDigit(s[i]) && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return true
}

func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }
func isDigit(b byte) bool  { return b >= '0' && b <= '9' }

// GetSendAsChats lists the peers the account may send as in chat.
func (c *Client) GetSendAsChats(ctx context.Context, chat any) ([]*types.Chat, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	res, err := c.api().ChannelsGetSendAs(ctx, &tg.ChannelsGetSendAsRequest{Peer: p.in})
	if err != nil {
		return nil, fmt.Errorf("mtgo: get send-as chats: %w", err)
	}
	e := types.NewEntities(res.Users, res.Chats)
	out := make([]*types.Chat, 0, len(res.Peers))
	for _, sa := range res.Peers {
		out = append(out, e.Chat(sa.Peer))
	}
	return out, nil
}

// SetSendAsChat makes sendAs (the account itself or a channel it owns) the default sender in
// chat.
func (c *Client) SetSendAsChat(ctx context.Context, chat, sendAs any) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	as, err := c.ResolvePeer(ctx, sendAs)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "set send-as chat", &tg.MessagesSaveDefaultSendAsRequest{Peer: p.in, SendAs: as})
}

// GetSuitableDiscussionChats lists the supergroups that can become a channel's discussion
// group.
func (c *Client) GetSuitableDiscussionChats(ctx context.Context) ([]*types.Chat, error) {
	res, err := c.api().ChannelsGetGroupsForDiscussion(ctx, &tg.ChannelsGetGroupsForDiscussionRequest{})
	if err != nil {
		return nil, fmt.Errorf("mtgo: get discussion chats: %w", err)
	}
	return chatList(chatsOf(res)), nil
}

// chatsOf returns the chats of messages.chats or messages.chatsSlice.
func chatsOf(res tg.MessagesChatsClass) []tg.ChatClass {
	switch r := res.(type) {
	case *tg.MessagesChats:
		return r.Chats
	case *tg.MessagesChatsSlice:
		return r.Chats
	}
	return nil
}

func chatList(chats []tg.ChatClass) []*types.Chat {
	out := make([]*types.Chat, 0, len(chats))
	for _, ch := range chats {
		if c := types.NewChat(ch); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// listPage is one page of a listing as the fetch of pages returns it.
type listPage[T, C any] struct {
	items []T  // what the page converted to: what the caller sees
	sent  int  // how many entries the server sent, converted or not
	next  C    // where the page after it starts
	more  bool // whether the server says a page follows
}

// cursorsUsed remembers the cursors a listing has asked pages from, so that a server coming
// back to one (repeating a page, or sending two in turn) ends the listing instead of running
// it up to the count it sent. The first page creates it; the cursors after it share it.
type cursorsUsed[K comparable] map[K]struct{}

// fresh records k and reports whether the listing had not used it before; a nil set (the first
// page's cursor) is made first.
func (u *cursorsUsed[K]) fresh(k K) bool {
	if *u == nil {
		*u = make(cursorsUsed[K])
	}
	if _, ok := (*u)[k]; ok {
		return false
	}
	(*u)[k] = struct{}{}
	return true
}

// pages iterates over the items of a paged list: fetch gets the page at cursor cur (the zero
// value: the first page). The end of the list is the server's: a page with no entries, or one
// after which fetch says no more follow; a page whose entries all fail to convert does not end
// it. The iteration stops at the first error, yielded once, or when the caller stops.
func pages[T, C any](ctx context.Context, fetch func(ctx context.Context, cur C) (listPage[T, C], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var cur C
		for {
			pg, err := fetch(ctx, cur)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range pg.items {
				if !yield(it, nil) {
					return
				}
			}
			if !pg.more || pg.sent == 0 {
				return
			}
			cur = pg.next
		}
	}
}
