package world

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestBusinessPeerSettings: in the shop's chat with Carol the action bar names the connected
// bot, its management link and whether it is paused there and may reply; the full profile
// carries the same settings. Once the chat is disabled, or the bot disconnected, the bar is
// empty; Carol's own bar of her chat with the shop never names the shop's bot.
func TestBusinessPeerSettings(t *testing.T) {
	f := newBizCallbackFixture(t)
	carol := f.carolForShop(t)
	carolUser := f.inputUser(t, f.kShop, "carol_cb")
	bar := func(paused bool) tg.PeerSettings {
		return tg.PeerSettings{
			BusinessBotPaused: paused, BusinessBotCanReply: true, BusinessBotID: tl.Some(f.botID),
			BusinessBotManageURL: tl.Some("https://t.me/desk_cb_bot?start=bizChat" + strconv.FormatInt(f.carolID, 10)),
		}
	}
	check := func(t *testing.T, key KeyID, peer tg.InputPeerClass, user tg.InputUserClass, want tg.PeerSettings, users []int64) {
		t.Helper()
		res, err := f.w.PeerSettings(key, peer)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, res.Settings); diff != "" {
			t.Fatalf("getPeerSettings (-want +got):\n%s", diff)
		}
		var got []int64
		for _, u := range res.Users {
			got = append(got, u.(*tg.User).ID)
		}
		if diff := cmp.Diff(users, got); diff != "" {
			t.Fatalf("users (-want +got):\n%s", diff)
		}
		full, err := f.w.FullUser(key, user)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, full.FullUser.Settings); diff != "" {
			t.Fatalf("getFullUser settings (-want +got):\n%s", diff)
		}
	}

	check(t, f.kShop, carol, carolUser, bar(false), []int64{f.carolID, f.botID})
	if err := f.w.ToggleConnectedBotPaused(f.kShop, carol, true); err != nil {
		t.Fatal(err)
	}
	check(t, f.kShop, carol, carolUser, bar(true), []int64{f.carolID, f.botID})
	sc := f.shopForCarol.(*tg.InputPeerUser)
	check(t, f.kCarol, f.shopForCarol, &tg.InputUser{UserID: sc.UserID, AccessHash: sc.AccessHash}, tg.PeerSettings{}, []int64{f.shopID})

	// Without the right to reply the bar says so.
	if _, err := f.w.UpdateConnectedBot(f.kShop, ConnectedBot{
		Bot: f.bot, Recipients: tg.InputBusinessBotRecipients{NewChats: true, ExistingChats: true, NonContacts: true},
	}); err != nil {
		t.Fatal(err)
	}
	noReply := bar(true)
	noReply.BusinessBotCanReply = false
	check(t, f.kShop, carol, carolUser, noReply, []int64{f.carolID, f.botID})

	if err := f.w.ToggleConnectedBotPaused(f.kShop, carol, false); err != nil {
		t.Fatal(err)
	}
	if err := f.w.DisablePeerConnectedBot(f.kShop, carol); err != nil {
		t.Fatal(err)
	}
	check(t, f.kShop, carol, carolUser, tg.PeerSettings{}, []int64{f.carolID})
	f.connect(t, f.bot, nil)
	check(t, f.kShop, carol, carolUser, bar(false), []int64{f.carolID, f.botID})
	if _, err := f.w.UpdateConnectedBot(f.kShop, ConnectedBot{Bot: f.bot, Deleted: true}); err != nil {
		t.Fatal(err)
	}
	check(t, f.kShop, carol, carolUser, tg.PeerSettings{}, []int64{f.carolID})
}

// TestPeerSettingsErrors: bots may not ask; a peer the person cannot name is refused.
func TestPeerSettingsErrors(t *testing.T) {
	f := newBizCallbackFixture(t)
	tests := []struct {
		name string
		key  KeyID
		peer tg.InputPeerClass
		want error
	}{
		{"bot", f.kBot, f.carolForBot, ErrBotMethodInvalid},
		{"unknown user", f.kShop, &tg.InputPeerUser{UserID: 1 << 40}, ErrPeerIDInvalid},
		{"empty", f.kShop, &tg.InputPeerEmpty{}, ErrPeerIDInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.w.PeerSettings(tt.key, tt.peer)
			wantErr(t, "getPeerSettings", err, tt.want)
		})
	}
	self, err := f.w.PeerSettings(f.kShop, &tg.InputPeerSelf{})
	if err != nil || self.Settings != (tg.PeerSettings{}) {
		t.Fatalf("own chat: %+v, %v", self, err)
	}
}
