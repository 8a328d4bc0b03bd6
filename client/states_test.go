package mtgo_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
)

func stateCtx(chat, user int64) *mtgo.Context {
	ctx := mtgo.NewContext(context.Background())
	ctx.Message = &types.Message{ID: 1, Chat: &types.Chat{ID: chat, Type: types.ChatGroup}, From: &types.User{ID: user}}
	return ctx
}

// stateStores are the StateStore implementations, each new per call.
var stateStores = []struct {
	name string
	new  func() mtgo.StateStore
}{
	{"MemoryStates", func() mtgo.StateStore { return mtgo.NewMemoryStates() }},
	{"StorageStates", func() mtgo.StateStore { return mtgo.NewStorageStates(storage.NewInMemory(), "form") }},
	{"default", nil}, // NewStates(nil, ...): no client in these Contexts, so in memory
}

func TestStates(t *testing.T) {
	for _, ss := range stateStores {
		t.Run(ss.name, func(t *testing.T) { testStates(t, ss.new) })
	}
}

func testStates(t *testing.T, newStore func() mtgo.StateStore) {
	synctest.Test(t, func(t *testing.T) {
		var store mtgo.StateStore
		if newStore != nil {
			store = newStore()
		}
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

// TestStorageStatesSurviveRestart keeps a state in the bbolt file store, closes and opens the
// file again: the state is there; an expired one is gone, and a damaged record is an error.
func TestStorageStatesSurviveRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bot.session")
	open := func() *storage.File {
		t.Helper()
		f, err := storage.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := open()
	store := mtgo.NewStorageStates(f, mtgo.DefaultStatesNamespace)
	want := mtgo.State{Name: "age", Data: []byte("Ann")}
	for key, expires := range map[string]time.Time{
		"-5:7": time.Now().Add(time.Hour),
		"-5:8": {}, // never expires
		"-5:9": time.Now().Add(-time.Second),
	} {
		if err := store.SaveState(ctx, key, want, expires); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveRecord(ctx, mtgo.DefaultStatesNamespace, "-5:10", []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	f = open()
	defer f.Close()
	store = mtgo.NewStorageStates(f, mtgo.DefaultStatesNamespace)
	for _, key := range []string{"-5:7", "-5:8"} {
		st, ok, err := store.LoadState(ctx, key)
		if err != nil || !ok || !cmp.Equal(want, st) {
			t.Errorf("state %s after reopen = %+v, %v, %v", key, st, ok, err)
		}
	}
	if st, ok, err := store.LoadState(ctx, "-5:9"); ok || err != nil {
		t.Errorf("expired state after reopen = %+v, %v, %v", st, ok, err)
	}
	if _, ok, _ := f.LoadRecord(ctx, mtgo.DefaultStatesNamespace, "-5:9"); ok {
		t.Error("expired state still stored after it was read")
	}
	if _, _, err := store.LoadState(ctx, "-5:10"); !errors.Is(err, mtgo.ErrCorruptState) || !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("damaged state record: %v, want ErrCorruptState", err)
	}
	// Another namespace on the same storage is another set of states.
	if _, ok, _ := mtgo.NewStorageStates(f, "other").LoadState(ctx, "-5:7"); ok {
		t.Error("namespaces share states")
	}
}

// FuzzStateRecord loads arbitrary bytes as a stored state: an error or a state, never a panic,
// and a state that decodes saves back to a record that loads the same.
func FuzzStateRecord(f *testing.F) {
	ctx := context.Background()
	st := storage.NewInMemory()
	store := mtgo.NewStorageStates(st, "fuzz")
	if err := store.SaveState(ctx, "seed", mtgo.State{Name: "name", Data: []byte("x")}, time.Time{}); err != nil {
		f.Fatal(err)
	}
	seed, _, _ := st.LoadRecord(ctx, "fuzz", "seed")
	f.Add(seed)
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, rec []byte) {
		if err := st.SaveRecord(ctx, "fuzz", "k", rec); err != nil {
			return
		}
		got, ok, err := store.LoadState(ctx, "k")
		if err != nil || !ok {
			return
		}
		if err := store.SaveState(ctx, "k", got, time.Time{}); err != nil {
			t.Fatal(err)
		}
		again, ok, err := store.LoadState(ctx, "k")
		if err != nil || !ok || !cmp.Equal(got, again) {
			t.Fatalf("state %+v saved back loads as %+v, %v, %v", got, again, ok, err)
		}
	})
}

// TestStatesFarExpiry: an expiry Unix nanoseconds cannot hold (past 2262 or before 1678) or
// one at the Unix epoch, which the record format reads as "never", keeps its meaning in every
// store: one in the future keeps the state, one in the past has dropped it.
func TestStatesFarExpiry(t *testing.T) {
	ctx := context.Background()
	want := mtgo.State{Name: "age", Data: []byte("Ann")}
	tests := []struct {
		name    string
		expires time.Time
		kept    bool
	}{
		{"year 2263", time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"year 3000", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"year 9999", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"far future", time.Unix(1<<62, 0), true},
		{"unix epoch", time.Unix(0, 0), false},
		{"year 1677", time.Date(1677, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year 1", time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), false},
	}
	for _, ss := range stateStores {
		if ss.new == nil {
			continue
		}
		for _, tt := range tests {
			t.Run(ss.name+"/"+tt.name, func(t *testing.T) {
				store := ss.new()
				if err := store.SaveState(ctx, "-5:7", want, tt.expires); err != nil {
					t.Fatal(err)
				}
				st, ok, err := store.LoadState(ctx, "-5:7")
				if err != nil || ok != tt.kept || (ok && !cmp.Equal(want, st)) {
					t.Errorf("state after expiry %v = %+v, %v, %v; want kept %v", tt.expires, st, ok, err, tt.kept)
				}
			})
		}
	}
}
