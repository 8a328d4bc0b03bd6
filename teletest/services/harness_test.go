package services

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The harness drives the Dispatcher the way the network layer does, minus the network: a
// request is encoded to bytes, answered by HandleBytes, and the result is encoded and decoded
// again into the caller's type, so every test also proves both directions of the wire format.
// A harness account is a world account plus an auth key, a Caller, a subscription and a typed
// tg.Client.

func TestHarnessShowsUsage(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("helper_bot")
	user := h.user("Alice", "79990000001")

	// Calls go through the typed client; results are real decoded tg values.
	got, err := user.api.UsersGetUsers(ctx(), &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].(*tg.User).ID != user.id {
		t.Fatalf("getUsers(self) = %v", got)
	}
	// Pushed updates are taken from the account's subscription.
	h.send(user, user.peerOf(bot), "/start")
	ups := bot.updates()
	if len(ups) != 1 {
		t.Fatalf("bot got %d updates, want 1", len(ups))
	}
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t     testing.TB
	clock *fakeClock
	w     *world.World
	d     *Dispatcher
	keys  byte

	randomID int64 // last random_id used by send
}

func newHarness(t testing.TB) *harness {
	return newHarnessWith(t, world.Config{})
}

func newHarnessWith(t testing.TB, cfg world.Config) *harness {
	t.Helper()
	clock := &fakeClock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	cfg.Now = clock.Now
	cfg.Rand = crypto.NewDeterministicReader(42)
	w, err := world.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{World: w})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, clock: clock, w: w, d: d}
}

func ctx() context.Context { return context.Background() }

// conn is one connection: an auth key and a Caller. It implements tg.Invoker.
type conn struct {
	h      *harness
	caller *Caller
	sub    *world.Subscription
}

func (h *harness) conn(dc int) *conn {
	h.keys++
	c := &Caller{DC: dc, AuthKeyID: world.KeyID{h.keys, 0xee}, SessionID: int64(h.keys)}
	sub := h.w.Subscribe(c.AuthKeyID)
	h.t.Cleanup(sub.Close)
	return &conn{h: h, caller: c, sub: sub}
}

// Invoke encodes in, dispatches the bytes and decodes the encoded result into out.
func (c *conn) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	var req tl.Buffer
	if err := in.Encode(&req); err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	res, err := c.h.d.HandleBytes(ctx, c.caller, req.Buf)
	if err != nil {
		return err
	}
	var b tl.Buffer
	if err := res.Encode(&b); err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	var rb tl.Buffer
	rb.ResetTo(b.Buf)
	if err := out.Decode(&rb); err != nil {
		return fmt.Errorf("decode result %T: %w", res, err)
	}
	if rb.Len() != 0 {
		return fmt.Errorf("result %T: %d trailing bytes", res, rb.Len())
	}
	return nil
}

// account is a logged-in world account with one connection.
type account struct {
	h    *harness
	id   int64
	info world.User
	c    *conn
	api  *tg.Client

	backlog []tg.UpdateClass // taken from the subscription but not yet claimed by waitFor
}

func (h *harness) login(u world.User) *account {
	h.t.Helper()
	c := h.conn(u.DC)
	if err := h.w.Authorize(c.caller.AuthKeyID, u.ID); err != nil {
		h.t.Fatal(err)
	}
	return &account{h: h, id: u.ID, info: u, c: c, api: tg.NewClient(c)}
}

func (h *harness) user(name, phone string) *account {
	h.t.Helper()
	u, err := h.w.CreateUser(world.UserSpec{FirstName: name, Phone: phone})
	if err != nil {
		h.t.Fatal(err)
	}
	return h.login(u)
}

// named is a person with a username (bots can reach it with contacts.resolveUsername).
func (h *harness) named(name, username, phone string) *account {
	h.t.Helper()
	u, err := h.w.CreateUser(world.UserSpec{FirstName: name, Username: username, Phone: phone})
	if err != nil {
		h.t.Fatal(err)
	}
	return h.login(u)
}

// botWith creates and logs in a bot from spec (FirstName defaults to the username).
func (h *harness) botWith(spec world.BotSpec) *account {
	h.t.Helper()
	if spec.FirstName == "" {
		spec.FirstName = spec.Username
	}
	u, err := h.w.CreateBot(spec)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.login(u)
}

func (h *harness) bot(username string) *account {
	h.t.Helper()
	u, err := h.w.CreateBot(world.BotSpec{FirstName: username, Username: username})
	if err != nil {
		h.t.Fatal(err)
	}
	return h.login(u)
}

// second opens another connection with another auth key authorized as the same account.
func (a *account) second() *account {
	return a.h.login(a.info)
}

// updates drains the account's pushed updates.
func (a *account) updates() []tg.UpdatesClass {
	select {
	case <-a.c.sub.Ready():
	default:
	}
	return a.c.sub.Take()
}

// userAs returns the account's own user as another account sees it (with the access hash valid
// for that viewer).
func (a *account) userAs(viewer *account) *tg.User {
	a.h.t.Helper()
	res, err := viewer.api.ContactsResolveUsername(ctx(), &tg.ContactsResolveUsernameRequest{Username: a.info.Username})
	if err == nil {
		for _, u := range res.Users {
			if u := u.(*tg.User); u.ID == a.id {
				return u
			}
		}
	}
	a.h.t.Fatalf("account %d cannot see %d: %v", viewer.id, a.id, err)
	return nil
}

// peerOf returns the InputPeer under which a addresses other (resolved by username when it
// has one, otherwise learned from other's own view through the world's hash rules).
func (a *account) peerOf(other *account) tg.InputPeerClass {
	a.h.t.Helper()
	if other.info.Username != "" {
		u := other.userAs(a)
		return &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
	}
	// No username: the other side must have written first; find it in the dialogs.
	ds, err := a.api.MessagesGetDialogs(ctx(), &tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}, Limit: 100})
	if err != nil {
		a.h.t.Fatal(err)
	}
	for _, u := range dialogsUsers(ds) {
		if u := u.(*tg.User); u.ID == other.id {
			return &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
		}
	}
	a.h.t.Fatalf("%d does not know %d", a.id, other.id)
	return nil
}

func dialogsUsers(d tg.MessagesDialogsClass) []tg.UserClass {
	switch d := d.(type) {
	case *tg.MessagesDialogs:
		return d.Users
	case *tg.MessagesDialogsSlice:
		return d.Users
	}
	return nil
}

func (h *harness) send(from *account, to tg.InputPeerClass, text string) tg.UpdatesClass {
	h.t.Helper()
	h.randomID++
	res, err := from.api.MessagesSendMessage(ctx(), &tg.MessagesSendMessageRequest{Peer: to, Message: text, RandomID: h.randomID})
	if err != nil {
		h.t.Fatalf("send %q: %v", text, err)
	}
	h.clock.Advance(time.Second)
	return res
}

// rpcErr asserts that err is the rpc_error want.
func wantRPC(t testing.TB, err error, want *RPCError) {
	t.Helper()
	var got *RPCError
	if !errors.As(err, &got) {
		t.Fatalf("error = %v, want rpc error %v", err, want)
	}
	if got.Code != want.Code || got.Message != want.Message {
		t.Fatalf("error = %d %s, want %d %s", got.Code, got.Message, want.Code, want.Message)
	}
}

func someStr(s string) tl.Opt[string] { return tl.Some(s) }
func someI32(v int32) tl.Opt[int32]   { return tl.Some(v) }
