package types_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// wire encodes m and decodes it again, as it travels to the server and back.
func wire(t *testing.T, m tg.ReplyMarkupClass) tg.ReplyMarkupClass {
	t.Helper()
	var b tl.Buffer
	if err := m.Encode(&b); err != nil {
		t.Fatalf("encode %T: %v", m, err)
	}
	var in tl.Buffer
	in.ResetTo(b.Raw())
	out, err := tg.DecodeReplyMarkupClass(&in)
	if err != nil {
		t.Fatalf("decode %T: %v", m, err)
	}
	return out
}

// TestKeyboardRoundTrip builds each kind of button, converts it to TL, sends that through
// the TL encoding and parses it back: the result must equal what was built, and the TL
// value must be what Telegram expects for that button.
func TestKeyboardRoundTrip(t *testing.T) {
	rights := &types.AdminRights{PinMessages: true, InviteUsers: true}
	style := types.ButtonStyle{Color: types.ButtonDanger, IconEmojiID: 77}
	tests := []struct {
		name   string
		markup types.ReplyMarkup
		tl     tg.KeyboardButtonClass // the first button as sent; nil to skip
	}{
		{"callback", types.NewInlineKeyboard().Row(types.CallbackButton("Yes", "vote:yes")),
			&tg.KeyboardButtonCallback{Text: "Yes", Data: []byte("vote:yes")}},
		{"callback with password", types.NewInlineKeyboard().Row(types.PasswordCallbackButton("Give", "own")),
			&tg.KeyboardButtonCallback{Text: "Give", Data: []byte("own"), RequiresPassword: true}},
		{"callback 64 bytes, styled", types.NewInlineKeyboard().Row(types.InlineCallback{Text: "x", Data: []byte(strings.Repeat("d", 64)), Style: style}),
			&tg.KeyboardButtonCallback{Text: "x", Data: []byte(strings.Repeat("d", 64)), Style: &tg.KeyboardButtonStyle{BgDanger: true, Icon: tl.Some(int64(77))}}},
		{"url", types.NewInlineKeyboard().Row(types.URLButton("Docs", "https://go.dev")),
			&tg.KeyboardButtonURL{Text: "Docs", URL: "https://go.dev"}},
		{"switch inline, other chat", types.NewInlineKeyboard().Row(types.SwitchInlineButton("Share", "q")),
			&tg.KeyboardButtonSwitchInline{Text: "Share", Query: "q"}},
		{"switch inline, current chat", types.NewInlineKeyboard().Row(types.SwitchInlineCurrentChatButton("Here", "")),
			&tg.KeyboardButtonSwitchInline{Text: "Here", SamePeer: true}},
		{"switch inline, chosen chat", types.NewInlineKeyboard().Row(types.SwitchInlineChosenChatButton("Pick", "q",
			types.InlinePeerSameBot, types.InlinePeerUsers, types.InlinePeerBots, types.InlinePeerGroups,
			types.InlinePeerSupergroups, types.InlinePeerChannels)),
			&tg.KeyboardButtonSwitchInline{Text: "Pick", Query: "q", PeerTypes: []tg.InlineQueryPeerTypeClass{
				&tg.InlineQueryPeerTypeSameBotPM{}, &tg.InlineQueryPeerTypePM{}, &tg.InlineQueryPeerTypeBotPM{},
				&tg.InlineQueryPeerTypeChat{}, &tg.InlineQueryPeerTypeMegagroup{}, &tg.InlineQueryPeerTypeBroadcast{},
			}}},
		{"web app", types.NewInlineKeyboard().Row(types.WebAppButton("Open", "https://app.example")),
			&tg.KeyboardButtonWebView{Text: "Open", URL: "https://app.example"}},
		{"login url of the sender", types.NewInlineKeyboard().Row(types.LoginURLButton("Log in", "https://site.example/auth")),
			&tg.InputKeyboardButtonURLAuth{Text: "Log in", URL: "https://site.example/auth", Bot: &tg.InputUserSelf{}}},
		{"login url, all fields", types.NewInlineKeyboard().Row(types.InlineLoginURL{
			Text: "Log in", URL: "https://s", ForwardText: "Log in (fwd)", BotID: 42, RequestWriteAccess: true}),
			&tg.InputKeyboardButtonURLAuth{Text: "Log in", URL: "https://s", FwdText: tl.Some("Log in (fwd)"),
				Bot: &tg.InputUser{UserID: 42}, RequestWriteAccess: true}},
		{"pay", types.NewInlineKeyboard().Row(types.PayButton("Pay 5 ⭐")).Row(types.URLButton("Terms", "https://t")),
			&tg.KeyboardButtonBuy{Text: "Pay 5 ⭐"}},
		{"copy text", types.NewInlineKeyboard().Row(types.CopyTextButton("Copy code", "X1-Y2")),
			&tg.KeyboardButtonCopy{Text: "Copy code", CopyText: "X1-Y2"}},
		{"user profile", types.NewInlineKeyboard().Row(types.UserProfileButton("Ann", 7)),
			&tg.InputKeyboardButtonUserProfile{Text: "Ann", UserID: &tg.InputUser{UserID: 7}}},
		{"game", types.NewInlineKeyboard().Row(types.GameButton("Play")), &tg.KeyboardButtonGame{Text: "Play"}},
		{"grid", types.NewInlineKeyboard(
			[]types.InlineButton{types.CallbackButton("1", "1"), types.CallbackButton("2", "2")},
			[]types.InlineButton{types.URLButton("3", "https://3"), types.CopyTextButton("4", "4")},
		), nil},
		{"empty inline keyboard", types.NewInlineKeyboard(), nil},
		{"text", types.NewReplyKeyboard().Row(types.TextButton("Menu")), &tg.KeyboardButton{Text: "Menu"}},
		{"contact", types.NewReplyKeyboard().Row(types.ContactButton("Phone")), &tg.KeyboardButtonRequestPhone{Text: "Phone"}},
		{"location", types.NewReplyKeyboard().Row(types.LocationButton("Where")), &tg.KeyboardButtonRequestGeoLocation{Text: "Where"}},
		{"poll, any", types.NewReplyKeyboard().Row(types.PollButton("Poll", types.PollRequestAny)), &tg.KeyboardButtonRequestPoll{Text: "Poll"}},
		{"poll, quiz", types.NewReplyKeyboard().Row(types.PollButton("Quiz", types.PollRequestQuiz)),
			&tg.KeyboardButtonRequestPoll{Text: "Quiz", Quiz: tl.Some(true)}},
		{"poll, regular", types.NewReplyKeyboard().Row(types.PollButton("Poll", types.PollRequestRegular)),
			&tg.KeyboardButtonRequestPoll{Text: "Poll", Quiz: tl.Some(false)}},
		{"request users", types.NewReplyKeyboard().Row(types.ReplyRequestUsers{
			Text: "Pick friends", RequestID: 9, Bot: types.RequireFalse, Premium: types.RequireTrue, MaxQuantity: 3,
			Request: types.PeerRequest{Name: true, Username: true, Photo: true}}),
			&tg.InputKeyboardButtonRequestPeer{Text: "Pick friends", ButtonID: 9, MaxQuantity: 3,
				NameRequested: true, UsernameRequested: true, PhotoRequested: true,
				PeerType: &tg.RequestPeerTypeUser{Bot: tl.Some(false), Premium: tl.Some(true)}}},
		{"request one user", types.NewReplyKeyboard().Row(types.RequestUsersButton("Pick", 1, 0)),
			&tg.InputKeyboardButtonRequestPeer{Text: "Pick", ButtonID: 1, MaxQuantity: 1, PeerType: &tg.RequestPeerTypeUser{}}},
		{"request chat", types.NewReplyKeyboard().Row(types.ReplyRequestChat{
			Text: "Pick a group", RequestID: -4, Creator: true, BotParticipant: true, HasUsername: types.RequireTrue,
			Forum: types.RequireFalse, UserRights: rights, BotRights: rights, Request: types.PeerRequest{Name: true}}),
			&tg.InputKeyboardButtonRequestPeer{Text: "Pick a group", ButtonID: -4, MaxQuantity: 1, NameRequested: true,
				PeerType: &tg.RequestPeerTypeChat{Creator: true, BotParticipant: true, HasUsername: tl.Some(true),
					Forum: tl.Some(false), UserAdminRights: &tg.ChatAdminRights{PinMessages: true, InviteUsers: true},
					BotAdminRights: &tg.ChatAdminRights{PinMessages: true, InviteUsers: true}}}},
		{"request channel", types.NewReplyKeyboard().Row(types.RequestChannelButton("Pick a channel", 5)),
			&tg.InputKeyboardButtonRequestPeer{Text: "Pick a channel", ButtonID: 5, MaxQuantity: 1, PeerType: &tg.RequestPeerTypeBroadcast{}}},
		{"reply web app", types.NewReplyKeyboard().Row(types.ReplyWebAppButton("App", "https://a")),
			&tg.KeyboardButtonSimpleWebView{Text: "App", URL: "https://a"}},
		{"reply keyboard flags", &types.ReplyKeyboard{
			Rows:   [][]types.ReplyButton{{types.TextButton("a"), types.TextButton("b")}, {types.ContactButton("c")}},
			Resize: true, OneTime: true, Selective: true, Persistent: true, Placeholder: "Choose 😀",
		}, nil},
		{"raw button", types.NewInlineKeyboard().Row(types.RawButton{Button: &tg.KeyboardButtonRequestPhone{Text: "odd"}}),
			&tg.KeyboardButtonRequestPhone{Text: "odd"}},
		{"remove keyboard", &types.RemoveKeyboard{Selective: true}, nil},
		{"force reply", &types.ForceReply{Placeholder: "Your name", Selective: true, SingleUse: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.markup.ToTL()
			if err != nil {
				t.Fatal(err)
			}
			if tt.tl != nil {
				if diff := cmp.Diff(tt.tl, firstButton(m)); diff != "" {
					t.Fatalf("TL button (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(tt.markup, types.ParseReplyMarkup(wire(t, m))); diff != "" {
				t.Fatalf("round trip (-built +parsed):\n%s", diff)
			}
		})
	}
}

func firstButton(m tg.ReplyMarkupClass) tg.KeyboardButtonClass {
	var rows []tg.KeyboardButtonRow
	switch m := m.(type) {
	case *tg.ReplyInlineMarkup:
		rows = m.Rows
	case *tg.ReplyKeyboardMarkup:
		rows = m.Rows
	}
	if len(rows) == 0 || len(rows[0].Buttons) == 0 {
		return nil
	}
	return rows[0].Buttons[0]
}

// TestParseReceivedButtons parses the forms of buttons only a server sends: a login button
// with its button id, a user profile by id, request buttons without the requested fields.
func TestParseReceivedButtons(t *testing.T) {
	in := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonURLAuth{Text: "Log in", URL: "https://s", FwdText: tl.Some("f"), ButtonID: 3},
		&tg.KeyboardButtonUserProfile{Text: "Ann", UserID: 7},
		&tg.KeyboardButton{Text: "misplaced"},
	}}}}
	want := types.NewInlineKeyboard().Row(
		types.InlineLoginURL{Text: "Log in", URL: "https://s", ForwardText: "f", ButtonID: 3, BotUnknown: true},
		types.UserProfileButton("Ann", 7),
		types.RawButton{Button: &tg.KeyboardButton{Text: "misplaced"}},
	)
	got := types.ParseReplyMarkup(in)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if text := got.(*types.InlineKeyboard).Rows[0][2].ButtonText(); text != "misplaced" {
		t.Fatalf("raw button text = %q", text)
	}
	reply := &tg.ReplyKeyboardMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonRequestPeer{Text: "Pick", ButtonID: 2, MaxQuantity: 4, PeerType: &tg.RequestPeerTypeUser{Bot: tl.Some(true)}},
		&tg.KeyboardButtonCallback{Text: "cb", Data: []byte("x")},
	}}}}
	wantReply := types.NewReplyKeyboard().Row(
		types.ReplyRequestUsers{Text: "Pick", RequestID: 2, MaxQuantity: 4, Bot: types.RequireTrue},
		types.RawButton{Button: &tg.KeyboardButtonCallback{Text: "cb", Data: []byte("x")}},
	)
	if diff := cmp.Diff(wantReply, types.ParseReplyMarkup(reply)); diff != "" {
		t.Fatalf("reply (-want +got):\n%s", diff)
	}
	if types.ParseReplyMarkup(nil) != nil {
		t.Fatal("nil markup parsed to a keyboard")
	}
}

// TestResendReceivedLoginButton checks that a received login button, which does not name
// its bot, is not sent back as a login through the sender's own account: ToTL refuses it
// until BotID names the bot.
func TestResendReceivedLoginButton(t *testing.T) {
	in := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonURLAuth{Text: "Log in", URL: "https://s", ButtonID: 3},
	}}}}
	kb := types.ParseReplyMarkup(in).(*types.InlineKeyboard)
	if _, err := kb.ToTL(); !errors.Is(err, types.ErrInvalidKeyboard) || !strings.Contains(err.Error(), "BotID") {
		t.Fatalf("ToTL() of a received login button = %v, want ErrInvalidKeyboard naming BotID", err)
	}
	b := kb.Rows[0][0].(types.InlineLoginURL)
	b.BotID = 5
	kb.Rows[0][0] = b
	out, err := kb.ToTL()
	if err != nil {
		t.Fatal(err)
	}
	want := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.InputKeyboardButtonURLAuth{Text: "Log in", URL: "https://s", Bot: &tg.InputUser{UserID: 5}},
	}}}}
	if diff := cmp.Diff(tg.ReplyMarkupClass(want), out); diff != "" {
		t.Fatalf("with BotID set (-want +got):\n%s", diff)
	}
}

// TestParseTypedNilButtons checks that a nil TL button of some type does not panic: it is
// kept as a RawButton with no text, and ToTL says what is wrong.
func TestParseTypedNilButtons(t *testing.T) {
	rows := []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: "ok", Data: []byte("x")}, (*tg.KeyboardButtonCallback)(nil),
		(*tg.KeyboardButtonURLAuth)(nil), (*tg.InputKeyboardButtonUserProfile)(nil),
	}}}
	for _, m := range []tg.ReplyMarkupClass{&tg.ReplyInlineMarkup{Rows: rows}, &tg.ReplyKeyboardMarkup{Rows: rows}} {
		parsed := types.ParseReplyMarkup(m)
		switch k := parsed.(type) {
		case *types.InlineKeyboard:
			readTexts(k.Rows)
		case *types.ReplyKeyboard:
			readTexts(k.Rows)
		}
		_, err := parsed.ToTL()
		if !errors.Is(err, types.ErrInvalidKeyboard) || !strings.Contains(err.Error(), "button 2: raw button with a nil *tg.KeyboardButtonCallback") {
			t.Errorf("%T: ToTL() = %v, want ErrInvalidKeyboard naming the nil button", m, err)
		}
	}
}

func TestKeyboardErrors(t *testing.T) {
	tests := []struct {
		name   string
		markup types.ReplyMarkup
		want   string
	}{
		{"callback data too long", types.NewInlineKeyboard().Row(types.CallbackButton("ok", "1"), types.CallbackButton("x", strings.Repeat("d", 65))),
			"row 1, button 2: callback data is 65 bytes, want 1 to 64"},
		{"callback data empty", types.NewInlineKeyboard().Row(types.CallbackButton("x", "")), "callback data is 0 bytes"},
		{"empty text", types.NewInlineKeyboard().Row(types.URLButton("", "https://x")), "row 1, button 1: empty text"},
		{"empty row", types.NewInlineKeyboard().Row(types.GameButton("g")).Row(), "row 2 is empty"},
		{"nil button", types.NewInlineKeyboard().Row(nil), "no button"},
		{"empty url", types.NewInlineKeyboard().Row(types.URLButton("u", "")), "empty url"},
		{"web app over http", types.NewInlineKeyboard().Row(types.WebAppButton("w", "http://x")), "https://"},
		{"reply web app over http", types.NewReplyKeyboard().Row(types.ReplyWebAppButton("w", "ftp://x")), "https://"},
		{"pay not first", types.NewInlineKeyboard().Row(types.URLButton("u", "https://u"), types.PayButton("p")),
			"row 1, button 2: a pay button must be the first"},
		{"game not in the first row", types.NewInlineKeyboard().Row(types.URLButton("u", "https://u")).Row(types.GameButton("g")),
			"row 2, button 1: a game button must be the first"},
		{"copy text too long", types.NewInlineKeyboard().Row(types.CopyTextButton("c", strings.Repeat("😀", 129))),
			"copy text is 258 characters"},
		{"user profile without user", types.NewInlineKeyboard().Row(types.UserProfileButton("u", 0)), "not a user"},
		{"switch query too long", types.NewInlineKeyboard().Row(types.SwitchInlineButton("s", strings.Repeat("q", 257))),
			"switch query is 257 characters"},
		{"switch here with peer types", types.NewInlineKeyboard().Row(types.InlineSwitchQuery{
			Text: "s", CurrentChat: true, PeerTypes: []types.InlinePeerType{types.InlinePeerUsers}}), "current chat with peer types"},
		{"unknown peer type", types.NewInlineKeyboard().Row(types.SwitchInlineChosenChatButton("s", "", 99)), "unknown inline peer type"},
		{"raw without button", types.NewInlineKeyboard().Row(types.RawButton{}), "without a TL button"},
		{"reply keyboard without buttons", types.NewReplyKeyboard(), "needs a button"},
		{"placeholder too long", &types.ReplyKeyboard{Rows: [][]types.ReplyButton{{types.TextButton("a")}},
			Placeholder: strings.Repeat("p", 65)}, "placeholder is 65 characters"},
		{"force reply placeholder too long", &types.ForceReply{Placeholder: strings.Repeat("😀", 33)}, "placeholder is 66 characters"},
		{"poll kind", types.NewReplyKeyboard().Row(types.PollButton("p", 7)), "unknown poll kind"},
		{"too many users", types.NewReplyKeyboard().Row(types.RequestUsersButton("u", 1, 11)), "max quantity 11"},
		{"requirement", types.NewReplyKeyboard().Row(types.ReplyRequestUsers{Text: "u", Bot: 5}), "unknown requirement"},
		{"channel with group criteria", types.NewReplyKeyboard().Row(types.ReplyRequestChat{Text: "c", Channel: true, Forum: types.RequireTrue}),
			"channel request with group criteria"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.markup.ToTL()
			if !errors.Is(err, types.ErrInvalidKeyboard) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ToTL() = %v, want ErrInvalidKeyboard with %q", err, tt.want)
			}
		})
	}
}

func TestNilKeyboards(t *testing.T) {
	for _, m := range []types.ReplyMarkup{(*types.InlineKeyboard)(nil), (*types.ReplyKeyboard)(nil),
		(*types.RemoveKeyboard)(nil), (*types.ForceReply)(nil)} {
		if got, err := m.ToTL(); got != nil || err != nil {
			t.Errorf("%T(nil).ToTL() = %v, %v", m, got, err)
		}
	}
}

// FuzzParseReplyMarkup decodes arbitrary bytes as reply markup and parses what decodes: no
// panic, and a keyboard parsed from the server converts back without error into markup
// that parses to the same keyboard.
func FuzzParseReplyMarkup(f *testing.F) {
	for _, m := range []tg.ReplyMarkupClass{
		&tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
			&tg.KeyboardButtonCallback{Text: "a", Data: []byte("b")}, &tg.KeyboardButtonUserProfile{Text: "u", UserID: 1}}}}},
		&tg.ReplyKeyboardMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
			&tg.KeyboardButtonRequestPeer{Text: "p", PeerType: &tg.RequestPeerTypeChat{}}}}}, Placeholder: tl.Some("x")},
		&tg.ReplyKeyboardForceReply{Placeholder: tl.Some("y")},
	} {
		var b tl.Buffer
		if err := m.Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Raw())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in tl.Buffer
		in.ResetTo(data)
		m, err := tg.DecodeReplyMarkupClass(&in)
		if err != nil {
			return
		}
		parsed := types.ParseReplyMarkup(m)
		if parsed == nil {
			t.Fatalf("%T parsed to nil", m)
		}
		switch k := parsed.(type) {
		case *types.InlineKeyboard:
			readTexts(k.Rows)
		case *types.ReplyKeyboard:
			readTexts(k.Rows)
		}
		back, err := parsed.ToTL()
		if err != nil {
			return // received markup may break the rules a sender must keep
		}
		if diff := cmp.Diff(parsed, types.ParseReplyMarkup(back)); diff != "" {
			t.Fatalf("parse(toTL(parse(m))) differs (-first +second):\n%s", diff)
		}
	})
}

// readTexts reads the text of every button.
func readTexts[B interface{ ButtonText() string }](rows [][]B) {
	for _, row := range rows {
		for _, b := range row {
			_ = b.ButtonText()
		}
	}
}

func BenchmarkInlineKeyboardToTL(b *testing.B) {
	kb := types.NewInlineKeyboard().
		Row(types.CallbackButton("Yes", "yes"), types.CallbackButton("No", "no")).
		Row(types.URLButton("Docs", "https://go.dev"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kb.ToTL(); err != nil {
			b.Fatal(err)
		}
	}
}
