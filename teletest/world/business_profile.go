package world

import (
	"slices"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The business profile of premium people: the automatic greeting and away messages
// (account.updateBusinessGreetingMessage, updateBusinessAwayMessage; anyone reads them in
// users.getFullUser) and business chat links (t.me/m/<slug>: a link that opens the chat with
// a prepared message; account.createBusinessChatLink, edit, delete, list, and
// account.resolveBusinessChatLink for anyone). The quick reply shortcut a greeting or away
// message names is taken as it is: the world keeps no quick replies.

const (
	// maxBusinessChatLinks is how many chat links one account may have.
	maxBusinessChatLinks = 100
	maxChatLinkTitle     = 32
)

// Business profile errors, as Telegram names them.
var (
	ErrChatlinkSlugEmpty   = rpcErr(400, "CHATLINK_SLUG_EMPTY")
	ErrChatlinkSlugExpired = rpcErr(400, "CHATLINK_SLUG_EXPIRED")
	ErrChatlinksTooMuch    = rpcErr(400, "CHATLINKS_TOO_MUCH")
)

// businessProfile is a person's greeting and away messages and chat links.
type businessProfile struct {
	greeting *tg.BusinessGreetingMessage
	away     *tg.BusinessAwayMessage
	links    []*chatLink
}

// chatLink is one business chat link.
type chatLink struct {
	slug     string
	message  string
	entities []tg.MessageEntityClass
	title    string
	views    int32
}

func (l *chatLink) tg() tg.BusinessChatLink {
	out := tg.BusinessChatLink{Link: "https://t.me/m/" + l.slug, Message: l.message, Entities: l.entities, Views: l.views}
	if l.title != "" {
		out.Title = tl.Some(l.title)
	}
	return out
}

// profileOf returns a's business profile, made on first use (under w.mu).
func (w *World) profileOf(a *account) *businessProfile {
	w.bots.init()
	p := w.bots.biz[a.id]
	if p == nil {
		p = &businessProfile{}
		w.bots.biz[a.id] = p
	}
	return p
}

// recipients resolves the people a greeting or away message names (under w.mu).
func (w *World) recipients(a *account, in tg.InputBusinessRecipients) (tg.BusinessRecipients, error) {
	out := tg.BusinessRecipients{
		ExistingChats: in.ExistingChats, NewChats: in.NewChats, Contacts: in.Contacts,
		NonContacts: in.NonContacts, ExcludeSelected: in.ExcludeSelected,
	}
	ids, err := w.inputUserIDs(a, in.Users)
	out.Users = sortedIDs(ids)
	return out, err
}

// UpdateGreeting answers account.updateBusinessGreetingMessage: sets the greeting message,
// or removes it (nil). PREMIUM_ACCOUNT_REQUIRED, BOT_METHOD_INVALID for bots,
// USER_ID_INVALID for an unknown recipient.
func (w *World) UpdateGreeting(key KeyID, in *tg.InputBusinessGreetingMessage) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.premiumUser(key)
	if err != nil {
		return err
	}
	p := w.profileOf(a)
	if in == nil {
		p.greeting = nil
		return nil
	}
	rc, err := w.recipients(a, in.Recipients)
	if err != nil {
		return err
	}
	p.greeting = &tg.BusinessGreetingMessage{ShortcutID: in.ShortcutID, Recipients: rc, NoActivityDays: in.NoActivityDays}
	return nil
}

// UpdateAway answers account.updateBusinessAwayMessage: sets the away message (its schedule:
// always, outside work hours, or between two dates), or removes it (nil). Errors as for
// UpdateGreeting, and 400 BUSINESS_AWAY_SCHEDULE_INVALID for an empty custom period.
func (w *World) UpdateAway(key KeyID, in *tg.InputBusinessAwayMessage) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.premiumUser(key)
	if err != nil {
		return err
	}
	p := w.profileOf(a)
	if in == nil {
		p.away = nil
		return nil
	}
	if c, ok := in.Schedule.(*tg.BusinessAwayMessageScheduleCustom); (ok && c.EndDate <= c.StartDate) || in.Schedule == nil {
		return rpcErr(400, "BUSINESS_AWAY_SCHEDULE_INVALID")
	}
	rc, err := w.recipients(a, in.Recipients)
	if err != nil {
		return err
	}
	p.away = &tg.BusinessAwayMessage{OfflineOnly: in.OfflineOnly, ShortcutID: in.ShortcutID, Schedule: in.Schedule, Recipients: rc}
	return nil
}

// fillBusiness adds a's greeting and away messages to its full profile (under w.mu).
func (w *World) fillBusiness(a *account, full *tg.UserFull) {
	w.bots.init()
	if p := w.bots.biz[a.id]; p != nil {
		full.BusinessGreetingMessage, full.BusinessAwayMessage = p.greeting, p.away
	}
}

// checkChatLink checks the text and title of a chat link (under w.mu).
func (w *World) checkChatLink(a *account, in tg.InputBusinessChatLink) (*chatLink, error) {
	if utf8.RuneCountInString(in.Message) > MaxMessageLength {
		return nil, ErrMessageTooLong
	}
	if utf8.RuneCountInString(in.Title.Value) > maxChatLinkTitle {
		return nil, rpcErr(400, "TITLE_INVALID")
	}
	ents, err := w.storedEntities(a, in.Entities)
	if err != nil {
		return nil, err
	}
	return &chatLink{message: in.Message, entities: ents, title: in.Title.Value}, nil
}

// CreateChatLink answers account.createBusinessChatLink. PREMIUM_ACCOUNT_REQUIRED,
// CHATLINKS_TOO_MUCH beyond 100 links, MESSAGE_TOO_LONG, TITLE_INVALID.
func (w *World) CreateChatLink(key KeyID, in tg.InputBusinessChatLink) (*tg.BusinessChatLink, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.premiumUser(key)
	if err != nil {
		return nil, err
	}
	p := w.profileOf(a)
	if len(p.links) >= maxBusinessChatLinks {
		return nil, ErrChatlinksTooMuch
	}
	l, err := w.checkChatLink(a, in)
	if err != nil {
		return nil, err
	}
	_, l.slug = w.randomSlug()
	p.links = append(p.links, l)
	w.bots.chatLinks[l.slug] = a.id
	out := l.tg()
	return &out, nil
}

// chatLinkOf returns a's link slug (under w.mu): CHATLINK_SLUG_EMPTY, CHATLINK_SLUG_EXPIRED.
func (w *World) chatLinkOf(a *account, slug string) (*businessProfile, int, error) {
	if slug == "" {
		return nil, 0, ErrChatlinkSlugEmpty
	}
	p := w.profileOf(a)
	i := slices.IndexFunc(p.links, func(l *chatLink) bool { return l.slug == slug })
	if i < 0 {
		return nil, 0, ErrChatlinkSlugExpired
	}
	return p, i, nil
}

// EditChatLink answers account.editBusinessChatLink (the views stay).
func (w *World) EditChatLink(key KeyID, slug string, in tg.InputBusinessChatLink) (*tg.BusinessChatLink, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.premiumUser(key)
	if err != nil {
		return nil, err
	}
	p, i, err := w.chatLinkOf(a, slug)
	if err != nil {
		return nil, err
	}
	l, err := w.checkChatLink(a, in)
	if err != nil {
		return nil, err
	}
	l.slug, l.views = slug, p.links[i].views
	p.links[i] = l
	out := l.tg()
	return &out, nil
}

// DeleteChatLink answers account.deleteBusinessChatLink.
func (w *World) DeleteChatLink(key KeyID, slug string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.premiumUser(key)
	if err != nil {
		return err
	}
	p, i, err := w.chatLinkOf(a, slug)
	if err != nil {
		return err
	}
	p.links = slices.Delete(p.links, i, i+1)
	delete(w.bots.chatLinks, slug)
	return nil
}

// ChatLinks answers account.getBusinessChatLinks, oldest first.
func (w *World) ChatLinks(key KeyID) (*tg.AccountBusinessChatLinks, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.premiumUser(key)
	if err != nil {
		return nil, err
	}
	res := &tg.AccountBusinessChatLinks{Links: []tg.BusinessChatLink{}}
	for _, l := range w.profileOf(a).links {
		res.Links = append(res.Links, l.tg())
	}
	res.Users, res.Chats = w.render(a.id, &refs{})
	return res, nil
}

// ResolveChatLink answers account.resolveBusinessChatLink for anyone: the business account
// and the prepared message; each resolution counts a view. CHATLINK_SLUG_EMPTY,
// CHATLINK_SLUG_EXPIRED for an unknown or deleted link.
func (w *World) ResolveChatLink(key KeyID, slug string) (*tg.AccountResolvedBusinessChatLinks, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	viewer, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if slug == "" {
		return nil, ErrChatlinkSlugEmpty
	}
	w.bots.init()
	owner := w.users[w.bots.chatLinks[slug]]
	if owner == nil {
		return nil, ErrChatlinkSlugExpired
	}
	p, i, err := w.chatLinkOf(owner, slug)
	if err != nil {
		return nil, err
	}
	l := p.links[i]
	l.views++
	var r refs
	r.add(UserPeer(owner.id))
	users, chats := w.render(viewer.id, &r)
	return &tg.AccountResolvedBusinessChatLinks{
		Peer: peerTG(UserPeer(owner.id)), Message: l.message, Entities: l.entities, Users: users, Chats: chats,
	}, nil
}
