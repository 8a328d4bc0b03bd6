package mtgo_test

import (
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// End-to-end tests: the client with its real layers (session run loop, key exchange,
// obfuscated transport over loopback TCP, update engine, peers, storage) against the
// integration test server's cluster.

// lazyKey returns a function that hands out one RSA-2048 key for all tests, generated on
// first use (it is slow).
func lazyKey(what string) func(testing.TB) *rsa.PrivateKey {
	var (
		once sync.Once
		key  *rsa.PrivateKey
		err  error
	)
	return func(t testing.TB) *rsa.PrivateKey {
		t.Helper()
		once.Do(func() { key, err = rsa.GenerateKey(crand.Reader, 2048) })
		if err != nil {
			t.Fatalf("%s rsa key: %v", what, err)
		}
		return key
	}
}

// sharedKey is the servers' RSA key; cdnKey, another one, is the CDN data center's.
var (
	sharedKey = lazyKey("server")
	cdnKey    = lazyKey("cdn")
)

// cluster starts a test cluster, closed when the test ends. The client is held to MTProto's
// seqno rule for service queries, which Telegram itself does not enforce.
func cluster(t testing.TB) *teletest.Cluster {
	t.Helper()
	cl, err := teletest.Start(teletest.Config{Key: sharedKey(t), StrictSeqNo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	return cl
}

// e2eConfig points a client at the cluster.
func e2eConfig(cl *teletest.Cluster, edit ...func(*mtgo.Config)) *mtgo.Config {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.DCAddrs = cl.Addrs()
	cfg.PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()}
	cfg.SleepThreshold = 3 * time.Second
	cfg.RequestTimeout = 15 * time.Second
	if os.Getenv("MTGO_TEST_LOG") != "" {
		cfg.Log = mtgo.LogConfig{Handler: slog.NewTextHandler(os.Stderr, nil), Level: slog.LevelDebug}
	}
	for _, e := range edit {
		e(&cfg)
	}
	return &cfg
}

func e2eClient(t testing.TB, cl *teletest.Cluster, edit ...func(*mtgo.Config)) *testClient {
	t.Helper()
	c, err := mtgo.NewClient(4242, "e2e-hash", e2eConfig(cl, edit...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return &testClient{Client: c, t: t}
}

func e2eBot(t testing.TB, cl *teletest.Cluster, name string, edit ...func(*mtgo.Config)) (*testClient, world.User) {
	t.Helper()
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: name, Username: name})
	if err != nil {
		t.Fatal(err)
	}
	c := e2eClient(t, cl, append([]func(*mtgo.Config){func(cfg *mtgo.Config) { cfg.BotToken = bot.Token }}, edit...)...)
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	return c, bot
}

func e2eUser(t testing.TB, cl *teletest.Cluster, spec world.UserSpec, edit ...func(*mtgo.Config)) (*testClient, world.User) {
	t.Helper()
	u, err := cl.World().CreateUser(spec)
	if err != nil {
		t.Fatal(err)
	}
	c := e2eClient(t, cl, append([]func(*mtgo.Config){func(cfg *mtgo.Config) {
		cfg.PhoneNumber = u.Phone
		cfg.Code = codeFrom(cl.World())
		cfg.Password = func(context.Context, string) (string, error) { return spec.Password, nil }
	}}, edit...)...)
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	return c, u
}

func TestE2EBotLoginAndInvoke(t *testing.T) {
	cl := cluster(t)
	c, bot := e2eBot(t, cl, "e2e_calls_bot")
	if me := c.Me(); me == nil || me.ID != bot.ID || !c.IsConnected() || c.DC() != 2 {
		t.Fatalf("Me %+v connected %v dc %d", c.Me(), c.IsConnected(), c.DC())
	}
	for _, q := range []tg.TLObject{
		&tg.HelpGetConfigRequest{},
		&tg.HelpGetNearestDCRequest{},
		&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}},
		&tg.UpdatesGetStateRequest{},
	} {
		if _, err := c.Invoke(q, 1, 0); err != nil {
			t.Fatalf("%s: %v", q.TypeName(), err)
		}
	}
	pong, err := c.InvokeRaw(&tg.PingRequest{PingID: 99}, 0, 0)
	if p, ok := pong.(*tg.Pong); err != nil || !ok || p.PingID != 99 {
		t.Fatalf("ping = %#v, %v", pong, err)
	}
	if s := c.Session(); s == nil || s.DC != 2 || len(s.AuthKey) != 256 {
		t.Fatalf("Session = %+v", s)
	}
	if d := time.Duration(int64(c.ServerTime())-time.Now().Unix()) * time.Second; d > 5*time.Second || d < -5*time.Second {
		t.Fatalf("ServerTime off by %v", d)
	}
}

func TestE2EUserLoginCode2FAAndSignUp(t *testing.T) {
	cl := cluster(t)
	c, u := e2eUser(t, cl, world.UserSpec{FirstName: "Eve", Phone: "15551000", Password: "s3cret"})
	if me := c.Me(); me == nil || me.ID != u.ID {
		t.Fatalf("2FA login: Me = %+v", me)
	}
	c2 := e2eClient(t, cl, func(cfg *mtgo.Config) {
		cfg.PhoneNumber = "15551001"
		cfg.Code = codeFrom(cl.World())
		cfg.SignUp = func(context.Context, string) (string, string, error) { return "New", "Person", nil }
	})
	if err := c2.Start0(t); err != nil {
		t.Fatal(err)
	}
	if me := c2.Me(); me == nil || me.FirstName != "New" {
		t.Fatalf("sign-up: Me = %+v", me)
	}
}

func TestE2EMessageRoundTrip(t *testing.T) {
	cl := cluster(t)
	b, bot := e2eBot(t, cl, "e2e_echo_bot")
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		_, err := m.Reply(ctx, "echo: "+m.Text)
		return err
	})
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551010"})
	got := make(chan *types.Message, 4)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	sent, err := u.SendMessage(ctxT(t), "@e2e_echo_bot", "**hi**", mtgo.WithParseMode(mtgo.ParseModeMarkdown))
	if err != nil {
		t.Fatal(err)
	}
	if sent.Text != "hi" || len(sent.Entities) != 1 {
		t.Fatalf("sent = %+v", sent)
	}
	select {
	case m := <-got:
		if m.Text != "echo: hi" || m.From == nil || m.From.ID != bot.ID || m.ReplyToMessageID != sent.ID {
			t.Fatalf("reply = %+v", m)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no reply")
	}
}

func TestE2EFloodWait(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eBot(t, cl, "e2e_flood_bot")
	cl.Faults().FloodWait(tg.HelpGetNearestDCRequestTypeID, 1, 1)
	start := time.Now()
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil || time.Since(start) < time.Second {
		t.Fatalf("below threshold: %v after %v", err, time.Since(start))
	}
	cl.Faults().FloodWait(tg.HelpGetNearestDCRequestTypeID, 60, 1)
	var fw *mtgo.FloodWaitError
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); !errors.As(err, &fw) || fw.Wait != time.Minute {
		t.Fatalf("above threshold: %v", err)
	}
}

func TestE2EPhoneAndFileMigrate(t *testing.T) {
	cl := cluster(t)
	c, u := e2eUser(t, cl, world.UserSpec{FirstName: "Far", Phone: "15551020", DC: 3})
	if c.DC() != 3 || c.Me() == nil || c.Me().ID != u.ID {
		t.Fatalf("after PHONE_MIGRATE_3: dc %d me %+v", c.DC(), c.Me())
	}
	data := []byte("file on another data center")
	if _, err := c.Invoke(&tg.UploadSaveFilePartRequest{FileID: 1, FilePart: 0, Bytes: data}, 0, 0); err != nil {
		t.Fatal(err)
	}
	res, err := c.Invoke(&tg.MessagesUploadMediaRequest{Peer: &tg.InputPeerSelf{}, Media: &tg.InputMediaUploadedDocument{
		File: &tg.InputFile{ID: 1, Parts: 1, Name: "f.txt"}, MimeType: "text/plain",
	}}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	doc := res.(*tg.MessageMediaDocument).Document.(*tg.Document)
	if err := cl.World().MoveFile(doc.ID, 1); err != nil {
		t.Fatal(err)
	}
	got, err := c.Invoke(&tg.UploadGetFileRequest{
		Location: &tg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference},
		Limit:    4096,
	}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f := got.(*tg.UploadFile); string(f.Bytes) != string(data) {
		t.Fatalf("file = %q", f.Bytes)
	}
	if cl.DC(1).AuthKeys() == 0 {
		t.Fatal("no key exchanged with DC 1")
	}
}

func TestE2EConnectionCutMidCall(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eBot(t, cl, "e2e_cut_bot")
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Cut", Phone: "15551040", Username: "cut_user"})
	// The server runs the call, then breaks the connection before writing the answer; the
	// answer waits in the session and arrives on the next connection.
	cl.Faults().TransportError(tg.UsersGetUsersRequestTypeID, -429, 1)
	if _, err := c.Invoke(&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}, 0, 0); err != nil {
		t.Fatalf("read cut mid-call: %v", err)
	}
	// The same for a call that is not safe to repeat: it ran once, its answer survives.
	cl.Faults().TransportError(tg.MessagesSendMessageRequestTypeID, -429, 1)
	if _, err := u.SendMessage(ctxT(t), "@e2e_cut_bot", "once"); err != nil {
		t.Fatalf("send cut mid-call: %v", err)
	}
	if !c.IsConnected() || !u.IsConnected() {
		t.Fatal("not connected after the cut")
	}
}

func TestE2EStopWithPendingCalls(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cl, err := teletest.Start(teletest.Config{Key: sharedKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "s", Username: "e2e_stop_bot"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := mtgo.NewClient(1, "h", e2eConfig(cl, func(cfg *mtgo.Config) { cfg.BotToken = bot.Token }))
	if err != nil {
		t.Fatal(err)
	}
	if err := (&testClient{Client: c, t: t}).Start0(t); err != nil {
		t.Fatal(err)
	}
	cl.Faults().DelayMethod(tg.HelpGetNearestDCRequestTypeID, 5*time.Second, 0)
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() { _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); errs <- err }()
	}
	// Stop once the server holds every answer back: all n calls are in flight.
	if err := cl.Faults().WaitNetwork(ctxT(t), func(st teletest.FaultStats) bool { return st.DelayedAnswers >= n }); err != nil {
		t.Fatal(err)
	}
	c.Stop()
	for range n {
		if err := <-errs; !errors.Is(err, mtgo.ErrClientClosed) {
			t.Errorf("pending call: %v, want ErrClientClosed", err)
		}
	}
	cl.Close()
}

func TestE2ESessionStringAndRestart(t *testing.T) {
	cl := cluster(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "bot")
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "r", Username: "e2e_restart_bot"})
	if err != nil {
		t.Fatal(err)
	}
	fileCfg := func(cfg *mtgo.Config) { cfg.InMemory = false; cfg.SessionName = path; cfg.BotToken = bot.Token }
	c := e2eClient(t, cl, fileCfg)
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResolvePeer(ctxT(t), "@e2e_restart_bot"); err != nil {
		t.Fatal(err)
	}
	// A second client on the same session file is refused while the first runs.
	if _, err := mtgo.NewClient(1, "h", e2eConfig(cl, fileCfg)); !errors.Is(err, mtgo.ErrSessionInUse) {
		t.Fatalf("second client on the session file: %v", err)
	}
	str, err := c.ExportSessionString()
	if err != nil {
		t.Fatal(err)
	}
	c.Stop()
	keys := cl.DC(2).AuthKeys()

	// Restart on the same file: no new key, still logged in, peers still cached.
	c2 := e2eClient(t, cl, fileCfg)
	if err := c2.Connect(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if me := c2.Me(); me == nil || me.ID != bot.ID {
		t.Fatalf("after restart Me = %+v", me)
	}
	if _, err := c2.ResolvePeerCache(bot.ID); err != nil {
		t.Fatalf("peer not cached after restart: %v", err)
	}
	c2.Stop()

	// From the exported string, in memory: no login, no new key.
	c3 := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.SessionString = str })
	if err := c3.Connect(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if me := c3.Me(); me == nil || me.ID != bot.ID {
		t.Fatalf("from session string Me = %+v", me)
	}
	if got := cl.DC(2).AuthKeys(); got != keys {
		t.Fatalf("auth keys %d -> %d: a new key was created", keys, got)
	}
	if _, err := c3.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
		t.Fatal(err)
	}
}

func TestE2EUpdatesAfterGap(t *testing.T) {
	cl := cluster(t)
	b, bot := e2eBot(t, cl, "e2e_gap_bot")
	got := make(chan string, 8)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m.Text; return nil })
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Gap", Phone: "15551030"})
	cl.Faults().DropUpdates(bot.ID, 1) // the first push is lost: the engine must recover it
	for _, text := range []string{"one", "two"} {
		if _, err := u.SendMessage(ctxT(t), "@e2e_gap_bot", text); err != nil {
			t.Fatal(err)
		}
	}
	var texts []string
	for len(texts) < 2 {
		select {
		case s := <-got:
			texts = append(texts, s)
		case <-time.After(15 * time.Second):
			t.Fatalf("received %v, want both messages", texts)
		}
	}
	if texts[0] != "one" || texts[1] != "two" {
		t.Fatalf("received %v", texts)
	}
	_ = session.ErrClosed
}

func TestE2EReconnectFailed(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eBot(t, cl, "e2e_gone_bot", func(cfg *mtgo.Config) { cfg.ReconnectAttempts = 2 })
	_ = cl.Close() // the server goes away for good
	_, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 20*time.Second)
	var re *mtgo.ReconnectError
	if !errors.As(err, &re) || !errors.Is(err, mtgo.ErrReconnectFailed) || re.Attempts != 2 {
		t.Fatalf("call with the server gone = %v, want *ReconnectError after 2 attempts", err)
	}
	if ended := mtgo.HomeEnded(c.Client); ended != nil {
		select {
		case <-ended:
		case <-time.After(5 * time.Second):
			t.Fatal("the home connection still runs after reconnection gave up")
		}
	}
	if c.IsConnected() {
		t.Fatal("IsConnected after reconnection gave up")
	}
}
