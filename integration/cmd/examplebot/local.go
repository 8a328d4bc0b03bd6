package main

import (
	"context"
	"fmt"
	"io"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/integration/internal/local"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// stepTimeout bounds each wait of the scripted user for the bot.
const stepTimeout = 15 * time.Second

// session is what the scripted user saw, step by step.
type session struct {
	Keyboard       []string // button texts under the /start answer
	StartText      string   // the /start answer
	Edited         string   // that message after a button press
	CallbackAnswer string   // the notice the button press was answered with
	InlineResults  []string // titles of the inline query's results
	Conversation   []string // the bot's messages during /register, in order
}

// runLocal starts the embedded cluster, runs newBot on a bot account and has a user go
// through /start, a button press, an inline query and /register.
func runLocal(ctx context.Context, out io.Writer) (*session, error) {
	t := &local.Transcript{Out: out}
	cl, err := teletest.Start(teletest.Config{})
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Example Bot", Username: "example_bot", Inline: true})
	if err != nil {
		return nil, err
	}
	ann, err := cl.World().CreateUser(world.UserSpec{FirstName: "Ann", Username: "ann_example", Phone: "9996630001"})
	if err != nil {
		return nil, err
	}
	bot, err := mtgo.NewClient(1, "examplebot", local.Config(cl, func(c *mtgo.Config) { c.BotToken = botUser.Token }))
	if err != nil {
		return nil, err
	}
	defer bot.Stop()
	newBot(bot)
	failures := make(chan error, 8)
	bot.OnError(func(_ *mtgo.Context, err error) {
		select {
		case failures <- err:
		default:
		}
	})
	if err := local.Login(ctx, bot); err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	t.Step("bot @%s logged in to the embedded cluster, handlers from newBot registered", bot.Me().Username)

	user, err := mtgo.NewClient(1, "examplebot", local.Config(cl, local.UserLogin(cl, ann.Phone)))
	if err != nil {
		return nil, err
	}
	defer user.Stop()
	u := &scriptedUser{Client: user, bot: "@" + botUser.Username, failures: failures,
		got: make(chan *types.Message, 16), edited: make(chan *types.Message, 16)}
	user.OnMessage(func(_ *mtgo.Context, m *types.Message) error { u.got <- m; return nil })
	user.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { u.edited <- m; return nil })
	if err := local.Login(ctx, user); err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	t.Step("user %s logged in", user.Me().FirstName)

	s, err := u.script(ctx, t)
	if err != nil {
		return s, err
	}
	t.Step("done; stopping the clients and the cluster")
	return s, nil
}

// scriptedUser is the user account talking to the bot, with what it receives.
type scriptedUser struct {
	*mtgo.Client
	bot      string
	got      chan *types.Message // new messages
	edited   chan *types.Message // edited messages
	failures <-chan error        // the bot's handler errors
}

// next returns the next message from ch, failing after stepTimeout or when a bot handler
// fails.
func (u *scriptedUser) next(ctx context.Context, ch <-chan *types.Message, what string) (*types.Message, error) {
	timer := time.NewTimer(stepTimeout)
	defer timer.Stop()
	select {
	case m := <-ch:
		return m, nil
	case err := <-u.failures:
		return nil, fmt.Errorf("waiting for %s: the bot failed: %w", what, err)
	case <-timer.C:
		return nil, fmt.Errorf("no %s within %v", what, stepTimeout)
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for %s: %w", what, ctx.Err())
	}
}

// say sends text to the bot and returns the bot's next message.
func (u *scriptedUser) say(ctx context.Context, text, what string) (*types.Message, error) {
	if _, err := u.SendMessage(ctx, u.bot, text); err != nil {
		return nil, fmt.Errorf("send %q: %w", text, err)
	}
	return u.next(ctx, u.got, what)
}

// script goes through every feature of the bot and records what it saw.
func (u *scriptedUser) script(ctx context.Context, t *local.Transcript) (*session, error) {
	s := &session{}

	// /start: a message with an inline keyboard.
	start, err := u.say(ctx, "/start", "answer to /start")
	if err != nil {
		return s, err
	}
	s.StartText = start.Text
	var press *tg.KeyboardButtonCallback
	var tlMarkup tg.ReplyMarkupClass
	if start.ReplyMarkup != nil {
		if tlMarkup, err = start.ReplyMarkup.ToTL(); err != nil {
			return s, fmt.Errorf("the answer to /start: keyboard: %w", err)
		}
	}
	if markup, ok := tlMarkup.(*tg.ReplyInlineMarkup); ok {
		for _, row := range markup.Rows {
			for _, b := range row.Buttons {
				if b, ok := b.(*tg.KeyboardButtonCallback); ok {
					s.Keyboard = append(s.Keyboard, b.Text)
					if press == nil {
						press = b
					}
				}
			}
		}
	}
	if press == nil {
		return s, fmt.Errorf("the answer to /start has no callback button: %#v", start.ReplyMarkup)
	}
	t.Step("user: /start -> bot: %q with buttons %q", s.StartText, s.Keyboard)

	// A button press: the bot answers it and edits the message.
	answer, err := u.RequestCallbackAnswer(ctx, u.bot, start.ID, press.Data)
	if err != nil {
		return s, fmt.Errorf("press %q: %w", press.Text, err)
	}
	s.CallbackAnswer = answer.Message
	edited, err := u.next(ctx, u.edited, "edit of the keyboard message")
	if err != nil {
		return s, err
	}
	if edited.ID != start.ID {
		return s, fmt.Errorf("the bot edited message %d, want %d", edited.ID, start.ID)
	}
	s.Edited = edited.Text
	t.Step("user: pressed %q -> callback answer %q, message edited to %q", press.Text, s.CallbackAnswer, s.Edited)

	// An inline query.
	res, err := u.GetInlineBotResults(ctx, u.bot, nil, "Hello World", "")
	if err != nil {
		return s, fmt.Errorf("inline query: %w", err)
	}
	for _, r := range res.Results {
		if r, ok := r.(*tg.BotInlineResult); ok {
			s.InlineResults = append(s.InlineResults, r.Title.Value)
		}
	}
	t.Step("user: inline query %q -> %d results %q", "Hello World", len(s.InlineResults), s.InlineResults)

	// /register: name, then age (a wrong age first).
	for _, say := range []string{"/register", "Ann", "thirty", "30"} {
		m, err := u.say(ctx, say, "answer to "+say)
		if err != nil {
			return s, err
		}
		s.Conversation = append(s.Conversation, m.Text)
		t.Step("user: %q -> bot: %q", say, m.Text)
	}
	return s, nil
}
