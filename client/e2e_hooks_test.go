package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// hasMessage reports whether batch u (the engine hands tg.Updates over) carries a new
// message with text.
func hasMessage(u tg.UpdatesClass, text string) bool {
	full, _ := updates.ExpandShort(u, 0).(*tg.Updates)
	if full == nil {
		return false
	}
	for _, x := range full.Updates {
		if n, ok := x.(*tg.UpdateNewMessage); ok {
			if m, ok := n.Message.(*tg.Message); ok && m.Message == text {
				return true
			}
		}
	}
	return false
}

// TestE2EHooksThroughPlugin installs a plugin whose hooks watch a bot's life: the session
// loaded (new, then stored and authorized), the connection up, a dropped connection coming
// back (OnConnected again and OnReconnect with its reason), and a user's message seen by
// OnUpdateReceived before the handlers.
func TestE2EHooksThroughPlugin(t *testing.T) {
	cl := cluster(t)
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Hooks", Username: "e2e_hooks_bot"})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	sessions := make(chan mtgo.SessionInfo, 4)
	conns := make(chan mtgo.ConnectionInfo, 8)
	reconns := make(chan mtgo.ReconnectInfo, 4)
	seen := make(chan tg.UpdatesClass, 64)
	handled := make(chan string, 4)
	observer := mtgo.NewPlugin("observer", func(c *mtgo.Client) error {
		c.OnSessionLoaded(func(_ *mtgo.Context, s mtgo.SessionInfo) { sessions <- s })
		c.OnConnected(func(ctx *mtgo.Context, info mtgo.ConnectionInfo) {
			if ctx.Client != c {
				t.Error("OnConnected: Context without the client")
			}
			conns <- info
		})
		c.OnReconnect(func(_ *mtgo.Context, r mtgo.ReconnectInfo) { reconns <- r })
		c.OnUpdateReceived(func(_ context.Context, u tg.UpdatesClass) {
			select {
			case seen <- u:
			default: // a hook never blocks the engine
			}
		})
		c.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
			handled <- m.Text
			return nil
		})
		return nil
	})
	if err := b.Use(observer); err != nil {
		t.Fatal(err)
	}
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	if s := recv(t, sessions, "OnSessionLoaded at the first Connect"); s != (mtgo.SessionInfo{DC: 2}) {
		t.Fatalf("first session %+v: want a new one on DC 2, not logged in", s)
	}
	if c := recv(t, conns, "OnConnected at the first Connect"); c != (mtgo.ConnectionInfo{DC: 2}) {
		t.Fatalf("first connection %+v", c)
	}

	if n := cl.Faults().DropConnections(b.DC()); n == 0 {
		t.Fatal("no connection dropped")
	}
	if c := recv(t, conns, "OnConnected after the reconnection"); c != (mtgo.ConnectionInfo{DC: 2, Authorized: true, Reconnected: true}) {
		t.Fatalf("reconnection %+v", c)
	}
	r := recv(t, reconns, "OnReconnect")
	if r.DC != 2 || r.Count < 1 || r.Downtime < 0 || r.Reason == nil {
		t.Fatalf("OnReconnect %+v: want DC 2, a count, a downtime and the loss's reason", r)
	}

	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Hooked", Phone: "15557100"})
	if _, err := u.SendMessage(ctxT(t), "@e2e_hooks_bot", "hello hooks"); err != nil {
		t.Fatal(err)
	}
	for batch := recv(t, seen, "OnUpdateReceived"); !hasMessage(batch, "hello hooks"); batch = recv(t, seen, "OnUpdateReceived with the message") {
	}
	if text := recv(t, handled, "the plugin's OnMessage"); text != "hello hooks" {
		t.Fatalf("handled %q", text)
	}

	if err := b.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if err := b.ConnectContext(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	want := mtgo.SessionInfo{DC: 2, Stored: true, Authorized: true, UserID: botUser.ID, Bot: true}
	if s := recv(t, sessions, "OnSessionLoaded at the second Connect"); s != want {
		t.Fatalf("second session %+v, want %+v", s, want)
	}
	if c := recv(t, conns, "OnConnected at the second Connect"); c != (mtgo.ConnectionInfo{DC: 2, Authorized: true}) {
		t.Fatalf("second connection %+v", c)
	}
	if got := b.Plugins(); !cmp.Equal(got, []string{"observer"}) {
		t.Fatalf("Plugins() = %v", got)
	}
}

// TestE2EResolveUsernameAndPhone resolves a bot by username and a user by phone number, from
// another user, and the failures: unknown and malformed names and numbers.
func TestE2EResolveUsernameAndPhone(t *testing.T) {
	cl := cluster(t)
	_, bot := e2eBot(t, cl, "e2e_resolve_bot")
	a, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Asker", Phone: "15557200"})
	target, err := cl.World().CreateUser(world.UserSpec{FirstName: "Target", Phone: "15557201", Username: "resolve_target"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	userID := func(p tg.InputPeerClass) int64 {
		if u, ok := p.(*tg.InputPeerUser); ok && u.AccessHash != 0 {
			return u.UserID
		}
		return 0
	}
	for _, tc := range []struct {
		name    string
		resolve func() (tg.InputPeerClass, error)
		want    int64 // 0: not found
	}{
		{"username with @", func() (tg.InputPeerClass, error) { return a.ResolveUsername(ctx, "@e2e_resolve_bot") }, bot.ID},
		{"username without @, other case", func() (tg.InputPeerClass, error) { return a.ResolveUsername(ctx, "E2E_Resolve_Bot") }, bot.ID},
		{"username again, from the cache", func() (tg.InputPeerClass, error) { return a.ResolveUsername(ctx, "e2e_resolve_bot") }, bot.ID},
		{"user's username", func() (tg.InputPeerClass, error) { return a.ResolveUsername(ctx, "resolve_target") }, target.ID},
		{"unknown username", func() (tg.InputPeerClass, error) { return a.ResolveUsername(ctx, "nobody_here_at_all") }, 0},
		{"malformed username", func() (tg.InputPeerClass, error) { return a.ResolveUsername(ctx, "1x") }, 0},
		{"phone with +", func() (tg.InputPeerClass, error) { return a.ResolvePhone(ctx, "+15557201") }, target.ID},
		{"phone with separators", func() (tg.InputPeerClass, error) { return a.ResolvePhone(ctx, " 1 (555) 72-01") }, target.ID},
		{"unknown phone", func() (tg.InputPeerClass, error) { return a.ResolvePhone(ctx, "+19990000000") }, 0},
		{"malformed phone", func() (tg.InputPeerClass, error) { return a.ResolvePhone(ctx, "call me") }, 0},
	} {
		p, err := tc.resolve()
		if tc.want == 0 {
			if !errors.Is(err, mtgo.ErrPeerNotFound) {
				t.Errorf("%s: %v, %v; want ErrPeerNotFound", tc.name, p, err)
			}
			continue
		}
		if err != nil || userID(p) != tc.want {
			t.Errorf("%s: %#v, %v; want user %d", tc.name, p, err, tc.want)
		}
	}
}

// TestE2EReactionsCustomEmojiAndDownloadFile reads the reaction list twice (the second time
// the server answers "not modified" to the kept hash), custom emoji by id, and downloads a
// custom emoji's file by its raw location.
func TestE2EReactionsCustomEmojiAndDownloadFile(t *testing.T) {
	cl := cluster(t)
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Emoji", Phone: "15557300"})
	var answers []string
	u.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
			err := next.Invoke(ctx, in, out)
			if b, ok := out.(*tg.MessagesAvailableReactionsClassBox); ok && err == nil {
				answers = append(answers, b.MessagesAvailableReactions.TypeName())
			}
			return err
		})
	})
	ctx := ctxT(t)
	list, err := u.GetAvailableReactions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var emoticons []string
	for _, r := range list.Reactions {
		emoticons = append(emoticons, r.Reaction)
		icon, ok := r.StaticIcon.(*types.Sticker)
		if !ok || icon.MimeType != "image/webp" || r.AppearAnimation == nil || r.Raw == nil {
			t.Fatalf("reaction %q: icon %#v, animation %v", r.Reaction, r.StaticIcon, r.AppearAnimation)
		}
	}
	if diff := cmp.Diff([]string{"👍", "👎", "❤", "🔥", "🎉", "🤩"}, emoticons); diff != "" || list.Hash == 0 || !list.Reactions[5].Premium {
		t.Fatalf("reactions (-want +got):\n%s hash %d", diff, list.Hash)
	}
	again, err := u.GetAvailableReactions(ctx)
	if err != nil || again != list {
		t.Fatalf("second GetAvailableReactions: %p, %v; want the kept list %p", again, err, list)
	}
	if diff := cmp.Diff([]string{"messages.availableReactions", "messages.availableReactionsNotModified"}, answers); diff != "" {
		t.Fatalf("answers (-want +got):\n%s", diff)
	}

	w := cl.World()
	smile, err := w.AddCustomEmoji(world.CustomEmojiSpec{Alt: "😀", Free: true, MimeType: "image/webp", Data: []byte("static smile")})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := w.AddCustomEmoji(world.CustomEmojiSpec{Alt: "🐱", MimeType: "video/webm", Data: []byte("a webm cat, in bytes")})
	if err != nil {
		t.Fatal(err)
	}
	stickers, err := u.GetCustomEmojiStickers(ctx, cat, 1234567, smile)
	if err != nil {
		t.Fatal(err)
	}
	type emoji struct {
		ID          int64
		Type        types.StickerType
		Emoji       string
		Free, Video bool
	}
	var got []emoji
	for _, s := range stickers {
		got = append(got, emoji{s.CustomEmojiID, s.Type, s.Emoji, s.FreeCustomEmoji, s.IsVideo})
	}
	want := []emoji{{cat, types.StickerCustomEmoji, "🐱", false, true}, {smile, types.StickerCustomEmoji, "😀", true, false}}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("custom emoji (-want +got):\n%s", diff)
	}
	if none, err := u.GetCustomEmojiStickers(ctx); err != nil || len(none) != 0 {
		t.Fatalf("no ids: %v, %v", none, err)
	}

	d := stickers[0].Raw
	loc := &tg.InputDocumentFileLocation{ID: d.ID, AccessHash: d.AccessHash, FileReference: d.FileReference}
	stored, _ := w.File(cat)
	for _, size := range []int64{d.Size, 0} { // known and unknown size
		data, err := u.DownloadFile(ctx, loc, size)
		if err != nil || string(data) != string(stored.Data) {
			t.Fatalf("DownloadFile size %d: %q, %v; want %q", size, data, err, stored.Data)
		}
	}
	if _, err := u.DownloadFile(ctx, nil, 0); !errors.Is(err, media.ErrMediaNil) {
		t.Fatalf("DownloadFile(nil): %v", err)
	}
}

// TestE2EConnectRefusedDialHooks refuses the first dial of the first Connect, by the server
// (a transport error answering its first packet) or before any socket (the dialer fails): the
// session dials again and Connect succeeds, which runs OnConnect once, with no OnDisconnect,
// as nothing the client announced was lost. A later loss then runs the usual OnDisconnect,
// OnConnect, OnReconnect; as the link's hooks run in order, seeing its OnReconnect means
// every hook before it has run.
func TestE2EConnectRefusedDialHooks(t *testing.T) {
	tests := []struct {
		name   string
		server bool // the server refuses; else the dialer fails
	}{
		{name: "by the server", server: true},
		{name: "by the dialer"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := cluster(t)
			bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Refused", Username: fmt.Sprintf("e2e_refused%d_bot", i)})
			if err != nil {
				t.Fatal(err)
			}
			gate := newDialGate()
			b := e2eClient(t, cl, func(cfg *mtgo.Config) {
				cfg.BotToken = bot.Token
				if !tt.server {
					cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceSessionFactory(pfsFactory{served: make(chan struct{}, 4), gate: gate}))
				}
			})
			hooks := make(chan string, 16)
			b.OnConnect(func(*mtgo.Context) { hooks <- "connect" })
			b.OnDisconnect(func(*mtgo.Context) { hooks <- "disconnect" })
			b.OnReconnect(func(*mtgo.Context, mtgo.ReconnectInfo) { hooks <- "reconnect" })
			if tt.server {
				cl.Faults().RefuseConnections(2, -429, 1)
			} else {
				gate.refuseNext.Store(1)
			}
			if err := b.Start0(t); err != nil {
				t.Fatal(err)
			}
			if st := cl.Faults().Stats(); tt.server && st.Refused != 1 {
				t.Fatalf("%d connections refused, want 1", st.Refused)
			}
			if n := gate.refuseNext.Load(); n != 0 {
				t.Fatalf("%d dial refusals left, want none", n)
			}
			if n := cl.Faults().DropConnections(b.DC()); n == 0 {
				t.Fatal("no connection dropped")
			}
			var got []string
			for h := ""; h != "reconnect"; {
				h = recv(t, hooks, "the hooks of the Connect and of the loss")
				got = append(got, h)
			}
			if diff := cmp.Diff([]string{"connect", "disconnect", "connect", "reconnect"}, got); diff != "" {
				t.Fatalf("hooks (-want +got):\n%s", diff)
			}
		})
	}
}

// pfsFactory builds the session module's run loop with temporary keys of lifetime ttl
// (perfect forward secrecy, which Config does not offer; 0: none), sends on served each time a
// home connection is served, and dials the home connection through gate, if set.
type pfsFactory struct {
	ttl    time.Duration
	served chan struct{}
	gate   *dialGate
}

func (f pfsFactory) NewConn(cc mtgo.ConnConfig) (mtgo.Conn, error) {
	d := cc.Dialer
	if !cc.Media && !cc.CDN {
		d = session.DialerFunc(func(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
			if err := f.gate.pass(ctx); err != nil {
				return nil, err
			}
			pc, err := cc.Dialer.DialPacket(ctx, dc, addr)
			if err != nil {
				return nil, err
			}
			return servedConn{PacketConn: pc, served: f.served}, nil
		})
	}
	c, err := session.New(session.Options{
		Session:    session.Session{DC: cc.DC, Addr: cc.Addr, TestMode: cc.TestMode},
		Store:      cc.Store,
		Dialer:     d,
		PublicKeys: cc.PublicKeys,
		Init:       cc.Init,
		Reconnect:  cc.Reconnect,
		Updates:    cc.Updates,
		Logger:     cc.Logger,
		TempKeyTTL: f.ttl,
	})
	if err != nil {
		return nil, err
	}
	return pfsConn{c}, nil
}

// pfsBot returns a client of a new bot named name, not started, whose sessions use temporary
// keys of lifetime ttl (pfsFactory), and that factory.
func pfsBot(t *testing.T, cl *teletest.Cluster, name string, ttl time.Duration, edit ...func(*mtgo.Config)) (*testClient, pfsFactory) {
	t.Helper()
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: name, Username: name})
	if err != nil {
		t.Fatal(err)
	}
	f := pfsFactory{ttl: ttl, served: make(chan struct{}, 8)}
	b := e2eClient(t, cl, append([]func(*mtgo.Config){func(cfg *mtgo.Config) {
		cfg.BotToken = bot.Token
		cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceSessionFactory(f))
	}}, edit...)...)
	return b, f
}

// dialGate holds dials while closed: each one waiting sends on dialing (dropped when full)
// and goes on once the gate opens.
type dialGate struct {
	mu      sync.Mutex
	shut    chan struct{} // nil while open
	dialing chan struct{}
	refuse  atomic.Bool // dials fail at once with errDialRefused
	// refuseNext is how many of the next dials fail at once with errDialRefused.
	refuseNext atomic.Int32
}

// errDialRefused fails the dials of a refusing dialGate.
var errDialRefused = errors.New("test: dial refused")

func newDialGate() *dialGate { return &dialGate{dialing: make(chan struct{}, 4)} }

// hold makes the next dials wait for open.
func (g *dialGate) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut == nil {
		g.shut = make(chan struct{})
	}
}

// open lets the waiting dials and the next ones through.
func (g *dialGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut != nil {
		close(g.shut)
		g.shut = nil
	}
}

// pass waits while the gate is closed (a nil gate is open).
func (g *dialGate) pass(ctx context.Context) error {
	if g == nil {
		return nil
	}
	if g.refuse.Load() {
		return errDialRefused
	}
	if n := g.refuseNext.Load(); n > 0 && g.refuseNext.CompareAndSwap(n, n-1) {
		return errDialRefused
	}
	g.mu.Lock()
	shut := g.shut
	g.mu.Unlock()
	if shut == nil {
		return nil
	}
	select {
	case g.dialing <- struct{}{}:
	default:
	}
	select {
	case <-shut:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pfsConn adapts *session.Conn to mtgo.Conn.
type pfsConn struct{ *session.Conn }

func (c pfsConn) InvokeWith(ctx context.Context, in tl.Encoder, out tl.Decoder, repeatable bool) error {
	if repeatable {
		return c.Conn.InvokeWith(ctx, in, out, session.WithRepeatable())
	}
	return c.Conn.InvokeWith(ctx, in, out)
}

// servedConn passes Serving on to the client's connection, then signals it.
type servedConn struct {
	session.PacketConn
	served chan<- struct{}
}

func (c servedConn) Serving() {
	if n, ok := c.PacketConn.(session.ServeNotifier); ok {
		n.Serving()
	}
	select {
	case c.served <- struct{}{}:
	default:
	}
}

// TestE2EReconnectCountAfterLossOnly: the session replaces the home connection by itself to
// renew its temporary key; that is no reconnection, so the first loss after it is reconnection
// 1 in OnReconnect and in Health.
func TestE2EReconnectCountAfterLossOnly(t *testing.T) {
	cl := cluster(t)
	b, f := pfsBot(t, cl, "e2e_renew_bot", 2*time.Second)
	reconns := make(chan mtgo.ReconnectInfo, 4)
	b.OnReconnect(func(_ *mtgo.Context, r mtgo.ReconnectInfo) { reconns <- r })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	recv(t, f.served, "the first connection served")
	recv(t, f.served, "the connection of the renewed temporary key served")
	if n := cl.Faults().DropConnections(b.DC()); n == 0 {
		t.Fatal("no connection dropped")
	}
	if r := recv(t, reconns, "OnReconnect after the loss"); r.Count != 1 {
		t.Fatalf("OnReconnect count %d after a renewal and a loss, want 1", r.Count)
	}
	if n := b.Health().Reconnects; n != 1 {
		t.Fatalf("Health.Reconnects %d, want 1", n)
	}
}

// records is a slog.Handler that sends each record at level or above to ch, as its message
// and every attribute (the logger's With attributes first), dropping it when ch is full.
type records struct {
	ch    chan string
	level slog.Level
	attrs []slog.Attr
}

func (r records) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }

func (r records) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Message)
	for _, a := range r.attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	rec.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	select {
	case r.ch <- b.String():
	default:
	}
	return nil
}

func (r records) WithAttrs(as []slog.Attr) slog.Handler {
	r.attrs = append(slices.Clip(r.attrs), as...)
	return r
}

func (r records) WithGroup(string) slog.Handler { return r }

// TestE2ETempKeyBindingFailed refuses the binding of a renewed temporary key once: the client
// logs it at warn level, naming the server's error; no hook runs, as no served connection was
// lost (the session closed the renewed key's connection itself, and the next binding
// succeeds), and a later loss runs the usual hooks, its reconnection the first counted.
func TestE2ETempKeyBindingFailed(t *testing.T) {
	cl := cluster(t)
	warned := records{ch: make(chan string, 16), level: slog.LevelWarn}
	b, f := pfsBot(t, cl, "e2e_unbound_bot", 2*time.Second, func(cfg *mtgo.Config) {
		cfg.Log = mtgo.LogConfig{Handler: warned, Level: slog.LevelWarn}
	})
	hooks := make(chan string, 16)
	b.OnConnect(func(*mtgo.Context) { hooks <- "connect" })
	b.OnDisconnect(func(*mtgo.Context) { hooks <- "disconnect" })
	b.OnReconnect(func(_ *mtgo.Context, r mtgo.ReconnectInfo) { hooks <- fmt.Sprint("reconnect ", r.Count) })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	recv(t, f.served, "the first connection served")
	cl.Faults().RPCError(tg.AuthBindTempAuthKeyRequestTypeID, teletest.ErrEncryptedMessageInvalid, 1)
	recv(t, f.served, "a connection served after the refused binding")
	w := ""
	for !strings.Contains(w, "binding") {
		w = recv(t, warned.ch, "a warning about the refused binding")
	}
	if !strings.Contains(w, "ENCRYPTED_MESSAGE_INVALID") || !strings.Contains(w, "dc=2") {
		t.Fatalf("warning %q: want the server's error and the data center", w)
	}
	if n := cl.Faults().DropConnections(b.DC()); n == 0 {
		t.Fatal("no connection dropped")
	}
	var got []string
	for h := ""; !strings.HasPrefix(h, "reconnect"); {
		h = recv(t, hooks, "the hooks of the Connect and of the loss")
		got = append(got, h)
	}
	if diff := cmp.Diff([]string{"connect", "disconnect", "connect", "reconnect 1"}, got); diff != "" {
		t.Fatalf("hooks (-want +got):\n%s", diff)
	}
}
