package mtgo

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// BenchmarkRun20Handlers walks 20 handlers in 10 groups with their filters for one message
// that is already typed and queued: the cost of the handler model alone (Context, groups,
// filters, propagation). Filters are written here as the filters package writes them (it
// imports this package, so this test cannot import it).
func BenchmarkRun20Handlers(b *testing.B) {
	c := &Client{}
	d := newMessageDispatcher(c)
	private := func(ctx *Context) bool { ch := ctx.Chat(); return ch != nil && ch.Type == types.ChatPrivate }
	text := func(ctx *Context) bool { return ctx.Message != nil && ctx.Message.Text != "" }
	nop := func(*Context, *types.Message) error { return nil }
	for g := range 10 {
		cmd := fmt.Sprint("/cmd", g)
		d.reg.add(NewMessageHandler(nop, func(ctx *Context) bool { return strings.HasPrefix(ctx.Message.Text, cmd) }, private), g)
		d.reg.add(NewMessageHandler(nop, private, text), g)
	}
	msg := &types.Message{ID: 1, Chat: &types.Chat{ID: 5, Type: types.ChatPrivate}, From: &types.User{ID: 5}, Text: "hi"}
	up := &tg.UpdateNewMessage{}
	t := d.reg.load()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		// The Context is built with the update (in dispatch): count it here.
		q := &queued{kind: kindMessage, ctx: &Context{Update: up, Message: msg}}
		d.run(t, q, nil)
	}
}
