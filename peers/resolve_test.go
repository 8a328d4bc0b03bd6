package peers

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// fakeAPI answers like a small Telegram server and counts calls.
type fakeAPI struct {
	usernames map[string]*tg.ContactsResolvedPeer
	phones    map[string]*tg.ContactsResolvedPeer
	users     map[int64]tg.UserClass
	channels  map[int64]tg.ChatClass
	invites   map[string]tg.ChatInviteClass
	errs      map[string]error // by username, forced errors

	gate  chan struct{} // when non-nil, calls wait on it
	calls atomic.Int64
}

func (f *fakeAPI) wait(ctx context.Context) error {
	f.calls.Add(1)
	if f.gate == nil {
		return nil
	}
	select {
	case <-f.gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func rpcErr(code int, msg string) error { return rpcerr.Parse(code, msg) }

func (f *fakeAPI) ContactsResolveUsername(ctx context.Context, req *tg.ContactsResolveUsernameRequest) (*tg.ContactsResolvedPeer, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	if err := f.errs[req.Username]; err != nil {
		return nil, err
	}
	if r, ok := f.usernames[req.Username]; ok {
		return r, nil
	}
	return nil, rpcErr(400, "USERNAME_NOT_OCCUPIED")
}

func (f *fakeAPI) ContactsResolvePhone(ctx context.Context, req *tg.ContactsResolvePhoneRequest) (*tg.ContactsResolvedPeer, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	if r, ok := f.phones[req.Phone]; ok {
		return r, nil
	}
	return nil, rpcErr(400, "PHONE_NOT_OCCUPIED")
}

func (f *fakeAPI) UsersGetUsers(ctx context.Context, req *tg.UsersGetUsersRequest) ([]tg.UserClass, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	var out []tg.UserClass
	for _, in := range req.ID {
		id := in.(*tg.InputUser).UserID
		if u, ok := f.users[id]; ok {
			out = append(out, u)
		} else {
			out = append(out, &tg.UserEmpty{ID: id})
		}
	}
	return out, nil
}

func (f *fakeAPI) ChannelsGetChannels(ctx context.Context, req *tg.ChannelsGetChannelsRequest) (tg.MessagesChatsClass, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	res := &tg.MessagesChats{}
	for _, in := range req.ID {
		c, ok := f.channels[in.(*tg.InputChannel).ChannelID]
		if !ok {
			return nil, rpcErr(400, "CHANNEL_INVALID")
		}
		res.Chats = append(res.Chats, c)
	}
	return res, nil
}

func (f *fakeAPI) MessagesCheckChatInvite(ctx context.Context, req *tg.MessagesCheckChatInviteRequest) (tg.ChatInviteClass, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	if r, ok := f.invites[req.Hash]; ok {
		return r, nil
	}
	return nil, rpcErr(400, "INVITE_HASH_INVALID")
}

func newFakeAPI() *fakeAPI {
	return &fakeAPI{
		usernames: map[string]*tg.ContactsResolvedPeer{
			"bob_b": {Peer: &tg.PeerUser{UserID: 5}, Users: []tg.UserClass{fullUser(5, 50, "Bob_B")}},
			"chan_x": {Peer: &tg.PeerChannel{ChannelID: 6}, Chats: []tg.ChatClass{fullChannel(6, 60, "chan_x")},
				Users: []tg.UserClass{fullUser(5, 50, "Bob_B")}},
			"liar_liar": {Peer: &tg.PeerUser{UserID: 404}},
		},
		phones: map[string]*tg.ContactsResolvedPeer{
			"15550100": {Peer: &tg.PeerUser{UserID: 7}, Users: []tg.UserClass{fullUser(7, 70, "")}},
		},
		users:    map[int64]tg.UserClass{4: fullUser(4, 45, "")},
		channels: map[int64]tg.ChatClass{11: fullChannel(11, 111, "")},
		invites: map[string]tg.ChatInviteClass{
			"member":   &tg.ChatInviteAlready{Chat: fullChannel(12, 120, "")},
			"peek":     &tg.ChatInvitePeek{Chat: &tg.Chat{ID: 13}},
			"outsider": &tg.ChatInvite{Title: "secret club"},
		},
		errs: map[string]error{"broken_net": errors.New("connection reset")},
	}
}

// newResolver returns a resolver whose cache knows user 1 (@alice), channel 2 (@news), chat 3,
// min user 4, and the logged-in user 9.
func newResolver(t *testing.T, clk *clock) (*Resolver, *fakeAPI) {
	t.Helper()
	api := newFakeAPI()
	c := NewCache(Options{Now: clk.Now})
	c.Learn([]tg.UserClass{fullUser(1, 10, "alice"), minUser(4, 44)},
		[]tg.ChatClass{fullChannel(2, 20, "news"), &tg.Chat{ID: 3}})
	c.SetSelf(9, false)
	return NewResolver(c, api, ResolverOptions{UsernameTTL: time.Hour}), api
}

type peerer struct{ p tg.InputPeerClass }

func (p peerer) InputPeer() tg.InputPeerClass { return p.p }

func TestResolve(t *testing.T) {
	user := func(id, hash int64) tg.InputPeerClass { return &tg.InputPeerUser{UserID: id, AccessHash: hash} }
	channel := func(id, hash int64) tg.InputPeerClass { return &tg.InputPeerChannel{ChannelID: id, AccessHash: hash} }
	self := &tg.InputPeerSelf{}
	tests := []struct {
		name  string
		in    any
		want  tg.InputPeerClass
		calls int64
	}{
		{"int64 user", int64(1), user(1, 10), 0},
		{"int user", 1, user(1, 10), 0},
		{"int32 user", int32(1), user(1, 10), 0},
		{"basic group", int64(-3), &tg.InputPeerChat{ChatID: 3}, 0},
		{"uncached basic group", int64(-33), &tg.InputPeerChat{ChatID: 33}, 0},
		{"channel", int64(-1000000000002), channel(2, 20), 0},
		{"self id", int64(9), self, 0},
		{"me", "me", self, 0},
		{"username", "alice", user(1, 10), 0},
		{"@username", "@Alice", user(1, 10), 0},
		{"link", "https://t.me/news/7", channel(2, 20), 0},
		{"id string", "-1000000000002", channel(2, 20), 0},
		{"username from server", "bob_b", user(5, 50), 1},
		{"channel link from server", "https://t.me/chan_x/5", channel(6, 60), 1},
		{"phone from server", "+1 555 0100", user(7, 70), 1},
		{"min user refreshed", int64(4), user(4, 45), 1},
		{"channel by id from server", int64(-1000000000011), channel(11, 111), 1},
		{"private post link", "https://t.me/c/11/3", channel(11, 111), 1},
		{"invite member", "https://t.me/+member", channel(12, 120), 1},
		{"invite peek", "tg://join?invite=peek", &tg.InputPeerChat{ChatID: 13}, 1},
		{"peer", &tg.PeerUser{UserID: 1}, user(1, 10), 0},
		{"peer channel", &tg.PeerChannel{ChannelID: 2}, channel(2, 20), 0},
		{"input peer filled", &tg.InputPeerUser{UserID: 1}, user(1, 10), 0},
		{"input peer unknown kept", &tg.InputPeerUser{UserID: 100}, user(100, 0), 0},
		{"input peer with hash kept", &tg.InputPeerChannel{ChannelID: 2, AccessHash: 5}, channel(2, 5), 0},
		{"input peer self", &tg.InputPeerSelf{}, self, 0},
		{"input user", &tg.InputUser{UserID: 1}, user(1, 10), 0},
		{"input user self", &tg.InputUserSelf{}, self, 0},
		{"input user from message", &tg.InputUserFromMessage{Peer: channel(2, 20), MsgID: 3, UserID: 4},
			&tg.InputPeerUserFromMessage{Peer: channel(2, 20), MsgID: 3, UserID: 4}, 0},
		{"input channel", &tg.InputChannel{ChannelID: 2}, channel(2, 20), 0},
		{"input channel from message", &tg.InputChannelFromMessage{Peer: user(1, 10), MsgID: 3, ChannelID: 4},
			&tg.InputPeerChannelFromMessage{Peer: user(1, 10), MsgID: 3, ChannelID: 4}, 0},
		{"user object", &tg.User{ID: 20, AccessHash: tl.Some(int64(200))}, user(20, 200), 0},
		{"self user object", &tg.User{ID: 21, Self: true, AccessHash: tl.Some(int64(1))}, self, 0},
		{"channel object", &tg.Channel{ID: 22, AccessHash: tl.Some(int64(220))}, channel(22, 220), 0},
		{"chat object", &tg.Chat{ID: 23}, &tg.InputPeerChat{ChatID: 23}, 0},
		{"peerer", peerer{user(1, 0)}, user(1, 10), 0},
		{"key", ChannelKey(2), channel(2, 20), 0},
		{"addressable record", Peer{Key: UserKey(30), AccessHash: 3}, user(30, 3), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, api := newResolver(t, newClock())
			got, err := r.Resolve(context.Background(), tt.in)
			if err != nil {
				t.Fatalf("Resolve(%v): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve(%v) (-want +got):\n%s", tt.in, diff)
			}
			if n := api.calls.Load(); n != tt.calls {
				t.Errorf("Resolve(%v) made %d calls, want %d", tt.in, n, tt.calls)
			}
		})
	}
}

func TestResolveNotFound(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		also    error // another error the result must match, if any
		notFind bool  // the result must NOT match ErrPeerNotFound
	}{
		{name: "unknown username", in: "nobody_here", also: &rpcerr.Error{Type: "USERNAME_NOT_OCCUPIED"}},
		{name: "answer without the peer", in: "liar_liar"},
		{name: "unknown phone", in: "+1 555 0199", also: &rpcerr.Error{Type: "PHONE_NOT_OCCUPIED"}},
		{name: "empty user", in: int64(8)},
		{name: "invalid channel", in: int64(-1000000000013), also: &rpcerr.Error{Type: "CHANNEL_INVALID"}},
		{name: "invite outsider", in: "t.me/joinchat/outsider"},
		{name: "invite invalid", in: "t.me/+nope", also: &rpcerr.Error{Type: "INVITE_HASH_INVALID"}},
		{name: "bad username", in: "bad name!", also: ErrInvalidQuery},
		{name: "sticker link", in: "t.me/addstickers/x", also: ErrUnsupportedLink},
		{name: "zero id", in: int64(0), also: ErrInvalidQuery},
		{name: "nil", in: nil},
		{name: "float", in: 3.5, also: ErrInvalidQuery},
		{name: "empty peer", in: &tg.PeerUser{}},
		{name: "nil peerer", in: peerer{}},
		{name: "empty input user", in: &tg.InputUserEmpty{}},
		{name: "empty input channel", in: &tg.InputChannelEmpty{}},
		{name: "empty user object", in: &tg.UserEmpty{}},
		{name: "network error", in: "broken_net", notFind: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := newResolver(t, newClock())
			got, err := r.Resolve(context.Background(), tt.in)
			if err == nil {
				t.Fatalf("Resolve(%v) = %v, want an error", tt.in, got)
			}
			if errors.Is(err, ErrPeerNotFound) == tt.notFind {
				t.Errorf("Resolve(%v) error %v: matches ErrPeerNotFound = %v", tt.in, err, !tt.notFind)
			}
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Errorf("Resolve(%v) error %v does not match %v", tt.in, err, tt.also)
			}
		})
	}
}

func TestResolveUsernameTTL(t *testing.T) {
	clk := newClock()
	r, api := newResolver(t, clk)
	ctx := context.Background()
	for range 3 {
		if _, err := r.Resolve(ctx, "@bob_b"); err != nil {
			t.Fatal(err)
		}
	}
	if n := api.calls.Load(); n != 1 {
		t.Fatalf("3 resolutions within the TTL made %d calls, want 1", n)
	}
	clk.Advance(time.Hour + time.Second)
	if _, err := r.Resolve(ctx, "bob_b"); err != nil {
		t.Fatal(err)
	}
	if n := api.calls.Load(); n != 2 {
		t.Fatalf("after the TTL: %d calls, want 2", n)
	}
	// Learning the peer again (say, from an update) renews the TTL.
	clk.Advance(50 * time.Minute)
	r.Learn([]tg.UserClass{fullUser(5, 50, "Bob_B")}, nil)
	clk.Advance(50 * time.Minute)
	if _, err := r.Resolve(ctx, "bob_b"); err != nil {
		t.Fatal(err)
	}
	if n := api.calls.Load(); n != 2 {
		t.Fatalf("after a renewing Learn: %d calls, want 2", n)
	}
}

func TestResolveSharesRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, api := newResolver(t, newClock())
		api.gate = make(chan struct{})
		ctx := context.Background()
		const n = 8
		var wg sync.WaitGroup
		results := make([]tg.InputPeerClass, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { results[i], errs[i] = r.Resolve(ctx, "chan_x") })
		}
		// Every caller is now blocked: one in the request, the others waiting for its answer.
		synctest.Wait()
		if c := api.calls.Load(); c != 1 {
			t.Errorf("%d concurrent resolutions made %d calls before the answer, want 1", n, c)
		}
		close(api.gate)
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			if diff := cmp.Diff(tg.InputPeerClass(&tg.InputPeerChannel{ChannelID: 6, AccessHash: 60}), results[i]); diff != "" {
				t.Fatalf("caller %d (-want +got):\n%s", i, diff)
			}
		}
		if c := api.calls.Load(); c != 1 {
			t.Errorf("%d concurrent resolutions made %d calls, want 1", n, c)
		}
	})
}

func TestResolveContext(t *testing.T) {
	r, api := newResolver(t, newClock())
	api.gate = make(chan struct{}) // never answers
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := r.Resolve(ctx, "bob_b")
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrPeerNotFound) {
		t.Errorf("Resolve with an expiring context = %v, want DeadlineExceeded only", err)
	}
}

// A waiter whose leader gave up because of its own context runs the request itself.
func TestFlightRetriesAfterLeaderCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f flight[string, int]
		leaderCtx, cancelLeader := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := f.do(leaderCtx, "k", func(ctx context.Context) (int, error) {
				<-ctx.Done()
				return 0, ctx.Err()
			})
			done <- err
		}()
		synctest.Wait() // the leader is in its call
		var waiterCalls atomic.Int64
		result := make(chan int, 1)
		go func() {
			v, _ := f.do(context.Background(), "k", func(context.Context) (int, error) {
				waiterCalls.Add(1)
				return 7, nil
			})
			result <- v
		}()
		synctest.Wait() // the waiter waits for the leader's answer
		select {
		case v := <-result:
			t.Fatalf("the waiter returned %d while the leader's call was running", v)
		default:
		}
		if n := waiterCalls.Load(); n != 0 {
			t.Fatalf("the waiter ran its own call %d times while the leader's was running", n)
		}
		cancelLeader()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("leader: %v", err)
		}
		if v := <-result; v != 7 || waiterCalls.Load() != 1 {
			t.Fatalf("waiter got %d after %d calls of its own, want 7 from one", v, waiterCalls.Load())
		}
	})
}

func TestInputConversions(t *testing.T) {
	if u, ok := InputUserOf(&tg.InputPeerSelf{}); !ok || !cmp.Equal(u, tg.InputUserClass(&tg.InputUserSelf{})) {
		t.Errorf("InputUserOf(self) = %v, %v", u, ok)
	}
	if u, ok := InputUserOf(&tg.InputPeerUser{UserID: 1, AccessHash: 2}); !ok || !cmp.Equal(u, tg.InputUserClass(&tg.InputUser{UserID: 1, AccessHash: 2})) {
		t.Errorf("InputUserOf(user) = %v, %v", u, ok)
	}
	if _, ok := InputUserOf(&tg.InputPeerChat{ChatID: 1}); ok {
		t.Error("InputUserOf(chat) succeeded")
	}
	if c, ok := InputChannelOf(&tg.InputPeerChannel{ChannelID: 1, AccessHash: 2}); !ok || !cmp.Equal(c, tg.InputChannelClass(&tg.InputChannel{ChannelID: 1, AccessHash: 2})) {
		t.Errorf("InputChannelOf(channel) = %v, %v", c, ok)
	}
	if c, ok := InputChannelOf(&tg.InputPeerChannelFromMessage{ChannelID: 1, MsgID: 2}); !ok || !cmp.Equal(c, tg.InputChannelClass(&tg.InputChannelFromMessage{ChannelID: 1, MsgID: 2})) {
		t.Errorf("InputChannelOf(from message) = %v, %v", c, ok)
	}
	if _, ok := InputChannelOf(&tg.InputPeerSelf{}); ok {
		t.Error("InputChannelOf(self) succeeded")
	}
}

// A call that panics (an API implementation's bug) must not leave its key taken: the panic
// goes to the caller that made the call, and later and waiting callers make their own.
func TestFlightSurvivesPanickingCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f flight[string, int]
		release := make(chan struct{})
		panicked := make(chan any, 1)
		go func() {
			defer func() { panicked <- recover() }()
			_, _ = f.do(context.Background(), "k", func(context.Context) (int, error) {
				<-release
				panic("api bug")
			})
		}()
		synctest.Wait() // the leader is in its call
		waiter := make(chan int, 1)
		go func() {
			v, _ := f.do(context.Background(), "k", func(context.Context) (int, error) { return 7, nil })
			waiter <- v
		}()
		synctest.Wait() // the waiter waits for the leader
		close(release)
		if r := <-panicked; r != "api bug" {
			t.Fatalf("leader recovered %v, want its panic", r)
		}
		if v := <-waiter; v != 7 {
			t.Fatalf("waiter got %d, want 7 from its own call", v)
		}
		if v, err := f.do(context.Background(), "k", func(context.Context) (int, error) { return 8, nil }); v != 8 || err != nil {
			t.Fatalf("later call = %d, %v", v, err)
		}
	})
}
