package mtgo_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

func stateCtx(chat, user int64) *mtgo.Context {
	ctx := mtgo.NewContext(context.Background())
	ctx.Message = &types.Message{ID: 1, Chat: &types.Chat{ID: chat, Type: types.ChatGroup}, From: &types.User{ID: user}}
	return ctx
}

func TestStates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := mtgo.NewMemoryStates()
		form := mtgo.NewStates(store, time.Hour)
		ann, bob := stateCtx(-5, 7), stateCtx(-5, 8)
		inName, none := form.Is("name"), form.Is("")
		if !none(ann) || inName(ann) {
			t.Fatal("a new user has a state")
		}
		if err := form.Set(ann, "name", []byte("x")); err != nil {
			t.Fatal(err)
		}
		st, err := form.Get(ann)
		if err != nil || !cmp.Equal(st, mtgo.State{Name: "name", Data: []byte("x")}) {
			t.Fatalf("Get = %+v, %v", st, err)
		}
		if !inName(ann) || inName(bob) || !none(bob) {
			t.Fatal("states are per chat and user")
		}
		time.Sleep(59 * time.Minute) // fake time inside the bubble
		if !inName(ann) {
			t.Fatal("state expired early")
		}
		time.Sleep(time.Minute)
		if inName(ann) || !none(ann) {
			t.Fatal("state did not expire after the TTL")
		}
		if err := form.Set(bob, "age", nil); err != nil {
			t.Fatal(err)
		}
		if err := form.Clear(bob); err != nil || !none(bob) {
			t.Fatalf("Clear: %v", err)
		}
		if _, err := form.Get(mtgo.NewContext(context.Background())); !errors.Is(err, mtgo.ErrContextNoChat) {
			t.Fatalf("Get without chat or user: %v", err)
		}
	})
}

// TestMemoryStatesSweep saves many states that expire: memory stays proportional to the
// live ones.
func TestMemoryStatesSweep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := mtgo.NewMemoryStates()
		ctx := context.Background()
		for i := range 1000 {
			if err := store.SaveState(ctx, string(rune('a'+i%26))+time.Now().String(), mtgo.State{Name: "s"}, time.Now().Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second) // each state has expired before the next save
		}
		if n := store.Len(); n > 2*16 {
			t.Fatalf("%d states held, all but a few expired", n)
		}
	})
}

// TestStatesDialogue runs a two-step form through the dispatcher: each step's handler is
// chosen by the state filter.
func TestStatesDialogue(t *testing.T) {
	c := offlineClient(t, 1)
	form := mtgo.NewStates(nil, time.Hour)
	var got []string
	c.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		return form.Set(ctx, "name", nil)
	}, func(ctx *mtgo.Context) bool { return ctx.Message.Text == "/register" })
	c.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		return form.Set(ctx, "age", []byte(m.Text))
	}, form.Is("name"))
	c.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		st, err := form.Get(ctx)
		if err != nil {
			return err
		}
		got = append(got, string(st.Data)+", "+m.Text)
		return form.Clear(ctx)
	}, form.Is("age"))
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got = append(got, "no form: "+m.Text); return nil })
	for i, text := range []string{"/register", "Ann", "30", "hello"} {
		if err := mtgo.Deliver(context.Background(), c, groupMessage(5, int32(i+1), text)); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]string{"Ann, 30", "no form: hello"}, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
