package mtgo_test

import (
	"errors"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

func TestTextEntryPoints(t *testing.T) {
	if _, _, err := mtgo.ParseText(9, "x"); !errors.Is(err, mtgo.ErrUnknownParseMode) {
		t.Fatalf("ParseText with mode 9: err = %v", err)
	}
	if _, err := mtgo.FormatText(9, "x", nil); !errors.Is(err, mtgo.ErrUnknownParseMode) {
		t.Fatalf("FormatText with mode 9: err = %v", err)
	}
	if _, _, err := mtgo.ParseText(mtgo.ParseModeHTML, "<b>x"); !errors.Is(err, mtgo.ErrParse) {
		t.Fatalf("unclosed tag: err = %v", err)
	}
	text, ents, err := mtgo.ParseText(mtgo.ParseModeMarkdown, "**a** [b](tg://user?id=3)")
	if err != nil {
		t.Fatal(err)
	}
	back, err := mtgo.FormatText(mtgo.ParseModeMarkdown, text, ents)
	if err != nil || back != "**a** [b](tg://user?id=3)" {
		t.Fatalf("FormatText = %q, %v", back, err)
	}
}
