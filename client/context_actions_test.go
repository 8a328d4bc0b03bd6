package mtgo_test

import (
	"context"
	"errors"
	"io"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestContextActionSentinels checks the sentinel of each bound action where something is
// missing: no client, no message, no chat, no media, or a button on an inline message.
func TestContextActionSentinels(t *testing.T) {
	c := offlineClient(t, 1)
	chat := &types.Chat{ID: 5, Type: types.ChatPrivate}
	msg := &types.Message{ID: 1, Chat: chat}
	inline := &types.CallbackQuery{ID: 1, From: &types.User{ID: 5}, InlineMessageID: "x", InlineMessage: &tg.InputBotInlineMessageID{}}
	ctxOf := func(client *mtgo.Client, m *types.Message, q *types.CallbackQuery) *mtgo.Context {
		ctx := mtgo.NewContext(context.Background())
		ctx.Client, ctx.Message, ctx.CallbackQuery = client, m, q
		return ctx
	}
	actions := map[string]func(*mtgo.Context) error{
		"forward":  func(ctx *mtgo.Context) error { _, err := ctx.Forward("@x"); return err },
		"copy":     func(ctx *mtgo.Context) error { _, err := ctx.Copy("@x"); return err },
		"pin":      func(ctx *mtgo.Context) error { return ctx.Pin() },
		"react":    func(ctx *mtgo.Context) error { return ctx.React("👍") },
		"caption":  func(ctx *mtgo.Context) error { _, err := ctx.EditCaption("x"); return err },
		"markup":   func(ctx *mtgo.Context) error { _, err := ctx.EditReplyMarkup(nil); return err },
		"download": func(ctx *mtgo.Context) error { _, err := ctx.Download(io.Discard); return err },
	}
	// The sentinel each action returns per case; a missing entry means the shared one.
	tests := []struct {
		name string
		ctx  *mtgo.Context
		want error
		per  map[string]error
	}{
		{name: "no client", ctx: ctxOf(nil, msg, nil), want: mtgo.ErrContextNoClient},
		{name: "no message", ctx: ctxOf(c, nil, nil), want: mtgo.ErrContextNoMessage},
		{
			name: "message without chat", ctx: ctxOf(c, &types.Message{ID: 1}, nil), want: mtgo.ErrContextNoChat,
			per: map[string]error{"download": mtgo.ErrContextNoMedia},
		},
		{
			name: "button on an inline message", ctx: ctxOf(c, nil, inline), want: mtgo.ErrContextNoMessage,
			per: map[string]error{"caption": mtgo.ErrContextEditInline, "markup": mtgo.ErrContextEditInline},
		},
		{
			name: "message without media", ctx: ctxOf(c, msg, nil), want: nil,
			per: map[string]error{"download": mtgo.ErrContextNoMedia},
		},
		{
			// Telegram forwards and reacts to nothing through a business connection; a copy
			// is sent anew from the message as received, which a message built by hand lacks.
			name: "business message built by hand", ctx: ctxOf(c, &types.Message{ID: 1, Chat: chat, BusinessConnectionID: "c1"}, nil),
			per: map[string]error{
				"forward": mtgo.ErrBusinessUnsupported, "react": mtgo.ErrBusinessUnsupported,
				"copy": mtgo.ErrForwardOption, "download": mtgo.ErrContextNoMedia,
			},
		},
	}
	for _, tt := range tests {
		for name, action := range actions {
			want, ok := tt.per[name]
			if !ok {
				want = tt.want
			}
			if want == nil {
				continue // reaches the network: the e2e test covers it
			}
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				if err := action(tt.ctx); !errors.Is(err, want) {
					t.Fatalf("error = %v, want %v", err, want)
				}
			})
		}
	}
}
