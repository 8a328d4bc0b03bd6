package mtgo_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// chatPair logs in alice and bob and has alice send them n numbered messages ("m 1" ...).
func chatPair(t *testing.T, phone string, n int) (alice, bob *testClient, sent []*types.Message) {
	t.Helper()
	cl := cluster(t)
	alice, _ = e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Username: "alice" + phone, Phone: "1555" + phone + "1"})
	bob, _ = e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Username: "bob" + phone, Phone: "1555" + phone + "2"})
	for i := 1; i <= n; i++ {
		m, err := alice.SendMessage(ctxT(t), "@bob"+phone, fmt.Sprint("m ", i))
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, m)
	}
	return alice, bob, sent
}

// historyTexts is the texts of c's history with chat.
func historyTexts(t *testing.T, c *testClient, chat string) []string {
	t.Helper()
	msgs, err := collect(c.GetChatHistory(ctxT(t), chat))
	if err != nil {
		t.Fatal(err)
	}
	return texts(msgs)
}

func TestE2EGetMessages(t *testing.T) {
	alice, bob, sent := chatPair(t, "7201", 5)
	ids := []int{sent[3].ID, 9999, sent[0].ID}
	got, err := alice.GetMessages(ctxT(t), "@bob7201", ids...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"m 4", "m 1"}, texts(got)); diff != "" {
		t.Fatalf("GetMessages (-want +got):\n%s", diff)
	}
	// Bob's ids are his own: read them from his history, then fetch them.
	his, err := collect(bob.GetChatHistory(ctxT(t), "@alice7201", mtgo.WithLimit(2)))
	if err != nil {
		t.Fatal(err)
	}
	again, err := bob.GetMessages(ctxT(t), "@alice7201", his[1].ID, his[0].ID)
	if err != nil || !slices.Equal(texts(again), []string{"m 4", "m 5"}) {
		t.Fatalf("bob's GetMessages = %v, %v", texts(again), err)
	}
	if _, err := alice.GetMediaGroup(ctxT(t), "@bob7201", sent[0].ID); !errors.Is(err, mtgo.ErrNotMediaGroup) {
		t.Fatalf("GetMediaGroup of a text: %v", err)
	}
}

func TestE2EDeleteAndPins(t *testing.T) {
	alice, bob, sent := chatPair(t, "7202", 6)
	tests := []struct {
		name      string
		do        func() (int, error)
		wantN     int
		wantAlice []string
		wantBob   []string
	}{
		{"for me", func() (int, error) { return alice.DeleteMessagesForMe(ctxT(t), "@bob7202", sent[5].ID) }, 1,
			[]string{"m 5", "m 4", "m 3", "m 2", "m 1"}, []string{"m 6", "m 5", "m 4", "m 3", "m 2", "m 1"}},
		{"for everyone", func() (int, error) { return alice.DeleteMessages(ctxT(t), "@bob7202", sent[4].ID) }, 1,
			[]string{"m 4", "m 3", "m 2", "m 1"}, []string{"m 6", "m 4", "m 3", "m 2", "m 1"}},
		{"history up to an id, for me", func() (int, error) { return alice.DeleteChatHistory(ctxT(t), "@bob7202", sent[1].ID, false) }, 2,
			[]string{"m 4", "m 3"}, []string{"m 6", "m 4", "m 3", "m 2", "m 1"}},
		{"whole history for both", func() (int, error) { return bob.DeleteChatHistory(ctxT(t), "@alice7202", 0, true) }, 5,
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.do()
			if err != nil || n != tt.wantN {
				t.Fatalf("deleted %d, %v; want %d", n, err, tt.wantN)
			}
			if diff := cmp.Diff(tt.wantAlice, historyTexts(t, alice, "@bob7202")); diff != "" {
				t.Errorf("alice (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantBob, historyTexts(t, bob, "@alice7202")); diff != "" {
				t.Errorf("bob (-want +got):\n%s", diff)
			}
		})
	}

	// Pins: two pinned messages, then all unpinned, on both sides.
	for i := range 2 {
		m, err := alice.SendMessage(ctxT(t), "@bob7202", fmt.Sprint("pin me ", i))
		if err != nil {
			t.Fatal(err)
		}
		if err := alice.PinChatMessage(ctxT(t), "@bob7202", m.ID); err != nil {
			t.Fatal(err)
		}
	}
	pins := func(c *testClient, chat string) []string {
		got, err := collect(c.SearchMessages(ctxT(t), chat, "", mtgo.WithFilter(mtgo.FilterPinned)))
		if err != nil {
			t.Fatal(err)
		}
		return texts(got)
	}
	if got := pins(bob, "@alice7202"); !slices.Equal(got, []string{"pin me 1", "pin me 0"}) {
		t.Fatalf("bob's pins = %v", got)
	}
	if _, err := bob.UnpinAllChatMessages(ctxT(t), "@alice7202"); err != nil {
		t.Fatal(err)
	}
	if a, b := pins(alice, "@bob7202"), pins(bob, "@alice7202"); len(a)+len(b) != 0 {
		t.Fatalf("after UnpinAllChatMessages: alice %v, bob %v", a, b)
	}

	// Read marks.
	for name, read := range map[string]func() error{
		"history":   func() error { return bob.ReadChatHistory(ctxT(t), "@alice7202", 0) },
		"mentions":  func() error { return bob.ReadMentions(ctxT(t), "@alice7202") },
		"reactions": func() error { return bob.ReadReactions(ctxT(t), "@alice7202") },
	} {
		if err := read(); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
	}
}

// channelPair is alice, the creator of a supergroup and a public broadcast channel, and bob,
// a member of both.
func channelPair(t *testing.T, phone string) (alice, bob *testClient, group, news string) {
	t.Helper()
	cl := cluster(t)
	alice, a := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Username: "alice" + phone, Phone: "1555" + phone + "1"})
	bob, b := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Username: "bob" + phone, Phone: "1555" + phone + "2"})
	group, news = "group"+phone, "news"+phone
	if _, err := cl.World().CreateChannel(a.ID, world.ChannelSpec{Title: "Group", Username: group, Megagroup: true, Members: []int64{b.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.World().CreateChannel(a.ID, world.ChannelSpec{Title: "News", Username: news, Members: []int64{b.ID}}); err != nil {
		t.Fatal(err)
	}
	return alice, bob, "@" + group, "@" + news
}

func TestE2EThreadsLinksViewsReactions(t *testing.T) {
	alice, bob, group, news := channelPair(t, "7203")
	top, err := alice.SendMessage(ctxT(t), group, "topic")
	if err != nil {
		t.Fatal(err)
	}
	r1, err := bob.SendMessage(ctxT(t), group, "reply 1", mtgo.WithReplyTo(top.ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.SendMessage(ctxT(t), group, "reply 2", mtgo.WithReplyTo(r1.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.SendMessage(ctxT(t), group, "elsewhere"); err != nil {
		t.Fatal(err)
	}

	t.Run("replies", func(t *testing.T) {
		for who, c := range map[string]*testClient{"alice": alice, "bob": bob} {
			got, err := collect(c.GetDiscussionReplies(ctxT(t), group, top.ID, mtgo.WithPageSize(1)))
			if err != nil || !slices.Equal(texts(got), []string{"reply 2", "reply 1"}) {
				t.Fatalf("%s's replies = %v, %v", who, texts(got), err)
			}
			n, err := c.GetDiscussionRepliesCount(ctxT(t), group, top.ID)
			if err != nil || n != 2 {
				t.Fatalf("%s's replies count = %d, %v", who, n, err)
			}
			d, err := c.GetDiscussionMessage(ctxT(t), group, r1.ID)
			if err != nil || d.ID != top.ID || d.Text != "topic" {
				t.Fatalf("%s's discussion message = %+v, %v", who, d, err)
			}
		}
	})

	post, err := alice.SendMessage(ctxT(t), news, "post")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("links", func(t *testing.T) {
		tests := []struct {
			chat string
			id   int
			want string
		}{
			{news, post.ID, fmt.Sprintf("https://t.me/%s/%d", news[1:], post.ID)},
			{group, r1.ID, fmt.Sprintf("https://t.me/%s/%d", group[1:], r1.ID)},
		}
		for _, tt := range tests {
			got, err := bob.ExportMessageLink(ctxT(t), tt.chat, tt.id)
			if err != nil || got != tt.want {
				t.Errorf("ExportMessageLink(%s, %d) = %q, %v; want %q", tt.chat, tt.id, got, err, tt.want)
			}
		}
		if _, err := alice.ExportMessageLink(ctxT(t), "@bob7203", 1); !errors.Is(err, mtgo.ErrLinkNotChannel) {
			t.Errorf("link in a private chat: %v", err)
		}
	})

	t.Run("views", func(t *testing.T) {
		v, err := bob.GetMessagesViews(ctxT(t), news, post.ID)
		if err != nil || len(v) != 1 || v[0].Views != 1 {
			t.Fatalf("views before = %+v, %v", v, err)
		}
		for range 2 { // counted once per account
			if _, err = bob.IncrementViews(ctxT(t), news, post.ID); err != nil {
				t.Fatal(err)
			}
		}
		v, err = alice.GetMessagesViews(ctxT(t), news, post.ID)
		if diff := cmp.Diff([]types.MessageViews{{MessageID: post.ID, Views: 2}}, v); err != nil || diff != "" {
			t.Fatalf("views after (-want +got):\n%s %v", diff, err)
		}
	})

	t.Run("reactions", func(t *testing.T) {
		if err := bob.SendReaction(ctxT(t), group, r1.ID, "👍"); err != nil {
			t.Fatal(err)
		}
		if err := alice.SendReaction(ctxT(t), group, r1.ID, "🔥"); err != nil {
			t.Fatal(err)
		}
		var got []string
		for r, err := range alice.GetMessageReactionsList(ctxT(t), group, r1.ID, "") {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r.User.FirstName+" "+r.Emoji+fmt.Sprint(" my=", r.My))
		}
		if diff := cmp.Diff([]string{"Alice 🔥 my=true", "Bob 👍 my=false"}, got); diff != "" {
			t.Fatalf("reactors (-want +got):\n%s", diff)
		}
		counts, err := bob.GetMessageReactions(ctxT(t), group, r1.ID, top.ID)
		if err != nil || len(counts) != 2 || counts[1] != nil || counts[0] == nil || len(counts[0].Counts) != 2 {
			t.Fatalf("GetMessageReactions = %+v, %v", counts, err)
		}
		for _, rc := range counts[0].Counts {
			if rc.Count != 1 || rc.Chosen != (rc.Emoji == "👍") {
				t.Fatalf("bob sees %+v", rc)
			}
		}
		only := 0
		for r, err := range bob.GetMessageReactionsList(ctxT(t), group, r1.ID, "👍") {
			if err != nil || r.Emoji != "👍" {
				t.Fatalf("filtered reactor %+v, %v", r, err)
			}
			only++
		}
		if only != 1 {
			t.Fatalf("%d 👍 reactors", only)
		}
		for _, err := range bob.GetMessageReactionsList(ctxT(t), news, post.ID, "") {
			if err == nil || !strings.Contains(err.Error(), "BROADCAST_FORBIDDEN") {
				t.Fatalf("reactors of a broadcast post: %v", err)
			}
		}
	})

	t.Run("paid reaction", func(t *testing.T) {
		if err := bob.SendPaidReaction(ctxT(t), news, post.ID, 0, false); !errors.Is(err, mtgo.ErrPaidStars) {
			t.Fatalf("zero stars: %v", err)
		}
		for range 2 {
			if err := bob.SendPaidReaction(ctxT(t), news, post.ID, 5, false); err != nil {
				t.Fatal(err)
			}
		}
		msgs, err := alice.GetMessages(ctxT(t), news, post.ID)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("GetMessages = %v, %v", msgs, err)
		}
		raw, _ := msgs[0].Raw().(*tg.Message)
		if raw == nil || raw.Reactions == nil || len(raw.Reactions.Results) == 0 {
			t.Fatalf("no reactions on the post: %+v", raw)
		}
		res := raw.Reactions.Results[0]
		if _, paid := res.Reaction.(*tg.ReactionPaid); !paid || res.Count != 10 {
			t.Fatalf("paid reaction = %+v", res)
		}
		if err := bob.SendPaidReaction(ctxT(t), group, r1.ID, 5, false); err == nil {
			t.Fatal("paid reaction in a supergroup: no error")
		}
	})

	t.Run("channel history deletion", func(t *testing.T) {
		n, err := alice.DeleteChatHistory(ctxT(t), group, 0, true)
		if err != nil || n < 4 {
			t.Fatalf("DeleteChatHistory = %d, %v", n, err)
		}
		if got := historyTexts(t, bob, group); len(got) != 0 {
			t.Fatalf("bob still sees %v", got)
		}
		if _, err := bob.DeleteMessagesForMe(ctxT(t), news, post.ID); !errors.Is(err, mtgo.ErrChannelDeleteForMe) {
			t.Fatalf("delete for me in a channel: %v", err)
		}
	})
}

func TestE2EForwardOptions(t *testing.T) {
	alice, bob, sent := chatPair(t, "7204", 1)
	doc, err := alice.SendDocument(ctxT(t), "@bob7204", types.InputFile{Reader: strings.NewReader("body"), Name: "a.txt"}, mtgo.WithCaption("the caption"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		id         int
		opts       []mtgo.SendOption
		wantText   string
		wantHeader bool
	}{
		{"plain", sent[0].ID, nil, "m 1", true},
		{"drop author", sent[0].ID, []mtgo.SendOption{mtgo.WithDropAuthor()}, "m 1", false},
		{"drop caption", doc.ID, []mtgo.SendOption{mtgo.WithDropCaption()}, "", true},
		{"keep caption", doc.ID, nil, "the caption", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := alice.ForwardMessages(ctxT(t), "@bob7204", "@bob7204", []int{tt.id}, tt.opts...)
			if err != nil || len(got) != 1 {
				t.Fatalf("ForwardMessages = %v, %v", got, err)
			}
			if got[0].Text != tt.wantText || (got[0].Forward != nil) != tt.wantHeader {
				t.Fatalf("forwarded %q with header %v; want %q, %v", got[0].Text, got[0].Forward != nil, tt.wantText, tt.wantHeader)
			}
			at, err := collect(bob.GetChatHistory(ctxT(t), "@alice7204", mtgo.WithLimit(1)))
			if err != nil || len(at) != 1 || at[0].Text != tt.wantText || (at[0].Forward != nil) != tt.wantHeader {
				t.Fatalf("bob sees %v, %v", texts(at), err)
			}
		})
	}
}

func TestE2EMediaGroups(t *testing.T) {
	alice, bob, _ := chatPair(t, "7205", 1)
	album, err := alice.SendMediaGroup(ctxT(t), "@bob7205", []types.AlbumItem{
		{Kind: types.KindPhoto, Media: []byte("photo one"), Caption: "first"},
		{Kind: types.KindPhoto, Media: []byte("photo two")},
		{Kind: types.KindPhoto, Media: []byte("photo three"), Caption: "third"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(msgs []*types.Message) []int {
		var out []int
		for _, m := range msgs {
			out = append(out, m.ID)
		}
		return out
	}
	for _, m := range album {
		got, err := alice.GetMediaGroup(ctxT(t), "@bob7205", m.ID)
		if err != nil || !slices.Equal(ids(got), ids(album)) {
			t.Fatalf("GetMediaGroup(%d) = %v, %v; want %v", m.ID, ids(got), err, ids(album))
		}
	}
	his, err := collect(bob.GetChatHistory(ctxT(t), "@alice7205", mtgo.WithLimit(1)))
	if err != nil {
		t.Fatal(err)
	}
	bobs, err := bob.GetMediaGroup(ctxT(t), "@alice7205", his[0].ID)
	if err != nil || len(bobs) != 3 || bobs[0].Text != "first" || bobs[0].MediaGroupID == 0 {
		t.Fatalf("bob's album = %v, %v", texts(bobs), err)
	}

	tests := []struct {
		name  string
		opts  []mtgo.SendOption
		texts []string
	}{
		{"copy", nil, []string{"first", "", "third"}},
		{"copy without captions", []mtgo.SendOption{mtgo.WithCaption("")}, []string{"", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			copies, err := bob.CopyMediaGroup(ctxT(t), "@alice7205", "@alice7205", bobs[1].ID, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.texts, textsAll(copies)); diff != "" {
				t.Fatalf("copies (-want +got):\n%s", diff)
			}
			group := copies[0].MediaGroupID
			for _, m := range copies {
				if m.Forward != nil || group == 0 || m.MediaGroupID != group || group == bobs[0].MediaGroupID {
					t.Fatalf("copy %d: header %v, group %d (first %d, original %d)", m.ID, m.Forward, m.MediaGroupID, group, bobs[0].MediaGroupID)
				}
			}
			last, err := collect(alice.GetChatHistory(ctxT(t), "@bob7205", mtgo.WithLimit(1)))
			if err != nil {
				t.Fatal(err)
			}
			again, err := alice.GetMediaGroup(ctxT(t), "@bob7205", last[0].ID)
			if err != nil || len(again) != 3 {
				t.Fatalf("alice sees the copied album as %v, %v", texts(again), err)
			}
		})
	}
	fwd, err := bob.ForwardMediaGroup(ctxT(t), "@alice7205", "@alice7205", bobs[2].ID)
	if err != nil || len(fwd) != 3 || fwd[0].Forward == nil || fwd[0].MediaGroupID == 0 || fwd[2].MediaGroupID != fwd[0].MediaGroupID {
		t.Fatalf("ForwardMediaGroup = %v, %v", textsAll(fwd), err)
	}
	if _, err := bob.CopyMediaGroup(ctxT(t), "@alice7205", "@alice7205", bobs[0].ID, mtgo.WithReplyMarkup(inlineKeyboard("x"))); !errors.Is(err, mtgo.ErrForwardOption) {
		t.Fatalf("copy of an album with buttons: %v", err)
	}
}

// textsAll is texts keeping empty texts.
func textsAll(msgs []*types.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Text
	}
	return out
}
