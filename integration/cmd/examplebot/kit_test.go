package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/integration/internal/local"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// startBot runs newBot on a client logged in as bot on the kit's cluster, stopped when the
// test ends.
func startBot(t *testing.T, tt *teletest.Scenario, bot teletest.Someone) {
	t.Helper()
	c, err := mtgo.NewClient(1, "examplebot", local.Config(tt.Cluster(), func(c *mtgo.Config) { c.BotToken = bot.Token }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	newBot(c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := local.Login(ctx, c); err != nil {
		t.Fatalf("bot login: %v", err)
	}
}

// TestWithKit tests the example bot the way "Testing your bot" in teletest's README shows:
// the bot runs on MTGo's client against teletest.New, and a person played by the test talks
// to it.
func TestWithKit(t *testing.T) {
	tt := teletest.New(t)
	bot := tt.BotAccount(world.BotSpec{FirstName: "Example Bot", Username: "example_bot", Inline: true})
	startBot(t, tt, bot)
	alice := tt.User("alice")

	alice.Command(bot, "start")
	start := alice.Expect(teletest.Text(startText).From(bot))
	if diff := cmp.Diff([]string{"Yes", "Not yet"}, start.Buttons()); diff != "" {
		t.Fatalf("keyboard (-want +got):\n%s", diff)
	}

	// The bot's first answer to a button press meets a flood wait; the client waits it out.
	tt.Faults().FloodWait(tg.MessagesSetBotCallbackAnswerRequestTypeID, 1, 1)
	answer := alice.Click(bot, start, "Yes")
	if answer.Message.Or("") != callbackText("yes") {
		t.Errorf("callback answer %q, want %q", answer.Message.Or(""), callbackText("yes"))
	}
	if n := tt.Faults().Stats().RPCErrors; n != 1 {
		t.Errorf("%d injected rpc errors, want the one flood wait", n)
	}
	edited := alice.ExpectEdit(teletest.Text(editedText("yes")).From(bot))
	if edited.ID != start.ID {
		t.Errorf("the bot edited message %d, want %d", edited.ID, start.ID)
	}

	if diff := cmp.Diff([]string{"Upper case: HELLO WORLD", "Lower case: hello world"}, alice.InlineResults(bot, bot, "Hello World")); diff != "" {
		t.Errorf("inline results (-want +got):\n%s", diff)
	}

	alice.Command(bot, "register")
	for _, step := range []struct{ want, answer string }{
		{askName, "Ann"},
		{fmt.Sprintf(askAgeFormat, "Ann"), "thirty"},
		{ageNotNumber, "30"},
		{fmt.Sprintf(doneFormat, "Ann", 30), ""},
	} {
		alice.Expect(teletest.Text(step.want).From(bot))
		if step.answer != "" {
			alice.Send(bot, step.answer)
		}
	}
}
