package mtgo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestUsePlugin(t *testing.T) {
	c := offlineClient(t, 1)
	var installed []string
	plugin := func(name string, err error) mtgo.Plugin {
		return mtgo.NewPlugin(name, func(got *mtgo.Client) error {
			if got != c {
				t.Errorf("%s: installed on another client", name)
			}
			installed = append(installed, name)
			return err
		})
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		plugin  mtgo.Plugin
		wantErr error
	}{
		{"first", plugin("metrics", nil), nil},
		{"second name", plugin("i18n", nil), nil},
		{"same name again", plugin("metrics", nil), mtgo.ErrPluginInstalled},
		{"nil", nil, mtgo.ErrPluginInvalid},
		{"no name", plugin("", nil), mtgo.ErrPluginInvalid},
		{"failing install", plugin("broken", boom), boom},
		{"name of a failed install is free", plugin("broken", nil), nil},
		{"no install function", mtgo.NewPlugin("empty", nil), nil},
	} {
		err := c.Use(tc.plugin)
		if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
			t.Errorf("%s: Use = %v, want %v", tc.name, err, tc.wantErr)
		}
	}
	if diff := cmp.Diff([]string{"metrics", "i18n", "broken", "broken"}, installed); diff != "" {
		t.Errorf("Install calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"metrics", "i18n", "broken", "empty"}, c.Plugins()); diff != "" {
		t.Errorf("Plugins (-want +got):\n%s", diff)
	}
}

// TestPluginHandlersRun installs a plugin with middleware and a handler, and delivers a
// message to them.
func TestPluginHandlersRun(t *testing.T) {
	c := offlineClient(t, 1)
	var tr trace // handlers_test.go
	note := tr.add
	err := c.Use(mtgo.NewPlugin("greeter", func(c *mtgo.Client) error {
		c.UseMiddleware(func(next mtgo.HandlerFunc) mtgo.HandlerFunc {
			return func(ctx *mtgo.Context) error { note("middleware"); return next(ctx) }
		})
		c.OnMessage(func(_ *mtgo.Context, m *types.Message) error { note("handler " + m.Text); return nil })
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.HandleUpdatesWait(context.Background(), incoming(77, 1)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"middleware", "handler m"}, tr.get()); diff != "" {
		t.Errorf("ran (-want +got):\n%s", diff)
	}
}

func TestInvokeWithMiddleware(t *testing.T) {
	c := offlineClient(t, 1)
	var order []string
	for _, name := range []string{"outer", "inner"} {
		c.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
			return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
				order = append(order, name+" "+in.(tg.TLObject).TypeName())
				return next.Invoke(ctx, in, out)
			})
		})
	}
	base := mtgo.InvokerFunc(func(_ context.Context, in tl.Encoder, out tl.Decoder) error {
		order = append(order, "base")
		// Answer as a server would: encode the result, let the caller's decoder read it.
		var b tl.Buffer
		if err := (&tg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 4}).Encode(&b); err != nil {
			return err
		}
		return out.Decode(&b)
	})
	got, err := c.InvokeWithMiddleware(context.Background(), base, &tg.HelpGetNearestDCRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if dc, ok := got.(*tg.NearestDC); !ok || dc.NearestDC != 4 || dc.Country != "NL" {
		t.Fatalf("answer %#v", got)
	}
	if diff := cmp.Diff([]string{"outer help.getNearestDc", "inner help.getNearestDc", "base"}, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	failing := mtgo.InvokerFunc(func(context.Context, tl.Encoder, tl.Decoder) error { return mtgo.ErrNotConnected })
	for _, tc := range []struct {
		name  string
		base  tg.Invoker
		query tg.TLObject
		want  error
	}{
		{"base error", failing, &tg.HelpGetNearestDCRequest{}, mtgo.ErrNotConnected},
		{"nil base", nil, &tg.HelpGetNearestDCRequest{}, nil},
		{"nil query", base, nil, nil},
	} {
		got, err := c.InvokeWithMiddleware(context.Background(), tc.base, tc.query)
		if err == nil || got != nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: %v, %v; want an error matching %v", tc.name, got, err, tc.want)
		}
	}
}

func TestClientNewContext(t *testing.T) {
	c := offlineClient(t, 1)
	type key struct{}
	parent := context.WithValue(context.Background(), key{}, "v")
	ctx := c.NewContext(parent)
	if ctx.Client != c || ctx.Value(key{}) != "v" || ctx.Update != nil {
		t.Fatalf("NewContext: client %p, value %v, update %v", ctx.Client, ctx.Value(key{}), ctx.Update)
	}
	if _, err := ctx.Reply("hi"); !errors.Is(err, mtgo.ErrContextNoMessage) && !errors.Is(err, mtgo.ErrContextNoChat) {
		t.Fatalf("Reply without an update: %v", err)
	}
	var unset context.Context // a nil parent stands for the client's lifetime
	life := c.NewContext(unset)
	c.Stop()
	select {
	case <-life.Done():
	default:
		t.Fatal("a nil-parent Context outlived Stop")
	}
}

// TestOnUpdateReceived checks that the hooks see each batch before the handlers, in
// registration order, that a panicking hook does not stop the others, and that RemoveHandler
// removes a hook.
func TestOnUpdateReceived(t *testing.T) {
	c := offlineClient(t, 1)
	var tr trace // handlers_test.go
	note := tr.add
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error { note("handler"); return nil })
	c.OnUpdateReceived(func(context.Context, tg.UpdatesClass) { note("first"); panic("hook failed") })
	second := c.OnUpdateReceived(func(_ context.Context, u tg.UpdatesClass) {
		note("second " + u.TypeName())
	})
	if c.OnUpdateReceived(nil) != nil {
		t.Error("OnUpdateReceived(nil) registered a hook")
	}
	if err := c.HandleUpdatesWait(context.Background(), incoming(5, 1)); err != nil {
		t.Fatal(err)
	}
	c.RemoveHandler(second)
	if err := c.HandleUpdatesWait(context.Background(), incoming(5, 2)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"first", "second updates", "handler", "first", "handler"}, tr.get()); diff != "" {
		t.Errorf("ran (-want +got):\n%s", diff)
	}
}

// TestGetCustomEmojiStickersPages asks for more ids than one request takes: 200 ids a
// request, the stickers in the order of the ids.
func TestGetCustomEmojiStickersPages(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("emoji_pages_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	var requests []int
	c.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
			if r, ok := in.(*tg.MessagesGetCustomEmojiDocumentsRequest); ok {
				requests = append(requests, len(r.DocumentID))
			}
			return next.Invoke(ctx, in, out)
		})
	})
	first, _ := h.w.AddCustomEmoji(world.CustomEmojiSpec{Alt: "1"})
	last, _ := h.w.AddCustomEmoji(world.CustomEmojiSpec{Alt: "2"})
	for _, tc := range []struct {
		name     string
		ids      []int64
		want     []int64
		requests []int
	}{
		{"none", nil, []int64{}, nil},
		{"one page", []int64{last, first}, []int64{last, first}, []int{2}},
		{"three pages", append(append([]int64{last}, make([]int64, 448)...), first), []int64{last, first}, []int{200, 200, 50}},
	} {
		requests = nil
		got, err := c.GetCustomEmojiStickers(ctxT(t), tc.ids...)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		ids := []int64{}
		for _, s := range got {
			ids = append(ids, s.CustomEmojiID)
		}
		if diff := cmp.Diff(tc.want, ids); diff != "" {
			t.Errorf("%s: ids (-want +got):\n%s", tc.name, diff)
		}
		if diff := cmp.Diff(tc.requests, requests); diff != "" {
			t.Errorf("%s: requests (-want +got):\n%s", tc.name, diff)
		}
	}
}
