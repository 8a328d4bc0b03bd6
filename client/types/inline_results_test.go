package types_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestInlineResultTL(t *testing.T) {
	docID, err := fileid.Encode(fileid.Location{Type: fileid.TypeDocument, DC: 2, FileReference: []byte{1}, ID: 10, AccessHash: -11})
	if err != nil {
		t.Fatal(err)
	}
	kb := types.NewInlineKeyboard().Row(types.CallbackButton("go", "go"))
	markup, err := kb.ToTL()
	if err != nil {
		t.Fatal(err)
	}
	noAttrs := []tg.DocumentAttributeClass{}
	tests := []struct {
		name    string
		in      *types.InlineResult
		want    tg.InputBotInlineResultClass
		wantErr bool
	}{
		{"article", types.NewInlineArticle("1", "Hi", "Hello").WithDescription("d").WithKeyboard(kb),
			&tg.InputBotInlineResult{ID: "1", Type: "article", Title: tl.Some("Hi"), Description: tl.Some("d"),
				SendMessage: &tg.InputBotInlineMessageText{Message: "Hello", ReplyMarkup: markup}}, false},
		{"photo", types.NewInlinePhoto("p", "https://x/a.jpg", "https://x/t.jpg").WithCaption("cap"),
			&tg.InputBotInlineResult{ID: "p", Type: "photo",
				Content:     &tg.InputWebDocument{URL: "https://x/a.jpg", MimeType: "image/jpeg", Attributes: noAttrs},
				Thumb:       &tg.InputWebDocument{URL: "https://x/t.jpg", MimeType: "image/jpeg", Attributes: noAttrs},
				SendMessage: &tg.InputBotInlineMessageMediaAuto{Message: "cap"}}, false},
		{"gif", types.NewInlineGIF("g", "https://x/a.gif", ""),
			&tg.InputBotInlineResult{ID: "g", Type: "gif",
				Content:     &tg.InputWebDocument{URL: "https://x/a.gif", MimeType: "image/gif", Attributes: noAttrs},
				SendMessage: &tg.InputBotInlineMessageMediaAuto{}}, false},
		{"voice", types.NewInlineVoice("v", "https://x/a.ogg", "Note"),
			&tg.InputBotInlineResult{ID: "v", Type: "voice", Title: tl.Some("Note"),
				Content: &tg.InputWebDocument{URL: "https://x/a.ogg", MimeType: "audio/ogg",
					Attributes: []tg.DocumentAttributeClass{&tg.DocumentAttributeAudio{Voice: true}}},
				SendMessage: &tg.InputBotInlineMessageMediaAuto{}}, false},
		{"venue", types.NewInlineVenue("ve", 1, 2, "Cafe", "Main St").WithKeyboard(kb),
			&tg.InputBotInlineResult{ID: "ve", Type: "venue", Title: tl.Some("Cafe"), Description: tl.Some("Main St"),
				SendMessage: &tg.InputBotInlineMessageMediaVenue{GeoPoint: &tg.InputGeoPoint{Lat: 1, Long: 2}, Title: "Cafe",
					Address: "Main St", ReplyMarkup: markup}}, false},
		{"contact", types.NewInlineContact("c", "+1555", "Ann", "Lee"),
			&tg.InputBotInlineResult{ID: "c", Type: "contact", Title: tl.Some("Ann"),
				SendMessage: &tg.InputBotInlineMessageMediaContact{PhoneNumber: "+1555", FirstName: "Ann", LastName: "Lee"}}, false},
		{"game", types.NewInlineGame("gm", "tetris"),
			&tg.InputBotInlineResultGame{ID: "gm", ShortName: "tetris", SendMessage: &tg.InputBotInlineMessageGame{}}, false},
		{"cached document", types.NewInlineCached("cd", types.InlineTypeDocument, docID).WithCaption("c"),
			&tg.InputBotInlineResultDocument{ID: "cd", Type: "document",
				Document:    &tg.InputDocument{ID: 10, AccessHash: -11, FileReference: []byte{1}},
				SendMessage: &tg.InputBotInlineMessageMediaAuto{Message: "c"}}, false},
		{"no id", types.NewInlineArticle("", "t", "x"), nil, true},
		{"long id", types.NewInlineArticle(strings.Repeat("a", 65), "t", "x"), nil, true},
		{"photo without file", &types.InlineResult{ID: "x", Type: types.InlineTypePhoto}, nil, true},
		{"article without message", &types.InlineResult{ID: "x", Type: types.InlineTypeArticle}, nil, true},
		{"bad file id", types.NewInlineCached("x", types.InlineTypeSticker, "nope"), nil, true},
		{"game without name", types.NewInlineGame("x", ""), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.TL()
			if tt.wantErr {
				if !errors.Is(err, types.ErrInlineResult) {
					t.Fatalf("err = %v, want ErrInlineResult", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := types.InlineResults(types.NewInlineArticle("1", "a", "b"), nil); !errors.Is(err, types.ErrInlineResult) {
		t.Fatalf("InlineResults with nil = %v", err)
	}
}
