package types

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// PrivacyKey names a privacy setting.
type PrivacyKey uint8

// Privacy keys.
const (
	PrivacyLastSeen PrivacyKey = iota + 1
	PrivacyPhoneNumber
	PrivacyAddedByPhone
	PrivacyProfilePhoto
	PrivacyForwards
	PrivacyPhoneCall
	PrivacyChatInvite
	PrivacyVoiceMessages
	PrivacyAbout
	PrivacyBirthday
)

// privacyKeys pairs each key with its input form.
var privacyKeys = map[PrivacyKey]func() tg.InputPrivacyKeyClass{
	PrivacyLastSeen:      func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyStatusTimestamp{} },
	PrivacyPhoneNumber:   func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyPhoneNumber{} },
	PrivacyAddedByPhone:  func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyAddedByPhone{} },
	PrivacyProfilePhoto:  func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyProfilePhoto{} },
	PrivacyForwards:      func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyForwards{} },
	PrivacyPhoneCall:     func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyPhoneCall{} },
	PrivacyChatInvite:    func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyChatInvite{} },
	PrivacyVoiceMessages: func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyVoiceMessages{} },
	PrivacyAbout:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyAbout{} },
	PrivacyBirthday:      func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyBirthday{} },
}

// TL returns the key as a tg.InputPrivacyKeyClass, or an error for an unknown key.
func (k PrivacyKey) TL() (tg.InputPrivacyKeyClass, error) {
	f, ok := privacyKeys[k]
	if !ok {
		return nil, fmt.Errorf("types: unknown privacy key %d", k)
	}
	return f(), nil
}

// PrivacyBase is who may see something unless an exception says otherwise.
type PrivacyBase uint8

// Privacy bases.
const (
	PrivacyEverybody PrivacyBase = iota + 1
	PrivacyContacts
	PrivacyCloseFriends
	PrivacyNobody
)

// PrivacyRules is a privacy setting: a base rule with exceptions. Users and chats are ids
// (chats in the Bot API form of Chat.ID); the users must be known to the client's peer
// cache when the rules are set.
type PrivacyRules struct {
	Base                      PrivacyBase
	AllowUsers, DisallowUsers []int64
	AllowChats, DisallowChats []int64
	// AllowPremium lets Premium users through; AllowBots and DisallowBots decide for bots
	// (the keys that support them).
	AllowPremium, AllowBots, DisallowBots bool
}

// NewPrivacyRules reads a rule list the way Telegram's apps do: exceptions first, the base
// last. A list without a base rule means nobody.
func NewPrivacyRules(rules []tg.PrivacyRuleClass) PrivacyRules {
	out := PrivacyRules{Base: PrivacyNobody}
	for _, r := range rules {
		switch r := r.(type) {
		case *tg.PrivacyValueAllowAll:
			out.Base = PrivacyEverybody
		case *tg.PrivacyValueAllowContacts:
			if out.Base == PrivacyNobody {
				out.Base = PrivacyContacts
			}
		case *tg.PrivacyValueAllowCloseFriends:
			if out.Base == PrivacyNobody {
				out.Base = PrivacyCloseFriends
			}
		case *tg.PrivacyValueDisallowAll:
		case *tg.PrivacyValueAllowUsers:
			out.AllowUsers = append(out.AllowUsers, r.Users...)
		case *tg.PrivacyValueDisallowUsers:
			out.DisallowUsers = append(out.DisallowUsers, r.Users...)
		case *tg.PrivacyValueAllowChatParticipants:
			out.AllowChats = append(out.AllowChats, r.Chats...)
		case *tg.PrivacyValueDisallowChatParticipants:
			out.DisallowChats = append(out.DisallowChats, r.Chats...)
		case *tg.PrivacyValueAllowPremium:
			out.AllowPremium = true
		case *tg.PrivacyValueAllowBots:
			out.AllowBots = true
		case *tg.PrivacyValueDisallowBots:
			out.DisallowBots = true
		}
	}
	return out
}

// GlobalPrivacySettings are the account-wide privacy switches.
type GlobalPrivacySettings struct {
	// ArchiveAndMuteNewNoncontactPeers archives and mutes new chats from non-contacts;
	// KeepArchivedUnmuted and KeepArchivedFolders keep archived chats there when a message
	// arrives.
	ArchiveAndMuteNewNoncontactPeers, KeepArchivedUnmuted, KeepArchivedFolders bool
	// HideReadMarks hides read times in private chats.
	HideReadMarks bool
	// NewNoncontactPeersRequirePremium lets only contacts and Premium users write (Premium
	// accounts only).
	NewNoncontactPeersRequirePremium bool
}

// NewGlobalPrivacySettings converts the tg form.
func NewGlobalPrivacySettings(s *tg.GlobalPrivacySettings) GlobalPrivacySettings {
	return GlobalPrivacySettings{
		ArchiveAndMuteNewNoncontactPeers: s.ArchiveAndMuteNewNoncontactPeers, KeepArchivedUnmuted: s.KeepArchivedUnmuted,
		KeepArchivedFolders: s.KeepArchivedFolders, HideReadMarks: s.HideReadMarks,
		NewNoncontactPeersRequirePremium: s.NewNoncontactPeersRequirePremium,
	}
}

// TL returns the settings in tg form.
func (s GlobalPrivacySettings) TL() tg.GlobalPrivacySettings {
	return tg.GlobalPrivacySettings{
		ArchiveAndMuteNewNoncontactPeers: s.ArchiveAndMuteNewNoncontactPeers, KeepArchivedUnmuted: s.KeepArchivedUnmuted,
		KeepArchivedFolders: s.KeepArchivedFolders, HideReadMarks: s.HideReadMarks,
		NewNoncontactPeersRequirePremium: s.NewNoncontactPeersRequirePremium,
	}
}
