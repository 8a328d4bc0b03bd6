package mtgo_test

import (
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// TestE2EStoredConversationAndDedup runs a bot on a bbolt session file: a handler starts a
// dialogue (States, the records ConversationStore reads) and records each message's dedup
// key. After a restart on the same file the conversation is there, selects the next step's
// handler, and the first message's key is refused as a repeat.
func TestE2EStoredConversationAndDedup(t *testing.T) {
	cl := cluster(t)
	path := filepath.Join(t.TempDir(), "conv_bot")
	fileCfg := func(cfg *mtgo.Config) { cfg.InMemory = false; cfg.SessionName = path }
	form := mtgo.NewStates(nil, time.Hour)
	keyOf := func(m *types.Message) string {
		return "msg:" + strconv.FormatInt(m.Chat.ID, 10) + ":" + strconv.Itoa(m.ID)
	}

	b, _ := e2eBot(t, cl, "e2e_conv_bot", fileCfg)
	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551190"})
	firstKey := make(chan string, 1)
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		if saved, err := ctx.Client.SaveUpdateDedupKey(ctx, keyOf(m)); err != nil || !saved {
			t.Errorf("first delivery: SaveUpdateDedupKey = %v, %v", saved, err)
		}
		if err := form.Set(ctx, "name", nil); err != nil {
			return err
		}
		firstKey <- keyOf(m)
		return nil
	})
	if _, err := u.SendMessage(ctxT(t), "@e2e_conv_bot", "/register"); err != nil {
		t.Fatal(err)
	}
	key := <-firstKey
	// Connected: the session and the update state belong to the running client.
	if err := b.SaveSession(ctxT(t), &storage.Session{DC: 2}); !errors.Is(err, mtgo.ErrStorageBusy) {
		t.Errorf("SaveSession while connected: %v, want ErrStorageBusy", err)
	}
	if err := b.SaveUpdateState(ctxT(t), &storage.AccountUpdateState{Pts: 1}); !errors.Is(err, mtgo.ErrStorageBusy) {
		t.Errorf("SaveUpdateState while the update engine runs: %v, want ErrStorageBusy", err)
	}
	b.Stop()

	b2 := e2eClient(t, cl, fileCfg)
	conv, err := b2.LoadConversation(ctxT(t), user.ID, user.ID)
	if err != nil || conv.State != "name" {
		t.Fatalf("after restart LoadConversation = %+v, %v; want state name", conv, err)
	}
	if saved, err := b2.SaveUpdateDedupKey(ctxT(t), key); err != nil || saved {
		t.Fatalf("after restart SaveUpdateDedupKey(%s) = %v, %v; want a repeat", key, saved, err)
	}
	got := make(chan string, 1)
	b2.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		if err := form.Clear(ctx); err != nil {
			return err
		}
		got <- m.Text
		return nil
	}, form.Is("name"))
	if err := b2.Connect(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := u.SendMessage(ctxT(t), "@e2e_conv_bot", "Ann"); err != nil {
		t.Fatal(err)
	}
	if text := <-got; text != "Ann" {
		t.Fatalf("the stored state's handler got %q", text)
	}
	if _, err := b2.LoadConversation(ctxT(t), user.ID, user.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("after Clear: %v, want ErrNotFound", err)
	}
}
