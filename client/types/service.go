package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// ServiceKind says what a service message (Message.Action) records.
type ServiceKind uint8

// Service kinds. ServiceOtherKind is an action this library does not name yet; its value is
// in Message.Action.
const (
	// NotService is an ordinary message.
	NotService            ServiceKind = iota
	ServiceNewMembers                 // users added, or joined by link or by approved request
	ServiceLeftMember                 // a user left or was removed
	ServiceNewTitle                   // the chat's title changed
	ServiceNewPhoto                   // the chat's photo changed
	ServiceDeletePhoto                // the chat's photo was removed
	ServiceChatCreated                // a basic group, supergroup or channel was created
	ServiceMigrate                    // a basic group became a supergroup (either side)
	ServicePinned                     // a message was pinned
	ServiceHistoryCleared             // the history was cleared
	ServiceGameScore                  // a game score
	ServicePayment                    // a payment was sent, received or refunded
	ServicePhoneCall                  // a call (missed, ended, ...)
	ServiceScreenshot                 // a screenshot of the chat was taken
	ServiceVideoChat                  // a video chat started, ended, was scheduled or users were invited
	ServiceTopic                      // a forum topic was created or edited
	ServiceTTL                        // the auto-delete timer changed
	ServiceGift                       // a gift (Premium, Stars, a star gift, a gift code)
	ServiceBoost                      // the chat was boosted
	ServiceOtherKind                  // another action
)

var serviceKindNames = [...]string{
	NotService: "none", ServiceNewMembers: "new members", ServiceLeftMember: "left member",
	ServiceNewTitle: "new title", ServiceNewPhoto: "new photo", ServiceDeletePhoto: "delete photo",
	ServiceChatCreated: "chat created", ServiceMigrate: "migrate", ServicePinned: "pinned",
	ServiceHistoryCleared: "history cleared", ServiceGameScore: "game score",
	ServicePayment: "payment", ServicePhoneCall: "phone call", ServiceScreenshot: "screenshot",
	ServiceVideoChat: "video chat", ServiceTopic: "topic", ServiceTTL: "ttl", ServiceGift: "gift",
	ServiceBoost: "boost", ServiceOtherKind: "other",
}

// String returns the kind's name.
func (k ServiceKind) String() string {
	if int(k) < len(serviceKindNames) {
		return serviceKindNames[k]
	}
	return "unknown"
}

// Service returns what a service message records; NotService for ordinary messages.
func (m *Message) Service() ServiceKind {
	if m == nil || m.Action == nil {
		return NotService
	}
	switch m.Action.(type) {
	case *tg.MessageActionEmpty:
		return ServiceOtherKind
	case *tg.MessageActionChatAddUser, *tg.MessageActionChatJoinedByLink, *tg.MessageActionChatJoinedByRequest:
		return ServiceNewMembers
	case *tg.MessageActionChatDeleteUser:
		return ServiceLeftMember
	case *tg.MessageActionChatEditTitle:
		return ServiceNewTitle
	case *tg.MessageActionChatEditPhoto:
		return ServiceNewPhoto
	case *tg.MessageActionChatDeletePhoto:
		return ServiceDeletePhoto
	case *tg.MessageActionChatCreate, *tg.MessageActionChannelCreate:
		return ServiceChatCreated
	case *tg.MessageActionChatMigrateTo, *tg.MessageActionChannelMigrateFrom:
		return ServiceMigrate
	case *tg.MessageActionPinMessage:
		return ServicePinned
	case *tg.MessageActionHistoryClear:
		return ServiceHistoryCleared
	case *tg.MessageActionGameScore:
		return ServiceGameScore
	case *tg.MessageActionPaymentSent, *tg.MessageActionPaymentSentMe, *tg.MessageActionPaymentRefunded:
		return ServicePayment
	case *tg.MessageActionPhoneCall, *tg.MessageActionConferenceCall:
		return ServicePhoneCall
	case *tg.MessageActionScreenshotTaken:
		return ServiceScreenshot
	case *tg.MessageActionGroupCall, *tg.MessageActionGroupCallScheduled, *tg.MessageActionInviteToGroupCall:
		return ServiceVideoChat
	case *tg.MessageActionTopicCreate, *tg.MessageActionTopicEdit:
		return ServiceTopic
	case *tg.MessageActionSetMessagesTTL:
		return ServiceTTL
	case *tg.MessageActionGiftPremium, *tg.MessageActionGiftStars, *tg.MessageActionStarGift,
		*tg.MessageActionStarGiftUnique, *tg.MessageActionGiftCode, *tg.MessageActionGiftTon:
		return ServiceGift
	case *tg.MessageActionBoostApply:
		return ServiceBoost
	}
	return ServiceOtherKind
}

// NewMembers returns the ids of the users a new-members service message adds (for a join by
// link or request: the sender); nil for other messages.
func (m *Message) NewMembers() []int64 {
	if m == nil {
		return nil
	}
	switch a := m.Action.(type) {
	case *tg.MessageActionChatAddUser:
		return a.Users
	case *tg.MessageActionChatJoinedByLink, *tg.MessageActionChatJoinedByRequest:
		if m.From != nil {
			return []int64{m.From.ID}
		}
	}
	return nil
}

// LeftMember returns the id of the user a left-member service message removes, 0 for other
// messages.
func (m *Message) LeftMember() int64 {
	if a, ok := m.actionOf().(*tg.MessageActionChatDeleteUser); ok {
		return a.UserID
	}
	return 0
}

// NewTitle returns the title a new-title service message sets, "" for other messages.
func (m *Message) NewTitle() string {
	if a, ok := m.actionOf().(*tg.MessageActionChatEditTitle); ok {
		return a.Title
	}
	return ""
}

func (m *Message) actionOf() tg.MessageActionClass {
	if m == nil {
		return nil
	}
	return m.Action
}
