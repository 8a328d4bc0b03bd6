package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// storyPushes returns, per update, "id caption" of the updateStory items in ups ("id -" for a
// deleted one).
func storyPushes(ups []tg.UpdatesClass) []string {
	var out []string
	for _, u := range flatten(ups) {
		s, ok := u.(*tg.UpdateStory)
		if !ok {
			continue
		}
		switch it := s.Story.(type) {
		case *tg.StoryItem:
			if it.Out {
				out = append(out, "out!")
			}
			out = append(out, it.Caption.Value)
		case *tg.StoryItemDeleted:
			out = append(out, "deleted")
		}
	}
	return out
}

func TestStoryReachesAudience(t *testing.T) {
	h, carol, dave := pair(t) // Dave wrote to Carol: they have a private chat
	stranger := h.user("Stranger", "79990007001")
	bot := h.bot("story_push_bot")
	h.send(dave, dave.peerOf(bot), "hi bot")
	// photo uploads a fresh file: an uploaded file is used once.
	var fileID int64
	photo := func() tg.InputMediaClass {
		fileID++
		if _, err := dave.api.UploadSaveFilePart(ctx(), &tg.UploadSaveFilePartRequest{FileID: fileID, Bytes: []byte("jpeg")}); err != nil {
			t.Fatal(err)
		}
		return &tg.InputMediaUploadedPhoto{File: &tg.InputFile{ID: fileID, Parts: 1}}
	}
	everybody := []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowAll{}}
	for _, a := range []*account{carol, dave, stranger, bot} {
		a.updates()
	}

	steps := []struct {
		name string
		do   func() error
		want []string // what Carol receives
	}{
		{"public story", func() error {
			_, err := dave.api.StoriesSendStory(ctx(), &tg.StoriesSendStoryRequest{Peer: &tg.InputPeerSelf{}, Media: photo(), Caption: someStr("one"), PrivacyRules: everybody, RandomID: 1})
			return err
		}, []string{"one"}},
		{"contacts story", func() error {
			_, err := dave.api.StoriesSendStory(ctx(), &tg.StoriesSendStoryRequest{Peer: &tg.InputPeerSelf{}, Media: photo(), Caption: someStr("two"), RandomID: 2,
				PrivacyRules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowContacts{}}})
			return err
		}, []string{"two"}},
		{"private story", func() error {
			_, err := dave.api.StoriesSendStory(ctx(), &tg.StoriesSendStoryRequest{Peer: &tg.InputPeerSelf{}, Media: photo(), Caption: someStr("three"), RandomID: 3,
				PrivacyRules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowAll{}}})
			return err
		}, nil},
		{"edit", func() error {
			_, err := dave.api.StoriesEditStory(ctx(), &tg.StoriesEditStoryRequest{Peer: &tg.InputPeerSelf{}, ID: 1, Caption: someStr("one!"), Entities: []tg.MessageEntityClass{}})
			return err
		}, []string{"one!"}},
		{"delete", func() error {
			_, err := dave.api.StoriesDeleteStories(ctx(), &tg.StoriesDeleteStoriesRequest{Peer: &tg.InputPeerSelf{}, ID: []int32{1, 3}})
			return err
		}, []string{"deleted"}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, storyPushes(carol.updates())); diff != "" {
			t.Errorf("%s: carol got (-want +got):\n%s", st.name, diff)
		}
		if got := append(storyPushes(stranger.updates()), storyPushes(bot.updates())...); len(got) != 0 {
			t.Errorf("%s: the stranger or the bot got %v", st.name, got)
		}
	}

	// A channel's story reaches its members who are people.
	reader := h.named("Reader", "reader_sp", "79990007002")
	if _, err := h.w.CreateChannel(dave.id, world.ChannelSpec{Title: "Tales", Username: "tales_sp", Members: []int64{reader.id, bot.id}}); err != nil {
		t.Fatal(err)
	}
	reader.updates()
	bot.updates()
	if _, err := dave.api.StoriesSendStory(ctx(), &tg.StoriesSendStoryRequest{
		Peer: resolveChannel(t, dave, "tales_sp"), Media: photo(), Caption: someStr("news"), PrivacyRules: everybody, RandomID: 4,
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"news"}, storyPushes(reader.updates())); diff != "" {
		t.Errorf("channel reader got (-want +got):\n%s", diff)
	}
	if got := storyPushes(bot.updates()); len(got) != 0 {
		t.Errorf("channel bot got %v", got)
	}
}
