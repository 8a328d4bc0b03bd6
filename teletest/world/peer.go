package world

// PeerKind tells which table a Peer's id refers to.
type PeerKind uint8

// Peer kinds.
const (
	// PeerUser is a person or a bot.
	PeerUser PeerKind = iota + 1
	// PeerChat is a basic group.
	PeerChat
	// PeerChannel is a channel or a supergroup.
	PeerChannel
)

// String returns "user", "chat" or "channel".
func (k PeerKind) String() string {
	switch k {
	case PeerUser:
		return "user"
	case PeerChat:
		return "chat"
	case PeerChannel:
		return "channel"
	}
	return "unknown"
}

// Peer names a user, basic group or channel.
type Peer struct {
	Kind PeerKind
	ID   int64
}

// UserPeer returns the Peer of user id.
func UserPeer(id int64) Peer { return Peer{Kind: PeerUser, ID: id} }

// ChatPeer returns the Peer of basic group id.
func ChatPeer(id int64) Peer { return Peer{Kind: PeerChat, ID: id} }

// ChannelPeer returns the Peer of channel id.
func ChannelPeer(id int64) Peer { return Peer{Kind: PeerChannel, ID: id} }
