package mtgo

import (
	"context"
	"fmt"
	"iter"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Invite links and join requests. link arguments take the link's URL or its bare hash's
// link form as the chat's administrators see it ("https://t.me/+hash").

// ExportChatInviteLink makes a new primary link for chat, revoking the old one, and returns
// it.
func (c *Client) ExportChatInviteLink(ctx context.Context, chat any) (string, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return "", err
	}
	res, err := c.api().MessagesExportChatInvite(ctx, &tg.MessagesExportChatInviteRequest{Peer: p.in, LegacyRevokePermanent: true})
	if err != nil {
		return "", fmt.Errorf("mtgo: export chat invite link: %w", err)
	}
	l := types.NewChatInviteLink(res, types.Entities{})
	if l == nil {
		return "", fmt.Errorf("mtgo: export chat invite link: unexpected answer %T", res)
	}
	return l.Link, nil
}

// CreateChatInviteLink makes an additional invite link for chat as spec describes (ErrDate,
// before anything is sent, for an Expires outside 1901-12-13..2038-01-19).
func (c *Client) CreateChatInviteLink(ctx context.Context, chat any, spec types.InviteLinkSpec) (*types.ChatInviteLink, error) {
	req, err := spec.ExportRequest(nil) // checked before resolving; the peer is set below
	if err != nil {
		return nil, fmt.Errorf("mtgo: create chat invite link: %w", err)
	}
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	req.Peer = p.in
	res, err := c.api().MessagesExportChatInvite(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("mtgo: create chat invite link: %w", err)
	}
	l := types.NewChatInviteLink(res, types.Entities{})
	if l == nil {
		return nil, fmt.Errorf("mtgo: create chat invite link: unexpected answer %T", res)
	}
	if me := c.Me(); me != nil && l.Creator.ID == me.ID {
		l.Creator = me
	}
	return l, nil
}

// EditChatInviteLink changes the fields spec sets of link (ErrDate as CreateChatInviteLink).
func (c *Client) EditChatInviteLink(ctx context.Context, chat any, link string, spec types.InviteLinkSpec) (*types.ChatInviteLink, error) {
	req, err := spec.EditRequest(nil, link) // checked before resolving; the peer is set below
	if err != nil {
		return nil, fmt.Errorf("mtgo: edit chat invite link: %w", err)
	}
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	req.Peer = p.in
	return c.editInvite(ctx, "edit chat invite link", req)
}

// RevokeChatInviteLink revokes link; the answer is the revoked link.
func (c *Client) RevokeChatInviteLink(ctx context.Context, chat any, link string) (*types.ChatInviteLink, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	return c.editInvite(ctx, "revoke chat invite link", &tg.MessagesEditExportedChatInviteRequest{Peer: p.in, Link: link, Revoked: true})
}

func (c *Client) editInvite(ctx context.Context, what string, req *tg.MessagesEditExportedChatInviteRequest) (*types.ChatInviteLink, error) {
	res, err := c.api().MessagesEditExportedChatInvite(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return inviteAnswer(what, res)
}

// inviteAnswer returns the link of messages.exportedChatInvite (or, after a revocation of
// the primary link, the old one of messages.exportedChatInviteReplaced).
func inviteAnswer(what string, res tg.MessagesExportedChatInviteClass) (*types.ChatInviteLink, error) {
	var l *types.ChatInviteLink
	switch r := res.(type) {
	case *tg.MessagesExportedChatInvite:
		l = types.NewChatInviteLink(r.Invite, types.NewEntities(r.Users, nil))
	case *tg.MessagesExportedChatInviteReplaced:
		l = types.NewChatInviteLink(r.Invite, types.NewEntities(r.Users, nil))
	}
	if l == nil {
		return nil, fmt.Errorf("mtgo: %s: unexpected answer %T", what, res)
	}
	return l, nil
}

// DeleteChatInviteLink deletes a revoked link.
func (c *Client) DeleteChatInviteLink(ctx context.Context, chat any, link string) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "delete chat invite link", &tg.MessagesDeleteExportedChatInviteRequest{Peer: p.in, Link: link})
}

// DeleteRevokedChatInviteLinks deletes every revoked link admin (anything ResolvePeer takes)
// made in chat.
func (c *Client) DeleteRevokedChatInviteLinks(ctx context.Context, chat, admin any) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	a, err := c.resolveUser(ctx, admin)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "delete revoked invite links", &tg.MessagesDeleteRevokedExportedChatInvitesRequest{Peer: p.in, AdminID: a})
}

// GetChatInviteLink returns one link of chat with its counts.
func (c *Client) GetChatInviteLink(ctx context.Context, chat any, link string) (*types.ChatInviteLink, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	res, err := c.api().MessagesGetExportedChatInvite(ctx, &tg.MessagesGetExportedChatInviteRequest{Peer: p.in, Link: link})
	if err != nil {
		return nil, fmt.Errorf("mtgo: get chat invite link: %w", err)
	}
	return inviteAnswer("get chat invite link", res)
}

// invitePage is how many links or joiners one call asks for.
const invitePage = 100

// GetChatAdminInviteLinks iterates over the links admin (anything ResolvePeer takes) made in
// chat, newest first: the working ones, or the revoked ones when revoked is set.
func (c *Client) GetChatAdminInviteLinks(ctx context.Context, chat, admin any, revoked bool) iter.Seq2[*types.ChatInviteLink, error] {
	return pages(ctx, func(ctx context.Context, cur linksCursor) (listPage[*types.ChatInviteLink, linksCursor], error) {
		var pg listPage[*types.ChatInviteLink, linksCursor]
		p, err := c.resolveChat(ctx, chat)
		if err != nil {
			return pg, err
		}
		a, err := c.resolveUser(ctx, admin)
		if err != nil {
			return pg, err
		}
		req := &tg.MessagesGetExportedChatInvitesRequest{Peer: p.in, AdminID: a, Revoked: revoked, Limit: invitePage}
		if cur.seen > 0 {
			req.OffsetDate, req.OffsetLink = tl.Some(cur.date), tl.Some(cur.link)
		}
		res, err := c.api().MessagesGetExportedChatInvites(ctx, req)
		if err != nil {
			return pg, fmt.Errorf("mtgo: get admin invite links: %w", err)
		}
		e := types.NewEntities(res.Users, nil)
		pg.items = make([]*types.ChatInviteLink, 0, len(res.Invites))
		pg.next = linksCursor{seen: cur.seen, used: cur.used}
		for i, inv := range res.Invites {
			if l := types.NewChatInviteLink(inv, e); l != nil {
				pg.items = append(pg.items, l)
				// The next page starts after this link: the entries after it come again.
				pg.next = linksCursor{date: l.Raw.Date, link: l.Link, seen: cur.seen + i + 1, used: cur.used}
			}
		}
		pg.sent = len(res.Invites)
		moved := pg.next.link != "" && pg.next.used.fresh(pg.next.link)
		pg.more = moved && pg.sent == invitePage && pg.next.seen < int(res.Count)
		return pg, nil
	})
}

// linksCursor is where the next page of an admin's invite links starts: after the last link
// of the last page (the only entries with a date and a link to start from), and how many
// entries the server sent up to it.
type linksCursor struct {
	date int32
	link string
	seen int
	used cursorsUsed[string] // links paged from
}

// GetChatAdminsWithInvites lists the administrators of chat who made links, with how many.
func (c *Client) GetChatAdminsWithInvites(ctx context.Context, chat any) ([]types.AdminInviteCount, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	res, err := c.api().MessagesGetAdminsWithInvites(ctx, &tg.MessagesGetAdminsWithInvitesRequest{Peer: p.in})
	if err != nil {
		return nil, fmt.Errorf("mtgo: get admins with invites: %w", err)
	}
	e := types.NewEntities(res.Users, nil)
	out := make([]types.AdminInviteCount, 0, len(res.Admins))
	for _, a := range res.Admins {
		u := e.User(a.AdminID)
		if u == nil {
			u = &types.User{ID: a.AdminID}
		}
		out = append(out, types.AdminInviteCount{Admin: u, Links: int(a.InvitesCount), Revoked: int(a.RevokedInvitesCount)})
	}
	return out, nil
}

// GetChatInviteLinkJoiners iterates over the users who joined chat through link, newest
// first.
func (c *Client) GetChatInviteLinkJoiners(ctx context.Context, chat any, link string) iter.Seq2[*types.ChatInviteLinkJoiner, error] {
	return c.importers(ctx, chat, link, false)
}

// GetChatJoinRequests iterates over the pending requests to join chat (through any link
// when link is "").
func (c *Client) GetChatJoinRequests(ctx context.Context, chat any, link string) iter.Seq2[*types.ChatInviteLinkJoiner, error] {
	return c.importers(ctx, chat, link, true)
}

// joinerAt is where a page of importers ends: the last one's user and date.
type joinerAt struct {
	user int64
	date int64
}

func (c *Client) importers(ctx context.Context, chat any, link string, requested bool) iter.Seq2[*types.ChatInviteLinkJoiner, error] {
	// Every importer converts, so the last one of a page is the next page's offset.
	type cursor struct {
		last *types.ChatInviteLinkJoiner
		seen int
		used cursorsUsed[joinerAt] // (user, date) pairs paged from
	}
	return pages(ctx, func(ctx context.Context, cur cursor) (listPage[*types.ChatInviteLinkJoiner, cursor], error) {
		var pg listPage[*types.ChatInviteLinkJoiner, cursor]
		p, err := c.resolveChat(ctx, chat)
		if err != nil {
			return pg, err
		}
		req := &tg.MessagesGetChatInviteImportersRequest{Peer: p.in, Requested: requested, OffsetUser: &tg.InputUserEmpty{}, Limit: invitePage}
		if link != "" {
			req.Link = tl.Some(link)
		}
		last := cur.last
		if last != nil {
			req.OffsetDate = int32(last.Date.Unix())
			req.OffsetUser = last.User.InputUser()
		}
		res, err := c.api().MessagesGetChatInviteImporters(ctx, req)
		if err != nil {
			return pg, fmt.Errorf("mtgo: get invite importers: %w", err)
		}
		e := types.NewEntities(res.Users, nil)
		pg.items = make([]*types.ChatInviteLinkJoiner, 0, len(res.Importers))
		for i := range res.Importers {
			pg.items = append(pg.items, types.NewChatInviteLinkJoiner(&res.Importers[i], e))
		}
		pg.sent = len(res.Importers)
		if pg.sent == 0 {
			return pg, nil
		}
		next := pg.items[pg.sent-1]
		pg.next = cursor{last: next, seen: cur.seen + pg.sent, used: cur.used}
		moved := pg.next.used.fresh(joinerAt{user: next.User.ID, date: next.Date.Unix()})
		pg.more = moved && pg.sent == invitePage && pg.next.seen < int(res.Count)
		return pg, nil
	})
}

// ApproveAllChatJoinRequests approves every pending request to join chat (through link only
// when it is not "").
func (c *Client) ApproveAllChatJoinRequests(ctx context.Context, chat any, link string) error {
	return c.hideAllJoinRequests(ctx, chat, link, true)
}

// DeclineAllChatJoinRequests declines every pending request to join chat (through link only
// when it is not "").
func (c *Client) DeclineAllChatJoinRequests(ctx context.Context, chat any, link string) error {
	return c.hideAllJoinRequests(ctx, chat, link, false)
}

func (c *Client) hideAllJoinRequests(ctx context.Context, chat any, link string, approve bool) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesHideAllChatJoinRequestsRequest{Peer: p.in, Approved: approve}
	if link != "" {
		req.Link = tl.Some(link)
	}
	_, err = c.updated(ctx, "hide all join requests", req)
	return err
}
