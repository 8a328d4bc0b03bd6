package teletest

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// kitKeyboard is a keyboard of two callback buttons.
var kitKeyboard = &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
	&tg.KeyboardButtonCallback{Text: "Red", Data: []byte("red")},
	&tg.KeyboardButtonCallback{Text: "Blue", Data: []byte("blue")},
}}}}

// answerCallbacks plays bot on a goroutine of its own: it answers every callback query with
// "pressed <data>" and edits the message to "chose <data>", until the test ends.
func answerCallbacks(t *testing.T, bot *Actor, chat Peer) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		for {
			q, err := NextUpdate[*tg.UpdateBotCallbackQuery](ctx, bot)
			if err != nil {
				return
			}
			data := string(q.Data.Value)
			// The keyboard goes with the edit: a bot's edit without one removes it.
			_, _ = bot.API().MessagesEditMessage(ctx, &tg.MessagesEditMessageRequest{
				Peer: bot.input(chat), ID: q.MsgID, Message: tl.Some("chose " + data), ReplyMarkup: kitKeyboard,
			})
			_, _ = bot.API().MessagesSetBotCallbackAnswer(ctx, &tg.MessagesSetBotCallbackAnswerRequest{
				QueryID: q.QueryID, Message: tl.Some("pressed " + data),
			})
		}
	}()
}

func TestKitClick(t *testing.T) {
	s := New(t)
	alice := s.User("alice")
	bot := s.Bot("kit_bot")
	answerCallbacks(t, bot, alice)
	alice.Command(bot, "start")
	bot.Expect(Text("/start").From(alice))
	bot.SendMarkup(alice, "pick a colour", kitKeyboard)
	m := alice.Expect(Text("pick a colour").From(bot).In(bot))
	if diff := cmp.Diff([]string{"Red", "Blue"}, m.Buttons()); diff != "" {
		t.Fatalf("buttons (-want +got):\n%s", diff)
	}
	// No subtests: the scenario's helpers fail the test that created it.
	for _, tc := range []struct{ button, data string }{{"Blue", "blue"}, {"Red", "red"}} {
		ans := alice.Click(bot, m, tc.button)
		if got := ans.Message.Or(""); got != "pressed "+tc.data {
			t.Errorf("%s: answer %q, want %q", tc.button, got, "pressed "+tc.data)
		}
		e := alice.ExpectEdit(Text("chose " + tc.data).From(bot))
		if e.ID != m.ID {
			t.Errorf("%s: edited message %d, want %d", tc.button, e.ID, m.ID)
		}
	}
}

func TestKitChats(t *testing.T) {
	s := New(t)
	alice, bob := s.User("alice"), s.User("bob")
	bot := s.BotAccount(world.BotSpec{Username: "chats_bot"})
	for _, c := range []*Channel{s.Supergroup("club", bob, bot), s.Forum("topics", bob, bot)} {
		alice.Join(c)
		bob.Send(c, "welcome to "+c.Title)
		alice.Expect(Text("welcome to " + c.Title).From(bob).In(c))
		alice.Leave(c)
	}
}

// fakeTB records the failure of a scenario helper and stops its goroutine, as t.Fatal would.
type fakeTB struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msg = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }

// failure runs step on a goroutine and returns the message it failed with.
func (f *fakeTB) failure(step func()) string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		step()
	}()
	<-done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.msg
}

// TestKitFailureMessages: what a helper says when the bot did not do what the test expects.
func TestKitFailureMessages(t *testing.T) {
	f := &fakeTB{TB: t}
	s := NewScenario(f, Config{})
	alice := s.User("alice")
	bot := s.Bot("quiet_bot")
	bot.SendMarkup(alice, "menu", kitKeyboard)
	m := alice.Expect(Text("menu"))
	bot.Send(alice, "left over")
	bot.Send(alice, "taken")
	alice.Expect(Text("taken"))          // pushed after "left over", which is in the inbox now
	s.SetTimeout(300 * time.Millisecond) // the waits below are meant to fail
	for _, tc := range []struct {
		name string
		step func()
		want []string
	}{
		{"Expect", func() { alice.Expect(Text("hello").From(bot)) },
			[]string{`alice expected a message with text "hello", from @quiet_bot (`, "within 300ms", `messages received and not yet expected: [#`, `"left over" (@quiet_bot)]`}},
		{"ExpectEdit", func() { alice.ExpectEdit(Text("edited")) },
			[]string{`alice expected an edit to a message with text "edited"`, "edits received and not yet expected: []"}},
		{"Click", func() { alice.Click(bot, m, "Green") },
			[]string{`has no callback button "Green"`, `its callback buttons: ["Red" "Blue"]`, `"menu"`}},
		{"ExpectUpdate", func() { ExpectUpdate[*tg.UpdateBotCallbackQuery](bot) },
			[]string{"quiet_bot expected *tg.UpdateBotCallbackQuery", "deadline exceeded"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := f.failure(tc.step)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("failure %q lacks %q", got, w)
				}
			}
		})
	}
}
