package world

import (
	"maps"
	"slices"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The business account's side of a connected bot: list it (account.getConnectedBots), pause
// it in one chat (account.toggleConnectedBotPaused) or take one chat away from it for good
// (account.disablePeerConnectedBot, the same as adding the chat to exclude_users). A paused
// or disabled chat is no longer served: the bot receives no business updates from it, and
// its calls through the connection there answer as for any chat the connection does not
// serve (PEER_ID_INVALID; MESSAGE_DELETE_FORBIDDEN for deletions).

// Errors of the business account's side of a connected bot.
var (
	// ErrBotNotConnectedYet answers a pause or disable when no business bot is connected.
	ErrBotNotConnectedYet = rpcErr(400, "BOT_NOT_CONNECTED_YET")
	// ErrBotAlreadyDisabled answers disabling the bot again in the same chat.
	ErrBotAlreadyDisabled = rpcErr(400, "BOT_ALREADY_DISABLED")
)

// ConnectedBots answers account.getConnectedBots: the business bot connected to the person on
// key (none, or one: a person has at most one), with its rights, the chats it serves and
// when it was connected, and the bot as the person sees it. BOT_METHOD_INVALID for bots.
func (w *World) ConnectedBots(key KeyID) (*tg.AccountConnectedBots, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	out := &tg.AccountConnectedBots{ConnectedBots: []tg.ConnectedBot{}, Users: []tg.UserClass{}}
	c := a.business
	if c == nil {
		return out, nil
	}
	var r refs
	r.add(UserPeer(c.bot))
	out.Users, _ = w.render(a.id, &r)
	out.ConnectedBots = append(out.ConnectedBots, tg.ConnectedBot{
		BotID: c.bot, Recipients: c.recipients(), Rights: c.rights, Date: tl.Some(c.date),
	})
	return out, nil
}

// recipients renders the chats c serves as businessBotRecipients; with exclude_selected the
// excluded users move into users, as Telegram does.
func (c *businessConn) recipients() tg.BusinessBotRecipients {
	r := tg.BusinessBotRecipients{
		ExistingChats: c.existingChats, NewChats: c.newChats, Contacts: c.contacts, NonContacts: c.nonContacts,
		ExcludeSelected: c.excludeSelected,
	}
	r.Users, r.ExcludeUsers = sortedIDs(c.users), sortedIDs(c.excludeUsers)
	if c.excludeSelected && r.ExcludeUsers != nil {
		r.Users = slices.Compact(slices.Sorted(slices.Values(append(r.Users, r.ExcludeUsers...))))
		r.ExcludeUsers = nil
	}
	return r
}

// sortedIDs returns the keys of set in order; nil for none.
func sortedIDs(set map[int64]bool) []int64 {
	if len(set) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(set))
}

// businessPeer returns the person on key, its connected bot's connection and in, resolved to
// a private chat with a person (under w.mu). BOT_METHOD_INVALID for bots,
// BOT_NOT_CONNECTED_YET when no bot is connected, PEER_ID_INVALID for other chats.
func (w *World) businessPeer(key KeyID, in tg.InputPeerClass) (*businessConn, int64, error) {
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, 0, err
	}
	c := a.business
	if c == nil {
		return nil, 0, ErrBotNotConnectedYet
	}
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return nil, 0, err
	}
	if p.Kind != PeerUser || !w.personChat(a.id, p.ID) {
		return nil, 0, ErrPeerIDInvalid
	}
	return c, p.ID, nil
}

// ToggleConnectedBotPaused answers account.toggleConnectedBotPaused: the person on key
// pauses (or resumes) its business bot in the private chat in. While paused the chat is not
// served. Pausing twice, or resuming a chat that is not paused, changes nothing. Errors as
// businessPeer.
func (w *World) ToggleConnectedBotPaused(key KeyID, in tg.InputPeerClass, paused bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, peer, err := w.businessPeer(key, in)
	if err != nil {
		return err
	}
	if !paused {
		delete(c.paused, peer)
		return nil
	}
	if c.paused == nil {
		c.paused = make(map[int64]bool)
	}
	c.paused[peer] = true
	return nil
}

// DisablePeerConnectedBot answers account.disablePeerConnectedBot: the person on key takes
// the private chat in away from its business bot until it connects the bot again
// (account.updateConnectedBot sets the recipients anew): the chat joins exclude_users.
// BOT_ALREADY_DISABLED when it already is excluded; other errors as businessPeer.
func (w *World) DisablePeerConnectedBot(key KeyID, in tg.InputPeerClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, peer, err := w.businessPeer(key, in)
	if err != nil {
		return err
	}
	if c.excludeUsers[peer] {
		return ErrBotAlreadyDisabled
	}
	if c.excludeUsers == nil {
		c.excludeUsers = make(map[int64]bool)
	}
	c.excludeUsers[peer] = true
	return nil
}
