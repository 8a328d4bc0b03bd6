package mtgo_test

import (
	"log"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
)

// A bot whose /start replies with an inline button, and whose button press edits the message
// and answers with an alert (the README's example; TestE2ECommandKeyboardAndCallback runs it
// against the test cluster).
func Example_handlers() {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	bot, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer bot.Stop()

	bot.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		cmd, _ := filters.CommandOf(ctx) // parsed by the Command filter
		_, err := ctx.Reply("Hello "+cmd.ArgsText, mtgo.WithKeyboard(
			types.NewInlineKeyboard().Row(types.CallbackButton("Press me", "press"))))
		return err
	}, filters.Command("start"), filters.Private)

	bot.OnCallbackQuery(func(ctx *mtgo.Context, q *types.CallbackQuery) error {
		if _, err := ctx.EditText("Pressed"); err != nil {
			return err
		}
		return ctx.AnswerCallback("Done!", mtgo.WithAlert())
	}, filters.CallbackData("press"))

	bot.OnError(func(ctx *mtgo.Context, err error) { log.Printf("chat %v: %v", ctx.Chat(), err) })
}
