package types_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestNewPrivacyRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rules []tg.PrivacyRuleClass
		want  types.PrivacyRules
	}{
		{"no rules: nobody", nil, types.PrivacyRules{Base: types.PrivacyNobody}},
		{"everybody", []tg.PrivacyRuleClass{&tg.PrivacyValueAllowAll{}}, types.PrivacyRules{Base: types.PrivacyEverybody}},
		{"contacts with exceptions", []tg.PrivacyRuleClass{
			&tg.PrivacyValueDisallowUsers{Users: []int64{5}},
			&tg.PrivacyValueAllowChatParticipants{Chats: []int64{7}},
			&tg.PrivacyValueAllowContacts{},
			&tg.PrivacyValueDisallowAll{},
		}, types.PrivacyRules{Base: types.PrivacyContacts, DisallowUsers: []int64{5}, AllowChats: []int64{7}}},
		{"close friends, premium and bots", []tg.PrivacyRuleClass{
			&tg.PrivacyValueAllowPremium{}, &tg.PrivacyValueDisallowBots{}, &tg.PrivacyValueAllowCloseFriends{},
		}, types.PrivacyRules{Base: types.PrivacyCloseFriends, AllowPremium: true, DisallowBots: true}},
		{"everybody wins over contacts", []tg.PrivacyRuleClass{&tg.PrivacyValueAllowContacts{}, &tg.PrivacyValueAllowAll{}},
			types.PrivacyRules{Base: types.PrivacyEverybody}},
	} {
		if diff := cmp.Diff(tc.want, types.NewPrivacyRules(tc.rules)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestPrivacyKeysAndMenuButtons(t *testing.T) {
	for k := types.PrivacyLastSeen; k <= types.PrivacyBirthday; k++ {
		if in, err := k.TL(); err != nil || in == nil {
			t.Errorf("key %d: %v, %v", k, in, err)
		}
	}
	if _, err := types.PrivacyKey(0).TL(); err == nil {
		t.Error("key 0 has a TL form")
	}
	for _, b := range []types.MenuButton{
		{Kind: types.MenuButtonDefault},
		{Kind: types.MenuButtonCommands},
		{Kind: types.MenuButtonWebApp, Text: "Open", URL: "https://example.com"},
	} {
		if got := types.NewMenuButton(b.TL()); got != b {
			t.Errorf("menu button %+v round trips to %+v", b, got)
		}
	}
}

func TestNewUserFull(t *testing.T) {
	if types.NewUserFull(nil) != nil {
		t.Fatal("nil answer gave a value")
	}
	res := &tg.UsersUserFull{
		FullUser: tg.UserFull{
			ID: 9, About: tl.Some("bio"), CommonChatsCount: 3, Blocked: true,
			Birthday:          &tg.Birthday{Day: 1, Month: 4},
			PersonalChannelID: tl.Some[int64](77),
			ProfilePhoto:      &tg.Photo{ID: 11, AccessHash: 12, DCID: 2, VideoSizes: []tg.VideoSizeClass{&tg.VideoSize{Type: "u"}}},
			BusinessLocation:  &tg.BusinessLocation{Address: "Main St"},
			BotInfo: &tg.BotInfo{
				Description: tl.Some("does things"), Commands: []tg.BotCommand{{Command: "go", Description: "Go"}},
				MenuButton: &tg.BotMenuButtonCommands{},
			},
			BotGroupAdminRights: &tg.ChatAdminRights{BanUsers: true},
		},
		Users: []tg.UserClass{&tg.User{ID: 8}, &tg.User{ID: 9, FirstName: tl.Some("Nine")}},
	}
	f := types.NewUserFull(res)
	if f.User == nil || f.User.FirstName != "Nine" || f.Bio != "bio" || f.CommonChatsCount != 3 || !f.Blocked ||
		f.PersonalChannelID != 77 || *f.Birthday != (types.Birthday{Day: 1, Month: 4}) {
		t.Fatalf("NewUserFull = %+v", f)
	}
	if f.Photo == nil || f.Photo.ID != 11 || !f.Photo.IsVideo || f.Business == nil || f.Business.Address != "Main St" {
		t.Fatalf("photo %+v business %+v", f.Photo, f.Business)
	}
	want := &types.BotInfo{
		Description: "does things", Commands: []types.BotCommand{{Command: "go", Description: "Go"}},
		MenuButton: types.MenuButton{Kind: types.MenuButtonCommands}, GroupAdminRights: &types.AdminRights{BanUsers: true},
	}
	if diff := cmp.Diff(want, f.Bot); diff != "" {
		t.Fatalf("bot info (-want +got):\n%s", diff)
	}
}
