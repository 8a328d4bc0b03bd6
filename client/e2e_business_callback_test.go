package mtgo_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// businessPress is what the bot's OnCallbackQuery handler saw and did for one press.
type businessPress struct {
	q                  *types.CallbackQuery
	answerErr, editErr error
	markupErr          error
}

// TestE2EBusinessCallback: a business account connects the bot; Carol writes to the account
// and the bot answers through the connection with an inline keyboard. Carol presses the
// button: the bot's OnCallbackQuery (with callback filters) gets the press with the
// connection id, the data and the message with the one it replies to; its answer reaches
// Carol, and its edits of the text (Context.EditText) and of the keyboard
// (Message.EditReplyMarkup) go through the connection: Carol sees both.
func TestE2EBusinessCallback(t *testing.T) {
	sends := make(chan error, 2)
	presses := make(chan businessPress, 2)
	sc := newBusinessScene(t, "e2e_cb", "1555139", func(b *testClient) {
		b.OnBusinessMessage(func(ctx *mtgo.Context, m *types.Message) error {
			kb := types.NewInlineKeyboard().Row(types.CallbackButton("Plan A", "plan:a"))
			_, err := ctx.Reply("pick a plan", mtgo.WithKeyboard(kb))
			sends <- err
			return nil
		})
		b.OnCallbackQuery(func(ctx *mtgo.Context, q *types.CallbackQuery) error {
			p := businessPress{q: q}
			p.answerErr = q.Answer(ctx, "noted "+string(q.Data))
			_, p.editErr = ctx.EditText("plan A chosen")
			next, err := types.NewInlineKeyboard().Row(types.CallbackButton("Change", "plan:change")).ToTL()
			if err == nil {
				_, err = q.Message.EditReplyMarkup(ctx, next)
			}
			p.markupErr = err
			presses <- p
			return nil
		}, filters.CallbackPrefix("plan:"), filters.Private)
	}, mtgo.WithBusinessBotRights(types.BusinessBotRights{Reply: true}),
		mtgo.WithBusinessBotRecipients(types.BusinessBotRecipients{BusinessRecipients: types.BusinessRecipients{NewChats: true, ExistingChats: true}}))
	carol, shopUser, conn := sc.carol, sc.shopUser, sc.conn
	got := make(chan *types.Message, 2)
	edited := make(chan *types.Message, 4)
	carol.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	carol.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil })

	if _, err := carol.SendMessage(ctxT(t), sc.Shop, "which plans?"); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, sends, "keyboard send"); err != nil {
		t.Fatalf("send with a keyboard through the connection: %v", err)
	}
	m := recv(t, got, "the keyboard message")
	kb, ok := m.ReplyMarkup.(*types.InlineKeyboard)
	if !ok || m.From == nil || m.From.ID != shopUser.ID {
		t.Fatalf("Carol's message %+v with markup %T", m, m.ReplyMarkup)
	}
	if diff := cmp.Diff([][]types.InlineButton{{types.CallbackButton("Plan A", "plan:a")}}, kb.Rows); diff != "" {
		t.Fatalf("keyboard (-want +got):\n%s", diff)
	}

	ans, err := carol.RequestCallbackAnswer(ctxT(t), sc.Shop, m.ID, []byte("plan:a"))
	if err != nil {
		t.Fatal(err)
	}
	if ans.Message != "noted plan:a" {
		t.Fatalf("answer %+v", ans)
	}
	p := recv(t, presses, "callback query")
	if p.answerErr != nil || p.editErr != nil || p.markupErr != nil {
		t.Fatalf("answer: %v, edit: %v, markup: %v", p.answerErr, p.editErr, p.markupErr)
	}
	q := p.q
	type view struct {
		Conn, Data, Text, Reply, MsgConn string
		From, Chat                       int64
		Out                              bool
	}
	want := view{conn.ID, "plan:a", "pick a plan", "which plans?", conn.ID, carol.Me().ID, carol.Me().ID, true}
	have := view{Conn: q.BusinessConnectionID, Data: string(q.Data)}
	if q.From != nil {
		have.From = q.From.ID
	}
	if q.Chat != nil {
		have.Chat = q.Chat.ID
	}
	if qm := q.Message; qm != nil {
		have.Text, have.MsgConn, have.Out = qm.Text, qm.BusinessConnectionID, qm.Outgoing
		if qm.ReplyTo != nil && qm.ReplyTo.Message != nil {
			have.Reply = qm.ReplyTo.Message.Text
		}
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Fatalf("the bot's callback query (-want +got):\n%s", diff)
	}
	if _, ok := q.Raw.(*tg.UpdateBusinessBotCallbackQuery); !ok {
		t.Fatalf("Raw %T", q.Raw)
	}

	text := recv(t, edited, "text edit")
	if text.ID != m.ID || text.Text != "plan A chosen" {
		t.Fatalf("Carol's edited message %+v", text)
	}
	markup := recv(t, edited, "keyboard edit")
	nk, ok := markup.ReplyMarkup.(*types.InlineKeyboard)
	if markup.ID != m.ID || !ok {
		t.Fatalf("Carol's message after the keyboard edit: %+v", markup)
	}
	if diff := cmp.Diff([][]types.InlineButton{{types.CallbackButton("Change", "plan:change")}}, nk.Rows); diff != "" {
		t.Fatalf("replaced keyboard (-want +got):\n%s", diff)
	}
}
