package mtgo

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Administration: bans, restrictions, promotions, ownership, the event log. Bans and
// restrictions exist in supergroups and channels only; on a basic group BanChatMember,
// UnbanChatMember and RestrictChatMember return ErrBanSupergroupOnly,
// ErrUnbanSupergroupOnly and ErrRestrictSupergroupOnly, and KickChatMember removes a member
// (messages.deleteChatUser).

// BanOption is an option of BanChatMember.
type BanOption func(*banOptions)

type banOptions struct {
	until  time.Time
	revoke bool
}

// WithBanUntil makes a ban end at t (Telegram treats less than 30 seconds or more than 366
// days from now as for ever, and so does this client a time past 2038-01-19 or before 1901,
// which a request cannot carry).
func WithBanUntil(t time.Time) BanOption { return func(o *banOptions) { o.until = t } }

// WithRevokeMessages deletes the banned member's messages in the chat too.
func WithRevokeMessages() BanOption { return func(o *banOptions) { o.revoke = true } }

// BanChatMember removes user (or a chat sending as a channel) from a supergroup or channel
// and keeps it out, for ever or until WithBanUntil. ErrBanSupergroupOnly for other chats.
func (c *Client) BanChatMember(ctx context.Context, chat, user any, opts ...BanOption) error {
	var o banOptions
	for _, f := range opts {
		f(&o)
	}
	ch, who, err := c.channelMember(ctx, chat, user, ErrBanSupergroupOnly)
	if err != nil {
		return err
	}
	rights := tg.ChatBannedRights{ViewMessages: true, UntilDate: tgdate.Until(o.until)}
	if err := c.editBanned(ctx, "ban chat member", ch, who, rights); err != nil {
		return err
	}
	if o.revoke {
		return c.deleteParticipantHistory(ctx, ch, who)
	}
	return nil
}

// UnbanChatMember lifts a ban or restriction of user in a supergroup or channel (the user
// may join again; it is not added back). ErrUnbanSupergroupOnly for other chats.
func (c *Client) UnbanChatMember(ctx context.Context, chat, user any) error {
	ch, who, err := c.channelMember(ctx, chat, user, ErrUnbanSupergroupOnly)
	if err != nil {
		return err
	}
	return c.editBanned(ctx, "unban chat member", ch, who, tg.ChatBannedRights{})
}

// RestrictChatMember limits what user may do in a supergroup to perms, until the given time
// (the zero time, one before 1901 or past 2038-01-19: for ever). ErrRestrictSupergroupOnly
// for other chats.
func (c *Client) RestrictChatMember(ctx context.Context, chat, user any, perms types.ChatPermissions, until time.Time) error {
	ch, who, err := c.channelMember(ctx, chat, user, ErrRestrictSupergroupOnly)
	if err != nil {
		return err
	}
	return c.editBanned(ctx, "restrict chat member", ch, who, perms.BannedRights(until))
}

// channelMember resolves a supergroup or channel (notChannel: the error for other chats)
// and one of its participants.
func (c *Client) channelMember(ctx context.Context, chat, user any, notChannel error) (*tg.InputChannel, tg.InputPeerClass, error) {
	ch, _, err := c.resolveChannel(ctx, chat, notChannel)
	if err != nil {
		return nil, nil, err
	}
	who, err := c.ResolvePeer(ctx, user)
	if err != nil {
		return nil, nil, err
	}
	return ch, who, nil
}

func (c *Client) editBanned(ctx context.Context, what string, ch *tg.InputChannel, who tg.InputPeerClass, rights tg.ChatBannedRights) error {
	_, err := c.updated(ctx, what, &tg.ChannelsEditBannedRequest{Channel: ch, Participant: who, BannedRights: rights})
	return err
}

// KickChatMember removes user from a group without keeping it out: messages.deleteChatUser in
// a basic group; in a supergroup or channel a ban lifted at once.
func (c *Client) KickChatMember(ctx context.Context, chat, user any) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	switch {
	case p.chat != 0:
		u, err := c.resolveUser(ctx, user)
		if err != nil {
			return err
		}
		_, err = c.updated(ctx, "kick chat member", &tg.MessagesDeleteChatUserRequest{ChatID: p.chat, UserID: u})
		return err
	case p.channel != nil:
		if err := c.BanChatMember(ctx, chat, user); err != nil {
			return err
		}
		return c.UnbanChatMember(ctx, chat, user)
	}
	return fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
}

// DeleteChatMemberHistory deletes every message of user in a supergroup.
func (c *Client) DeleteChatMemberHistory(ctx context.Context, chat, user any) error {
	ch, who, err := c.channelMember(ctx, chat, user, nil)
	if err != nil {
		return err
	}
	return c.deleteParticipantHistory(ctx, ch, who)
}

func (c *Client) deleteParticipantHistory(ctx context.Context, ch *tg.InputChannel, who tg.InputPeerClass) error {
	// Each call deletes a batch and says with a non-zero offset that more remain; the
	// bound stops a server that never says it is done.
	for range maxHistoryBatches {
		res, err := c.api().ChannelsDeleteParticipantHistory(ctx, &tg.ChannelsDeleteParticipantHistoryRequest{Channel: ch, Participant: who})
		if err != nil {
			return fmt.Errorf("mtgo: delete member history: %w", err)
		}
		if res.Offset <= 0 {
			return nil
		}
	}
	return fmt.Errorf("mtgo: delete member history: still not done after %d batches", maxHistoryBatches)
}

// maxHistoryBatches bounds the calls of one history deletion.
const maxHistoryBatches = 10000

// ReportChatSpam reports messages ids of user in a supergroup as spam.
func (c *Client) ReportChatSpam(ctx context.Context, chat, user any, ids ...int) error {
	list, err := wireMessageIDs(ids)
	if err != nil {
		return fmt.Errorf("mtgo: report spam: %w", err)
	}
	ch, who, err := c.channelMember(ctx, chat, user, nil)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "report spam", &tg.ChannelsReportSpamRequest{Channel: ch, Participant: who, ID: list})
}

// PromoteChatMember gives user the admin rights in chat (no right set: demotes it). In a
// basic group, where admins all have the same rights, any right makes user an admin.
func (c *Client) PromoteChatMember(ctx context.Context, chat, user any, rights types.AdminRights) error {
	return c.promote(ctx, chat, user, rights, "", false)
}

// SetAdministratorTitle sets the custom title of an administrator of a supergroup, keeping
// its rights.
func (c *Client) SetAdministratorTitle(ctx context.Context, chat, user any, title string) error {
	m, err := c.GetChatMember(ctx, chat, user)
	if err != nil {
		return err
	}
	if m.AdminRights == nil {
		return fmt.Errorf("mtgo: set administrator title: %v is not an administrator", user)
	}
	return c.promote(ctx, chat, user, *m.AdminRights, title, true)
}

func (c *Client) promote(ctx context.Context, chat, user any, rights types.AdminRights, rank string, setRank bool) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	u, err := c.resolveUser(ctx, user)
	if err != nil {
		return err
	}
	switch {
	case p.channel != nil:
		req := &tg.ChannelsEditAdminRequest{Channel: p.channel, UserID: u, AdminRights: rights.TG()}
		if setRank {
			req.Rank.Set, req.Rank.Value = true, rank
		}
		_, err = c.updated(ctx, "promote chat member", req)
		return err
	case p.chat != 0:
		return c.boolCall(ctx, "promote chat member", &tg.MessagesEditChatAdminRequest{ChatID: p.chat, UserID: u, IsAdmin: rights != types.AdminRights{}})
	}
	return fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
}

// TransferChatOwnership makes user the owner of chat. Telegram asks for the account's
// two-step verification password, proven with SRP (ErrPasswordNotSet without one).
func (c *Client) TransferChatOwnership(ctx context.Context, chat, user any, password string) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	u, err := c.resolveUser(ctx, user)
	if err != nil {
		return err
	}
	check, err := c.passwordSRP(ctx, password)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "transfer chat ownership", &tg.MessagesEditChatCreatorRequest{Peer: p.in, UserID: u, Password: check})
	return err
}

// eventLogPage is how many events one channels.getAdminLog asks for.
const eventLogPage = 100

// GetChatEventLog iterates over the event log of a supergroup or channel, newest first,
// keeping the events filter selects.
func (c *Client) GetChatEventLog(ctx context.Context, chat any, filter types.ChatEventFilter) iter.Seq2[*types.ChatEvent, error] {
	// The cursor is the id of the last event sent (0: the first page).
	return pages(ctx, func(ctx context.Context, maxID int64) (listPage[*types.ChatEvent, int64], error) {
		var pg listPage[*types.ChatEvent, int64]
		ch, _, err := c.resolveChannel(ctx, chat, nil)
		if err != nil {
			return pg, err
		}
		req := &tg.ChannelsGetAdminLogRequest{Channel: ch, Q: filter.Query, Limit: eventLogPage}
		if filter.Kinds != (tg.ChannelAdminLogEventsFilter{}) {
			k := filter.Kinds
			req.EventsFilter = &k
		}
		if len(filter.Admins) > 0 {
			if req.Admins, err = c.resolveUsers(ctx, filter.Admins); err != nil {
				return pg, err
			}
		}
		req.MaxID = maxID
		res, err := c.api().ChannelsGetAdminLog(ctx, req)
		if err != nil {
			return pg, fmt.Errorf("mtgo: get chat event log: %w", err)
		}
		e := types.NewEntities(res.Users, res.Chats)
		pg.items = make([]*types.ChatEvent, 0, len(res.Events))
		for i := range res.Events {
			pg.items = append(pg.items, types.NewChatEvent(&res.Events[i], e))
		}
		if pg.sent = len(res.Events); pg.sent > 0 {
			pg.next = res.Events[pg.sent-1].ID
		}
		// More only while the ids fall, so a server repeating a page cannot loop us, and
		// stay above 0: a max_id of 0 would ask for the first page again.
		pg.more = pg.sent == eventLogPage && pg.next > 0 && (maxID == 0 || pg.next < maxID)
		return pg, nil
	})
}
