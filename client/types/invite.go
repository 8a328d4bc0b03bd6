package types

import (
	"math"
	"strings"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ChatInviteLink is an invite link of a chat as its administrators see it.
type ChatInviteLink struct {
	// Link is the URL (https://t.me/+hash).
	Link string
	// Title is the administrator's name for the link.
	Title string
	// Creator is the administrator who made it.
	Creator *User
	// Created, Starts and Expires are when it was made, when it starts and when it expires
	// (zero: never).
	Created, Starts, Expires time.Time
	// UsageLimit is how many may join through it (0: no limit); Usage how many did;
	// PendingRequests how many asked and wait.
	UsageLimit, Usage, PendingRequests int
	// Primary marks the chat's permanent link; Revoked one that no longer works;
	// RequiresApproval one whose joiners need an administrator's approval.
	Primary, Revoked, RequiresApproval bool
	// SubscriptionPeriod and SubscriptionStars describe a paid subscription link.
	SubscriptionPeriod time.Duration
	SubscriptionStars  int64
	// Raw is the object the link was built from.
	Raw *tg.ChatInviteExported
}

// NewChatInviteLink builds a ChatInviteLink from chatInviteExported (nil for the other
// kinds), its creator looked up in e.
func NewChatInviteLink(inv tg.ExportedChatInviteClass, e Entities) *ChatInviteLink {
	x, ok := inv.(*tg.ChatInviteExported)
	if !ok || x == nil {
		return nil
	}
	out := &ChatInviteLink{
		Link: x.Link, Title: x.Title.Value, Creator: e.userOrID(x.AdminID),
		Created: unix(x.Date), Starts: unix(x.StartDate.Value), Expires: unix(x.ExpireDate.Value),
		UsageLimit: int(x.UsageLimit.Value), Usage: int(x.Usage.Value), PendingRequests: int(x.Requested.Value),
		Primary: x.Permanent, Revoked: x.Revoked, RequiresApproval: x.RequestNeeded, Raw: x,
	}
	if p := x.SubscriptionPricing; p != nil {
		out.SubscriptionPeriod, out.SubscriptionStars = seconds(p.Period), p.Amount
	}
	return out
}

// Hash returns the link's invite hash (what follows "+" or "joinchat/").
func (l *ChatInviteLink) Hash() string { return InviteHash(l.Link) }

// InviteHash extracts the hash of an invite link: "https://t.me/+HASH", "t.me/joinchat/HASH",
// "tg://join?invite=HASH" or "+HASH", read as peers.ParseQuery reads links (any case, "www.",
// a trailing slash or query); "" when s is not an invite link. t.me/+ followed by digits
// alone is a phone number, not an invite.
func InviteHash(s string) string {
	s = strings.TrimSpace(s)
	if h, ok := strings.CutPrefix(s, "+"); ok {
		s = "t.me/+" + h
	}
	if q, err := peers.ParseQuery(s); err == nil && q.Kind == peers.QueryInvite {
		return q.Invite
	}
	return ""
}

// InviteLinkSpec describes a link to create or the changes of one to edit; zero fields are
// left out.
type InviteLinkSpec struct {
	// Title names the link for the administrators.
	Title string
	// Expires is when the link stops working (ErrDate outside 1901-12-13..2038-01-19).
	Expires time.Time
	// UsageLimit caps how many may join through it (0 or less: no cap; ErrOutOfRange past
	// 2^31-1).
	UsageLimit int
	// RequiresApproval makes joiners ask an administrator.
	RequiresApproval bool
	// SubscriptionPeriod and SubscriptionStars make a paid subscription link (create only;
	// the period in whole seconds, rounded down: ErrOutOfRange below 1s or past 2^31-1s).
	SubscriptionPeriod time.Duration
	SubscriptionStars  int64
}

// ExportRequest returns the spec as messages.exportChatInvite for peer, or ErrDate for an
// Expires and ErrOutOfRange for a UsageLimit or SubscriptionPeriod no request can carry.
func (s InviteLinkSpec) ExportRequest(peer tg.InputPeerClass) (*tg.MessagesExportChatInviteRequest, error) {
	expires, limit, err := s.bounds()
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesExportChatInviteRequest{Peer: peer, RequestNeeded: s.RequiresApproval, ExpireDate: expires, UsageLimit: limit}
	if s.Title != "" {
		req.Title.Set, req.Title.Value = true, s.Title
	}
	if s.SubscriptionStars > 0 {
		period, err := wirenum.Seconds("subscription period", s.SubscriptionPeriod, 1, math.MaxInt32)
		if err != nil {
			return nil, err
		}
		req.SubscriptionPricing = &tg.StarsSubscriptionPricing{Period: period, Amount: s.SubscriptionStars}
	}
	return req, nil
}

// EditRequest returns the spec as messages.editExportedChatInvite of link in peer, or
// ErrDate for an Expires and ErrOutOfRange for a UsageLimit no request can carry.
func (s InviteLinkSpec) EditRequest(peer tg.InputPeerClass, link string) (*tg.MessagesEditExportedChatInviteRequest, error) {
	expires, limit, err := s.bounds()
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesEditExportedChatInviteRequest{Peer: peer, Link: link, ExpireDate: expires, UsageLimit: limit}
	if s.Title != "" {
		req.Title.Set, req.Title.Value = true, s.Title
	}
	if s.RequiresApproval {
		req.RequestNeeded.Set, req.RequestNeeded.Value = true, true
	}
	return req, nil
}

// usageLimit is the spec's usage_limit, left out for 0 or less.
func (s InviteLinkSpec) usageLimit() (tl.Opt[int32], error) {
	if s.UsageLimit <= 0 {
		return tl.Opt[int32]{}, nil
	}
	n, err := wirenum.Int("usage limit", s.UsageLimit, 1, math.MaxInt32)
	if err != nil {
		return tl.Opt[int32]{}, err
	}
	return tl.Some(n), nil
}

// expireDate is the spec's expire_date, left out for the zero time.
func (s InviteLinkSpec) expireDate() (tl.Opt[int32], error) {
	return tgdate.Opt("link expiry", s.Expires)
}

// bounds is the spec's expire_date and usage_limit, the checked fields both requests carry.
func (s InviteLinkSpec) bounds() (expires, limit tl.Opt[int32], err error) {
	if expires, err = s.expireDate(); err != nil {
		return expires, limit, err
	}
	limit, err = s.usageLimit()
	return expires, limit, err
}

// ChatInviteLinkJoiner is a user who joined through a link, or asked to.
type ChatInviteLinkJoiner struct {
	// User is the joiner.
	User *User
	// Date is when it joined or asked.
	Date time.Time
	// Requested marks a pending join request; About is the bio it came with.
	Requested bool
	About     string
	// ApprovedBy is the administrator who approved the request (0: none).
	ApprovedBy int64
	// Raw is the object the value was built from.
	Raw *tg.ChatInviteImporter
}

// NewChatInviteLinkJoiner builds a ChatInviteLinkJoiner with the users in e.
func NewChatInviteLinkJoiner(im *tg.ChatInviteImporter, e Entities) *ChatInviteLinkJoiner {
	if im == nil {
		return nil
	}
	return &ChatInviteLinkJoiner{
		User: e.userOrID(im.UserID), Date: unix(im.Date), Requested: im.Requested, About: im.About.Value,
		ApprovedBy: im.ApprovedBy.Value, Raw: im,
	}
}

// AdminInviteCount is how many links one administrator of a chat made.
type AdminInviteCount struct {
	Admin          *User
	Links, Revoked int
}
