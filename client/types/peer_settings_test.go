package types

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestNewPeerSettings(t *testing.T) {
	e := NewEntities([]tg.UserClass{&tg.User{ID: 8, FirstName: tl.Some("Desk"), Bot: true}}, nil)
	tests := []struct {
		name string
		in   *tg.PeerSettings
		want *PeerSettings
	}{
		{name: "nil"},
		{name: "empty", in: &tg.PeerSettings{}, want: &PeerSettings{}},
		{
			name: "business bot, paused",
			in: &tg.PeerSettings{BusinessBotID: tl.Some[int64](8), BusinessBotManageURL: tl.Some("https://t.me/desk_bot?start=bizChat5"),
				BusinessBotPaused: true, BusinessBotCanReply: true},
			want: &PeerSettings{BusinessBot: &BusinessBotBar{
				Bot: &User{ID: 8, FirstName: "Desk", IsBot: true}, ManageURL: "https://t.me/desk_bot?start=bizChat5", Paused: true, CanReply: true,
			}},
		},
		{
			name: "business bot not carried",
			in:   &tg.PeerSettings{BusinessBotID: tl.Some[int64](9), BusinessBotManageURL: tl.Some("u")},
			want: &PeerSettings{BusinessBot: &BusinessBotBar{Bot: &User{ID: 9}, ManageURL: "u"}},
		},
		{
			name: "stranger",
			in: &tg.PeerSettings{ReportSpam: true, AddContact: true, BlockContact: true, ShareContact: true, NeedContactsException: true,
				ReportGeo: true, GeoDistance: tl.Some[int32](150), Autoarchived: true, InviteMembers: true,
				RequestChatTitle: tl.Some("Club"), RequestChatDate: tl.Some[int32](1000), RequestChatBroadcast: true,
				ChargePaidMessageStars: tl.Some[int64](20), RegistrationMonth: tl.Some("03.2021"), PhoneCountry: tl.Some("NL"),
				NameChangeDate: tl.Some[int32](2000), PhotoChangeDate: tl.Some[int32](3000)},
			want: &PeerSettings{ReportSpam: true, AddContact: true, BlockContact: true, ShareContact: true, NeedContactsException: true,
				ReportGeo: true, GeoDistance: 150, Autoarchived: true, InviteMembers: true,
				RequestChatTitle: "Club", RequestChatDate: time.Unix(1000, 0), RequestChatBroadcast: true,
				ChargePaidMessageStars: 20, RegistrationMonth: "03.2021", PhoneCountry: "NL",
				NameChangeDate: time.Unix(2000, 0), PhotoChangeDate: time.Unix(3000, 0)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewPeerSettings(tt.in, e)
			if got != nil && got.Raw != tt.in {
				t.Fatalf("Raw %p, want %p", got.Raw, tt.in)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(PeerSettings{}, "Raw"), cmpopts.IgnoreFields(User{}, "Raw")); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}
