package mtgo

import (
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// FuzzSecretEntities: whatever entities a peer sends (any offsets, lengths, kinds) convert
// without a panic, format as Markdown and HTML without one, and convert back to themselves.
func FuzzSecretEntities(f *testing.F) {
	var seed tl.Buffer
	for _, e := range []e2e.MessageEntityClass{
		&e2e.MessageEntityBold{Offset: 0, Length: 2}, &e2e.MessageEntityTextURL{Offset: 1, Length: 9, URL: "https://t.me"},
		&e2e.MessageEntityMentionName{Offset: 2, Length: 1, UserID: 5}, &e2e.MessageEntityBlockquote{Offset: -1, Length: 1 << 30},
		&e2e.MessageEntityCustomEmoji{Offset: 3, Length: 2, DocumentID: 1}, &e2e.MessageEntityPre{Length: 4, Language: "go"},
	} {
		if err := e.Encode(&seed); err != nil {
			f.Fatal(err)
		}
	}
	f.Add("hi 👋 bob", seed.Raw())
	f.Fuzz(func(t *testing.T, text string, data []byte) {
		var ents []e2e.MessageEntityClass
		b := &tl.Buffer{Buf: data}
		for b.Len() > 0 {
			e, err := e2e.DecodeMessageEntityClass(b)
			if err != nil {
				break
			}
			ents = append(ents, e)
		}
		plain := plainEntities(text, ents)
		m := &types.SecretMessage{Text: text, Entities: plain}
		_, _ = m.Markdown(), m.HTML()
		var kept []e2e.MessageEntityClass
		n16 := int64(len(utf16.Encode([]rune(text))))
		var scratch tl.Buffer
		for _, e := range ents {
			off, n := e2eSpan(&scratch, e)
			if x, ok := e.(*e2e.MessageEntityMentionName); (!ok || x.UserID > 0) && off >= 0 && n > 0 && int64(off)+int64(n) <= n16 {
				kept = append(kept, e)
			}
		}
		if diff := cmp.Diff(kept, secretEntities(plain)); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}

// TestSecretEntitiesInText: a peer's entities that do not lie in the text (a negative offset,
// an empty or negative length, an end past the text's UTF-16 length, offsets whose sum
// overflows 32 bits) are left out; the others are kept, as written.
func TestSecretEntitiesInText(t *testing.T) {
	const text = "hi 👋" // 5 UTF-16 units: the emoji takes two
	in := []e2e.MessageEntityClass{
		&e2e.MessageEntityBold{Offset: 0, Length: 2},
		&e2e.MessageEntityItalic{Offset: 3, Length: 2},
		&e2e.MessageEntityBlockquote{Offset: 0, Length: 5},
		&e2e.MessageEntityMentionName{Offset: 0, Length: 5, UserID: 7},
		&e2e.MessageEntityCode{Offset: -1, Length: 2},
		&e2e.MessageEntityCode{Offset: 1, Length: 0},
		&e2e.MessageEntityCode{Offset: 2, Length: -1},
		&e2e.MessageEntityCode{Offset: 3, Length: 3},
		&e2e.MessageEntityBlockquote{Offset: 5, Length: 1},
		&e2e.MessageEntityMentionName{Offset: 4, Length: 2, UserID: 7},
		&e2e.MessageEntityTextURL{Offset: 1 << 30, Length: 1 << 30, URL: "https://t.me"},
		&e2e.MessageEntityPre{Offset: 2147483647, Length: 2147483647},
	}
	want := []tg.MessageEntityClass{
		&tg.MessageEntityBold{Offset: 0, Length: 2},
		&tg.MessageEntityItalic{Offset: 3, Length: 2},
		&tg.MessageEntityBlockquote{Offset: 0, Length: 5},
		&tg.MessageEntityMentionName{Offset: 0, Length: 5, UserID: 7},
	}
	if diff := cmp.Diff(want, plainEntities(text, in)); diff != "" {
		t.Fatalf("entities (-want +got):\n%s", diff)
	}
	if got := plainEntities("", in); got != nil {
		t.Fatalf("entities of no text: %v", got)
	}
}
