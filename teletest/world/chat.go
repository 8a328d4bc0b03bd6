package world

import (
	"fmt"
	"slices"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// chat is a basic group. Its messages live in the members' own boxes.
type chat struct {
	id      int64
	title   string
	creator int64
	date    int32
	members map[int64]int32 // user -> date joined
	version int32

	admins      map[int64]bool // members made admins (messages.editChatAdmin)
	inviters    map[int64]int64
	settings    chatSettings
	deactivated bool // migrated to a supergroup or deleted
}

// isAdmin reports whether user is the creator or an admin of c.
func (c *chat) isAdmin(user int64) bool {
	_, member := c.members[user]
	return member && (user == c.creator || c.admins[user])
}

// checkSend reports why user may not post content in c: CHAT_WRITE_FORBIDDEN for
// non-members and when the chat's default rights forbid it (see checkContent).
func (c *chat) checkSend(user int64, ct content) error {
	if _, ok := c.members[user]; !ok || c.deactivated {
		return ErrChatWriteForbidden
	}
	if c.isAdmin(user) {
		return nil
	}
	return checkContent(c.settings.defaultBanned, ct)
}

// Chat is a snapshot of a basic group.
type Chat struct {
	ID      int64
	Title   string
	Creator int64
	Members []int64 // sorted
}

// CreateChat makes a basic group owned by creator with the given other members.
func (w *World) CreateChat(creator int64, title string, members ...int64) (Chat, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.users[creator] == nil {
		return Chat{}, fmt.Errorf("world: create chat: creator: %w", ErrUserIDInvalid)
	}
	if title == "" {
		return Chat{}, fmt.Errorf("world: create chat: %w", rpcErr(400, "CHAT_TITLE_EMPTY"))
	}
	w.nextChat++
	c := &chat{id: w.nextChat, title: title, creator: creator, date: w.now(), members: map[int64]int32{creator: w.now()}, version: 1}
	for _, m := range members {
		if w.users[m] == nil {
			return Chat{}, fmt.Errorf("world: create chat: member %d: %w", m, ErrUserIDInvalid)
		}
		c.members[m] = w.now()
	}
	w.chats[c.id] = c
	for id := range c.members {
		w.touchDialog(w.users[id], ChatPeer(c.id), 0, c.date, false)
	}
	return c.snapshot(), nil
}

func (c *chat) snapshot() Chat {
	ids := make([]int64, 0, len(c.members))
	for id := range c.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return Chat{ID: c.id, Title: c.title, Creator: c.creator, Members: ids}
}

// sortedMembers returns the member ids in a stable order (deterministic fan-out).
func (c *chat) sortedMembers() []int64 { return c.snapshot().Members }

func (w *World) tgChat(viewer int64, c *chat) tg.ChatClass {
	_, member := c.members[viewer]
	if !member {
		return &tg.ChatForbidden{ID: c.id, Title: c.title}
	}
	out := &tg.Chat{
		Creator:           c.creator == viewer,
		Deactivated:       c.deactivated,
		Noforwards:        c.settings.noforwards,
		ID:                c.id,
		Title:             c.title,
		Photo:             &tg.ChatPhotoEmpty{},
		ParticipantsCount: int32(len(c.members)),
		Date:              c.date,
		Version:           c.version,
	}
	if c.settings.defaultBanned != (tg.ChatBannedRights{}) {
		r := c.settings.defaultBanned
		out.DefaultBannedRights = &r
	}
	if c.admins[viewer] {
		r := tg.ChatAdminRights{ChangeInfo: true, DeleteMessages: true, BanUsers: true, InviteUsers: true, PinMessages: true, ManageCall: true, Other: true}
		out.AdminRights = &r
	}
	if to := c.settings.migratedTo; to != 0 {
		if ch := w.channels[to]; ch != nil {
			out.MigratedTo = &tg.InputChannel{ChannelID: to, AccessHash: w.accessHash(viewer, PeerChannel, to)}
		}
	}
	return out
}
