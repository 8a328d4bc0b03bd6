package world

// Bounds on the id lists one request may carry. Every list is decoded before a handler sees
// it, so these keep the work of one call (and the messages it creates or renders) small no
// matter how large a request a client sends.
const (
	// MaxForwardIDs is the most ids one messages.forwardMessages takes: help.getConfig's
	// forwarded_count_max, as on Telegram.
	MaxForwardIDs = 100
	// MaxGetIDs is the most ids one messages.getMessages, channels.getMessages or
	// users.getUsers takes; more answer ErrLimitInvalid. Clients send fewer per call
	// (Telethon 100, Pyrogram 200, MTGo's GetMessages 100), and repeating an id costs as
	// much as naming a new one, so without the bound a 4 MiB request would render about
	// 500K messages.
	MaxGetIDs = 200
)

// checkGetIDs refuses an id list longer than MaxGetIDs.
func checkGetIDs(n int) error {
	if n > MaxGetIDs {
		return ErrLimitInvalid
	}
	return nil
}

// Errors of the id-list bounds.
var (
	// ErrMessageIDsEmpty answers a request that names no message where it needs some.
	ErrMessageIDsEmpty = rpcErr(400, "MESSAGE_IDS_EMPTY")
	// ErrTooManyForwardIDs answers a messages.forwardMessages with more than MaxForwardIDs
	// ids. Telegram documents no limit error for the method; MESSAGE_ID_INVALID is the
	// closest error it does document for it, so clients already handle it, whereas
	// LIMIT_INVALID is documented only for methods with a limit parameter.
	ErrTooManyForwardIDs = ErrMessageIDInvalid
)

// MaxChannelsPerUser is the most channels and supergroups a person may be a member of, as on
// Telegram (without premium): channels.createChannel, channels.joinChannel and
// messages.importChatInvite answer ErrChannelsTooMuch past it. Channels made by the test
// setup (CreateChannel, with its Members) are not refused, but they count.
const MaxChannelsPerUser = 500

// ErrChannelsTooMuch answers a person already in MaxChannelsPerUser channels who creates or
// joins one more.
var ErrChannelsTooMuch = rpcErr(400, "CHANNELS_TOO_MUCH")

// ErrUserChannelsTooMuch answers a call that would put someone other than the caller, already
// in MaxChannelsPerUser channels, into one more: channels.inviteToChannel,
// messages.hideChatJoinRequest approving them, messages.migrateChat of a group they are in.
var ErrUserChannelsTooMuch = rpcErr(400, "USER_CHANNELS_TOO_MUCH")

// checkChannelRoom refuses a's creating or joining a channel when a is in
// MaxChannelsPerUser of them already (under w.mu).
func (w *World) checkChannelRoom(a *account) error {
	if w.channelsFull(a) {
		return ErrChannelsTooMuch
	}
	return nil
}

// channelsFull reports whether a is in MaxChannelsPerUser channels already, so that no one
// may put a into one more (under w.mu). Every way into a channel opens its dialog, and a
// channel's dialog goes only with the channel, so the count walks a's dialogs: linear in
// them, and run only when a is about to enter a channel.
func (w *World) channelsFull(a *account) bool {
	n := 0
	for p := range a.box.dialogs {
		if p.Kind != PeerChannel {
			continue
		}
		if ch := w.channels[p.ID]; ch != nil && ch.members[a.id] != nil {
			n++
		}
	}
	return n >= MaxChannelsPerUser
}
