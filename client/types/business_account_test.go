package types

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestNewConnectedBusinessBot(t *testing.T) {
	bot := &tg.User{ID: 7, Bot: true, FirstName: tl.Some("Desk")}
	full := &tg.ConnectedBot{
		BotID: 7,
		Recipients: tg.BusinessBotRecipients{
			ExistingChats: true, NewChats: true, ExcludeSelected: true, Users: []int64{3}, ExcludeUsers: []int64{4},
		},
		Rights:   tg.BusinessBotRights{Reply: true, DeleteReceivedMessages: true, ManageStories: true},
		Date:     tl.Some[int32](1700000000),
		Device:   tl.Some("Phone"),
		Location: tl.Some("Paris"),
	}
	tests := []struct {
		name  string
		in    *tg.ConnectedBot
		users []tg.UserClass
		want  *ConnectedBusinessBot
	}{
		{"nil", nil, nil, nil},
		{"full", full, []tg.UserClass{bot}, &ConnectedBusinessBot{
			Bot:    &User{ID: 7, IsBot: true, FirstName: "Desk", Raw: bot},
			Rights: BusinessBotRights{Reply: true, DeleteReceivedMessages: true, ManageStories: true},
			Recipients: BusinessBotRecipients{
				BusinessRecipients: BusinessRecipients{ExistingChats: true, NewChats: true, ExcludeSelected: true, Users: []int64{3}},
				ExcludeUsers:       []int64{4},
			},
			Date: time.Unix(1700000000, 0), Device: "Phone", Location: "Paris", Raw: full,
		}},
		{"bot not carried", &tg.ConnectedBot{BotID: 9}, nil, &ConnectedBusinessBot{Bot: &User{ID: 9}, Raw: &tg.ConnectedBot{BotID: 9}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewConnectedBusinessBot(tt.in, NewEntities(tt.users, nil))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestBusinessBotRightsRoundTrip(t *testing.T) {
	r := tg.BusinessBotRights{Reply: true, EditBio: true, TransferStars: true}
	if got := BusinessBotRightsFrom(r).TG(); got != r {
		t.Fatalf("round trip %+v, want %+v", got, r)
	}
}
