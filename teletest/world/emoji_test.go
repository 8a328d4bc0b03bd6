package world

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestAvailableReactions(t *testing.T) {
	w := newWorld(t, Config{})
	u, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001", Username: "alice"})
	key := KeyID{1}
	if err := w.Authorize(key, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AvailableReactions(KeyID{9}, 0); !errors.Is(err, ErrAuthKeyUnregistered) {
		t.Fatalf("unauthorized key: %v", err)
	}
	first, err := w.AvailableReactions(key, 0)
	if err != nil {
		t.Fatal(err)
	}
	list, ok := first.(*tg.MessagesAvailableReactions)
	if !ok || list.Hash == 0 || len(list.Reactions) != len(catalogueReactions) {
		t.Fatalf("first answer %#v", first)
	}
	for i, r := range list.Reactions {
		icon, ok := r.StaticIcon.(*tg.Document)
		if !ok || r.Reaction != catalogueReactions[i].emoticon || icon.MimeType != "image/webp" {
			t.Fatalf("reaction %d: %+v", i, r)
		}
		if got, err := w.GetFile(key, 0, &tg.InputDocumentFileLocation{ID: icon.ID, AccessHash: icon.AccessHash, FileReference: icon.FileReference}, 0, 4096, false); err != nil || len(got.Bytes) != int(icon.Size) {
			t.Fatalf("reaction %d: icon download %v, %v", i, got, err)
		}
	}
	for _, tc := range []struct {
		name string
		hash int32
		want string
	}{
		{"current hash", list.Hash, "messages.availableReactionsNotModified"},
		{"other hash", list.Hash + 2, "messages.availableReactions"},
		{"no hash", 0, "messages.availableReactions"},
	} {
		got, err := w.AvailableReactions(key, tc.hash)
		if err != nil || got.TypeName() != tc.want {
			t.Errorf("%s: %v, %v; want %s", tc.name, got, err, tc.want)
		}
	}
	again, _ := w.AvailableReactions(key, 0)
	if diff := cmp.Diff(list, again); diff != "" {
		t.Errorf("the catalogue changed (-first +again):\n%s", diff)
	}
}

func TestCustomEmojiDocuments(t *testing.T) {
	w := newWorld(t, Config{})
	u, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001", Username: "alice"})
	key := KeyID{1}
	if err := w.Authorize(key, u.ID); err != nil {
		t.Fatal(err)
	}
	smile, err := w.AddCustomEmoji(CustomEmojiSpec{Alt: "😀", Free: true})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := w.AddCustomEmoji(CustomEmojiSpec{Alt: "🐱", MimeType: "video/webm", Data: []byte("webm")})
	if err != nil {
		t.Fatal(err)
	}
	cat0, _ := w.AvailableReactions(key, 0) // stores stickers that are not custom emoji
	notEmoji := cat0.(*tg.MessagesAvailableReactions).Reactions[0].StaticIcon.(*tg.Document).ID
	for _, tc := range []struct {
		name string
		ids  []int64
		want []int64
	}{
		{"none", nil, []int64{}},
		{"in order asked", []int64{cat, smile}, []int64{cat, smile}},
		{"unknown and repeated ids left out", []int64{smile, 42, smile, notEmoji, cat}, []int64{smile, cat}},
	} {
		docs, err := w.CustomEmojiDocuments(key, tc.ids)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := []int64{}
		for _, d := range docs {
			got = append(got, d.(*tg.Document).ID)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	docs, _ := w.CustomEmojiDocuments(key, []int64{cat})
	d := docs[0].(*tg.Document)
	emoji, ok := d.Attributes[0].(*tg.DocumentAttributeCustomEmoji)
	if !ok || emoji.Alt != "🐱" || emoji.Free || d.MimeType != "video/webm" || d.Size != 4 {
		t.Fatalf("document %+v", d)
	}
	many := make([]int64, MaxCustomEmojiIDs+1)
	many[MaxCustomEmojiIDs] = smile
	if docs, err := w.CustomEmojiDocuments(key, many); err != nil || len(docs) != 0 {
		t.Fatalf("an id past the limit answered: %v, %v", docs, err)
	}
}
