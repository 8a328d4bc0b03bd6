package mtgo

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ApproveChatJoinRequest lets user (anything ResolvePeer accepts) into chat, whose invite link
// asked for an administrator's approval.
func (c *Client) ApproveChatJoinRequest(ctx context.Context, chat, user any) error {
	return c.hideJoinRequest(ctx, chat, user, true)
}

// DeclineChatJoinRequest refuses the request of user to join chat.
func (c *Client) DeclineChatJoinRequest(ctx context.Context, chat, user any) error {
	return c.hideJoinRequest(ctx, chat, user, false)
}

func (c *Client) hideJoinRequest(ctx context.Context, chat, user any, approve bool) error {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	up, err := c.ResolvePeer(ctx, user)
	if err != nil {
		return err
	}
	u, ok := up.(*tg.InputPeerUser)
	if !ok {
		return fmt.Errorf("mtgo: chat join request: %v is not a user", user)
	}
	return clientAPI{c: c}.HideJoinRequest(ctx, peer, &tg.InputUser{UserID: u.UserID, AccessHash: u.AccessHash}, approve)
}

// HideJoinRequest implements types.API.
func (a clientAPI) HideJoinRequest(ctx context.Context, peer tg.InputPeerClass, user tg.InputUserClass, approve bool) error {
	var res tg.UpdatesClassBox
	err := a.c.invoker().Invoke(ctx, &tg.MessagesHideChatJoinRequestRequest{Approved: approve, Peer: peer, UserID: user}, &res)
	if err != nil {
		return fmt.Errorf("mtgo: hide chat join request: %w", err)
	}
	return nil
}

// NewChatJoinRequestHandler builds a handler of chat join requests for AddHandler.
func NewChatJoinRequestHandler(cb func(*Context, *types.ChatJoinRequest) error, fs ...Filter) *Handler {
	return handlerOf(kindChatJoinRequest, cb, func(ctx *Context) *types.ChatJoinRequest { return ctx.ChatJoinRequest }, fs)
}

// OnChatJoinRequest registers cb in group 0 for requests to join a chat the bot administers
// (updateBotChatInviteRequester); the value's Approve and Decline answer them.
func (c *Client) OnChatJoinRequest(cb func(*Context, *types.ChatJoinRequest) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChatJoinRequestHandler(cb, fs...))
}

// NewChatMemberHandler builds a handler of chat member changes for AddHandler.
func NewChatMemberHandler(cb func(*Context, *types.ChatMemberUpdated) error, fs ...Filter) *Handler {
	return handlerOf(kindChatMember, cb, func(ctx *Context) *types.ChatMemberUpdated { return ctx.ChatMember }, fs)
}

// OnChatMember registers cb in group 0 for changes of a member's standing (joins, leaves,
// bans, promotions: updateChatParticipant, updateChannelParticipant).
func (c *Client) OnChatMember(cb func(*Context, *types.ChatMemberUpdated) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChatMemberHandler(cb, fs...))
}

// GetChatMember returns the standing of user in chat: channels.getParticipant in a
// supergroup or channel, the participant list of messages.getFullChat in a basic group (a
// user missing from it is MemberLeft).
func (c *Client) GetChatMember(ctx context.Context, chat, user any) (*types.ChatMember, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	who, err := c.ResolvePeer(ctx, user)
	if err != nil {
		return nil, err
	}
	switch {
	case p.channel != nil:
		res, err := c.api().ChannelsGetParticipant(ctx, &tg.ChannelsGetParticipantRequest{Channel: p.channel, Participant: who})
		if err != nil {
			return nil, fmt.Errorf("mtgo: get chat member: %w", err)
		}
		return types.NewChatMember(res.Participant, types.NewEntities(res.Users, res.Chats)), nil
	case p.chat != 0:
		members, e, err := c.basicMembers(ctx, p.chat)
		if err != nil {
			return nil, err
		}
		id := inputPeerID(who, c.selfID())
		for _, m := range members {
			if m.User != nil && m.User.ID == id {
				return m, nil
			}
		}
		left := &types.ChatMember{User: e.User(id), Status: types.MemberLeft}
		if left.User == nil {
			left.User = &types.User{ID: id}
		}
		return left, nil
	}
	return nil, fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
}

// inputPeerID returns the user id of an input user peer (self for inputPeerSelf), 0 for other
// peers.
func inputPeerID(p tg.InputPeerClass, self int64) int64 {
	switch p := p.(type) {
	case *tg.InputPeerUser:
		return p.UserID
	case *tg.InputPeerSelf:
		return self
	}
	return 0
}

// basicMembers lists the members of basic group id.
func (c *Client) basicMembers(ctx context.Context, id int64) ([]*types.ChatMember, types.Entities, error) {
	res, err := c.api().MessagesGetFullChat(ctx, &tg.MessagesGetFullChatRequest{ChatID: id})
	if err != nil {
		return nil, types.Entities{}, fmt.Errorf("mtgo: get chat members: %w", err)
	}
	e := types.NewEntities(res.Users, res.Chats)
	full, _ := res.FullChat.(*tg.ChatFull)
	var list []tg.ChatParticipantClass
	if full != nil {
		if ps, ok := full.Participants.(*tg.ChatParticipants); ok {
			list = ps.Participants
		}
	}
	out := make([]*types.ChatMember, 0, len(list))
	for _, p := range list {
		if m := types.NewChatMember(p, e); m != nil {
			out = append(out, m)
		}
	}
	return out, e, nil
}

// membersPage is how many members one channels.getParticipants asks for.
const membersPage = 200

// GetChatMembers iterates over the members of chat that filter selects (the zero filter:
// everyone). In a basic group the list comes whole from messages.getFullChat and the filter
// is applied here (banned and restricted members do not exist there). A filter.TopMessage
// outside 0..2^31-1 fails with ErrMessageID before anything is sent.
func (c *Client) GetChatMembers(ctx context.Context, chat any, filter types.MemberFilter) iter.Seq2[*types.ChatMember, error] {
	wire, err := filter.TG()
	if err != nil {
		return func(yield func(*types.ChatMember, error) bool) {
			yield(nil, fmt.Errorf("mtgo: get chat members: thread: %w", err))
		}
	}
	// The cursor is the offset: it counts the participants the server returned, one
	// NewChatMember does not know included (counting only the converted would ask for an
	// overlapping page).
	return pages(ctx, func(ctx context.Context, offset int) (listPage[*types.ChatMember, int], error) {
		return c.membersPage(ctx, chat, filter, wire, offset)
	})
}

// membersPage fetches the page of chat's members at offset; wire is filter as the request
// carries it.
func (c *Client) membersPage(ctx context.Context, chat any, filter types.MemberFilter, wire tg.ChannelParticipantsFilterClass, offset int) (listPage[*types.ChatMember, int], error) {
	var pg listPage[*types.ChatMember, int]
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return pg, err
	}
	switch {
	case p.chat != 0:
		members, _, err := c.basicMembers(ctx, p.chat)
		if err != nil {
			return pg, err
		}
		pg.items = filterBasicMembers(members, filter)
		return pg, nil
	case p.channel == nil:
		return pg, fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
	}
	off, err := wireOffset(offset)
	if err != nil {
		return pg, fmt.Errorf("mtgo: get chat members: %w", err)
	}
	res, err := c.api().ChannelsGetParticipants(ctx, &tg.ChannelsGetParticipantsRequest{
		Channel: p.channel, Filter: wire, Offset: off, Limit: membersPage,
	})
	if err != nil {
		return pg, fmt.Errorf("mtgo: get chat members: %w", err)
	}
	list, ok := res.(*tg.ChannelsChannelParticipants)
	if !ok {
		return pg, fmt.Errorf("mtgo: get chat members: unexpected answer %T", res)
	}
	e := types.NewEntities(list.Users, list.Chats)
	pg.items = make([]*types.ChatMember, 0, len(list.Participants))
	for _, part := range list.Participants {
		if m := types.NewChatMember(part, e); m != nil {
			pg.items = append(pg.items, m)
		}
	}
	pg.sent, pg.next = len(list.Participants), offset+len(list.Participants)
	pg.more = pg.sent == membersPage && pg.next < int(list.Count)
	return pg, nil
}

// filterBasicMembers applies filter to the members of a basic group.
func filterBasicMembers(all []*types.ChatMember, f types.MemberFilter) []*types.ChatMember {
	q := strings.ToLower(f.Query)
	var out []*types.ChatMember
	for _, m := range all {
		keep := true
		switch f.Kind {
		case types.MembersAdmins:
			keep = m.Status == types.MemberAdministrator || m.Status == types.MemberOwner
		case types.MembersBots:
			keep = m.User.IsBot
		case types.MembersContacts:
			keep = m.User.IsContact
		case types.MembersBanned, types.MembersRestricted:
			keep = false
		}
		if keep && q != "" {
			name := strings.ToLower(m.User.FullName() + " " + m.User.Username)
			keep = strings.Contains(name, q)
		}
		if keep {
			out = append(out, m)
		}
	}
	return out
}

// GetChatMembersCount returns how many members chat has.
func (c *Client) GetChatMembersCount(ctx context.Context, chat any) (int, error) {
	full, err := c.GetFullChat(ctx, chat)
	if err != nil {
		return 0, err
	}
	if full.MembersCount == 0 {
		if ch, ok := full.Chat.Raw.(*tg.Channel); ok {
			return int(ch.ParticipantsCount.Value), nil
		}
	}
	return full.MembersCount, nil
}

// GetChatOnlineCount returns how many members of chat are online.
func (c *Client) GetChatOnlineCount(ctx context.Context, chat any) (int, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return 0, err
	}
	res, err := c.api().MessagesGetOnlines(ctx, &tg.MessagesGetOnlinesRequest{Peer: p.in})
	if err != nil {
		return 0, fmt.Errorf("mtgo: get online count: %w", err)
	}
	return int(res.Onlines), nil
}

// AddChatMember adds users to a group or channel: messages.addChatUser (one call per user)
// in a basic group, channels.inviteToChannel in a supergroup or channel.
func (c *Client) AddChatMember(ctx context.Context, chat any, users ...any) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	in, err := c.resolveUsers(ctx, users)
	if err != nil {
		return err
	}
	switch {
	case p.channel != nil:
		res, err := c.api().ChannelsInviteToChannel(ctx, &tg.ChannelsInviteToChannelRequest{Channel: p.channel, Users: in})
		if err != nil {
			return fmt.Errorf("mtgo: add chat member: %w", err)
		}
		c.absorb(res.Updates)
		return missingInvitees(res)
	case p.chat != 0:
		for _, u := range in {
			res, err := c.api().MessagesAddChatUser(ctx, &tg.MessagesAddChatUserRequest{ChatID: p.chat, UserID: u})
			if err != nil {
				return fmt.Errorf("mtgo: add chat member: %w", err)
			}
			c.absorb(res.Updates)
			if err := missingInvitees(res); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
}

// missingInvitees reports the users an invitation could not add (their privacy settings).
func missingInvitees(res *tg.MessagesInvitedUsers) error {
	if len(res.MissingInvitees) == 0 {
		return nil
	}
	ids := make([]int64, len(res.MissingInvitees))
	for i, m := range res.MissingInvitees {
		ids[i] = m.UserID
	}
	return fmt.Errorf("mtgo: add chat member: %d users could not be added (privacy): %v", len(ids), ids)
}
