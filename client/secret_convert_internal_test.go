package mtgo

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/e2e"
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
		plain := plainEntities(ents)
		m := &types.SecretMessage{Text: text, Entities: plain}
		_, _ = m.Markdown(), m.HTML()
		var kept []e2e.MessageEntityClass
		for _, e := range ents {
			if x, ok := e.(*e2e.MessageEntityMentionName); !ok || x.UserID > 0 {
				kept = append(kept, e)
			}
		}
		if diff := cmp.Diff(kept, secretEntities(plain)); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}
