package types

import (
	"errors"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ArchiveFolderID is the folder id of the archive.
const ArchiveFolderID = 1

// Dialog is one entry of the chat list.
type Dialog struct {
	// Chat is the conversation.
	Chat *Chat
	// TopMessage is the last message, nil when the answer had none.
	TopMessage *Message
	// TopMessageID is its id.
	TopMessageID int
	// UnreadCount is the number of unread messages; UnreadMentions and UnreadReactions of
	// unread mentions and reactions.
	UnreadCount, UnreadMentions, UnreadReactions int
	// ReadInboxMaxID and ReadOutboxMaxID are the read marks.
	ReadInboxMaxID, ReadOutboxMaxID int
	// Pinned says the dialog is pinned; MarkedUnread that it was marked unread; Archived that
	// it is in the archive folder; Muted that its notifications are muted.
	Pinned, MarkedUnread, Archived, Muted bool
	// FolderID is the folder the dialog belongs to (ArchiveFolderID for the archive).
	FolderID int
	// Raw is the object the value was built from.
	Raw *tg.Dialog
}

// NewDialogs builds the Dialogs of one messages.getDialogs answer (dialogFolder entries are
// left out), each with its top message, bound to api. now decides which mutes are over.
func NewDialogs(api API, dialogs []tg.DialogClass, msgs []tg.MessageClass, e Entities, now time.Time) []*Dialog {
	tops := make(map[topKey]tg.MessageClass, len(msgs))
	for _, m := range msgs {
		if x, ok := m.(*tg.Message); ok && x != nil {
			if k, ok := peers.KeyOfPeer(x.PeerID); ok {
				tops[topKey{k, x.ID}] = m
			}
		} else if x, ok := m.(*tg.MessageService); ok && x != nil {
			if k, ok := peers.KeyOfPeer(x.PeerID); ok {
				tops[topKey{k, x.ID}] = m
			}
		}
	}
	out := make([]*Dialog, 0, len(dialogs))
	for _, d := range dialogs {
		x, ok := d.(*tg.Dialog)
		if !ok || x == nil {
			continue
		}
		dl := &Dialog{
			Chat: e.Chat(x.Peer), TopMessageID: int(x.TopMessage), UnreadCount: int(x.UnreadCount),
			UnreadMentions: int(x.UnreadMentionsCount), UnreadReactions: int(x.UnreadReactionsCount),
			ReadInboxMaxID: int(x.ReadInboxMaxID), ReadOutboxMaxID: int(x.ReadOutboxMaxID),
			Pinned: x.Pinned, MarkedUnread: x.UnreadMark, FolderID: int(x.FolderID.Value), Raw: x,
		}
		dl.Archived = dl.FolderID == ArchiveFolderID
		if mu := x.NotifySettings.MuteUntil; mu.Set && int64(mu.Value) > now.Unix() {
			dl.Muted = true
		}
		if k, ok := peers.KeyOfPeer(x.Peer); ok {
			if m := tops[topKey{k, x.TopMessage}]; m != nil {
				dl.TopMessage = NewMessage(api, m, e)
			}
		}
		out = append(out, dl)
	}
	return out
}

// topKey finds a dialog's top message among the messages of an answer.
type topKey struct {
	peer peers.Key
	id   int32
}

// ErrFolderID reports a chat folder id no folder can have: folders are numbered from 2 to
// 2^31-1 (0 is "All chats", 1 the archive), and cut to the request's 32 bits a larger int
// would name another folder. Package mtgo re-exports it.
var ErrFolderID = errors.New("mtgo: chat folder id out of range")

// ErrFolderColor reports a folder tag colour outside 0 to 2^31-1: colours are numbered from 0,
// and cut to the request's 32 bits a larger int would pick another one. Package mtgo
// re-exports it.
var ErrFolderColor = errors.New("mtgo: chat folder color out of range")

// ChatFolder is a dialog filter (a folder of the chat list).
type ChatFolder struct {
	// ID is the folder's id (2 and up; 0 is "All chats" and 1 the archive).
	ID int
	// Title and Emoticon name the folder; Color is its colour when HasColor.
	Title, Emoticon string
	Color           int
	HasColor        bool
	// Contacts, NonContacts, Groups, Channels and Bots include every chat of the kind.
	Contacts, NonContacts, Groups, Channels, Bots bool
	// ExcludeMuted, ExcludeRead and ExcludeArchived leave such chats out.
	ExcludeMuted, ExcludeRead, ExcludeArchived bool
	// Pinned, Included and Excluded list chats by peer (anything ResolvePeer takes when
	// creating; input peers when read back).
	Pinned, Included, Excluded []tg.InputPeerClass
	// Default marks the "All chats" entry of the list.
	Default bool
	// Raw is the object the value was built from.
	Raw tg.DialogFilterClass
}

// NewChatFolder builds a ChatFolder from a dialog filter.
func NewChatFolder(f tg.DialogFilterClass) *ChatFolder {
	switch f := f.(type) {
	case *tg.DialogFilter:
		return &ChatFolder{
			ID: int(f.ID), Title: f.Title.Text, Emoticon: f.Emoticon.Value, Color: int(f.Color.Value), HasColor: f.Color.Set,
			Contacts: f.Contacts, NonContacts: f.NonContacts, Groups: f.Groups, Channels: f.Broadcasts, Bots: f.Bots,
			ExcludeMuted: f.ExcludeMuted, ExcludeRead: f.ExcludeRead, ExcludeArchived: f.ExcludeArchived,
			Pinned: f.PinnedPeers, Included: f.IncludePeers, Excluded: f.ExcludePeers, Raw: f,
		}
	case *tg.DialogFilterChatlist:
		return &ChatFolder{
			ID: int(f.ID), Title: f.Title.Text, Emoticon: f.Emoticon.Value, Color: int(f.Color.Value), HasColor: f.Color.Set,
			Pinned: f.PinnedPeers, Included: f.IncludePeers, Raw: f,
		}
	case *tg.DialogFilterDefault:
		return &ChatFolder{Default: true, Raw: f}
	}
	return nil
}

// TG returns the folder as a dialogFilter. An ID outside 2 to 2^31-1 is ErrFolderID and,
// when HasColor, a Color outside 0 to 2^31-1 ErrFolderColor: cut to the request's 32 bits
// they would name another folder or colour.
func (f *ChatFolder) TG() (*tg.DialogFilter, error) {
	id, err := wirenum.Within(ErrFolderID, "", f.ID, 2, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	out := &tg.DialogFilter{
		ID: id, Title: tg.TextWithEntities{Text: f.Title, Entities: []tg.MessageEntityClass{}},
		Contacts: f.Contacts, NonContacts: f.NonContacts, Groups: f.Groups, Broadcasts: f.Channels, Bots: f.Bots,
		ExcludeMuted: f.ExcludeMuted, ExcludeRead: f.ExcludeRead, ExcludeArchived: f.ExcludeArchived,
		PinnedPeers: nonNil(f.Pinned), IncludePeers: nonNil(f.Included), ExcludePeers: nonNil(f.Excluded),
	}
	if f.Emoticon != "" {
		out.Emoticon.Set, out.Emoticon.Value = true, f.Emoticon
	}
	if f.HasColor {
		if out.Color.Value, err = wirenum.Within(ErrFolderColor, "", f.Color, 0, math.MaxInt32); err != nil {
			return nil, err
		}
		out.Color.Set = true
	}
	return out, nil
}

func nonNil(ps []tg.InputPeerClass) []tg.InputPeerClass {
	if ps == nil {
		return []tg.InputPeerClass{}
	}
	return ps
}
