package mtgo

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// pageMessages are the messages of the answers below: message#... with the fields a page
// carries (entities, a reply, a forward header), a service message and an empty one.
func pageMessages() []tg.MessageClass {
	return []tg.MessageClass{
		&tg.Message{ID: 13, PeerID: &tg.PeerChannel{ChannelID: 7}, Date: 1700000003, Message: "news", Views: tl.Some[int32](40), Forwards: tl.Some[int32](2)},
		&tg.Message{
			Out: true, ID: 12, FromID: &tg.PeerUser{UserID: 1}, PeerID: &tg.PeerUser{UserID: 2}, Date: 1700000002,
			Message: "bold text", Entities: []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 0, Length: 4}},
			ReplyTo: &tg.MessageReplyHeader{ReplyToMsgID: tl.Some[int32](11)}, Views: tl.Some[int32](5), Forwards: tl.Some[int32](1),
		},
		&tg.MessageService{ID: 11, PeerID: &tg.PeerUser{UserID: 2}, Date: 1700000001, Action: &tg.MessageActionHistoryClear{}},
		&tg.MessageEmpty{ID: 10},
		&tg.Message{
			ID: 9, PeerID: &tg.PeerUser{UserID: 2}, Date: 1700000000, Message: "forwarded",
			FwdFrom: &tg.MessageFwdHeader{FromID: &tg.PeerUser{UserID: 3}, Date: 1600000000},
		},
	}
}

func pageUsers() []tg.UserClass {
	return []tg.UserClass{
		&tg.User{ID: 1, Self: true, FirstName: tl.Some("Ann"), AccessHash: tl.Some[int64](10)},
		&tg.User{ID: 2, FirstName: tl.Some("Bob"), AccessHash: tl.Some[int64](20)},
	}
}

func TestPageBoxDecodesEveryAnswer(t *testing.T) {
	chats := []tg.ChatClass{
		&tg.Chat{ID: 5, Title: "group", Photo: &tg.ChatPhotoEmpty{}},
		&tg.Channel{ID: 7, Broadcast: true, Title: "news", Photo: &tg.ChatPhotoEmpty{}, AccessHash: tl.Some[int64](70)},
	}
	tests := []struct {
		name string
		in   tg.MessagesMessagesClass
		want page // msgs, users and chats compared separately
	}{
		{"messages", &tg.MessagesMessages{Messages: pageMessages(), Chats: chats, Users: pageUsers()},
			page{count: 5, complete: true}},
		{"slice", &tg.MessagesMessagesSlice{
			Inexact: true, Count: 40, NextRate: tl.Some[int32](77), OffsetIDOffset: tl.Some[int32](3),
			SearchFlood: &tg.SearchPostsFlood{QueryIsFree: true, TotalDaily: 10, Remains: 9},
			Messages:    pageMessages(), Topics: []tg.ForumTopicClass{&tg.ForumTopicDeleted{ID: 1}}, Chats: chats, Users: pageUsers(),
		}, page{count: 40, nextRate: 77}},
		{"slice without options", &tg.MessagesMessagesSlice{Count: 5, Messages: pageMessages()}, page{count: 5}},
		{"channel", &tg.MessagesChannelMessages{
			Inexact: true, Pts: 100, Count: 50, OffsetIDOffset: tl.Some[int32](2), Messages: pageMessages(), Chats: chats, Users: pageUsers(),
		}, page{count: 50}},
		{"not modified", &tg.MessagesMessagesNotModified{Count: 7}, page{count: -1, complete: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w tl.Buffer
			if err := tt.in.Encode(&w); err != nil {
				t.Fatal(err)
			}
			var gen tg.MessagesMessagesClassBox
			if err := gen.Decode(bufOf(w.Buf)); err != nil {
				t.Fatal(err)
			}
			want := pageOf(gen.MessagesMessages)
			var box pageBox
			for range 2 { // the second time over the first page's scratch
				b := bufOf(w.Buf)
				if err := box.Decode(b); err != nil {
					t.Fatal(err)
				}
				if b.Len() != 0 {
					t.Fatalf("%d bytes left", b.Len())
				}
				got := box.pg
				if got.count != tt.want.count || got.complete != tt.want.complete || got.nextRate != tt.want.nextRate {
					t.Fatalf("page = count %d complete %v next rate %d, want %+v", got.count, got.complete, got.nextRate, tt.want)
				}
				if d := cmp.Diff(want.msgs, got.msgs); d != "" {
					t.Errorf("messages (-generated +pageBox):\n%s", d)
				}
				if d := cmp.Diff(want.users, got.users, cmp.Comparer(func(a, b []tg.UserClass) bool { return len(a) == len(b) && (len(a) == 0 || cmp.Equal(a, b)) })); d != "" {
					t.Errorf("users (-generated +pageBox):\n%s", d)
				}
				if len(got.chats) != len(want.chats) {
					t.Errorf("%d chats, want %d", len(got.chats), len(want.chats))
				}
				// The built messages: the same as from the generated objects, Raw included.
				e := types.NewEntities(got.users, got.chats)
				for i, raw := range want.msgs {
					m, w := box.message(nil, i, e), types.NewMessage(nil, raw, e)
					if (m == nil) != (w == nil) {
						t.Fatalf("message %d: %v, want %v", i, m, w)
					}
					if m == nil {
						continue
					}
					if d := cmp.Diff(w.Raw(), m.Raw()); d != "" {
						t.Errorf("message %d Raw (-generated +pageBox):\n%s", i, d)
					}
					if m.Raw() != m.Raw() {
						t.Errorf("message %d: Raw decoded twice", i)
					}
					if i == 0 && len(got.chats) > 0 && (!m.IsChannelPost || m.Chat.Title != "news") {
						t.Errorf("post in a known broadcast channel: IsChannelPost %v, chat %+v", m.IsChannelPost, m.Chat)
					}
					if d := cmp.Diff(w, m, cmpopts.IgnoreUnexported(types.Message{}, types.Chat{}, types.User{})); d != "" {
						t.Errorf("message %d (-NewMessage +pageBox):\n%s", i, d)
					}
				}
			}
		})
	}
}

func TestPageBoxRejectsGarbage(t *testing.T) {
	var w tl.Buffer
	if err := (&tg.MessagesMessagesSlice{Count: 4, Messages: pageMessages(), Users: pageUsers()}).Encode(&w); err != nil {
		t.Fatal(err)
	}
	for n := range len(w.Buf) { // every truncation
		var box pageBox
		b := bufOf(w.Buf[:n])
		if err := box.Decode(b); err == nil {
			t.Fatalf("%d of %d bytes decoded", n, len(w.Buf))
		}
		// A failed decode leaves the buffer at the depth it found it, or a decode read on
		// from the same buffer would be refused nesting sooner.
		if d := b.Depth(); d != 0 {
			t.Fatalf("%d of %d bytes: depth %d after the error, want 0", n, len(w.Buf), d)
		}
	}
	var box pageBox
	if err := box.Decode(bufOf([]byte{1, 2, 3, 4})); err == nil {
		t.Fatal("unknown constructor decoded")
	}
}

// FuzzPageBox: the page decoder never panics, and accepts exactly what the generated decoder
// accepts, with the same messages.
func FuzzPageBox(f *testing.F) {
	for _, in := range []tg.MessagesMessagesClass{
		&tg.MessagesMessages{Messages: pageMessages(), Users: pageUsers()},
		&tg.MessagesMessagesSlice{Count: 9, NextRate: tl.Some[int32](1), Messages: pageMessages()},
		&tg.MessagesChannelMessages{Count: 9, Messages: pageMessages()},
		&tg.MessagesMessagesNotModified{Count: 1},
	} {
		var w tl.Buffer
		if err := in.Encode(&w); err != nil {
			f.Fatal(err)
		}
		f.Add(w.Buf)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var box pageBox
		err := box.Decode(bufOf(data))
		var gen tg.MessagesMessagesClassBox
		gerr := gen.Decode(bufOf(data))
		if (err == nil) != (gerr == nil) {
			t.Fatalf("pageBox error %v, generated decoder's %v", err, gerr)
		}
		if err != nil {
			return
		}
		want := pageOf(gen.MessagesMessages)
		if len(box.pg.msgs) != len(want.msgs) {
			t.Fatalf("%d messages, want %d", len(box.pg.msgs), len(want.msgs))
		}
		e := types.NewEntities(box.pg.users, box.pg.chats)
		for i := range box.pg.msgs {
			if m := box.message(nil, i, e); m != nil && m.Raw() == nil {
				t.Fatalf("message %d has no Raw", i)
			}
		}
	})
}

// bufOf returns a Buffer reading p.
func bufOf(p []byte) *tl.Buffer {
	var b tl.Buffer
	b.ResetTo(p)
	return &b
}

// A buffer the session lends (Alias: a packet nobody reuses) is kept, not copied.
func TestPageBoxKeepsAliasedPacket(t *testing.T) {
	var w tl.Buffer
	if err := (&tg.MessagesMessages{Messages: pageMessages(), Users: pageUsers()}).Encode(&w); err != nil {
		t.Fatal(err)
	}
	for _, alias := range []bool{false, true} {
		b := bufOf(w.Buf)
		if alias {
			b.Alias(1)
		}
		var box pageBox
		if err := box.Decode(b); err != nil {
			t.Fatal(err)
		}
		p, first, last := unsafe.StringData(box.wire), &w.Buf[0], &w.Buf[len(w.Buf)-1]
		inside := uintptr(unsafe.Pointer(p)) >= uintptr(unsafe.Pointer(first)) && uintptr(unsafe.Pointer(p)) <= uintptr(unsafe.Pointer(last))
		if inside != alias {
			t.Errorf("alias %v: wire inside the packet: %v", alias, inside)
		}
		m := box.message(nil, 1, types.NewEntities(box.pg.users, nil))
		if d := cmp.Diff(pageMessages()[1], m.Raw()); d != "" {
			t.Errorf("alias %v: Raw (-want +got):\n%s", alias, d)
		}
	}
}

// deepPage is a page whose one message nests n text styles (textBold of textBold ...) in the
// paragraph of its web page preview's cached page.
func deepPage(n int) []byte {
	var text tg.RichTextClass = &tg.TextPlain{Text: "x"}
	for range n {
		text = &tg.TextBold{Text: text}
	}
	page := &tg.Page{URL: "u", Blocks: []tg.PageBlockClass{&tg.PageBlockParagraph{Text: text}}}
	m := &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 2}, Date: 1700000000, Message: "deep",
		Media: &tg.MessageMediaWebPage{Webpage: &tg.WebPage{ID: 1, URL: "u", DisplayURL: "u", CachedPage: page}}}
	var w tl.Buffer
	if err := (&tg.MessagesMessagesSlice{Count: 1, Messages: []tg.MessageClass{m}}).Encode(&w); err != nil {
		panic(err)
	}
	return w.Buf
}

// TestPageBoxNestingLikeGenerated: the page decoder refuses nesting exactly where the
// generated decoder of messages.Messages does, and leaves the buffer at depth 0 either way.
// Before, it entered no level for the answer itself, so a message nested one level deeper
// than the generated decoder takes was accepted.
func TestPageBoxNestingLikeGenerated(t *testing.T) {
	accepted, refused := 0, 0
	for n := tl.MaxDepth - 16; n <= tl.MaxDepth; n++ {
		data := deepPage(n)
		var gen tg.MessagesMessagesClassBox
		gerr := gen.Decode(bufOf(data))
		var box pageBox
		b := bufOf(data)
		err := box.Decode(b)
		if (err == nil) != (gerr == nil) {
			t.Errorf("%d levels: pageBox error %v, generated decoder's %v", n, err, gerr)
		}
		if err != nil && !errors.Is(err, tl.ErrTooDeep) {
			t.Errorf("%d levels: %v, want ErrTooDeep", n, err)
		}
		if d := b.Depth(); d != 0 {
			t.Errorf("%d levels: depth %d after the decode, want 0", n, d)
		}
		if err == nil {
			accepted++
		} else {
			refused++
		}
	}
	if accepted == 0 || refused == 0 {
		t.Errorf("%d depths accepted, %d refused: the range should hold the limit", accepted, refused)
	}
}

// TestPageBoxDepthShape: the page decoder enters a level only through deeper, whose Leave
// runs on every path, so no other path can slip (the depth left after a decode shows only
// the paths a test runs).
func TestPageBoxDepthShape(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "history_page.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		ast.Inspect(fn, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Enter" || sel.Sel.Name == "Leave") {
				got = append(got, fn.Name.Name+": "+sel.Sel.Name)
			}
			return true
		})
	}
	if diff := cmp.Diff([]string{"deeper: Enter", "deeper: Leave"}, got); diff != "" {
		t.Errorf("Enter and Leave in history_page.go (-want +got):\n%s", diff)
	}
}
