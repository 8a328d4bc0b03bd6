package teletest

import (
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
)

// TestScenario shows how a scenario reads: people, a bot and a group talking over the wire.
func TestScenario(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, bob := s.User("alice"), s.User("bob")
	bot := s.Bot("echo_bot")

	alice.Send(bot, "hello bot")
	got := bot.Expect(Text("hello bot").From(alice))
	if got.Chat != world.UserPeer(alice.ID()) || got.Out {
		t.Fatalf("bot received %v", got)
	}

	bot.Send(alice, "hello alice")
	alice.Expect(Text("hello alice").From(bot).In(bot))

	g := s.Group("friends", alice, bob, bot)
	bob.Send(g, "hi all")
	alice.Expect(Text("hi all").From(bob).In(g))
	bot.Expect(Text("hi all").In(g))

	sg := s.Supergroup("club", alice, bob)
	alice.Send(sg, "welcome")
	m := bob.Expect(Text("welcome").From(alice).In(sg))
	if m.Pts == 0 {
		t.Fatalf("channel message without pts: %v", m)
	}
}
