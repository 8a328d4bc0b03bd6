package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ServiceKind says what a service message (Message.Action) records.
type ServiceKind uint8

// Service kinds. ServiceOtherKind is an action this library does not name yet; Message.Action
// is then an *ActionOther with the raw action.
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
	return m.Action.Kind()
}

// NewMembers returns the ids of the users a new-members service message adds (for a join by
// link or request: the sender); nil for other messages.
func (m *Message) NewMembers() []int64 {
	a, ok := m.actionOf().(*ActionNewMembers)
	if !ok || len(a.Users) == 0 {
		return nil
	}
	ids := make([]int64, len(a.Users))
	for i, u := range a.Users {
		ids[i] = u.ID
	}
	return ids
}

// LeftMember returns the id of the user a left-member service message removes, 0 for other
// messages.
func (m *Message) LeftMember() int64 {
	if a, ok := m.actionOf().(*ActionLeftMember); ok && a.User != nil {
		return a.User.ID
	}
	return 0
}

// NewTitle returns the title a new-title service message sets, "" for other messages.
func (m *Message) NewTitle() string {
	if a, ok := m.actionOf().(*ActionNewTitle); ok {
		return a.Title
	}
	return ""
}

func (m *Message) actionOf() ServiceAction {
	if m == nil {
		return nil
	}
	return m.Action
}

// ServiceAction is what a service message records, typed: *ActionNewMembers,
// *ActionLeftMember, *ActionNewTitle, *ActionNewPhoto, *ActionDeletePhoto,
// *ActionGroupCreated, *ActionChannelCreated, *ActionMigrateTo, *ActionMigrateFrom,
// *ActionPinned, *ActionHistoryCleared, *ActionGameScore, *ActionPayment,
// *ActionPaymentRefunded, *ActionPhoneCall, *ActionScreenshot, *ActionVideoChatStarted,
// *ActionVideoChatEnded, *ActionVideoChatScheduled, *ActionVideoChatInvited,
// *ActionTopicCreated, *ActionTopicEdited, *ActionAutoDeleteTimer, *ActionBoost, and
// *ActionOther (with the raw action) for the rest.
type ServiceAction interface {
	// Kind says which kind of service message it is.
	Kind() ServiceKind
}

type (
	// ActionNewMembers is users added to the chat, or joining it (by an invite link, or by a
	// request an admin approved: then Users is the sender).
	ActionNewMembers struct {
		Users []*User
		// ByLink is true for a join through InviterID's invite link; ByRequest for a join
		// request approved.
		ByLink, ByRequest bool
		InviterID         int64
	}
	// ActionLeftMember is a user leaving or removed from the chat.
	ActionLeftMember struct{ User *User }
	// ActionNewTitle is the chat's new title.
	ActionNewTitle struct{ Title string }
	// ActionNewPhoto is the chat's new photo.
	ActionNewPhoto struct{ Photo *Photo }
	// ActionDeletePhoto is the chat's photo removed.
	ActionDeletePhoto struct{}
	// ActionGroupCreated is a basic group created with its first members.
	ActionGroupCreated struct {
		Title   string
		UserIDs []int64
	}
	// ActionChannelCreated is a channel or a supergroup created (the message's chat tells
	// which).
	ActionChannelCreated struct{ Title string }
	// ActionMigrateTo is a basic group become the supergroup ChatID (Bot API form).
	ActionMigrateTo struct{ ChatID int64 }
	// ActionMigrateFrom is a supergroup made from the basic group ChatID (Bot API form).
	ActionMigrateFrom struct {
		Title  string
		ChatID int64
	}
	// ActionPinned is message MessageID pinned.
	ActionPinned struct{ MessageID int }
	// ActionHistoryCleared is the chat history cleared.
	ActionHistoryCleared struct{}
	// ActionGameScore is a new score in the game of the message replied to.
	ActionGameScore struct {
		GameID int64
		Score  int
	}
	// ActionPayment is a successful payment: to the bot (Incoming, with InvoicePayload,
	// ShippingOptionID and the charge ids) or by the account.
	ActionPayment struct {
		Incoming bool
		// Currency is the ISO 4217 code, TotalAmount the price in its smallest unit.
		Currency    string
		TotalAmount int64
		// InvoicePayload is the bot's payload of the invoice (Incoming only).
		InvoicePayload   []byte
		ShippingOptionID string
		// TelegramChargeID and ProviderChargeID identify the payment (Incoming only).
		TelegramChargeID, ProviderChargeID string
		// InvoiceSlug names the invoice paid through a link.
		InvoiceSlug string
		// RecurringInit is the first payment of a subscription, RecurringUsed a renewal;
		// SubscriptionUntil the end of the period paid.
		RecurringInit, RecurringUsed bool
		SubscriptionUntil            time.Time
	}
	// ActionPaymentRefunded is a payment refunded.
	ActionPaymentRefunded struct {
		Chat                               *Chat
		Currency                           string
		TotalAmount                        int64
		InvoicePayload                     []byte
		TelegramChargeID, ProviderChargeID string
	}
	// ActionPhoneCall is a call (Duration zero when it did not take place; Reason "missed",
	// "busy", "hangup", "disconnect" or "").
	ActionPhoneCall struct {
		CallID   int64
		Video    bool
		Duration time.Duration
		Reason   string
	}
	// ActionScreenshot is a screenshot of the chat taken.
	ActionScreenshot struct{}
	// ActionVideoChatStarted is a video chat started.
	ActionVideoChatStarted struct{}
	// ActionVideoChatEnded is a video chat ended after Duration.
	ActionVideoChatEnded struct{ Duration time.Duration }
	// ActionVideoChatScheduled is a video chat scheduled for StartDate.
	ActionVideoChatScheduled struct{ StartDate time.Time }
	// ActionVideoChatInvited is users invited to the video chat.
	ActionVideoChatInvited struct{ UserIDs []int64 }
	// ActionTopicCreated is a forum topic created.
	ActionTopicCreated struct {
		Title       string
		IconColor   int
		IconEmojiID int64
	}
	// ActionTopicEdited is a forum topic changed: its title or icon (when not empty/zero),
	// closed or reopened, hidden or shown (the General topic).
	ActionTopicEdited struct {
		Title                              string
		IconEmojiID                        int64
		IconChanged                        bool
		Closed, Reopened, Hidden, Unhidden bool
	}
	// ActionAutoDeleteTimer is the chat's auto-delete timer changed (0: off).
	ActionAutoDeleteTimer struct{ Period time.Duration }
	// ActionBoost is the chat boosted Boosts times by the sender.
	ActionBoost struct{ Boosts int }
	// ActionOther is an action this library does not type yet; Service tells its kind
	// (gifts, for instance, are ServiceGift).
	ActionOther struct {
		Raw  tg.MessageActionClass
		kind ServiceKind
	}
)

func (*ActionNewMembers) Kind() ServiceKind         { return ServiceNewMembers }
func (*ActionLeftMember) Kind() ServiceKind         { return ServiceLeftMember }
func (*ActionNewTitle) Kind() ServiceKind           { return ServiceNewTitle }
func (*ActionNewPhoto) Kind() ServiceKind           { return ServiceNewPhoto }
func (*ActionDeletePhoto) Kind() ServiceKind        { return ServiceDeletePhoto }
func (*ActionGroupCreated) Kind() ServiceKind       { return ServiceChatCreated }
func (*ActionChannelCreated) Kind() ServiceKind     { return ServiceChatCreated }
func (*ActionMigrateTo) Kind() ServiceKind          { return ServiceMigrate }
func (*ActionMigrateFrom) Kind() ServiceKind        { return ServiceMigrate }
func (*ActionPinned) Kind() ServiceKind             { return ServicePinned }
func (*ActionHistoryCleared) Kind() ServiceKind     { return ServiceHistoryCleared }
func (*ActionGameScore) Kind() ServiceKind          { return ServiceGameScore }
func (*ActionPayment) Kind() ServiceKind            { return ServicePayment }
func (*ActionPaymentRefunded) Kind() ServiceKind    { return ServicePayment }
func (*ActionPhoneCall) Kind() ServiceKind          { return ServicePhoneCall }
func (*ActionScreenshot) Kind() ServiceKind         { return ServiceScreenshot }
func (*ActionVideoChatStarted) Kind() ServiceKind   { return ServiceVideoChat }
func (*ActionVideoChatEnded) Kind() ServiceKind     { return ServiceVideoChat }
func (*ActionVideoChatScheduled) Kind() ServiceKind { return ServiceVideoChat }
func (*ActionVideoChatInvited) Kind() ServiceKind   { return ServiceVideoChat }
func (*ActionTopicCreated) Kind() ServiceKind       { return ServiceTopic }
func (*ActionTopicEdited) Kind() ServiceKind        { return ServiceTopic }
func (*ActionAutoDeleteTimer) Kind() ServiceKind    { return ServiceTTL }
func (*ActionBoost) Kind() ServiceKind              { return ServiceBoost }

// Kind returns the kind of the raw action.
func (a *ActionOther) Kind() ServiceKind { return a.kind }

// NewServiceAction types action a of a service message sent by from (nil if unknown), with
// the users and chats in e; pinnedID is the message the reply header names (the pinned
// message of a pin). It returns nil for nil.
func NewServiceAction(a tg.MessageActionClass, from *User, pinnedID int, e Entities) ServiceAction {
	switch a := a.(type) {
	case nil:
		return nil
	case *tg.MessageActionChatAddUser:
		out := &ActionNewMembers{Users: make([]*User, len(a.Users))}
		for i, id := range a.Users {
			out.Users[i] = e.userOrID(id)
		}
		return out
	case *tg.MessageActionChatJoinedByLink:
		return &ActionNewMembers{Users: senderList(from), ByLink: true, InviterID: a.InviterID}
	case *tg.MessageActionChatJoinedByRequest:
		return &ActionNewMembers{Users: senderList(from), ByRequest: true}
	case *tg.MessageActionChatDeleteUser:
		return &ActionLeftMember{User: e.userOrID(a.UserID)}
	case *tg.MessageActionChatEditTitle:
		return &ActionNewTitle{Title: a.Title}
	case *tg.MessageActionChatEditPhoto:
		return &ActionNewPhoto{Photo: NewPhoto(a.Photo)}
	case *tg.MessageActionChatDeletePhoto:
		return &ActionDeletePhoto{}
	case *tg.MessageActionChatCreate:
		return &ActionGroupCreated{Title: a.Title, UserIDs: a.Users}
	case *tg.MessageActionChannelCreate:
		return &ActionChannelCreated{Title: a.Title}
	case *tg.MessageActionChatMigrateTo:
		return &ActionMigrateTo{ChatID: ChannelChatID(a.ChannelID)}
	case *tg.MessageActionChannelMigrateFrom:
		return &ActionMigrateFrom{Title: a.Title, ChatID: -a.ChatID}
	case *tg.MessageActionPinMessage:
		return &ActionPinned{MessageID: pinnedID}
	case *tg.MessageActionHistoryClear:
		return &ActionHistoryCleared{}
	case *tg.MessageActionGameScore:
		return &ActionGameScore{GameID: a.GameID, Score: int(a.Score)}
	case *tg.MessageActionPaymentSentMe:
		return &ActionPayment{
			Incoming: true, Currency: a.Currency, TotalAmount: a.TotalAmount, InvoicePayload: a.Payload,
			ShippingOptionID: a.ShippingOptionID.Value, TelegramChargeID: a.Charge.ID, ProviderChargeID: a.Charge.ProviderChargeID,
			RecurringInit: a.RecurringInit, RecurringUsed: a.RecurringUsed, SubscriptionUntil: unix(a.SubscriptionUntilDate.Value),
		}
	case *tg.MessageActionPaymentSent:
		return &ActionPayment{
			Currency: a.Currency, TotalAmount: a.TotalAmount, InvoiceSlug: a.InvoiceSlug.Value,
			RecurringInit: a.RecurringInit, RecurringUsed: a.RecurringUsed, SubscriptionUntil: unix(a.SubscriptionUntilDate.Value),
		}
	case *tg.MessageActionPaymentRefunded:
		return &ActionPaymentRefunded{
			Chat: e.Chat(a.Peer), Currency: a.Currency, TotalAmount: a.TotalAmount, InvoicePayload: a.Payload.Value,
			TelegramChargeID: a.Charge.ID, ProviderChargeID: a.Charge.ProviderChargeID,
		}
	case *tg.MessageActionPhoneCall:
		return &ActionPhoneCall{CallID: a.CallID, Video: a.Video, Duration: time.Duration(a.Duration.Value) * time.Second, Reason: callReason(a.Reason)}
	case *tg.MessageActionScreenshotTaken:
		return &ActionScreenshot{}
	case *tg.MessageActionGroupCall:
		if a.Duration.Set {
			return &ActionVideoChatEnded{Duration: time.Duration(a.Duration.Value) * time.Second}
		}
		return &ActionVideoChatStarted{}
	case *tg.MessageActionGroupCallScheduled:
		return &ActionVideoChatScheduled{StartDate: unix(a.ScheduleDate)}
	case *tg.MessageActionInviteToGroupCall:
		return &ActionVideoChatInvited{UserIDs: a.Users}
	case *tg.MessageActionTopicCreate:
		return &ActionTopicCreated{Title: a.Title, IconColor: int(a.IconColor), IconEmojiID: a.IconEmojiID.Value}
	case *tg.MessageActionTopicEdit:
		return &ActionTopicEdited{
			Title: a.Title.Value, IconEmojiID: a.IconEmojiID.Value, IconChanged: a.IconEmojiID.Set,
			Closed: a.Closed.Set && a.Closed.Value, Reopened: a.Closed.Set && !a.Closed.Value,
			Hidden: a.Hidden.Set && a.Hidden.Value, Unhidden: a.Hidden.Set && !a.Hidden.Value,
		}
	case *tg.MessageActionSetMessagesTTL:
		return &ActionAutoDeleteTimer{Period: time.Duration(a.Period) * time.Second}
	case *tg.MessageActionBoostApply:
		return &ActionBoost{Boosts: int(a.Boosts)}
	}
	return &ActionOther{Raw: a, kind: otherKind(a)}
}

// senderList is the sender as the one new member of a join; nil when unknown.
func senderList(from *User) []*User {
	if from == nil {
		return nil
	}
	return []*User{from}
}

func callReason(r tg.PhoneCallDiscardReasonClass) string {
	switch r.(type) {
	case *tg.PhoneCallDiscardReasonMissed:
		return "missed"
	case *tg.PhoneCallDiscardReasonBusy:
		return "busy"
	case *tg.PhoneCallDiscardReasonHangup:
		return "hangup"
	case *tg.PhoneCallDiscardReasonDisconnect:
		return "disconnect"
	}
	return ""
}

// otherKind is the kind of an action NewServiceAction does not type.
func otherKind(a tg.MessageActionClass) ServiceKind {
	switch a.(type) {
	case *tg.MessageActionConferenceCall:
		return ServicePhoneCall
	case *tg.MessageActionGiftPremium, *tg.MessageActionGiftStars, *tg.MessageActionStarGift,
		*tg.MessageActionStarGiftUnique, *tg.MessageActionGiftCode, *tg.MessageActionGiftTon:
		return ServiceGift
	}
	return ServiceOtherKind
}
