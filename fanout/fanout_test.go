package fanout

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats-server/v2/server"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

func TestChatKey(t *testing.T) {
	tests := []struct {
		name string
		u    tg.UpdateClass
		want int64
	}{
		{"private", &tg.UpdateNewMessage{Message: &tg.Message{PeerID: &tg.PeerUser{UserID: 5}}}, 5},
		{"group", &tg.UpdateEditMessage{Message: &tg.Message{PeerID: &tg.PeerChat{ChatID: 6}}}, -6},
		{"channel", &tg.UpdateNewChannelMessage{Message: &tg.Message{PeerID: &tg.PeerChannel{ChannelID: 7}}}, -1_000_000_000_007},
		{"service", &tg.UpdateNewMessage{Message: &tg.MessageService{PeerID: &tg.PeerUser{UserID: 8}}}, 8},
		{"callback", &tg.UpdateBotCallbackQuery{UserID: 1, Peer: &tg.PeerChat{ChatID: 9}}, -9},
		{"business callback", &tg.UpdateBusinessBotCallbackQuery{UserID: 1, Message: &tg.Message{PeerID: &tg.PeerUser{UserID: 11}}}, 11},
		{"business callback, empty message", &tg.UpdateBusinessBotCallbackQuery{UserID: 13, Message: &tg.MessageEmpty{ID: 1}}, 13},
		{"business message", &tg.UpdateBotNewBusinessMessage{Message: &tg.Message{PeerID: &tg.PeerUser{UserID: 12}}}, 12},
		{"business edit", &tg.UpdateBotEditBusinessMessage{Message: &tg.Message{PeerID: &tg.PeerUser{UserID: 12}}}, 12},
		{"business delete", &tg.UpdateBotDeleteBusinessMessage{Peer: &tg.PeerUser{UserID: 12}}, 12},
		{"inline", &tg.UpdateBotInlineQuery{UserID: 10}, 10},
		{"no chat", &tg.UpdateConfig{}, 0},
		{"empty message", &tg.UpdateNewMessage{Message: &tg.MessageEmpty{}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chatKey(tt.u); got != tt.want {
				t.Errorf("chatKey = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestShardSpread(t *testing.T) {
	c, err := Config{Shards: 16}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, 16)
	for id := int64(1); id <= 16000; id++ {
		s := c.shard(id)
		if s != c.shard(id) {
			t.Fatal("shard not stable")
		}
		counts[s]++
	}
	for s, n := range counts {
		if n < 800 || n > 1200 {
			t.Errorf("shard %d got %d of 16000 consecutive ids", s, n)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		c    Config
		ok   bool
	}{
		{"defaults", Config{}, true},
		{"too many shards", Config{Shards: maxShards + 1}, false},
		{"negative shards", Config{Shards: -1}, false},
		{"negative wait", Config{AckWait: -time.Second}, false},
		{"window beyond age", Config{Duplicates: time.Hour, MaxAge: time.Minute}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.withDefaults()
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrConfig)) {
				t.Errorf("withDefaults() error %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// envelopeOf encodes the updates of batch as one message of the stream.
func envelopeOf(t testing.TB, batch *tg.Updates) []byte {
	t.Helper()
	list, src := unpack(batch)
	items := make([]queued, len(list))
	for i, up := range list {
		items[i] = queued{up: up, key: mtgo.UpdateKey(up), src: src}
	}
	return encodeItems(t, items)
}

// encodeItems encodes items as one message of the stream.
func encodeItems(t testing.TB, items []queued) []byte {
	t.Helper()
	var b tl.Buffer
	if err := encodeEnvelope(&b, items); err != nil {
		t.Fatal(err)
	}
	return b.Raw()
}

// roundTrip encodes items as one message and decodes it.
func roundTrip(t testing.TB, items []queued) *tg.Updates {
	t.Helper()
	got, err := decodeEnvelope(encodeItems(t, items))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestEnvelopeRoundTrip(t *testing.T) {
	batch := messages(10, 42, 1, 2, 3)
	other := messages(20, 43, 1)
	list, src := unpack(batch)
	olist, osrc := unpack(other)
	items := []queued{{up: list[0], src: src}, {up: olist[0], src: osrc}, {up: list[1], src: src}, {up: list[2], src: src}}
	data := encodeItems(t, items)
	got := roundTrip(t, items)
	var keys []string
	for _, up := range got.Updates {
		keys = append(keys, mtgo.UpdateKey(up))
	}
	if diff := cmp.Diff([]string{"msg:11", "msg:21", "msg:12", "msg:13"}, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	// each source's users once
	if len(got.Users) != 2 || got.Date != batch.Date {
		t.Errorf("decoded %d users, date %d", len(got.Users), got.Date)
	}

	// not updates, no update, too many, trailing bytes, garbage: refused with an error
	short := &tg.UpdateShort{Update: list[0]}
	var sb tl.Buffer
	if err := short.Encode(&sb); err != nil {
		t.Fatal(err)
	}
	var empty tl.Buffer
	if err := (&tg.Updates{}).Encode(&empty); err != nil {
		t.Fatal(err)
	}
	huge := &tg.Updates{}
	for range maxBatch + 1 {
		huge.Updates = append(huge.Updates, list[0])
	}
	bad := [][]byte{sb.Raw(), empty.Raw(), envelopeOf(t, huge), append(append([]byte{}, data...), 0, 0, 0, 0), []byte{1, 2, 3}, nil}
	for i, b := range bad {
		if _, err := decodeEnvelope(b); err == nil {
			t.Errorf("bad message %d decoded", i)
		}
	}
}

// TestEnvelopePeers: a message carries the users and chats of its updates' batches that
// its updates name, not the whole batch's.
func TestEnvelopePeers(t *testing.T) {
	user := func(id int64) *tg.User { return &tg.User{ID: id, FirstName: tl.Some("u"), AccessHash: tl.Some(id)} }
	batch := &tg.Updates{
		Users: []tg.UserClass{user(1), user(2), user(3)},
		Chats: []tg.ChatClass{&tg.Chat{ID: 9, Title: "g", Photo: &tg.ChatPhotoEmpty{}}, &tg.Channel{ID: 10, Title: "c", Photo: &tg.ChatPhotoEmpty{}}},
		Updates: []tg.UpdateClass{
			&tg.UpdateNewMessage{Message: &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 1}, FromID: &tg.PeerUser{UserID: 1}}, Pts: 1, PtsCount: 1},
			&tg.UpdateNewMessage{Message: &tg.Message{ID: 2, PeerID: &tg.PeerChat{ChatID: 9}, FromID: &tg.PeerUser{UserID: 2}}, Pts: 2, PtsCount: 1},
			&tg.UpdateNewChannelMessage{Message: &tg.Message{ID: 3, PeerID: &tg.PeerChannel{ChannelID: 10}, FromID: &tg.PeerUser{UserID: 3}}, Pts: 1, PtsCount: 1},
		},
	}
	list, src := unpack(batch)
	tests := []struct {
		name         string
		updates      []int
		users, chats []int64
	}{
		{"private", []int{0}, []int64{1}, nil},
		{"group", []int{1}, []int64{2}, []int64{9}},
		{"two", []int{0, 1}, []int64{1, 2}, []int64{9}},
		{"all", []int{0, 1, 2}, []int64{1, 2, 3}, []int64{9, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var items []queued
			for _, i := range tt.updates {
				items = append(items, queued{up: list[i], src: src})
			}
			got := roundTrip(t, items)
			var users, chats []int64
			for _, u := range got.Users {
				id, _ := userID(u)
				users = append(users, id)
			}
			for _, c := range got.Chats {
				id, _ := chatID(c)
				chats = append(chats, id)
			}
			if diff := cmp.Diff(tt.users, users); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.chats, chats); diff != "" {
				t.Errorf("chats (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnvelopeID(t *testing.T) {
	one := []queued{{key: "msg:1"}}
	two := []queued{{key: "msg:1"}, {key: "msg:2"}}
	three := []queued{{key: "msg:1"}, {key: "x"}, {key: "msg:2"}}
	if got := envelopeID(one); got != "msg:1" {
		t.Errorf("one update: id %q, want its key", got)
	}
	if a, b := envelopeID(two), envelopeID(three); a == b || a == "msg:1" {
		t.Errorf("ids %q and %q", a, b)
	}
}

func TestMergeCommits(t *testing.T) {
	st := func(pts int32) updates.State { return updates.State{Pts: pts} }
	cs := []heldCommit{
		{c: updates.Commit{State: st(1), HasState: true, Channels: []updates.ChannelPts{{ChannelID: 5, Pts: 1}}}},
		{c: updates.Commit{Channels: []updates.ChannelPts{{ChannelID: 6, Pts: 3}, {ChannelID: 5, Pts: 2}}}},
		{c: updates.Commit{State: st(4), HasState: true, Channels: []updates.ChannelPts{{ChannelID: 6, Removed: true}}}},
	}
	want := updates.Commit{State: st(4), HasState: true, Channels: []updates.ChannelPts{{ChannelID: 5, Pts: 2}, {ChannelID: 6, Removed: true}}}
	if diff := cmp.Diff(want, merge(cs)); diff != "" {
		t.Errorf("merged (-want +got):\n%s", diff)
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	f.Add(envelopeOf(f, messages(0, 1, 1)))
	f.Add(envelopeOf(f, messages(0, 1, 1, 2, 3)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := decodeEnvelope(b)
		if err != nil {
			return
		}
		if n := len(u.Updates); n < 1 || n > maxBatch {
			t.Fatalf("decoded %d updates", n)
		}
		for _, up := range u.Updates {
			if up == nil {
				t.Fatal("decoded an empty update")
			}
		}
	})
}

func TestUpdateKey(t *testing.T) {
	tests := []struct {
		u    tg.UpdateClass
		want string
	}{
		{&tg.UpdateNewMessage{Message: &tg.MessageEmpty{}, Pts: 5, PtsCount: 1}, "pts:5:1"},
		{&tg.UpdateNewMessage{Message: &tg.Message{ID: 8}, Pts: 5, PtsCount: 1}, "msg:8"},
		{&tg.UpdateNewMessage{Message: &tg.Message{ID: 8}}, "msg:8"},
		{&tg.UpdateEditMessage{Message: &tg.Message{ID: 8}, Pts: 6, PtsCount: 1}, "pts:6:1"},
		{&tg.UpdateNewChannelMessage{Message: &tg.Message{ID: 4, PeerID: &tg.PeerChannel{ChannelID: 3}}, Pts: 9, PtsCount: 1}, "ch:3:msg:4"},
		{&tg.UpdateDeleteChannelMessages{ChannelID: 3, Pts: 10, PtsCount: 1}, "ch:3:10:1"},
		{&tg.UpdateNewEncryptedMessage{Message: &tg.EncryptedMessageService{ChatID: 2, RandomID: 3}, Qts: 4}, "enc:2:3"},
		{&tg.UpdateBotStopped{UserID: 1, Qts: 4}, "qts:4"},
	}
	for _, tt := range tests {
		if got := mtgo.UpdateKey(tt.u); got != tt.want {
			t.Errorf("UpdateKey(%T) = %q, want %q", tt.u, got, tt.want)
		}
	}
	a, b := mtgo.UpdateKey(&tg.UpdateConfig{}), mtgo.UpdateKey(&tg.UpdateDCOptions{})
	if !strings.HasPrefix(a, "h:") || a == b {
		t.Errorf("hash keys %q %q", a, b)
	}
}

// pipeline is a gateway and n workers on one server.
type pipeline struct {
	gw      *Gateway
	rec     *recorder
	workers []*testWorker
}

type testWorker struct {
	w      *Worker
	cancel context.CancelFunc
	done   chan struct{}
	kill   func() // closes the worker's connection: a crash, no acks any more
}

func startWorker(t *testing.T, url string, cfg Config, handler func(*mtgo.Context, *types.Message) error) *testWorker {
	t.Helper()
	nc, js := connect(t, url)
	c := offlineWorkerClient(t)
	c.OnMessage(handler)
	w, err := NewWorker(c, js, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tw := &testWorker{w: w, cancel: cancel, done: make(chan struct{}), kill: nc.Close}
	go func() {
		defer close(tw.done)
		if err := w.Run(ctx); err != nil && ctx.Err() == nil {
			t.Error(err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-tw.done
	})
	return tw
}

func newPipeline(t *testing.T, url string, cfg Config, workers, want int) *pipeline {
	t.Helper()
	_, js := connect(t, url)
	ctx := context.Background()
	gw, err := NewGateway(ctx, js, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline{gw: gw, rec: newRecorder(want)}
	for range workers {
		p.workers = append(p.workers, startWorker(t, url, cfg, p.rec.handler))
	}
	return p
}

func (p *pipeline) publish(t *testing.T, chats, perChat int) {
	t.Helper()
	pts := int32(0)
	for i := range perChat {
		for chat := int64(1); chat <= int64(chats); chat++ {
			if err := p.gw.DispatchCommit(context.Background(), messages(pts, chat, int32(i+1))); err != nil {
				t.Fatal(err)
			}
			pts++
		}
	}
}

func testPipeline(t *testing.T, url string, cfg Config) {
	const chats, perChat = 20, 10
	p := newPipeline(t, url, cfg, 3, chats*perChat)
	p.publish(t, chats, perChat)
	p.rec.wait(t, 30*time.Second)
	p.rec.checkOrder(t)
	if d := p.rec.duplicates(); d != 0 {
		t.Errorf("%d duplicates without a crash", d)
	}
	if s := p.gw.Stats(); s.Published != chats*perChat || s.Duplicates != 0 {
		t.Errorf("gateway stats %+v", s)
	}
	// a resumed gateway publishes again what it published: the stream drops the copies
	p.publish(t, chats, perChat)
	if s := p.gw.Stats(); s.Duplicates != chats*perChat {
		t.Errorf("republished: %d duplicates, want %d", s.Duplicates, chats*perChat)
	}
	// a gateway that takes over publishes them again in other batches (other message ids):
	// it drops those its predecessor published, and the workers see nothing new
	_, js := connect(t, url)
	next, err := NewGateway(context.Background(), js, cfg)
	if err != nil {
		t.Fatal(err)
	}
	all := &tg.Updates{}
	pts := int32(0)
	for i := range perChat {
		for chat := int64(1); chat <= chats; chat++ {
			all.Updates = append(all.Updates, messages(pts, chat, int32(i+1)).Updates...)
			pts++
		}
	}
	if err := next.DispatchCommit(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	if s := next.Stats(); s.Duplicates != chats*perChat || s.Published != 0 {
		t.Errorf("next gateway stats %+v, want every update dropped as a duplicate", s)
	}
	var handled int64
	for _, w := range p.workers {
		w.cancel() // Run returns once its handlers did: the counts are final
		<-w.done
		handled += w.w.Stats().Handled
	}
	if handled != chats*perChat {
		t.Errorf("workers handled %d, want %d", handled, chats*perChat)
	}
	if d := p.rec.duplicates(); d != 0 {
		t.Errorf("%d duplicates after the republishing", d)
	}
}

// TestDeferredCommits drives the gateway as the update engine does under DeferCommits:
// DispatchCommit returns at once, the commit is written once the stream acknowledged every
// update before it, and the shards pack what gathered meanwhile.
func TestDeferredCommits(t *testing.T) {
	s := startServer(t)
	const chats, perChat = 10, 30
	cfg := Config{Memory: true, Shards: 4}
	p := newPipeline(t, s.ClientURL(), cfg, 3, chats*perChat)
	st := p.gw.DeferCommits(storage.NewInMemory())
	ctx := context.Background()
	pts := int32(0)
	for i := range perChat {
		for chat := int64(1); chat <= chats; chat++ {
			if err := p.gw.DispatchCommit(ctx, messages(pts, chat, int32(i+1))); err != nil {
				t.Fatal(err)
			}
			pts++
			if err := st.CommitUpdates(ctx, updates.Commit{State: updates.State{Pts: pts}, HasState: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := p.gw.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	saved, _, err := st.LoadUpdates(ctx)
	if err != nil || saved.State.Pts != pts {
		t.Fatalf("committed pts %d (%v), want %d", saved.State.Pts, err, pts)
	}
	if gs := p.gw.Stats(); gs.Published != chats*perChat {
		t.Errorf("gateway stats %+v", gs)
	}
	p.rec.wait(t, 30*time.Second)
	p.rec.checkOrder(t)
	if d := p.rec.duplicates(); d != 0 {
		t.Errorf("%d duplicates without a crash", d)
	}
}

// TestDeferredCommitWaitsForAck: with the server gone the dispatch is queued, and its
// commit stays unwritten; Flush reports it.
func TestDeferredCommitWaitsForAck(t *testing.T) {
	gw := gatewayLosingServer(t)
	st := gw.DeferCommits(storage.NewInMemory())
	ctx := context.Background()
	if err := gw.DispatchCommit(ctx, messages(1, 1, 2)); err != nil {
		t.Fatalf("queued dispatch: %v", err)
	}
	if err := st.CommitUpdates(ctx, updates.Commit{State: updates.State{Pts: 2}, HasState: true}); err != nil {
		t.Fatal(err)
	}
	fctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := gw.Flush(fctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Flush without a server: %v, want a deadline error", err)
	}
	if saved, ok, _ := st.LoadUpdates(ctx); ok && saved.State.Pts != 0 {
		t.Errorf("committed pts %d before the stream acknowledged it", saved.State.Pts)
	}
}

func TestPipelineEmbedded(t *testing.T) {
	s := startServer(t)
	testPipeline(t, s.ClientURL(), Config{Memory: true, Shards: 8})
}

func TestPipelineRealServer(t *testing.T) {
	url := realServer(t)
	testPipeline(t, url, realConfig(t, url))
}

// An update no message can carry (over the server's max_payload, or the stream's
// max_msg_size) fails the same way however often it is published. The gateway tries it
// sizeTries times, then drops it: an error log names its type, key and chat (never its
// content), GatewayStats.Dropped counts it and Config.OnDrop gets it. The updates around it
// are published in order and DispatchCommit returns, so the engine goes on.
func TestOversizedUpdateDropped(t *testing.T) {
	t.Run("embedded max_payload", func(t *testing.T) {
		s := startServer(t, func(o *server.Options) { o.MaxPayload = 64 << 10 })
		testOversized(t, s.ClientURL(), Config{Memory: true, Shards: 2}, 100<<10)
	})
	t.Run("real max_payload", func(t *testing.T) {
		url := realServer(t)
		nc, _ := connect(t, url)
		testOversized(t, url, realConfig(t, url), int(nc.MaxPayload())+64<<10)
	})
	t.Run("real stream max_msg_size", func(t *testing.T) {
		url := realServer(t)
		cfg := realConfig(t, url)
		// The stream as the gateway makes it, with a message size limit of its operator's.
		_, js := connect(t, url)
		ctx := context.Background()
		c, err := cfg.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		st, err := ensureStream(ctx, js, c)
		if err != nil {
			t.Fatal(err)
		}
		sc := st.CachedInfo().Config
		sc.MaxMsgSize = 64 << 10
		if _, err := js.UpdateStream(ctx, sc); err != nil {
			t.Fatal(err)
		}
		testOversized(t, url, cfg, 100<<10)
	})
}

// testOversized publishes three messages of one chat, the second with size bytes of text,
// and checks that the first and third reach a worker and the second is dropped.
func testOversized(t *testing.T, url string, cfg Config, size int) {
	logs := &lockedBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	var mu sync.Mutex
	var dropped []string
	cfg.OnDrop = func(up tg.UpdateClass, err error) {
		mu.Lock()
		defer mu.Unlock()
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("OnDrop error %v, want ErrTooLarge", err)
		}
		dropped = append(dropped, mtgo.UpdateKey(up))
	}
	p := newPipeline(t, url, cfg, 1, 2)
	const chat = 5
	batch := messages(0, chat, 1, 2, 3)
	text := strings.Repeat("secret ", size/7+1)
	batch.Updates[1].(*tg.UpdateNewMessage).Message.(*tg.Message).Message = text
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.gw.DispatchCommit(ctx, batch); err != nil {
		t.Fatalf("DispatchCommit: %v", err)
	}
	p.rec.wait(t, 30*time.Second)
	p.rec.mu.Lock()
	got := p.rec.chats[chat]
	p.rec.mu.Unlock()
	if diff := cmp.Diff([]int32{1, 3}, got); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
	if s := p.gw.Stats(); s.Published != 2 || s.Dropped != 1 {
		t.Errorf("gateway stats %+v, want 2 published and 1 dropped", s)
	}
	mu.Lock()
	if diff := cmp.Diff([]string{"msg:2"}, dropped); diff != "" {
		t.Errorf("OnDrop got (-want +got):\n%s", diff)
	}
	mu.Unlock()
	out := logs.String()
	for _, want := range []string{"level=ERROR", "mtgo.update.key=msg:2", "mtgo.update.type=updateNewMessage", "chat=5"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "secret") {
		t.Error("log shows the update's content")
	}
}

// OnDrop runs on the publishing goroutine of the dropped update's shard, so a DispatchCommit
// from it would wait for that goroutine, which waits for OnDrop: it fails at once with
// ErrDispatchInOnDrop instead, the update is not queued, and the outer dispatch returns.
func TestDispatchInOnDropRefused(t *testing.T) {
	s := startServer(t, func(o *server.Options) { o.MaxPayload = 64 << 10 })
	_, js := connect(t, s.ClientURL())
	// A guard, not a synchronisation: before the check the inner call waited for it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var gw *Gateway
	inner := make(chan error, 1)
	cfg := Config{Memory: true, Shards: 1, OnDrop: func(tg.UpdateClass, error) {
		inner <- gw.DispatchCommit(ctx, messages(10, 5, 4)) // the same chat, the same shard
	}}
	gw, err := NewGateway(ctx, js, cfg)
	if err != nil {
		t.Fatal(err)
	}
	batch := messages(0, 5, 1, 2)
	batch.Updates[1].(*tg.UpdateNewMessage).Message.(*tg.Message).Message = strings.Repeat("x", 100<<10)
	if err := gw.DispatchCommit(ctx, batch); err != nil {
		t.Fatalf("outer DispatchCommit: %v", err)
	}
	if err := <-inner; !errors.Is(err, ErrDispatchInOnDrop) {
		t.Fatalf("DispatchCommit from OnDrop: %v, want ErrDispatchInOnDrop", err)
	}
	if st := gw.Stats(); st.Published != 1 || st.Dropped != 1 {
		t.Errorf("gateway stats %+v, want 1 published (the refused update not queued) and 1 dropped", st)
	}
	// Outside OnDrop the gateway dispatches as before.
	if err := gw.DispatchCommit(ctx, messages(10, 5, 4)); err != nil {
		t.Fatalf("DispatchCommit after the drop: %v", err)
	}
}

// TestWorkerCrashRedelivers kills a worker in the middle of a handler: the update goes to
// another worker after AckWait, the chat's later updates wait for it, and the only
// duplicate is the update the crash interrupted.
func TestWorkerCrashRedelivers(t *testing.T) {
	s := startServer(t)
	cfg := Config{Memory: true, Shards: 1, AckWait: time.Second}
	_, js := connect(t, s.ClientURL())
	gw, err := NewGateway(context.Background(), js, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(5)
	entered := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	doomed := startWorker(t, s.ClientURL(), cfg, func(ctx *mtgo.Context, m *types.Message) error {
		rec.record(m.Chat.ID, int32(m.ID), ctx.UpdateKey())
		once.Do(func() { close(entered) })
		<-release
		return nil
	})
	if err := gw.DispatchCommit(context.Background(), messages(0, 7, 1, 2, 3, 4, 5)); err != nil {
		t.Fatal(err)
	}
	<-entered
	doomed.kill()
	survivor := startWorker(t, s.ClientURL(), cfg, rec.handler)
	rec.wait(t, 30*time.Second)
	close(release)
	rec.checkOrder(t)
	if d := rec.duplicates(); d != 1 {
		t.Errorf("%d duplicates, want 1 (the interrupted update)", d)
	}
	survivor.cancel() // Run returns once its handlers did: the counts are final
	<-survivor.done
	// the five went as one message (queued together): all five were redelivered
	if st := survivor.w.Stats(); st.Redelivered != 5 || st.Handled != 5 {
		t.Errorf("survivor stats %+v, want 5 handled, 5 redelivered", st)
	}
}

func TestWorkerRejectsGarbage(t *testing.T) {
	s := startServer(t)
	cfg := Config{Memory: true, Shards: 1}
	_, js := connect(t, s.ClientURL())
	if _, err := NewGateway(context.Background(), js, cfg); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(1)
	w := startWorker(t, s.ClientURL(), cfg, rec.handler)
	if _, err := js.Publish(context.Background(), DefaultSubject+".0", []byte("not an update")); err != nil {
		t.Fatal(err)
	}
	gw, _ := NewGateway(context.Background(), js, cfg)
	if err := gw.DispatchCommit(context.Background(), messages(0, 3, 1)); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, 30*time.Second)
	if st := w.w.Stats(); st.Rejected != 1 {
		t.Errorf("stats %+v, want 1 rejected", st)
	}
}

func TestNewWorkerNeedsNoUpdates(t *testing.T) {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if _, err := NewWorker(c, nil, Config{}); !errors.Is(err, ErrUpdatesEnabled) {
		t.Errorf("NewWorker error %v, want ErrUpdatesEnabled", err)
	}
}

// lockedStore is a store whose session lock is held until Close, like the shared backends.
type lockedStore struct {
	storage.Storage
	lock *sync.Mutex
}

func (s lockedStore) Close() error {
	s.lock.Unlock()
	return nil
}

func TestAcquireSessionWaitsForTheLock(t *testing.T) {
	var lock sync.Mutex
	shared := storage.NewInMemory()
	attempts := make(chan struct{}, 100)
	open := func(context.Context) (storage.Storage, error) {
		attempts <- struct{}{}
		if !lock.TryLock() {
			return nil, storage.ErrSessionInUse
		}
		return lockedStore{shared, &lock}, nil
	}
	first, err := AcquireSession(context.Background(), open, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan storage.Storage)
	go func() {
		st, err := AcquireSession(context.Background(), open, time.Millisecond)
		if err != nil {
			t.Error(err)
		}
		got <- st
	}()
	<-attempts // the first's
	<-attempts // the standby's first try, refused
	_ = first.Close()
	if st := <-got; st == nil {
		t.Fatal("standby got no store")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := AcquireSession(ctx, open, time.Millisecond); !errors.Is(err, context.Canceled) {
		t.Errorf("held lock, cancelled: %v", err)
	}
	other := func(context.Context) (storage.Storage, error) { return nil, storage.ErrCorrupt }
	if _, err := AcquireSession(context.Background(), other, 0); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("corrupt store: %v", err)
	}
}

// TestGatewayRefusesWithoutAck: with the server gone, DispatchCommit keeps retrying and
// fails when its context ends, so the update engine leaves the batch uncommitted.
func TestGatewayRefusesWithoutAck(t *testing.T) {
	gw := gatewayLosingServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := gw.DispatchCommit(ctx, messages(1, 1, 2))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("DispatchCommit without a server: %v, want a deadline error", err)
	}
	if st := gw.Stats(); st.Published != 1 || st.Retries == 0 {
		t.Errorf("stats %+v, want retries and only the first published", st)
	}
}

// gatewayLosingServer returns a gateway that published one update (and read the stream's
// empty tail) to a server that is gone since.
func gatewayLosingServer(t *testing.T) *Gateway {
	t.Helper()
	s := startServer(t)
	_, js := connect(t, s.ClientURL())
	gw, err := NewGateway(context.Background(), js, Config{Memory: true, Shards: 2, PublishTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.DispatchCommit(context.Background(), messages(0, 1, 1)); err != nil {
		t.Fatal(err)
	}
	s.Shutdown()
	return gw
}

// TestWorkerEndsWhenItsClientStops checks that a worker whose client was stopped hands the
// message back and ends Run with the reason, instead of taking every delivery of its shards
// only to hand it back at once, for as long as Run's context lives; another worker handles
// the message.
func TestWorkerEndsWhenItsClientStops(t *testing.T) {
	s := startServer(t)
	cfg := Config{Memory: true, Shards: 1}
	_, js := connect(t, s.ClientURL())
	gw, err := NewGateway(context.Background(), js, cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := offlineWorkerClient(t)
	c.OnMessage(func(*mtgo.Context, *types.Message) error { return nil })
	w, err := NewWorker(c, js, cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	ended := make(chan error, 1)
	go func() { ended <- w.Run(ctx) }()
	if err := gw.DispatchCommit(context.Background(), messages(0, 3, 1)); err != nil {
		t.Fatal(err)
	}
	if err := <-ended; !errors.Is(err, mtgo.ErrClientClosed) || ctx.Err() != nil {
		t.Fatalf("Run = %v (context: %v), want ErrClientClosed before the context ended", err, ctx.Err())
	}
	rec := newRecorder(1)
	startWorker(t, s.ClientURL(), cfg, rec.handler)
	rec.wait(t, 30*time.Second)
}
