package world

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// carolForShop returns Carol as the shop names her.
func (f *bizCallbackFixture) carolForShop(t *testing.T) tg.InputPeerClass {
	t.Helper()
	u := f.inputUser(t, f.kShop, "carol_cb").(*tg.InputUser)
	return &tg.InputPeerUser{UserID: u.UserID, AccessHash: u.AccessHash}
}

// carolWrites sends text from Carol to the shop and reports whether the bot got it as a
// business message.
func (f *bizCallbackFixture) carolWrites(t *testing.T, text string, randomID int64) bool {
	t.Helper()
	f.botUpdates()
	if _, err := f.w.SendMessage(f.kCarol, f.shopForCarol, Draft{Text: text, RandomID: randomID}); err != nil {
		t.Fatal(err)
	}
	for _, u := range f.botUpdates() {
		if nm, ok := u.(*tg.UpdateBotNewBusinessMessage); ok && nm.Message.(*tg.Message).Message == text {
			return true
		}
	}
	return false
}

func wantErr(t *testing.T, what string, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// TestConnectedBots: the shop lists its connected bot with the rights, recipients and date
// it was connected with; a bot may not ask, an account without a bot gets an empty list.
func TestConnectedBots(t *testing.T) {
	f := newBizCallbackFixture(t)
	res, err := f.w.ConnectedBots(f.kShop)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ConnectedBots) != 1 || len(res.Users) != 1 {
		t.Fatalf("connected bots %+v", res)
	}
	got := res.ConnectedBots[0]
	want := tg.ConnectedBot{
		BotID:      f.botID,
		Recipients: tg.BusinessBotRecipients{ExistingChats: true, NewChats: true, NonContacts: true},
		Rights:     tg.BusinessBotRights{Reply: true},
		Date:       tl.Some(got.Date.Value),
	}
	if diff := cmp.Diff(want, got); diff != "" || got.Date.Value == 0 {
		t.Fatalf("connected bot (-want +got):\n%s", diff)
	}
	if u, ok := res.Users[0].(*tg.User); !ok || u.ID != f.botID || !u.Bot {
		t.Fatalf("users %+v", res.Users)
	}

	_, err = f.w.ConnectedBots(f.kBot)
	wantErr(t, "bot asks", err, ErrBotMethodInvalid)
	none, err := f.w.ConnectedBots(f.kCarol)
	if err != nil || len(none.ConnectedBots) != 0 || none.Users == nil {
		t.Fatalf("no bot: %+v, %v", none, err)
	}

	// Disabling Carol's chat adds her to exclude_users; with exclude_selected the excluded
	// users are listed in users.
	if err := f.w.DisablePeerConnectedBot(f.kShop, f.carolForShop(t)); err != nil {
		t.Fatal(err)
	}
	res, err = f.w.ConnectedBots(f.kShop)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.ConnectedBots[0].Recipients; !cmp.Equal(r.ExcludeUsers, []int64{f.carolID}) || r.Users != nil {
		t.Fatalf("recipients after disable %+v", r)
	}
	if _, err := f.w.UpdateConnectedBot(f.kShop, ConnectedBot{
		Bot: f.bot, Recipients: tg.InputBusinessBotRecipients{ExcludeSelected: true, ExcludeUsers: []tg.InputUserClass{f.inputUser(t, f.kShop, "carol_cb")}},
	}); err != nil {
		t.Fatal(err)
	}
	res, err = f.w.ConnectedBots(f.kShop)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.ConnectedBots[0].Recipients; !cmp.Equal(r.Users, []int64{f.carolID}) || r.ExcludeUsers != nil || !r.ExcludeSelected {
		t.Fatalf("recipients with exclude_selected %+v", r)
	}
}

// TestToggleConnectedBotPaused: while the shop pauses the bot in Carol's chat, the bot gets
// none of her messages and cannot send there; resumed, both work again.
func TestToggleConnectedBotPaused(t *testing.T) {
	f := newBizCallbackFixture(t)
	carol := f.carolForShop(t)
	if err := f.w.ToggleConnectedBotPaused(f.kShop, carol, true); err != nil {
		t.Fatal(err)
	}
	if f.carolWrites(t, "paused", 101) {
		t.Fatal("the bot got a message of a paused chat")
	}
	_, err := f.w.SendBusinessMessage(f.call(), f.carolForBot, Draft{Text: "no", RandomID: 102})
	wantErr(t, "send to a paused chat", err, ErrPeerIDInvalid)

	if err := f.w.ToggleConnectedBotPaused(f.kShop, carol, false); err != nil {
		t.Fatal(err)
	}
	if !f.carolWrites(t, "resumed", 103) {
		t.Fatal("the bot got no message after resuming")
	}
	if _, err := f.w.SendBusinessMessage(f.call(), f.carolForBot, Draft{Text: "yes", RandomID: 104}); err != nil {
		t.Fatalf("send after resuming: %v", err)
	}
}

// TestDisablePeerConnectedBot: the shop takes Carol's chat away from the bot until it
// connects the bot again.
func TestDisablePeerConnectedBot(t *testing.T) {
	f := newBizCallbackFixture(t)
	carol := f.carolForShop(t)
	if err := f.w.DisablePeerConnectedBot(f.kShop, carol); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "disable twice", f.w.DisablePeerConnectedBot(f.kShop, carol), ErrBotAlreadyDisabled)
	if f.carolWrites(t, "disabled", 201) {
		t.Fatal("the bot got a message of a disabled chat")
	}
	_, err := f.w.SendBusinessMessage(f.call(), f.carolForBot, Draft{Text: "no", RandomID: 202})
	wantErr(t, "send to a disabled chat", err, ErrPeerIDInvalid)

	f.connect(t, f.bot, nil)
	if !f.carolWrites(t, "reconnected", 203) {
		t.Fatal("the bot got no message after reconnecting")
	}
}

// TestBusinessPeerErrors: the refusals of pausing and disabling.
func TestBusinessPeerErrors(t *testing.T) {
	f := newBizCallbackFixture(t)
	carol := f.carolForShop(t)
	botPeer := &tg.InputPeerUser{UserID: f.bot.(*tg.InputUser).UserID, AccessHash: f.bot.(*tg.InputUser).AccessHash}
	tests := []struct {
		name string
		key  KeyID
		peer tg.InputPeerClass
		want error
	}{
		{"bot", f.kBot, carol, ErrBotMethodInvalid},
		{"no bot connected", f.kCarol, f.shopForCarol, ErrBotNotConnectedYet},
		{"self", f.kShop, &tg.InputPeerSelf{}, ErrPeerIDInvalid},
		{"a bot's chat", f.kShop, botPeer, ErrPeerIDInvalid},
		{"unknown user", f.kShop, &tg.InputPeerUser{UserID: 1 << 40}, ErrPeerIDInvalid},
		{"empty", f.kShop, &tg.InputPeerEmpty{}, ErrPeerIDInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "pause", f.w.ToggleConnectedBotPaused(tt.key, tt.peer, true), tt.want)
			wantErr(t, "disable", f.w.DisablePeerConnectedBot(tt.key, tt.peer), tt.want)
		})
	}
}
