package types

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// button is what every button has.
type button interface {
	// ButtonText is the label on the button.
	ButtonText() string
}

// InlineButton is a button of an InlineKeyboard: InlineCallback, InlineURL,
// InlineSwitchQuery, InlineWebApp, InlineLoginURL, InlinePay, InlineCopyText,
// InlineUserProfile, InlineGame, or a RawButton. The constructors (CallbackButton,
// URLButton, ...) build the common ones.
type InlineButton interface {
	button
	inlineTL() (tg.KeyboardButtonClass, error)
}

// ReplyButton is a button of a ReplyKeyboard: ReplyText, ReplyContact, ReplyLocation,
// ReplyPoll, ReplyRequestUsers, ReplyRequestChat, ReplyWebApp, or a RawButton.
type ReplyButton interface {
	button
	replyTL() (tg.KeyboardButtonClass, error)
}

// ButtonColor is the background of a button; the zero value is the app's default.
type ButtonColor uint8

// The button colors (keyboardButtonStyle).
const (
	ButtonDefault ButtonColor = iota
	ButtonPrimary
	ButtonDanger
	ButtonSuccess
)

// ButtonStyle is how a button looks; the zero value is the default look.
type ButtonStyle struct {
	Color ButtonColor
	// IconEmojiID is a custom emoji shown on the button; zero for none.
	IconEmojiID int64
}

func (s ButtonStyle) tl() *tg.KeyboardButtonStyle {
	if s == (ButtonStyle{}) {
		return nil
	}
	st := &tg.KeyboardButtonStyle{
		BgPrimary: s.Color == ButtonPrimary, BgDanger: s.Color == ButtonDanger, BgSuccess: s.Color == ButtonSuccess,
	}
	if s.IconEmojiID != 0 {
		st.Icon = tl.Some(s.IconEmojiID)
	}
	return st
}

func styleOf(s *tg.KeyboardButtonStyle) ButtonStyle {
	if s == nil {
		return ButtonStyle{}
	}
	out := ButtonStyle{IconEmojiID: s.Icon.Value}
	switch {
	case s.BgPrimary:
		out.Color = ButtonPrimary
	case s.BgDanger:
		out.Color = ButtonDanger
	case s.BgSuccess:
		out.Color = ButtonSuccess
	}
	return out
}

// InlineCallback sends Data back to the bot in a callback query when pressed
// (keyboardButtonCallback).
type InlineCallback struct {
	Text string
	// Data is 1 to MaxCallbackData bytes.
	Data []byte
	// RequiresPassword asks the presser for their two-step verification password first
	// (for callbacks that transfer ownership and the like).
	RequiresPassword bool
	Style            ButtonStyle
}

// InlineURL opens URL (keyboardButtonUrl); a tg://user?id= link opens a profile.
type InlineURL struct {
	Text, URL string
	Style     ButtonStyle
}

// InlineSwitchQuery starts an inline query to the bot with Query (keyboardButtonSwitchInline):
// in a chat the presser chooses (Bot API switch_inline_query), in the current chat with
// CurrentChat (switch_inline_query_current_chat), or in a chosen chat of the PeerTypes
// (switch_inline_query_chosen_chat).
type InlineSwitchQuery struct {
	Text string
	// Query is the query put in the input field, up to MaxSwitchQuery characters; it may
	// be empty.
	Query       string
	CurrentChat bool
	// PeerTypes limits the chats the presser may choose; it cannot go with CurrentChat.
	PeerTypes []InlinePeerType
	Style     ButtonStyle
}

// InlinePeerType is a kind of chat an InlineSwitchQuery may switch to.
type InlinePeerType uint8

// The peer types (inlineQueryPeerType*).
const (
	InlinePeerSameBot     InlinePeerType = iota + 1 // the private chat with the bot itself
	InlinePeerUsers                                 // private chats with users
	InlinePeerBots                                  // private chats with bots
	InlinePeerGroups                                // basic groups
	InlinePeerSupergroups                           // supergroups
	InlinePeerChannels                              // channels
)

// InlineWebApp opens the web app at URL, an https link (keyboardButtonWebView).
type InlineWebApp struct {
	Text, URL string
	Style     ButtonStyle
}

// InlineLoginURL logs the presser in on the site at URL with their Telegram account
// (inputKeyboardButtonUrlAuth; Bot API LoginUrl).
type InlineLoginURL struct {
	Text, URL string
	// ForwardText is the button's text in forwarded copies; empty for Text.
	ForwardText string
	// BotID is the bot that authorizes the login; zero for the sender itself. The client
	// completes it from its peer cache.
	BotID int64
	// RequestWriteAccess asks the presser to let the bot write to them.
	RequestWriteAccess bool
	// ButtonID identifies the button in a received message (for messages.requestUrlAuth);
	// it is not sent.
	ButtonID int
	// BotUnknown marks a received button: the server's keyboardButtonUrlAuth carries the
	// text, forward text, url and button id but not the bot, so BotID zero does not mean
	// the sender here. ToTL refuses such a button until BotID names the bot, rather than
	// send a login through the sender's own account.
	BotUnknown bool
	Style      ButtonStyle
}

// InlinePay is the pay button of an invoice (keyboardButtonBuy); it must be the first
// button of the first row.
type InlinePay struct {
	Text  string
	Style ButtonStyle
}

// InlineCopyText copies CopyText (1 to MaxCopyText characters) to the presser's clipboard
// (keyboardButtonCopy).
type InlineCopyText struct {
	Text, CopyText string
	Style          ButtonStyle
}

// InlineUserProfile opens the profile of user UserID (inputKeyboardButtonUserProfile). The
// client completes the user from its peer cache when it sends the keyboard.
type InlineUserProfile struct {
	Text   string
	UserID int64
	Style  ButtonStyle
}

// InlineGame starts the game of a game message (keyboardButtonGame); it must be the first
// button of the first row.
type InlineGame struct {
	Text  string
	Style ButtonStyle
}

// ReplyText sends its text when pressed (keyboardButton).
type ReplyText struct {
	Text  string
	Style ButtonStyle
}

// ReplyContact sends the presser's phone number as a contact (keyboardButtonRequestPhone).
type ReplyContact struct {
	Text  string
	Style ButtonStyle
}

// ReplyLocation sends the presser's location (keyboardButtonRequestGeoLocation).
type ReplyLocation struct {
	Text  string
	Style ButtonStyle
}

// ReplyPoll asks the presser to create a poll and send it (keyboardButtonRequestPoll).
type ReplyPoll struct {
	Text  string
	Kind  PollRequest
	Style ButtonStyle
}

// PollRequest is the kind of poll a ReplyPoll asks for.
type PollRequest uint8

// The poll kinds a ReplyPoll asks for.
const (
	PollRequestAny     PollRequest = iota // the presser chooses
	PollRequestQuiz                       // a quiz only
	PollRequestRegular                    // a regular poll only
)

// Require is a condition a requested user or chat must meet, or not.
type Require int8

// The conditions of a request button's criteria.
const (
	RequireAny   Require = iota // either way
	RequireTrue                 // must have the property
	RequireFalse                // must not have it
)

func (r Require) tl() tl.Opt[bool] {
	switch r {
	case RequireTrue:
		return tl.Some(true)
	case RequireFalse:
		return tl.Some(false)
	}
	return tl.Opt[bool]{}
}

func requireOf(o tl.Opt[bool]) Require {
	switch {
	case !o.Set:
		return RequireAny
	case o.Value:
		return RequireTrue
	}
	return RequireFalse
}

// PeerRequest is what a request button asks the app to send with the chosen peers.
type PeerRequest struct {
	Name     bool // their names
	Username bool // their usernames
	Photo    bool // their photos
}

// ReplyRequestUsers asks the presser to choose users and share them with the bot, which
// gets a service message with RequestID (keyboardButtonRequestPeer with
// requestPeerTypeUser; Bot API KeyboardButtonRequestUsers).
type ReplyRequestUsers struct {
	Text      string
	RequestID int32
	Bot       Require // whether the users must be bots
	Premium   Require // whether they must have Telegram Premium
	// MaxQuantity is how many users may be chosen, 1 to MaxRequestQuantity; zero means 1.
	MaxQuantity int
	Request     PeerRequest
	Style       ButtonStyle
}

// ReplyRequestChat asks the presser to choose a group (or a channel with Channel) and share
// it with the bot (keyboardButtonRequestPeer with requestPeerTypeChat or
// requestPeerTypeBroadcast; Bot API KeyboardButtonRequestChat).
type ReplyRequestChat struct {
	Text      string
	RequestID int32
	Channel   bool
	// Creator asks for a chat the presser owns.
	Creator bool
	// BotParticipant asks for a group the bot is in (groups only).
	BotParticipant bool
	HasUsername    Require
	Forum          Require // groups only
	// UserRights and BotRights are the administrator rights the presser and the bot must
	// have in the chat; nil for none.
	UserRights, BotRights *AdminRights
	// MaxQuantity is how many chats may be chosen; zero means 1.
	MaxQuantity int
	Request     PeerRequest
	Style       ButtonStyle
}

// ReplyWebApp opens the web app at URL, an https link (keyboardButtonSimpleWebView); the app
// may send data back as a service message.
type ReplyWebApp struct {
	Text, URL string
	Style     ButtonStyle
}

// RawButton is a TL button as it is: a kind this package has no type for, or one received
// in a keyboard where it does not belong. It fits both keyboards and is sent unchanged.
type RawButton struct {
	Button tg.KeyboardButtonClass
}

// CallbackButton returns a button that sends data to the bot when pressed.
func CallbackButton(text, data string) InlineCallback {
	return InlineCallback{Text: text, Data: []byte(data)}
}

// PasswordCallbackButton returns a callback button that asks for the presser's two-step
// verification password first.
func PasswordCallbackButton(text, data string) InlineCallback {
	return InlineCallback{Text: text, Data: []byte(data), RequiresPassword: true}
}

// URLButton returns a button that opens url.
func URLButton(text, url string) InlineURL { return InlineURL{Text: text, URL: url} }

// SwitchInlineButton returns a button that starts an inline query with query in a chat the
// presser chooses.
func SwitchInlineButton(text, query string) InlineSwitchQuery {
	return InlineSwitchQuery{Text: text, Query: query}
}

// SwitchInlineCurrentChatButton returns a button that starts an inline query with query in
// the current chat.
func SwitchInlineCurrentChatButton(text, query string) InlineSwitchQuery {
	return InlineSwitchQuery{Text: text, Query: query, CurrentChat: true}
}

// SwitchInlineChosenChatButton returns a button that starts an inline query with query in
// a chat the presser chooses among peerTypes.
func SwitchInlineChosenChatButton(text, query string, peerTypes ...InlinePeerType) InlineSwitchQuery {
	return InlineSwitchQuery{Text: text, Query: query, PeerTypes: peerTypes}
}

// WebAppButton returns an inline button that opens the web app at url.
func WebAppButton(text, url string) InlineWebApp { return InlineWebApp{Text: text, URL: url} }

// LoginURLButton returns a button that logs the presser in on the site at url.
func LoginURLButton(text, url string) InlineLoginURL { return InlineLoginURL{Text: text, URL: url} }

// PayButton returns the pay button of an invoice.
func PayButton(text string) InlinePay { return InlinePay{Text: text} }

// CopyTextButton returns a button that copies copyText to the clipboard.
func CopyTextButton(text, copyText string) InlineCopyText {
	return InlineCopyText{Text: text, CopyText: copyText}
}

// UserProfileButton returns a button that opens the profile of user userID.
func UserProfileButton(text string, userID int64) InlineUserProfile {
	return InlineUserProfile{Text: text, UserID: userID}
}

// GameButton returns the button that starts a game.
func GameButton(text string) InlineGame { return InlineGame{Text: text} }

// TextButton returns a reply keyboard button that sends text.
func TextButton(text string) ReplyText { return ReplyText{Text: text} }

// ContactButton returns a reply keyboard button that sends the presser's phone number.
func ContactButton(text string) ReplyContact { return ReplyContact{Text: text} }

// LocationButton returns a reply keyboard button that sends the presser's location.
func LocationButton(text string) ReplyLocation { return ReplyLocation{Text: text} }

// PollButton returns a reply keyboard button that asks the presser for a poll of kind.
func PollButton(text string, kind PollRequest) ReplyPoll { return ReplyPoll{Text: text, Kind: kind} }

// RequestUsersButton returns a reply keyboard button that asks for up to maxQuantity users,
// reported with requestID.
func RequestUsersButton(text string, requestID int32, maxQuantity int) ReplyRequestUsers {
	return ReplyRequestUsers{Text: text, RequestID: requestID, MaxQuantity: maxQuantity}
}

// RequestChatButton returns a reply keyboard button that asks for a group, reported with
// requestID.
func RequestChatButton(text string, requestID int32) ReplyRequestChat {
	return ReplyRequestChat{Text: text, RequestID: requestID}
}

// RequestChannelButton returns a reply keyboard button that asks for a channel, reported
// with requestID.
func RequestChannelButton(text string, requestID int32) ReplyRequestChat {
	return ReplyRequestChat{Text: text, RequestID: requestID, Channel: true}
}

// ReplyWebAppButton returns a reply keyboard button that opens the web app at url.
func ReplyWebAppButton(text, url string) ReplyWebApp { return ReplyWebApp{Text: text, URL: url} }

// ButtonText implements InlineButton and ReplyButton.
func (b InlineCallback) ButtonText() string    { return b.Text }
func (b InlineURL) ButtonText() string         { return b.Text }
func (b InlineSwitchQuery) ButtonText() string { return b.Text }
func (b InlineWebApp) ButtonText() string      { return b.Text }
func (b InlineLoginURL) ButtonText() string    { return b.Text }
func (b InlinePay) ButtonText() string         { return b.Text }
func (b InlineCopyText) ButtonText() string    { return b.Text }
func (b InlineUserProfile) ButtonText() string { return b.Text }
func (b InlineGame) ButtonText() string        { return b.Text }
func (b ReplyText) ButtonText() string         { return b.Text }
func (b ReplyContact) ButtonText() string      { return b.Text }
func (b ReplyLocation) ButtonText() string     { return b.Text }
func (b ReplyPoll) ButtonText() string         { return b.Text }
func (b ReplyRequestUsers) ButtonText() string { return b.Text }
func (b ReplyRequestChat) ButtonText() string  { return b.Text }
func (b ReplyWebApp) ButtonText() string       { return b.Text }

// ButtonText returns the text of the TL button, when it has one.
func (b RawButton) ButtonText() string { return rawText(b.Button) }

func (b InlineCallback) inlineTL() (tg.KeyboardButtonClass, error) {
	if n := len(b.Data); n == 0 || n > MaxCallbackData {
		return nil, fmt.Errorf("callback data is %d bytes, want 1 to %d", n, MaxCallbackData)
	}
	return &tg.KeyboardButtonCallback{Text: b.Text, Data: b.Data, RequiresPassword: b.RequiresPassword, Style: b.Style.tl()}, nil
}

func (b InlineURL) inlineTL() (tg.KeyboardButtonClass, error) {
	if b.URL == "" {
		return nil, errors.New("empty url")
	}
	return &tg.KeyboardButtonURL{Text: b.Text, URL: b.URL, Style: b.Style.tl()}, nil
}

func (b InlineSwitchQuery) inlineTL() (tg.KeyboardButtonClass, error) {
	if n := utf16Len(b.Query); n > MaxSwitchQuery {
		return nil, fmt.Errorf("switch query is %d characters, at most %d", n, MaxSwitchQuery)
	}
	if b.CurrentChat && len(b.PeerTypes) > 0 {
		return nil, errors.New("switch query in the current chat with peer types")
	}
	out := &tg.KeyboardButtonSwitchInline{Text: b.Text, Query: b.Query, SamePeer: b.CurrentChat, Style: b.Style.tl()}
	for _, t := range b.PeerTypes {
		pt, err := t.tl()
		if err != nil {
			return nil, err
		}
		out.PeerTypes = append(out.PeerTypes, pt)
	}
	return out, nil
}

func (t InlinePeerType) tl() (tg.InlineQueryPeerTypeClass, error) {
	switch t {
	case InlinePeerSameBot:
		return &tg.InlineQueryPeerTypeSameBotPM{}, nil
	case InlinePeerUsers:
		return &tg.InlineQueryPeerTypePM{}, nil
	case InlinePeerBots:
		return &tg.InlineQueryPeerTypeBotPM{}, nil
	case InlinePeerGroups:
		return &tg.InlineQueryPeerTypeChat{}, nil
	case InlinePeerSupergroups:
		return &tg.InlineQueryPeerTypeMegagroup{}, nil
	case InlinePeerChannels:
		return &tg.InlineQueryPeerTypeBroadcast{}, nil
	}
	return nil, fmt.Errorf("unknown inline peer type %d", t)
}

func inlinePeerTypeOf(t tg.InlineQueryPeerTypeClass) (InlinePeerType, bool) {
	switch t.(type) {
	case *tg.InlineQueryPeerTypeSameBotPM:
		return InlinePeerSameBot, true
	case *tg.InlineQueryPeerTypePM:
		return InlinePeerUsers, true
	case *tg.InlineQueryPeerTypeBotPM:
		return InlinePeerBots, true
	case *tg.InlineQueryPeerTypeChat:
		return InlinePeerGroups, true
	case *tg.InlineQueryPeerTypeMegagroup:
		return InlinePeerSupergroups, true
	case *tg.InlineQueryPeerTypeBroadcast:
		return InlinePeerChannels, true
	}
	return 0, false
}

// webAppURL checks the link of a web app, which Telegram opens only over https.
func webAppURL(u string) error {
	if !strings.HasPrefix(strings.ToLower(u), "https://") {
		return errors.New("a web app url must start with https://")
	}
	return nil
}

func (b InlineWebApp) inlineTL() (tg.KeyboardButtonClass, error) {
	if err := webAppURL(b.URL); err != nil {
		return nil, err
	}
	return &tg.KeyboardButtonWebView{Text: b.Text, URL: b.URL, Style: b.Style.tl()}, nil
}

func (b InlineLoginURL) inlineTL() (tg.KeyboardButtonClass, error) {
	if b.URL == "" {
		return nil, errors.New("empty url")
	}
	if b.BotUnknown && b.BotID == 0 {
		return nil, errors.New("login button received without its bot: set BotID to the bot that authorizes the login")
	}
	out := &tg.InputKeyboardButtonURLAuth{
		Text: b.Text, URL: b.URL, RequestWriteAccess: b.RequestWriteAccess, Bot: inputUserOf(b.BotID),
		Style: b.Style.tl(),
	}
	if b.ForwardText != "" {
		out.FwdText = tl.Some(b.ForwardText)
	}
	return out, nil
}

// inputUserOf names a user by id alone (the client adds the access hash), zero for self.
func inputUserOf(id int64) tg.InputUserClass {
	if id == 0 {
		return &tg.InputUserSelf{}
	}
	return &tg.InputUser{UserID: id}
}

func (b InlinePay) inlineTL() (tg.KeyboardButtonClass, error) {
	return &tg.KeyboardButtonBuy{Text: b.Text, Style: b.Style.tl()}, nil
}

func (b InlineCopyText) inlineTL() (tg.KeyboardButtonClass, error) {
	if n := utf16Len(b.CopyText); n == 0 || n > MaxCopyText {
		return nil, fmt.Errorf("copy text is %d characters, want 1 to %d", n, MaxCopyText)
	}
	return &tg.KeyboardButtonCopy{Text: b.Text, CopyText: b.CopyText, Style: b.Style.tl()}, nil
}

func (b InlineUserProfile) inlineTL() (tg.KeyboardButtonClass, error) {
	if b.UserID <= 0 {
		return nil, fmt.Errorf("user id %d is not a user", b.UserID)
	}
	return &tg.InputKeyboardButtonUserProfile{Text: b.Text, UserID: inputUserOf(b.UserID), Style: b.Style.tl()}, nil
}

func (b InlineGame) inlineTL() (tg.KeyboardButtonClass, error) {
	return &tg.KeyboardButtonGame{Text: b.Text, Style: b.Style.tl()}, nil
}

func (b ReplyText) replyTL() (tg.KeyboardButtonClass, error) {
	return &tg.KeyboardButton{Text: b.Text, Style: b.Style.tl()}, nil
}

func (b ReplyContact) replyTL() (tg.KeyboardButtonClass, error) {
	return &tg.KeyboardButtonRequestPhone{Text: b.Text, Style: b.Style.tl()}, nil
}

func (b ReplyLocation) replyTL() (tg.KeyboardButtonClass, error) {
	return &tg.KeyboardButtonRequestGeoLocation{Text: b.Text, Style: b.Style.tl()}, nil
}

func (b ReplyPoll) replyTL() (tg.KeyboardButtonClass, error) {
	out := &tg.KeyboardButtonRequestPoll{Text: b.Text, Style: b.Style.tl()}
	switch b.Kind {
	case PollRequestAny:
	case PollRequestQuiz:
		out.Quiz = tl.Some(true)
	case PollRequestRegular:
		out.Quiz = tl.Some(false)
	default:
		return nil, fmt.Errorf("unknown poll kind %d", b.Kind)
	}
	return out, nil
}

// quantity checks how many peers a request button asks for; zero means one.
func quantity(n int) (int32, error) {
	if n == 0 {
		n = 1
	}
	if n < 1 || n > MaxRequestQuantity {
		return 0, fmt.Errorf("max quantity %d, want 1 to %d", n, MaxRequestQuantity)
	}
	return int32(n), nil
}

func requireCheck(rs ...Require) error {
	for _, r := range rs {
		if r > RequireFalse || r < RequireAny {
			return fmt.Errorf("unknown requirement %d", r)
		}
	}
	return nil
}

func (b ReplyRequestUsers) replyTL() (tg.KeyboardButtonClass, error) {
	n, err := quantity(b.MaxQuantity)
	if err != nil {
		return nil, err
	}
	if err := requireCheck(b.Bot, b.Premium); err != nil {
		return nil, err
	}
	return b.Request.tl(b.Text, b.RequestID, n, &tg.RequestPeerTypeUser{Bot: b.Bot.tl(), Premium: b.Premium.tl()}, b.Style), nil
}

func (b ReplyRequestChat) replyTL() (tg.KeyboardButtonClass, error) {
	n, err := quantity(b.MaxQuantity)
	if err != nil {
		return nil, err
	}
	if err := requireCheck(b.HasUsername, b.Forum); err != nil {
		return nil, err
	}
	var pt tg.RequestPeerTypeClass
	if b.Channel {
		if b.BotParticipant || b.Forum != RequireAny {
			return nil, errors.New("a channel request with group criteria (bot participant, forum)")
		}
		pt = &tg.RequestPeerTypeBroadcast{
			Creator: b.Creator, HasUsername: b.HasUsername.tl(),
			UserAdminRights: rightsTL(b.UserRights), BotAdminRights: rightsTL(b.BotRights),
		}
	} else {
		pt = &tg.RequestPeerTypeChat{
			Creator: b.Creator, BotParticipant: b.BotParticipant, HasUsername: b.HasUsername.tl(),
			Forum: b.Forum.tl(), UserAdminRights: rightsTL(b.UserRights), BotAdminRights: rightsTL(b.BotRights),
		}
	}
	return b.Request.tl(b.Text, b.RequestID, n, pt, b.Style), nil
}

func (r PeerRequest) tl(text string, id, n int32, pt tg.RequestPeerTypeClass, s ButtonStyle) tg.KeyboardButtonClass {
	return &tg.InputKeyboardButtonRequestPeer{
		Text: text, ButtonID: id, MaxQuantity: n, PeerType: pt, Style: s.tl(),
		NameRequested: r.Name, UsernameRequested: r.Username, PhotoRequested: r.Photo,
	}
}

func rightsTL(r *AdminRights) *tg.ChatAdminRights {
	if r == nil {
		return nil
	}
	t := r.TG()
	return &t
}

func rightsOf(r *tg.ChatAdminRights) *AdminRights {
	if r == nil {
		return nil
	}
	a := AdminRightsFrom(*r)
	return &a
}

func (b ReplyWebApp) replyTL() (tg.KeyboardButtonClass, error) {
	if err := webAppURL(b.URL); err != nil {
		return nil, err
	}
	return &tg.KeyboardButtonSimpleWebView{Text: b.Text, URL: b.URL, Style: b.Style.tl()}, nil
}

func (b RawButton) inlineTL() (tg.KeyboardButtonClass, error) { return b.raw() }
func (b RawButton) replyTL() (tg.KeyboardButtonClass, error)  { return b.raw() }

func (b RawButton) raw() (tg.KeyboardButtonClass, error) {
	if b.Button == nil {
		return nil, errors.New("raw button without a TL button")
	}
	if nilButton(b.Button) {
		return nil, fmt.Errorf("raw button with a nil %T", b.Button)
	}
	return b.Button, nil
}

// nilButton reports a nil pointer in b (a typed nil): such a button is kept as a RawButton
// that has no text and that ToTL refuses.
func nilButton(b tg.KeyboardButtonClass) bool {
	v := reflect.ValueOf(b)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// parseInlineButton converts a button of a received inline keyboard.
func parseInlineButton(b tg.KeyboardButtonClass) InlineButton {
	if nilButton(b) {
		return RawButton{Button: b}
	}
	switch b := b.(type) {
	case *tg.KeyboardButtonCallback:
		return InlineCallback{Text: b.Text, Data: b.Data, RequiresPassword: b.RequiresPassword, Style: styleOf(b.Style)}
	case *tg.KeyboardButtonURL:
		return InlineURL{Text: b.Text, URL: b.URL, Style: styleOf(b.Style)}
	case *tg.KeyboardButtonSwitchInline:
		out := InlineSwitchQuery{Text: b.Text, Query: b.Query, CurrentChat: b.SamePeer, Style: styleOf(b.Style)}
		for _, t := range b.PeerTypes {
			pt, ok := inlinePeerTypeOf(t)
			if !ok {
				return RawButton{Button: b}
			}
			out.PeerTypes = append(out.PeerTypes, pt)
		}
		return out
	case *tg.KeyboardButtonWebView:
		return InlineWebApp{Text: b.Text, URL: b.URL, Style: styleOf(b.Style)}
	case *tg.KeyboardButtonURLAuth:
		return InlineLoginURL{
			Text: b.Text, URL: b.URL, ForwardText: b.FwdText.Value, ButtonID: int(b.ButtonID), BotUnknown: true,
			Style: styleOf(b.Style),
		}
	case *tg.InputKeyboardButtonURLAuth:
		id, ok := userIDOf(b.Bot)
		if !ok {
			return RawButton{Button: b}
		}
		return InlineLoginURL{
			Text: b.Text, URL: b.URL, ForwardText: b.FwdText.Value, BotID: id,
			RequestWriteAccess: b.RequestWriteAccess, Style: styleOf(b.Style),
		}
	case *tg.KeyboardButtonBuy:
		return InlinePay{Text: b.Text, Style: styleOf(b.Style)}
	case *tg.KeyboardButtonCopy:
		return InlineCopyText{Text: b.Text, CopyText: b.CopyText, Style: styleOf(b.Style)}
	case *tg.KeyboardButtonUserProfile:
		return InlineUserProfile{Text: b.Text, UserID: b.UserID, Style: styleOf(b.Style)}
	case *tg.InputKeyboardButtonUserProfile:
		if id, ok := userIDOf(b.UserID); ok && id != 0 {
			return InlineUserProfile{Text: b.Text, UserID: id, Style: styleOf(b.Style)}
		}
	case *tg.KeyboardButtonGame:
		return InlineGame{Text: b.Text, Style: styleOf(b.Style)}
	}
	return RawButton{Button: b}
}

// userIDOf reads the id of an input user; zero for the sender itself.
func userIDOf(u tg.InputUserClass) (int64, bool) {
	switch u := u.(type) {
	case *tg.InputUserSelf:
		return 0, true
	case *tg.InputUser:
		return u.UserID, u.UserID > 0
	}
	return 0, false
}

// parseReplyButton converts a button of a received reply keyboard.
func parseReplyButton(b tg.KeyboardButtonClass) ReplyButton {
	if nilButton(b) {
		return RawButton{Button: b}
	}
	switch b := b.(type) {
	case *tg.KeyboardButton:
		return ReplyText{Text: b.Text, Style: styleOf(b.Style)}
	case *tg.KeyboardButtonRequestPhone:
		return ReplyContact{Text: b.Text, Style: styleOf(b.Style)}
	case *tg.KeyboardButtonRequestGeoLocation:
		return ReplyLocation{Text: b.Text, Style: styleOf(b.Style)}
	case *tg.KeyboardButtonRequestPoll:
		kind := PollRequestAny
		if b.Quiz.Set {
			kind = PollRequestRegular
			if b.Quiz.Value {
				kind = PollRequestQuiz
			}
		}
		return ReplyPoll{Text: b.Text, Kind: kind, Style: styleOf(b.Style)}
	case *tg.KeyboardButtonRequestPeer:
		if out, ok := parseRequestPeer(b.Text, b.ButtonID, b.MaxQuantity, b.PeerType, PeerRequest{}, b.Style); ok {
			return out
		}
	case *tg.InputKeyboardButtonRequestPeer:
		r := PeerRequest{Name: b.NameRequested, Username: b.UsernameRequested, Photo: b.PhotoRequested}
		if out, ok := parseRequestPeer(b.Text, b.ButtonID, b.MaxQuantity, b.PeerType, r, b.Style); ok {
			return out
		}
	case *tg.KeyboardButtonSimpleWebView:
		return ReplyWebApp{Text: b.Text, URL: b.URL, Style: styleOf(b.Style)}
	}
	return RawButton{Button: b}
}

func parseRequestPeer(text string, id, n int32, pt tg.RequestPeerTypeClass, r PeerRequest, st *tg.KeyboardButtonStyle) (ReplyButton, bool) {
	q := int(n)
	if q == 1 {
		q = 0 // the default, as a button built without a quantity has it
	}
	switch pt := pt.(type) {
	case *tg.RequestPeerTypeUser:
		return ReplyRequestUsers{
			Text: text, RequestID: id, MaxQuantity: q, Request: r, Style: styleOf(st),
			Bot: requireOf(pt.Bot), Premium: requireOf(pt.Premium),
		}, true
	case *tg.RequestPeerTypeChat:
		return ReplyRequestChat{
			Text: text, RequestID: id, MaxQuantity: q, Request: r, Style: styleOf(st),
			Creator: pt.Creator, BotParticipant: pt.BotParticipant, HasUsername: requireOf(pt.HasUsername),
			Forum: requireOf(pt.Forum), UserRights: rightsOf(pt.UserAdminRights), BotRights: rightsOf(pt.BotAdminRights),
		}, true
	case *tg.RequestPeerTypeBroadcast:
		return ReplyRequestChat{
			Text: text, RequestID: id, MaxQuantity: q, Request: r, Style: styleOf(st), Channel: true,
			Creator: pt.Creator, HasUsername: requireOf(pt.HasUsername),
			UserRights: rightsOf(pt.UserAdminRights), BotRights: rightsOf(pt.BotAdminRights),
		}, true
	}
	return nil, false
}

// rawText is the text of a TL button.
func rawText(b tg.KeyboardButtonClass) string {
	if nilButton(b) {
		return ""
	}
	switch b := b.(type) {
	case *tg.KeyboardButton:
		return b.Text
	case *tg.KeyboardButtonURL:
		return b.Text
	case *tg.KeyboardButtonCallback:
		return b.Text
	case *tg.KeyboardButtonRequestPhone:
		return b.Text
	case *tg.KeyboardButtonRequestGeoLocation:
		return b.Text
	case *tg.KeyboardButtonSwitchInline:
		return b.Text
	case *tg.KeyboardButtonGame:
		return b.Text
	case *tg.KeyboardButtonBuy:
		return b.Text
	case *tg.KeyboardButtonURLAuth:
		return b.Text
	case *tg.InputKeyboardButtonURLAuth:
		return b.Text
	case *tg.KeyboardButtonRequestPoll:
		return b.Text
	case *tg.InputKeyboardButtonUserProfile:
		return b.Text
	case *tg.KeyboardButtonUserProfile:
		return b.Text
	case *tg.KeyboardButtonWebView:
		return b.Text
	case *tg.KeyboardButtonSimpleWebView:
		return b.Text
	case *tg.KeyboardButtonRequestPeer:
		return b.Text
	case *tg.InputKeyboardButtonRequestPeer:
		return b.Text
	case *tg.KeyboardButtonCopy:
		return b.Text
	}
	return ""
}
