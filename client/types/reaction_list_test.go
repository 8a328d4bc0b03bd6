package types

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestNewReactionList(t *testing.T) {
	sticker := &tg.Document{ID: 1, MimeType: "application/x-tgsticker", Attributes: []tg.DocumentAttributeClass{
		&tg.DocumentAttributeSticker{Alt: "👍", Stickerset: &tg.InputStickerSetEmpty{}},
	}}
	plain := &tg.Document{ID: 2, MimeType: "image/png", Attributes: []tg.DocumentAttributeClass{}}
	type row struct {
		Reaction, Title      string
		Inactive, Premium    bool
		Icon, Appear, Around string // the media's Go type, "" for none
	}
	kind := func(m Media) string {
		switch m.(type) {
		case nil:
			return ""
		case *Sticker:
			return "sticker"
		case *Document:
			return "document"
		}
		return "other"
	}
	for _, tc := range []struct {
		name string
		in   tg.MessagesAvailableReactionsClass
		hash int32
		want []row // nil: no list
	}{
		{"nil", nil, 0, nil},
		{"not modified", &tg.MessagesAvailableReactionsNotModified{}, 0, nil},
		{"empty list", &tg.MessagesAvailableReactions{Hash: 9, Reactions: []tg.AvailableReaction{}}, 9, []row{}},
		{"reactions", &tg.MessagesAvailableReactions{Hash: 7, Reactions: []tg.AvailableReaction{
			{Reaction: "👍", Title: "Thumbs Up", StaticIcon: sticker, AppearAnimation: sticker, AroundAnimation: plain},
			{Reaction: "🤩", Title: "Star", Premium: true, Inactive: true, StaticIcon: plain, AppearAnimation: &tg.DocumentEmpty{ID: 3}},
		}}, 7, []row{
			{"👍", "Thumbs Up", false, false, "sticker", "sticker", "document"},
			{"🤩", "Star", true, true, "document", "", ""},
		}},
	} {
		got := NewReactionList(tc.in)
		if tc.want == nil {
			if got != nil {
				t.Errorf("%s: %+v, want nil", tc.name, got)
			}
			continue
		}
		rows := []row{}
		for i, r := range got.Reactions {
			if r.Raw != &tc.in.(*tg.MessagesAvailableReactions).Reactions[i] {
				t.Errorf("%s: reaction %d: Raw is not the TL object", tc.name, i)
			}
			rows = append(rows, row{r.Reaction, r.Title, r.Inactive, r.Premium, kind(r.StaticIcon), kind(r.AppearAnimation), kind(r.AroundAnimation)})
		}
		if diff := cmp.Diff(tc.want, rows); diff != "" || got.Hash != tc.hash {
			t.Errorf("%s: hash %d (want %d), reactions (-want +got):\n%s", tc.name, got.Hash, tc.hash, diff)
		}
	}
	if NewAvailableReaction(nil) != nil {
		t.Error("NewAvailableReaction(nil) is not nil")
	}
}
