package mtgobench

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/telegram/message"
	"github.com/gotd/td/telegram/message/markup"
	"github.com/gotd/td/telegram/message/styling"
	"github.com/gotd/td/telegram/query"
	gotdtg "github.com/gotd/td/tg"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The message benchmarks put MTGo's client and gotd v0.93.0 in front of one server:
// teletest's world and method handlers, in this process, behind a "wire" on each side that
// encodes the library's request with its own TL code and decodes the answer bytes with it
// (MTGo in layer 228, gotd in layer 170: the server's answers are converted for gotd). The
// server computes each page of history once and replays its bytes, and answers a send with
// a ready updateShortSentMessage, so the timed loops measure the client libraries: paging,
// decoding, building messages, and for MTGo the whole call path of Client (invoke policy,
// peer cache). Neither side pays for MTProto framing or encryption.

// historySize is the history the iteration benchmark reads.
const historySize = 10000

// messageServer is the shared server.
type messageServer struct {
	w *world.World
	d *services.Dispatcher

	mu     sync.Mutex
	caller *services.Caller  // the MTGo client's key, which gotd's wire borrows
	pages  map[string][]byte // MTGo request bytes -> answer bytes
	gpages map[string][]byte // gotd request bytes -> answer bytes
	sent   []byte            // canned answer to messages.sendMessage (MTGo), nil: the world answers
	gsent  []byte            // the same for gotd
}

func newMessageServer(b *testing.B) *messageServer {
	b.Helper()
	var clock sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := world.New(world.Config{
		Now: func() time.Time { // a second per call: messages get distinct dates
			clock.Lock()
			defer clock.Unlock()
			now = now.Add(time.Second)
			return now
		},
		Rand: crypto.NewDeterministicReader(7),
	})
	if err != nil {
		b.Fatal(err)
	}
	d, err := services.New(services.Options{World: w})
	if err != nil {
		b.Fatal(err)
	}
	return &messageServer{w: w, d: d, pages: map[string][]byte{}, gpages: map[string][]byte{}}
}

// unwrap returns the query inside invokeWithLayer, initConnection and invokeWithoutUpdates.
func unwrap(req tl.Encoder) tl.Encoder {
	for {
		switch r := req.(type) {
		case *tg.InvokeWithLayerRequest:
			req = r.Query
		case *tg.InitConnectionRequest:
			req = r.Query
		case *tg.InvokeWithoutUpdatesRequest:
			req = r.Query
		default:
			return req
		}
	}
}

// answer runs request bytes on the server for caller, returning the result's bytes.
func (s *messageServer) answer(ctx context.Context, caller *services.Caller, body []byte) (tl.Encoder, error) {
	req, err := services.DecodeRequest(body)
	if err != nil {
		return nil, err
	}
	res, err := s.d.Handle(ctx, caller, req)
	if err != nil {
		e := services.AsRPCError(err, nil)
		return nil, rpcerr.Parse(e.Code, e.Message)
	}
	return res, nil
}

// mtgoFactory builds mtgoConns on the server.
type mtgoFactory struct{ s *messageServer }

func (f mtgoFactory) NewConn(cc mtgo.ConnConfig) (mtgo.Conn, error) {
	return &mtgoConn{s: f.s, cc: cc, ready: make(chan struct{})}, nil
}

// mtgoConn is the MTGo side of the wire: a Conn whose calls reach the server in process.
type mtgoConn struct {
	s      *messageServer
	cc     mtgo.ConnConfig
	ready  chan struct{}
	mu     sync.Mutex
	sess   session.Session
	caller *services.Caller
	inited bool
}

func (c *mtgoConn) Run(ctx context.Context) error {
	sess, err := c.cc.Store.Load(ctx)
	if errors.Is(err, session.ErrNoSession) {
		sess = session.Session{DC: c.cc.DC, Addr: c.cc.Addr}
	} else if err != nil {
		return err
	}
	if !sess.HasKey() {
		sess.AuthKey = make([]byte, session.AuthKeySize)
		_, _ = crand.Read(sess.AuthKey)
		sess.AuthKey[0] |= 0x80
		if err := c.cc.Store.Save(ctx, sess); err != nil {
			return err
		}
	}
	var key [256]byte
	copy(key[:], sess.AuthKey)
	c.mu.Lock()
	c.sess = sess
	c.caller = &services.Caller{DC: c.cc.DC, AuthKeyID: world.KeyID(crypto.NewAuthKey(key).ID), SessionID: 1}
	c.mu.Unlock()
	c.s.mu.Lock()
	c.s.caller = c.caller
	c.s.mu.Unlock()
	close(c.ready)
	<-ctx.Done()
	return nil
}

// ContextFreeCalls tells the client that InvokeWith keeps neither a call's context nor its
// request after returning, as the session's connection does.
func (*mtgoConn) ContextFreeCalls() {}

func (c *mtgoConn) Session() session.Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sess.Clone()
}

func (c *mtgoConn) InvokeWith(ctx context.Context, in tl.Encoder, out tl.Decoder, _ bool) error {
	select {
	case <-c.ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	b := encodeBuffers.Get().(*tl.Buffer)
	defer func() { b.Reset(); encodeBuffers.Put(b) }()
	c.mu.Lock()
	if !c.inited && c.cc.Init != nil {
		prefix, err := c.cc.Init.Prefix()
		if err != nil {
			c.mu.Unlock()
			return err
		}
		b.Buf = append(b.Buf, prefix...)
		c.inited = true
	}
	c.mu.Unlock()
	if err := in.Encode(b); err != nil {
		return err
	}
	c.s.mu.Lock()
	ans, ok := c.s.pages[string(b.Buf)]
	if _, send := unwrap(in).(*tg.MessagesSendMessageRequest); send && c.s.sent != nil {
		ans, ok = c.s.sent, true
	}
	c.s.mu.Unlock()
	if !ok {
		res, err := c.s.answer(ctx, c.caller, b.Buf)
		if err != nil {
			return err
		}
		var rb tl.Buffer
		if err := res.Encode(&rb); err != nil {
			return err
		}
		ans = rb.Buf
		if _, page := res.(tg.MessagesMessagesClass); page {
			c.s.mu.Lock()
			c.s.pages[string(b.Buf)] = ans
			c.s.mu.Unlock()
		}
	}
	db := decodeBuffers.Get().(*tl.Buffer)
	defer decodeBuffers.Put(db)
	db.ResetTo(ans)
	defer db.ResetTo(nil)
	if lendAnswers {
		db.Alias(lendMin)
	}
	return out.Decode(db)
}

// lendAnswers makes the MTGo wire lend an answer's bytes to the decoder (tl.Buffer.Alias, from
// lendMin bytes), as MTGo's session lends a received packet's (they are never written again:
// here the server's cache): on by default, MTGO_BENCH_NOLEND=1 turns it off, the wire as it
// was before it modelled that.
var lendAnswers = os.Getenv("MTGO_BENCH_NOLEND") == ""

// lendMin is the session's borrowMin.
const lendMin = 4 << 10

// The wires reuse their buffers, as both libraries' connections do: encoding buffers on both
// sides, and MTGo's decoding buffers, which the session's reader keeps so that the tl runtime
// batches the allocations of decoded objects.
var (
	encodeBuffers = sync.Pool{New: func() any { return new(tl.Buffer) }}
	decodeBuffers = sync.Pool{New: func() any { return new(tl.Buffer) }}
	gotdBuffers   = sync.Pool{New: func() any { return new(bin.Buffer) }}
)

// gotdMsgWire is the gotd side of the wire, calling as the MTGo client's account.
type gotdMsgWire struct{ s *messageServer }

func (w gotdMsgWire) Invoke(ctx context.Context, in bin.Encoder, out bin.Decoder) error {
	b := gotdBuffers.Get().(*bin.Buffer)
	defer func() { b.Reset(); gotdBuffers.Put(b) }()
	if err := in.Encode(b); err != nil {
		return err
	}
	w.s.mu.Lock()
	ans, ok := w.s.gpages[string(b.Buf)]
	if _, send := in.(*gotdtg.MessagesSendMessageRequest); send {
		ans, ok = w.s.gsent, w.s.gsent != nil
	}
	caller := w.s.caller
	w.s.mu.Unlock()
	if !ok {
		res, err := w.s.answer(ctx, caller, b.Buf)
		if err != nil {
			return err
		}
		page, isPage := res.(tg.MessagesMessagesClass)
		if !isPage {
			return fmt.Errorf("gotd wire: no layer 170 form for %T", res)
		}
		g, err := gotdMessages(page)
		if err != nil {
			return err
		}
		var gb bin.Buffer
		if err := g.Encode(&gb); err != nil {
			return err
		}
		ans = gb.Buf
		w.s.mu.Lock()
		w.s.gpages[string(b.Buf)] = ans
		w.s.mu.Unlock()
	}
	return out.Decode(&bin.Buffer{Buf: ans})
}

// gotdMessages converts a page of history into gotd's layer: the fields the world sets on
// plain text messages between two people.
func gotdMessages(page tg.MessagesMessagesClass) (gotdtg.MessagesMessagesClass, error) {
	var msgs []tg.MessageClass
	var users []tg.UserClass
	out := &gotdtg.MessagesMessagesSlice{}
	switch p := page.(type) {
	case *tg.MessagesMessages:
		msgs, users, out.Count = p.Messages, p.Users, len(p.Messages)
	case *tg.MessagesMessagesSlice:
		msgs, users, out.Count = p.Messages, p.Users, int(p.Count)
	default:
		return nil, fmt.Errorf("gotd wire: page %T", page)
	}
	for _, m := range msgs {
		tm, ok := m.(*tg.Message)
		if !ok {
			return nil, fmt.Errorf("gotd wire: message %T", m)
		}
		gm := &gotdtg.Message{
			Out: tm.Out, ID: int(tm.ID), PeerID: gotdPeer(tm.PeerID), Date: int(tm.Date), Message: tm.Message,
		}
		if tm.FromID != nil {
			gm.FromID = gotdPeer(tm.FromID)
		}
		for _, e := range tm.Entities {
			switch e := e.(type) {
			case *tg.MessageEntityBold:
				gm.Entities = append(gm.Entities, &gotdtg.MessageEntityBold{Offset: int(e.Offset), Length: int(e.Length)})
			default:
				return nil, fmt.Errorf("gotd wire: entity %T", e)
			}
		}
		out.Messages = append(out.Messages, gm)
	}
	for _, u := range users {
		tu, ok := u.(*tg.User)
		if !ok {
			return nil, fmt.Errorf("gotd wire: user %T", u)
		}
		out.Users = append(out.Users, &gotdtg.User{
			Self: tu.Self, Contact: tu.Contact, ID: tu.ID, AccessHash: tu.AccessHash.Value,
			FirstName: tu.FirstName.Value, LastName: tu.LastName.Value, Username: tu.Username.Value, Phone: tu.Phone.Value,
		})
	}
	out.Chats = []gotdtg.ChatClass{}
	return out, nil
}

func gotdPeer(p tg.PeerClass) gotdtg.PeerClass {
	switch p := p.(type) {
	case *tg.PeerUser:
		return &gotdtg.PeerUser{UserID: p.UserID}
	case *tg.PeerChat:
		return &gotdtg.PeerChat{ChatID: p.ChatID}
	case *tg.PeerChannel:
		return &gotdtg.PeerChannel{ChannelID: p.ChannelID}
	}
	return nil
}

// messageBench is alice's MTGo client on the server, the input peer of bob as alice sees it
// in both libraries' types, and a gotd client on the same account.
type messageBench struct {
	s     *messageServer
	c     *mtgo.Client
	peer  *tg.InputPeerUser
	gpeer *gotdtg.InputPeerUser
	gotd  *gotdtg.Client
}

func newMessageBench(b *testing.B) *messageBench {
	b.Helper()
	s := newMessageServer(b)
	alice, err := s.w.CreateUser(world.UserSpec{FirstName: "Alice", Username: "alice_bench", Phone: "15550001"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.w.CreateUser(world.UserSpec{FirstName: "Bob", Username: "bob_bench", Phone: "15550002"}); err != nil {
		b.Fatal(err)
	}
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.NoUpdates = true
	cfg.PhoneNumber = alice.Phone
	cfg.Code = func(_ context.Context, phone string, _ mtgo.CodeInfo) (string, error) {
		code, ok := s.w.AuthCode(phone)
		if !ok {
			return "", errors.New("no code sent")
		}
		return code, nil
	}
	cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceSessionFactory(mtgoFactory{s}))
	c, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.ConnectContext(ctx); err != nil {
		b.Fatal(err)
	}
	if err := c.Login(ctx); err != nil {
		b.Fatal(err)
	}
	in, err := c.ResolvePeer(ctx, "@bob_bench")
	if err != nil {
		b.Fatal(err)
	}
	peer, ok := in.(*tg.InputPeerUser)
	if !ok {
		b.Fatalf("bob is %T", in)
	}
	return &messageBench{
		s: s, c: c, peer: peer,
		gpeer: &gotdtg.InputPeerUser{UserID: peer.UserID, AccessHash: peer.AccessHash},
		gotd:  gotdtg.NewClient(gotdMsgWire{s}),
	}
}

// BenchmarkHistoryIterate reads a 10 000-message history (every message with a bold
// entity) once per op: MTGo's GetChatHistory iterator (iter.Seq2 of *types.Message) against
// gotd's query/messages GetHistory iterator, both 100 messages per request.
func BenchmarkHistoryIterate(b *testing.B) {
	mb := newMessageBench(b)
	ctx := context.Background()
	bold := []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 0, Length: 7}}
	for i := range historySize {
		if _, err := mb.c.SendMessage(ctx, mb.peer, fmt.Sprintf("message %d of the history", i), mtgo.WithEntities(bold)); err != nil {
			b.Fatalf("seed %d: %v", i, err)
		}
	}
	mtgoRead := func() (int, error) {
		n := 0
		for m, err := range mb.c.GetChatHistory(ctx, mb.peer) {
			if err != nil {
				return n, err
			}
			if m.Text == "" {
				return n, errors.New("empty message")
			}
			n++
		}
		return n, nil
	}
	gotdRead := func() (int, error) {
		it := query.Messages(mb.gotd).GetHistory(mb.gpeer).BatchSize(100).Iter()
		n := 0
		for it.Next(ctx) {
			if m, ok := it.Value().Msg.(*gotdtg.Message); !ok || m.Message == "" {
				return n, errors.New("empty message")
			}
			n++
		}
		return n, it.Err()
	}
	for _, side := range []struct {
		name string
		read func() (int, error)
	}{{"mtgo", mtgoRead}, {"gotd", gotdRead}} {
		if n, err := side.read(); err != nil || n != historySize { // warm the page cache
			b.Fatalf("%s read %d messages: %v", side.name, n, err)
		}
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if n, err := side.read(); err != nil || n != historySize {
					b.Fatalf("read %d messages: %v", n, err)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N)/historySize, "cpu-ns/msg")
		})
	}
}

// BenchmarkSendStyledText sends "Hello world, this is bold" with a bold entity and an inline
// keyboard of two buttons: MTGo's SendMessage (the entity given, and parsed from Markdown)
// against gotd's message.Sender with styling and markup. The server answers with
// updateShortSentMessage, as Telegram does for a text message.
func BenchmarkSendStyledText(b *testing.B) {
	mb := newMessageBench(b)
	ctx := context.Background()
	short := &tg.UpdateShortSentMessage{Out: true, ID: 42, Pts: 100, PtsCount: 1, Date: int32(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix())}
	var sb tl.Buffer
	if err := (&tg.UpdatesClassBox{Updates: short}).Encode(&sb); err != nil {
		b.Fatal(err)
	}
	var gb bin.Buffer
	if err := (&gotdtg.UpdateShortSentMessage{Out: true, ID: 42, Pts: 100, PtsCount: 1, Date: int(short.Date)}).Encode(&gb); err != nil {
		b.Fatal(err)
	}
	mb.s.mu.Lock()
	mb.s.sent, mb.s.gsent = sb.Buf, gb.Buf
	mb.s.mu.Unlock()

	text := "Hello world, this is bold"
	md := "Hello world, this is **bold**"
	keyboard := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: "Yes", Data: []byte("yes")},
		&tg.KeyboardButtonCallback{Text: "No", Data: []byte("no")},
	}}}}
	ents := []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 21, Length: 4}}
	sender := message.NewSender(mb.gotd)
	sides := []struct {
		name string
		send func() error
	}{
		{"mtgo-entities", func() error {
			_, err := mb.c.SendMessage(ctx, mb.peer, text, mtgo.WithEntities(ents), mtgo.WithReplyMarkup(keyboard))
			return err
		}},
		{"mtgo-markdown", func() error {
			_, err := mb.c.SendMessage(ctx, mb.peer, md, mtgo.WithParseMode(mtgo.ParseModeMarkdown), mtgo.WithReplyMarkup(keyboard))
			return err
		}},
		{"gotd", func() error {
			_, err := sender.To(mb.gpeer).Markup(markup.InlineRow(
				markup.Callback("Yes", []byte("yes")), markup.Callback("No", []byte("no")),
			)).StyledText(ctx, styling.Plain("Hello world, this is "), styling.Bold("bold"))
			return err
		}},
	}
	for _, side := range sides {
		if err := side.send(); err != nil {
			b.Fatalf("%s: %v", side.name, err)
		}
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if err := side.send(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}
