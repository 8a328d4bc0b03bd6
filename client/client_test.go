package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// codeFrom returns a CodeFunc that reads the code the world "sent".
func codeFrom(w *world.World) mtgo.CodeFunc {
	return func(_ context.Context, phone string, info mtgo.CodeInfo) (string, error) {
		code, ok := w.AuthCode(phone)
		if !ok {
			return "", errors.New("no code sent")
		}
		return code, nil
	}
}

func TestBotLoginAndInvoke(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("calls_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	if !c.IsBot() || !c.IsConnected() || c.DC() != 2 {
		t.Fatalf("IsBot %v IsConnected %v DC %d", c.IsBot(), c.IsConnected(), c.DC())
	}

	cfg, err := c.Invoke(&tg.HelpGetConfigRequest{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := cfg.(*tg.Config); !ok || got.ThisDC != 2 {
		t.Fatalf("help.getConfig = %#v", cfg)
	}
	users, err := c.Invoke(&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}, 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	vec, ok := users.(*tg.UserClassVector)
	if !ok || len(vec.Elems) != 1 {
		t.Fatalf("users.getUsers = %#v", users)
	}
	if u, ok := vec.Elems[0].(*tg.User); !ok || u.ID != bot.ID {
		t.Fatalf("users.getUsers element = %#v", vec.Elems[0])
	}
	pong, err := c.InvokeRaw(&tg.PingRequest{PingID: 12345}, 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := pong.(*tg.Pong); !ok || p.PingID != 12345 {
		t.Fatalf("ping = %#v", pong)
	}
	if _, err := c.Invoke(&tg.MessagesGetDialogsRequest{Limit: 10, OffsetPeer: &tg.InputPeerEmpty{}}, 0, 0); err != nil {
		// Bots may not list dialogs; the error must be a typed RPC error.
		if _, ok := rpcerr.As(err); !ok {
			t.Fatalf("messages.getDialogs: %v", err)
		}
	}
	// The first call on the connection carried initConnection with the app's data.
	conn := h.f.running()[0]
	info, inited := conn.caller.Conn()
	if !inited || info.APIID != 12345 || info.DeviceModel != "MTGo" || conn.caller.Layer() != mtgo.Layer {
		t.Fatalf("initConnection = %+v (inited %v, layer %d)", info, inited, conn.caller.Layer())
	}
	if err := c.Login(ctxT(t)); !errors.Is(err, mtgo.ErrAlreadyAuthed) {
		t.Fatalf("second Login = %v, want ErrAlreadyAuthed", err)
	}
	if err := c.ConnectContext(ctxT(t)); !errors.Is(err, mtgo.ErrAlreadyConnected) {
		t.Fatalf("second Connect = %v, want ErrAlreadyConnected", err)
	}
}

func TestInvalidBotToken(t *testing.T) {
	h := newHarness(t)
	for _, tok := range []string{"nocolon", "x:y"} {
		c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = tok })
		if err := c.Start0(t); !errors.Is(err, mtgo.ErrInvalidBotToken) {
			t.Errorf("token %q: %v", tok, err)
		}
	}
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = "123:wrong" })
	if err := c.Start0(t); !rpcerr.IsType(err, "ACCESS_TOKEN_INVALID") {
		t.Errorf("wrong token: %v", err)
	}
	c2 := h.client()
	if err := c2.Start0(t); !errors.Is(err, mtgo.ErrNoLoginMethod) {
		t.Errorf("no login method: %v", err)
	}
}

func TestUserLoginWithCode(t *testing.T) {
	h := newHarness(t)
	u := h.user(world.UserSpec{FirstName: "Ann", Phone: "15550001"})
	calls := 0
	c := h.client(func(cfg *mtgo.Config) {
		cfg.PhoneNumber = u.Phone
		cfg.Code = func(ctx context.Context, phone string, info mtgo.CodeInfo) (string, error) {
			calls++
			if info.Length != 5 || info.Type != "auth.sentCodeTypeApp" {
				return "", fmt.Errorf("code info %+v", info)
			}
			if calls == 1 {
				return "00000", nil // wrong: the flow asks again
			}
			return codeFrom(h.w)(ctx, phone, info)
		}
	})
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	if me := c.Me(); me == nil || me.ID != u.ID || me.FirstName != "Ann" || c.IsBot() {
		t.Fatalf("Me = %+v", me)
	}
	if calls != 2 {
		t.Fatalf("code asked %d times, want 2", calls)
	}
}

func TestUserLogin2FA(t *testing.T) {
	h := newHarness(t)
	u := h.user(world.UserSpec{FirstName: "Bob", Phone: "15550002", Password: "hunter2"})

	// With a Password callback the flow completes by itself.
	hints := []string{}
	c := h.client(func(cfg *mtgo.Config) {
		cfg.PhoneNumber = u.Phone
		cfg.Code = codeFrom(h.w)
		cfg.Password = func(_ context.Context, hint string) (string, error) {
			hints = append(hints, hint)
			return "hunter2", nil
		}
	})
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	if me := c.Me(); me == nil || me.ID != u.ID || len(hints) != 1 {
		t.Fatalf("Me = %+v, password asked %d times", me, len(hints))
	}

	// Without one, Login stops with Err2FARequired and CheckPassword finishes it.
	c2 := h.client(func(cfg *mtgo.Config) {
		cfg.PhoneNumber = u.Phone
		cfg.Code = codeFrom(h.w)
	})
	if err := c2.Start0(t); !errors.Is(err, mtgo.Err2FARequired) {
		t.Fatalf("login without password callback = %v, want Err2FARequired", err)
	}
	if err := c2.CheckPassword(ctxT(t), "wrong"); !rpcerr.IsType(err, "PASSWORD_HASH_INVALID") {
		t.Fatalf("wrong password = %v", err)
	}
	if err := c2.CheckPassword(ctxT(t), "hunter2"); err != nil {
		t.Fatal(err)
	}
	if me := c2.Me(); me == nil || me.ID != u.ID {
		t.Fatalf("Me after CheckPassword = %+v", me)
	}
	if err := c2.CheckPassword(ctxT(t), "hunter2"); !errors.Is(err, mtgo.ErrAlreadyAuthed) {
		t.Fatalf("CheckPassword when logged in = %v", err)
	}
}

func TestSignUp(t *testing.T) {
	h := newHarness(t)
	c := h.client(func(cfg *mtgo.Config) {
		cfg.PhoneNumber = "15550003"
		cfg.Code = codeFrom(h.w)
	})
	if err := c.Start0(t); !errors.Is(err, mtgo.ErrSignUpRequired) {
		t.Fatalf("unregistered number without SignUp callback = %v, want ErrSignUpRequired", err)
	}
	c2 := h.client(func(cfg *mtgo.Config) {
		cfg.PhoneNumber = "15550003"
		cfg.Code = codeFrom(h.w)
		cfg.SignUp = func(context.Context, string) (string, string, error) { return "Neo", "Anderson", nil }
	})
	if err := c2.Start0(t); err != nil {
		t.Fatal(err)
	}
	if me := c2.Me(); me == nil || me.FirstName != "Neo" || me.LastName != "Anderson" {
		t.Fatalf("Me after sign-up = %+v", me)
	}
}

// loggedInUser creates a user and a client logged in as them.
func (h *harness) loggedInUser(t *testing.T, first, phone string, edit ...func(*mtgo.Config)) (*testClient, world.User) {
	t.Helper()
	u := h.user(world.UserSpec{FirstName: first, Phone: phone, Username: strings.ToLower(first) + "_user"})
	c := h.client(append([]func(*mtgo.Config){func(cfg *mtgo.Config) {
		cfg.PhoneNumber = phone
		cfg.Code = codeFrom(h.w)
	}}, edit...)...)
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	return c, u
}

func TestOnMessageAndReply(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("reply_bot")
	b := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	b.OnMessage(func(ctx *mtgo.Context, msg *types.Message) error {
		if msg.From == nil || msg.Chat == nil {
			return fmt.Errorf("message without sender or chat: %+v", msg)
		}
		_, err := msg.Reply(ctx, "echo: "+msg.Text)
		return err
	})
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	u, ann := h.loggedInUser(t, "Ann", "15550010")
	got := make(chan *types.Message, 1)
	u.OnMessage(func(_ *mtgo.Context, msg *types.Message) error {
		got <- msg
		return nil
	})
	sent, err := u.SendMessage(ctxT(t), "@reply_bot", "hello")
	if err != nil {
		t.Fatal(err)
	}
	if sent.Text != "hello" || !sent.Outgoing || sent.ID == 0 {
		t.Fatalf("sent = %+v", sent)
	}
	select {
	case m := <-got:
		if m.Text != "echo: hello" || m.ReplyToMessageID != sent.ID || m.From == nil || m.From.ID != bot.ID || m.Chat.ID != bot.ID {
			t.Fatalf("reply = %+v (from %+v)", m, m.From)
		}
		// The bound methods work on handler messages; Delete removes the message for the
		// user.
		if err := m.Delete(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reply reached the user's handler")
	}
	_ = ann
}

func TestUnboundMessage(t *testing.T) {
	m := &types.Message{ID: 1, Chat: &types.Chat{ID: 1, Type: types.ChatPrivate}}
	if _, err := m.Reply(context.Background(), "x"); !errors.Is(err, mtgo.ErrContextNoClient) {
		t.Fatalf("Reply on unbound message = %v", err)
	}
	if _, err := m.Edit(context.Background(), "x"); !errors.Is(err, mtgo.ErrContextNoClient) {
		t.Fatalf("Edit on unbound message = %v", err)
	}
	if err := m.Delete(context.Background()); !errors.Is(err, mtgo.ErrContextNoClient) {
		t.Fatalf("Delete on unbound message = %v", err)
	}
}

func TestFloodWait(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("flood_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token; cfg.SleepThreshold = 3 * time.Second })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	req := &tg.HelpGetNearestDCRequest{}
	// Below the threshold: slept through and repeated.
	h.d.InjectError(tg.HelpGetNearestDCRequestTypeID, world.FloodWait(1), 1)
	start := time.Now()
	if _, err := c.Invoke(req, 0, 0); err != nil {
		t.Fatalf("flood wait below threshold: %v", err)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("returned after %v, before the 1 s wait", d)
	}
	// Above: a typed error at once.
	h.d.InjectError(tg.HelpGetNearestDCRequestTypeID, world.FloodWait(30), 1)
	start = time.Now()
	_, err := c.Invoke(req, 3, 0)
	var fw *mtgo.FloodWaitError
	if !errors.As(err, &fw) || fw.Wait != 30*time.Second || fw.Method != "help.getNearestDc" {
		t.Fatalf("flood wait above threshold = %v", err)
	}
	if !rpcerr.IsType(err, "FLOOD_WAIT") || time.Since(start) > time.Second {
		t.Fatalf("error %v after %v", err, time.Since(start))
	}
	// InvokeRaw returns the RPC error itself.
	h.d.InjectError(tg.HelpGetNearestDCRequestTypeID, world.FloodWait(1), 1)
	if _, err := c.InvokeRaw(req, 0, 0); !rpcerr.IsType(err, "FLOOD_WAIT") {
		t.Fatalf("InvokeRaw flood = %v", err)
	}
}

func TestRetriesOnInternalErrors(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("retry_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	internal := &world.RPCError{Code: 500, Message: "INTERNAL_SERVER_ERROR"}
	h.d.InjectError(tg.HelpGetNearestDCRequestTypeID, internal, 2)
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 2, 0); err != nil {
		t.Fatalf("2 failures with 2 retries: %v", err)
	}
	h.d.InjectError(tg.HelpGetNearestDCRequestTypeID, internal, 2)
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 1, 0); !rpcerr.IsType(err, "INTERNAL_SERVER_ERROR") {
		t.Fatalf("2 failures with 1 retry: %v", err)
	}
}

func TestPhoneMigrate(t *testing.T) {
	h := newHarness(t)
	u := h.user(world.UserSpec{FirstName: "Far", Phone: "15550020", DC: 4})
	c := h.client(func(cfg *mtgo.Config) {
		cfg.PhoneNumber = u.Phone
		cfg.Code = codeFrom(h.w)
	})
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	if c.DC() != 4 || c.Me() == nil || c.Me().ID != u.ID {
		t.Fatalf("after PHONE_MIGRATE_4: DC %d, Me %+v", c.DC(), c.Me())
	}
	if s := c.Session(); s == nil || s.DC != 4 || len(s.AuthKey) == 0 {
		t.Fatalf("Session after migration = %+v", s)
	}
	dc, err := c.Storage().HomeDC(ctxT(t))
	if err != nil || dc != 4 {
		t.Fatalf("stored home DC = %d, %v", dc, err)
	}
	if _, err := c.Invoke(&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}, 0, 0); err != nil {
		t.Fatal(err)
	}
}

func TestBotUserMigrate(t *testing.T) {
	h := newHarness(t)
	bot, err := h.w.CreateBot(world.BotSpec{FirstName: "far", Username: "far_bot", DC: 3})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	if c.DC() != 3 || c.Me() == nil || c.Me().ID != bot.ID {
		t.Fatalf("after USER_MIGRATE_3: DC %d, Me %+v", c.DC(), c.Me())
	}
}

func TestFileMigrate(t *testing.T) {
	h := newHarness(t)
	c, _ := h.loggedInUser(t, "Files", "15550030")
	ctx := ctxT(t)
	data := []byte(strings.Repeat("mtgo file ", 100))
	if _, err := c.Invoke(&tg.UploadSaveFilePartRequest{FileID: 7, FilePart: 0, Bytes: data}, 0, 0); err != nil {
		t.Fatal(err)
	}
	res, err := c.Invoke(&tg.MessagesUploadMediaRequest{
		Peer: &tg.InputPeerSelf{},
		Media: &tg.InputMediaUploadedDocument{
			File:     &tg.InputFile{ID: 7, Parts: 1, Name: "a.txt"},
			MimeType: "text/plain",
		},
	}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	doc := res.(*tg.MessageMediaDocument).Document.(*tg.Document)
	if err := h.w.MoveFile(doc.ID, 4); err != nil {
		t.Fatal(err)
	}
	got, err := c.InvokeContext(ctx, &tg.UploadGetFileRequest{
		Location: &tg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference},
		Limit:    4096,
	}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := got.(*tg.UploadFile); !ok || string(f.Bytes) != string(data) {
		t.Fatalf("upload.getFile = %#v", got)
	}
	// The call went to a media session on DC 4, authorized by export/import.
	var media *memConn
	for _, mc := range h.f.running() {
		if mc.cc.DC == 4 && mc.cc.Media {
			media = mc
		}
	}
	if media == nil {
		t.Fatal("no media session to DC 4")
	}
	if media.calls[0] != "auth.importAuthorization" {
		t.Fatalf("first call on the DC 4 session = %q", media.calls[0])
	}
	s, err := c.GetSession(ctx, 4, true, false)
	if err != nil || s.DC != 4 || len(s.AuthKey) == 0 {
		t.Fatalf("GetSession(4, media) = %+v, %v", s, err)
	}
	// Again: the pooled session is reused, no second import.
	before := h.f.conns.Load()
	if _, err := c.GetSession(ctx, 4, true, false); err != nil {
		t.Fatal(err)
	}
	if h.f.conns.Load() != before {
		t.Fatal("GetSession opened a second session for the same DC")
	}
}

func TestGetSessionIdleClose(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("idle_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token; cfg.SessionIdleTimeout = 50 * time.Millisecond })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSession(ctxT(t), 5, false, false); err != nil {
		t.Fatal(err)
	}
	running := h.f.running()
	if len(running) != 2 {
		t.Fatalf("%d sessions running, want 2", len(running))
	}
	for _, mc := range running {
		if mc.cc.DC != 5 {
			continue
		}
		select {
		case <-mc.done: // the janitor closed it
		case <-time.After(5 * time.Second):
			t.Fatal("idle per-DC session was not closed")
		}
	}
	// Authorized once: the stored session of DC 5 remembers it, so reopening imports nothing.
	if _, err := c.GetSession(ctxT(t), 5, false, false); err != nil {
		t.Fatal(err)
	}
	for _, mc := range h.f.running() {
		if mc.cc.DC == 5 {
			for _, call := range mc.calls {
				if call == "auth.importAuthorization" {
					t.Fatal("authorization imported again")
				}
			}
		}
	}
}

// blockHook makes calls of one method wait until release is closed.
func blockHook(h *harness, method string, entered chan<- struct{}, release <-chan struct{}) {
	h.f.hook = func(_ mtgo.ConnConfig, req tl.Object) error {
		if methodOf(req) == method {
			entered <- struct{}{}
			<-release
		}
		return nil
	}
}

func TestStopWithPendingCalls(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	h := newHarness(t)
	bot := h.bot("stop_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}, 8), make(chan struct{})
	blockHook(h, "help.getNearestDc", entered, release)
	const n = 5
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 3, 0)
			errs <- err
		}()
	}
	for range n {
		<-entered
	}
	stopped := make(chan struct{})
	go func() { c.Stop(); close(stopped) }()
	for range n {
		if err := <-errs; !errors.Is(err, mtgo.ErrClientClosed) {
			t.Errorf("pending call after Stop: %v, want ErrClientClosed", err)
		}
	}
	<-stopped
	close(release) // let the fake server's handlers finish
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); !errors.Is(err, mtgo.ErrClientClosed) {
		t.Fatalf("Invoke after Stop = %v", err)
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	c.Idle()           // returns at once after Stop
	h.f.serving.Wait() // the fake server's handlers, released above, end before goleak looks
}

func TestDisconnectAndReconnect(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("dis_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}, 1), make(chan struct{})
	defer close(release)
	blockHook(h, "help.getNearestDc", entered, release)
	errc := make(chan error, 1)
	go func() { _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); errc <- err }()
	<-entered
	if err := c.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, mtgo.ErrClientClosed) {
		t.Fatalf("call pending at Disconnect = %v", err)
	}
	if c.IsConnected() {
		t.Fatal("IsConnected after Disconnect")
	}
	if err := c.Disconnect(); !errors.Is(err, mtgo.ErrNotConnected) {
		t.Fatalf("second Disconnect = %v", err)
	}
	h.f.hook = nil
	keys := h.f.keys.Load()
	if err := c.Connect(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if me := c.Me(); me == nil || me.ID != bot.ID || h.f.keys.Load() != keys {
		t.Fatalf("after reconnect: Me %+v, new keys %d", me, h.f.keys.Load()-keys)
	}
}

func TestUnsafeMigration(t *testing.T) {
	h := newHarness(t)
	c, u := h.loggedInUser(t, "Moving", "15550040")
	entered, release := make(chan struct{}, 2), make(chan struct{})
	defer close(release)
	h.f.hook = func(cc mtgo.ConnConfig, req tl.Object) error {
		switch methodOf(req) {
		case "messages.sendMessage", "messages.getHistory":
			if cc.DC == 2 {
				entered <- struct{}{}
				<-release
			}
		}
		return nil
	}
	sendErr := make(chan error, 1)
	go func() {
		_, err := c.SendMessage(context.Background(), "me", "not twice")
		sendErr <- err
	}()
	readErr := make(chan error, 1)
	go func() {
		_, err := c.Invoke(&tg.MessagesGetHistoryRequest{Peer: &tg.InputPeerSelf{}, Limit: 1}, 0, 0)
		readErr <- err
	}()
	<-entered
	<-entered
	// Another call is told to move: the home DC changes while the two calls are in flight.
	h.d.InjectError(tg.HelpGetNearestDCRequestTypeID, world.Migrate("NETWORK", 4), 1)
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
		t.Fatal(err)
	}
	if c.DC() != 4 {
		t.Fatalf("DC after NETWORK_MIGRATE_4 = %d", c.DC())
	}
	var unsafe *mtgo.UnsafeMigrationError
	if err := <-sendErr; !errors.As(err, &unsafe) || unsafe.TargetDC != 4 || unsafe.Method != "messages.sendMessage" || !errors.Is(err, mtgo.ErrMigrationUnsafe) {
		t.Fatalf("interrupted sendMessage = %v", err)
	}
	if err := <-readErr; err != nil {
		t.Fatalf("interrupted read was not repeated: %v", err)
	}
	if me := c.Me(); me == nil || me.ID != u.ID {
		t.Fatalf("Me after migration = %+v", me)
	}
}

func TestMigrationToUnknownDC(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("unk_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	h.d.InjectError(tg.HelpGetNearestDCRequestTypeID, world.Migrate("NETWORK", 9), 1)
	_, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0)
	var me *mtgo.MigrationError
	if !errors.As(err, &me) || me.TargetDC != 9 || !errors.Is(err, mtgo.ErrMigrationUnknown) || !errors.Is(err, mtgo.ErrMigrationFailed) {
		t.Fatalf("migration to DC 9 = %v", err)
	}
}

func TestSessionStringRoundTrip(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("str_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	s, err := c.ExportSessionString()
	if err != nil {
		t.Fatal(err)
	}
	c.Stop()
	keys := h.f.keys.Load()
	c2 := h.client(func(cfg *mtgo.Config) { cfg.InMemory = false; cfg.SessionString = s })
	if err := c2.Connect(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if me := c2.Me(); me == nil || me.ID != bot.ID || !c2.IsBot() {
		t.Fatalf("Me from session string = %+v", me)
	}
	if h.f.keys.Load() != keys {
		t.Fatal("a new auth key was created")
	}
}

func TestRestartOnSameStorage(t *testing.T) {
	h := newHarness(t)
	st := storage.NewInMemory()
	c, u := h.loggedInUser(t, "Again", "15550050", func(cfg *mtgo.Config) {
		cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceStorage(st))
	})
	c.Stop()
	keys := h.f.keys.Load()
	c2 := h.client(func(cfg *mtgo.Config) {
		cfg.InMemory = false
		cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceStorage(st))
	})
	if err := c2.Connect(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if me := c2.Me(); me == nil || me.ID != u.ID {
		t.Fatalf("Me after restart = %+v", me)
	}
	if h.f.keys.Load() != keys {
		t.Fatal("a new auth key was created on restart")
	}
	if c2.Storage() != mtgo.Storage(st) {
		t.Fatal("Storage() is not the replaced storage")
	}
	// Peers learned in the first run are still known.
	if _, err := c2.ResolvePeerCache(u.ID); err != nil {
		t.Fatalf("own user not cached after restart: %v", err)
	}
}

func TestLogOut(t *testing.T) {
	h := newHarness(t)
	c, _ := h.loggedInUser(t, "Leaving", "15550060")
	known := h.user(world.UserSpec{FirstName: "Known", Phone: "15550061", Username: "known_user"})
	if _, err := c.ResolvePeer(ctxT(t), "@known_user"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResolvePeerCache(known.ID); err != nil {
		t.Fatalf("resolved peer not cached: %v", err)
	}
	if err := c.LogOut(); err != nil {
		t.Fatal(err)
	}
	if c.Me() != nil {
		t.Fatal("Me after LogOut")
	}
	if _, err := c.ResolvePeerCache(known.ID); err == nil {
		t.Fatal("peers of the old account are still cached after LogOut")
	}
	if _, err := c.Invoke(&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}, 0, 0); !rpcerr.IsType(err, "AUTH_KEY_UNREGISTERED") {
		t.Fatalf("call after LogOut = %v", err)
	}
}

func TestResolvePeerAndCache(t *testing.T) {
	h := newHarness(t)
	c, _ := h.loggedInUser(t, "Finder", "15550070")
	target := h.user(world.UserSpec{FirstName: "Target", Phone: "15550071", Username: "target_user"})
	ctx := ctxT(t)
	if _, err := c.ResolvePeerCache(target.ID); !errors.Is(err, mtgo.ErrPeerNotFound) {
		t.Fatalf("uncached peer = %v", err)
	}
	for _, id := range []any{"@target_user", "target_user", "https://t.me/target_user"} {
		p, err := c.ResolvePeer(ctx, id)
		if err != nil {
			t.Fatalf("ResolvePeer(%v): %v", id, err)
		}
		if pu, ok := p.(*tg.InputPeerUser); !ok || pu.UserID != target.ID || pu.AccessHash == 0 {
			t.Fatalf("ResolvePeer(%v) = %#v", id, p)
		}
	}
	p, err := c.ResolvePeerCache(target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p2, err := c.ResolvePeer(ctx, target.ID); err != nil || !cmp.Equal(p2, p) {
		t.Fatalf("ResolvePeer(int64) = %v, %v", p2, err)
	}
	if p, err := c.ResolvePeer(ctx, "me"); err != nil || p.TypeName() != "inputPeerSelf" {
		t.Fatalf("ResolvePeer(me) = %v, %v", p, err)
	}
	if _, err := c.ResolvePeer(ctx, "@nobody_here"); !errors.Is(err, mtgo.ErrPeerNotFound) {
		t.Fatalf("unknown username = %v", err)
	}
	c.CachePeer(424242, &tg.InputPeerUser{UserID: 424242, AccessHash: 9})
	if p, err := c.ResolvePeerCache(424242); err != nil || p.(*tg.InputPeerUser).AccessHash != 9 {
		t.Fatalf("CachePeer then ResolvePeerCache = %v, %v", p, err)
	}
}

// TestCutResendsOnlyIdempotentCalls checks that after a connection cut that may have lost the
// answer, help.getConfig (on tl/tg's reviewed idempotent list) is sent again and succeeds,
// while messages.getBotCallbackAnswer (a "get" that makes the bot answer a callback query) is
// neither marked repeatable for the session nor repeated by Invoke's retries: the bot would
// receive the callback query twice.
func TestCutResendsOnlyIdempotentCalls(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("cut_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	served := map[string]int{}
	h.f.hook = func(_ mtgo.ConnConfig, req tl.Object) error {
		name := methodOf(req)
		mu.Lock()
		defer mu.Unlock()
		served[name]++
		if served[name] == 1 {
			return errCut // the first one of each method is cut
		}
		return nil
	}
	if _, err := c.Invoke(&tg.HelpGetConfigRequest{}, 2, 0); err != nil {
		t.Fatalf("help.getConfig after a cut: %v", err)
	}
	callback := &tg.MessagesGetBotCallbackAnswerRequest{Peer: &tg.InputPeerSelf{}, MsgID: 1, Data: tl.Some([]byte("x"))}
	if _, err := c.Invoke(callback, 2, 0); !errors.Is(err, session.ErrNotRepeated) {
		t.Fatalf("messages.getBotCallbackAnswer after a cut = %v, want ErrNotRepeated", err)
	}
	mu.Lock()
	got := map[string]int{"help.getConfig": served["help.getConfig"], "messages.getBotCallbackAnswer": served["messages.getBotCallbackAnswer"]}
	mu.Unlock()
	want := map[string]int{"help.getConfig": 2, "messages.getBotCallbackAnswer": 1}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("calls the server received (-want +got):\n%s", d)
	}
	home := h.f.running()[0]
	home.mu.Lock()
	repeatable := slices.Clone(home.repeatable)
	home.mu.Unlock()
	if !slices.Contains(repeatable, "help.getConfig") || slices.Contains(repeatable, "messages.getBotCallbackAnswer") {
		t.Fatalf("calls marked repeatable: %v", repeatable)
	}
}
