package mtgo_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EMentionByID sends tg://user?id= mentions in Markdown: a user the sender knows goes
// out as inputMessageEntityMentionName with its access hash, and the bot receives
// messageEntityMentionName with the mentioned user among the message's users; an id the
// sender cannot resolve goes out as a plain link instead of failing the send.
func TestE2EMentionByID(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_mention_bot")
	got := make(chan *types.Message, 4)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551050"})
	friend, err := cl.World().CreateUser(world.UserSpec{FirstName: "Bo", Phone: "15551051", Username: "bo_friend"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.ResolvePeer(ctxT(t), "@bo_friend"); err != nil { // now in Ann's peer cache
		t.Fatal(err)
	}
	const unknown = 987654321
	text := fmt.Sprintf("hi [Bo](tg://user?id=%d) and [X](tg://user?id=%d)", friend.ID, unknown)
	sent, err := u.SendMessage(ctxT(t), "@e2e_mention_bot", text, mtgo.WithParseMode(mtgo.ParseModeMarkdown))
	if err != nil {
		t.Fatal(err)
	}
	if sent.Text != "hi Bo and X" {
		t.Fatalf("sent text %q", sent.Text)
	}
	want := []tg.MessageEntityClass{
		&tg.MessageEntityMentionName{Offset: 3, Length: 2, UserID: friend.ID},
		&tg.MessageEntityTextURL{Offset: 10, Length: 1, URL: fmt.Sprintf("tg://user?id=%d", unknown)},
	}
	select {
	case m := <-got:
		if diff := cmp.Diff(want, m.Entities); diff != "" {
			t.Fatalf("bot's entities (-want +got):\n%s", diff)
		}
		if m.Markdown() != text {
			t.Fatalf("the bot's message as Markdown is %q, want what was sent: %q", m.Markdown(), text)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the bot received nothing")
	}
	if _, err := b.ResolvePeerCache(friend.ID); err != nil {
		t.Fatalf("the mentioned user did not come with the message: %v", err)
	}
}
