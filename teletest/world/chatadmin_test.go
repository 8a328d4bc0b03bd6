package world

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestRightsHelpers(t *testing.T) {
	within := []struct {
		a, b tg.ChatAdminRights
		want bool
	}{
		{tg.ChatAdminRights{}, tg.ChatAdminRights{}, true},
		{tg.ChatAdminRights{BanUsers: true}, fullAdminRights(), true},
		{tg.ChatAdminRights{BanUsers: true, Anonymous: true}, fullAdminRights(), false},
		{tg.ChatAdminRights{ManageTopics: true}, tg.ChatAdminRights{BanUsers: true}, false},
	}
	for _, tt := range within {
		if got := rightsWithin(tt.a, tt.b); got != tt.want {
			t.Errorf("rightsWithin(%+v, %+v) = %v", tt.a, tt.b, got)
		}
	}
	got := unionRights(tg.ChatBannedRights{SendPlain: true, UntilDate: 5}, tg.ChatBannedRights{SendMedia: true, UntilDate: 9})
	if want := (tg.ChatBannedRights{SendPlain: true, SendMedia: true, UntilDate: 9}); got != want {
		t.Errorf("unionRights = %+v, want %+v", got, want)
	}
}

func TestCheckContent(t *testing.T) {
	text, pic := content{text: "hi"}, content{media: &media{}}
	svc := content{action: &tg.MessageActionChatAddUser{}}
	tests := []struct {
		name   string
		rights tg.ChatBannedRights
		c      content
		want   error
	}{
		{"free text", tg.ChatBannedRights{}, text, nil},
		{"no messages", tg.ChatBannedRights{SendMessages: true}, pic, ErrChatWriteForbidden},
		{"no text", tg.ChatBannedRights{SendPlain: true}, text, rpcErr(403, "CHAT_SEND_PLAIN_FORBIDDEN")},
		{"no text, media", tg.ChatBannedRights{SendPlain: true}, pic, nil},
		{"no media", tg.ChatBannedRights{SendMedia: true}, pic, rpcErr(403, "CHAT_SEND_MEDIA_FORBIDDEN")},
		{"service message", tg.ChatBannedRights{SendPlain: true}, svc, nil},
	}
	for _, tt := range tests {
		got := checkContent(tt.rights, tt.c)
		if tt.want == nil && got != nil || tt.want != nil && (got == nil || got.Error() != tt.want.Error()) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPageAfter(t *testing.T) {
	all := []int{1, 2, 3, 4, 5}
	tests := []struct {
		name  string
		has   bool
		after int
		limit int32
		want  []int
	}{
		{"first page", false, 0, 2, []int{1, 2}},
		{"after 2", true, 2, 2, []int{3, 4}},
		{"after the last", true, 5, 2, []int{}},
		{"unknown offset", true, 9, 2, []int{}},
		{"limit out of range", false, 0, 0, []int{1, 2, 3}},
	}
	for _, tt := range tests {
		got := pageAfter(all, tt.has, func(v int) bool { return v == tt.after }, tt.limit, 3)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
