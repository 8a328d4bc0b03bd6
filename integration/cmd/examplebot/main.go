// Command examplebot is a small bot written the way a user of MTGo writes one, with handlers,
// filters and a conversation:
//
//   - /start replies with an inline keyboard (mtgo.WithReplyMarkup);
//   - pressing a button (filters.CallbackPrefix("vote:")) edits that message and answers the
//     button press with a short notice;
//   - an inline query ("@bot some text") is answered with two articles;
//   - /register asks the name, then the age (Context.Conversation and Conversation.Ask).
//
// The bot itself is newBot; the rest is how it runs. Without TG_* variables it starts the
// embedded test Telegram (package teletest), logs the bot and a user in, and the user goes
// through every feature above while a transcript is printed:
//
//	go run ./integration/cmd/examplebot
//
// With TG_API_ID, TG_API_HASH and TG_BOT_TOKEN set it runs the same bot on the real Telegram
// (session in examplebot.session) until interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Texts of the bot, shared with the scripted user that checks them.
const (
	startText    = "Do you like MTGo?"
	votePrefix   = "vote:"
	askName      = "What is your name?"
	askAgeFormat = "How old are you, %s?"
	ageNotNumber = "Please send your age as a number."
	doneFormat   = "Registered: %s, %d years old."
	// registerTimeout bounds how long /register waits for each answer.
	registerTimeout = 5 * time.Minute
)

// choices are the keyboard's buttons: text and the data after votePrefix.
var choices = [][2]string{{"Yes", "yes"}, {"Not yet", "no"}}

// keyboard is the inline keyboard /start replies with: one row, one button per choice.
func keyboard() *tg.ReplyInlineMarkup {
	row := tg.KeyboardButtonRow{}
	for _, c := range choices {
		row.Buttons = append(row.Buttons, &tg.KeyboardButtonCallback{Text: c[0], Data: []byte(votePrefix + c[1])})
	}
	return &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{row}}
}

// newBot registers the bot's handlers on c. It is the whole bot: everything else in this
// program only runs it.
func newBot(c *mtgo.Client) {
	c.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		_, err := ctx.Reply(startText, mtgo.WithReplyMarkup(keyboard()))
		return err
	}, filters.Command("start"), filters.Private)

	c.OnCallbackQuery(func(ctx *mtgo.Context, q *types.CallbackQuery) error {
		choice := strings.TrimPrefix(string(q.Data), votePrefix)
		if _, err := ctx.EditText(editedText(choice)); err != nil {
			return err
		}
		return ctx.AnswerCallback(callbackText(choice))
	}, filters.CallbackPrefix(votePrefix))

	c.OnInlineQuery(func(ctx *mtgo.Context, q *types.InlineQuery) error {
		return q.Answer(ctx, inlineResults(q.Query), mtgo.WithCacheTime(0))
	})

	c.OnMessage(register, filters.Command("register"), filters.Private)

	c.OnError(func(ctx *mtgo.Context, err error) {
		c.Log.Warn("handler failed", "chat", chatID(ctx), "err", err)
	})
}

func editedText(choice string) string   { return "You voted " + choice + "." }
func callbackText(choice string) string { return "Thanks for voting " + choice + "!" }

// inlineResults answers an inline query with the text in upper and in lower case.
func inlineResults(query string) []tg.InputBotInlineResultClass {
	if query == "" {
		query = "type something"
	}
	article := func(id, title, text string) tg.InputBotInlineResultClass {
		return &tg.InputBotInlineResult{
			ID: id, Type: "article", Title: tl.Some(title),
			SendMessage: &tg.InputBotInlineMessageText{Message: text},
		}
	}
	return []tg.InputBotInlineResultClass{
		article("upper", "Upper case: "+strings.ToUpper(query), strings.ToUpper(query)),
		article("lower", "Lower case: "+strings.ToLower(query), strings.ToLower(query)),
	}
}

// register is a two-step conversation inside one handler: the name, then the age, asked again
// until it is a number.
func register(ctx *mtgo.Context, _ *types.Message) error {
	conv, err := ctx.Conversation()
	if err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(ctx, registerTimeout)
	defer cancel()
	name, err := conv.Ask(wait, askName)
	if err != nil {
		return fmt.Errorf("register: name: %w", err)
	}
	question := fmt.Sprintf(askAgeFormat, name.Text)
	for {
		answer, err := conv.Ask(wait, question)
		if err != nil {
			return fmt.Errorf("register: age: %w", err)
		}
		age, err := strconv.Atoi(strings.TrimSpace(answer.Text))
		if err == nil && age > 0 && age < 150 {
			_, err := ctx.Answer(fmt.Sprintf(doneFormat, name.Text, age))
			return err
		}
		question = ageNotNumber
	}
}

func chatID(ctx *mtgo.Context) int64 {
	if c := ctx.Chat(); c != nil {
		return c.ID
	}
	return 0
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "examplebot:", err)
		os.Exit(1)
	}
}

// run runs the bot on the real Telegram when its credentials are in the environment, and
// against the embedded cluster with a scripted user otherwise.
func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	id, hash, token := getenv("TG_API_ID"), getenv("TG_API_HASH"), getenv("TG_BOT_TOKEN")
	if id == "" || hash == "" || token == "" {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		_, err := runLocal(ctx, out)
		return err
	}
	apiID, err := strconv.Atoi(id)
	if err != nil {
		return fmt.Errorf("TG_API_ID %q: %w", id, err)
	}
	cfg := mtgo.DefaultConfig
	cfg.BotToken = token
	cfg.SessionName = "examplebot"
	c, err := mtgo.NewClient(apiID, hash, &cfg)
	if err != nil {
		return err
	}
	newBot(c)
	c.OnStart(func(*mtgo.Context) { fmt.Fprintf(out, "running as @%s; Ctrl-C stops\n", c.Me().Username) })
	return c.StartContext(ctx)
}
