package mtgo_test

import (
	"context"
	"strings"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

func TestInvokeJSON(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("json_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out, err := c.InvokeJSON(ctx, "users.getUsers", []byte(`{"id":[{"_":"inputUserSelf"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); !strings.HasPrefix(s, `[{"_":"user",`) || !strings.Contains(s, `"username":"json_bot"`) {
		t.Fatalf("users.getUsers = %s", out)
	}
	for _, c2 := range []struct{ method, params, want string }{
		{"users.nope", `{}`, "not a method"},
		{"users.getUsers", `{"id":1}`, "want an array"},
	} {
		if _, err := c.InvokeJSON(ctx, c2.method, []byte(c2.params)); err == nil || !strings.Contains(err.Error(), c2.want) {
			t.Errorf("%s %s: got %v, want %q", c2.method, c2.params, err, c2.want)
		}
	}
}
