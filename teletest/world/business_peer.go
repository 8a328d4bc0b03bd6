package world

import (
	"strconv"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Peer settings (messages.getPeerSettings, and the settings of users.getFullUser): the
// action bar an app shows above a chat. The test world models its business part only: in a
// business account's private chat with a person its connected bot covers (paused there or
// not), the bar names the bot (business_bot_id), links to the bot's management menu for the
// chat (business_bot_manage_url: t.me/<bot>?start=bizChat<person>), and tells whether the bot
// is paused there (business_bot_paused) and may reply (business_bot_can_reply: the reply
// right). A chat the bot does not cover (excluded, disabled, a bot's or the account's own)
// has an empty bar, as has every chat of an account without a connected bot. The other
// flags (report_spam, add_contact, ...) stay unset.

// PeerSettings answers messages.getPeerSettings: the action bar of the chat in as the person
// on key sees it, with the users it names. BOT_METHOD_INVALID for bots, PEER_ID_INVALID (or
// CHANNEL_INVALID, CHAT_ID_INVALID) for a peer the person cannot name.
func (w *World) PeerSettings(key KeyID, in tg.InputPeerClass) (*tg.MessagesPeerSettings, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.dialogPeer(key, in) // folders.go: a person and the chat it names
	if err != nil {
		return nil, err
	}
	var r refs
	r.add(p)
	out := &tg.MessagesPeerSettings{Settings: w.peerSettings(a, p, &r)}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// peerSettings returns viewer's action bar of its chat with p, adding the users it names to r
// (under w.mu).
func (w *World) peerSettings(viewer *account, p Peer, r *refs) tg.PeerSettings {
	c := viewer.business
	if c == nil || p.Kind != PeerUser || !c.covers(w, p.ID) {
		return tg.PeerSettings{}
	}
	r.add(UserPeer(c.bot))
	manage := "tg://user?id=" + strconv.FormatInt(c.bot, 10)
	if bot := w.users[c.bot]; bot != nil && bot.username != "" {
		manage = "https://t.me/" + bot.username + "?start=bizChat" + strconv.FormatInt(p.ID, 10)
	}
	return tg.PeerSettings{
		BusinessBotID: tl.Some(c.bot), BusinessBotManageURL: tl.Some(manage),
		BusinessBotPaused: c.paused[p.ID], BusinessBotCanReply: c.rights.Reply,
	}
}
