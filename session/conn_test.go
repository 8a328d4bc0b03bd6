package session_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// harness runs a Conn against a sessiontest server for one test.
type harness struct {
	t      *testing.T
	srv    *sessiontest.Server
	conn   *session.Conn
	store  *session.MemoryStore
	ctx    context.Context
	stop   context.CancelFunc
	runErr chan error
	skew   atomic.Int64 // client clock minus real time
}

func start(t *testing.T, srv *sessiontest.Server, adjust func(*session.Options)) *harness {
	t.Helper()
	if srv == nil {
		srv = sessiontest.NewServer(t)
	}
	h := &harness{t: t, srv: srv, store: &session.MemoryStore{}, runErr: make(chan error, 1)}
	opts := session.Options{
		Session:    srv.Session(),
		Store:      h.store,
		Dialer:     srv.Dialer(),
		PublicKeys: srv.PublicKeys(),
		Reconnect:  session.ReconnectPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond},
		Now:        func() time.Time { return time.Now().Add(time.Duration(h.skew.Load())) },
	}
	if adjust != nil {
		adjust(&opts)
	}
	conn, err := session.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h.conn = conn
	h.ctx, h.stop = context.WithTimeout(context.Background(), 60*time.Second)
	go func() { h.runErr <- conn.Run(h.ctx) }()
	t.Cleanup(func() {
		h.stop()
		<-conn.Done()
	})
	return h
}

// echo invokes a Payload and checks it comes back.
func (h *harness) echo(ctx context.Context, n int64) error {
	var out sessiontest.Payload
	if err := h.conn.Invoke(ctx, &sessiontest.Payload{N: n, Data: []byte("x")}, &out); err != nil {
		return err
	}
	if out.N != n {
		h.t.Errorf("echo %d returned %d", n, out.N)
	}
	return nil
}

func TestInvokeAfterKeyExchange(t *testing.T) {
	h := start(t, nil, nil)
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	stored, err := h.store.Load(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.AuthKey) != session.AuthKeySize || stored.Salt == 0 {
		t.Errorf("stored session has key of %d bytes and salt %#x", len(stored.AuthKey), stored.Salt)
	}
	if got := h.conn.Session(); !bytes.Equal(got.AuthKey, stored.AuthKey) {
		t.Error("Session() differs from the stored session")
	}
	select {
	case <-h.conn.Ready():
	default:
		t.Error("Ready not closed after a call succeeded")
	}
}

func TestServerClockSkewAtExchange(t *testing.T) {
	for _, skew := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
		srv := sessiontest.NewServer(t)
		srv.SetSkew(skew)
		h := start(t, srv, nil)
		if err := h.echo(h.ctx, 1); err != nil {
			t.Fatalf("skew %v: %v", skew, err)
		}
		if off := h.conn.Session().TimeOffset; (off - skew).Abs() > 2*time.Second {
			t.Errorf("skew %v: TimeOffset = %v", skew, off)
		}
	}
}

func TestStoredKeyReused(t *testing.T) {
	srv := sessiontest.NewServer(t)
	h := start(t, srv, nil)
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	h.stop()
	<-h.conn.Done()
	stored := h.conn.Session()
	h2 := start(t, srv, func(o *session.Options) { o.Session = stored; o.Store = nil })
	if err := h2.echo(h2.ctx, 2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(h2.conn.Session().AuthKey, stored.AuthKey) {
		t.Error("a second key exchange replaced the stored key")
	}
}

func TestConcurrentCalls(t *testing.T) {
	h := start(t, nil, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.echo(h.ctx, int64(i)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRPCErrorReturned(t *testing.T) {
	srv := sessiontest.NewServer(t)
	srv.Handle(func(r sessiontest.Request) { r.Error(420, "FLOOD_WAIT_3") })
	h := start(t, srv, nil)
	err := h.echo(h.ctx, 1)
	if d, ok := session.FloodWait(err); !ok || d != 3*time.Second {
		t.Fatalf("Invoke = %v, want FLOOD_WAIT_3", err)
	}
}

func TestCancelledCall(t *testing.T) {
	srv := sessiontest.NewServer(t)
	var mu sync.Mutex
	var held []sessiontest.Request
	srv.Handle(func(r sessiontest.Request) {
		mu.Lock()
		held = append(held, r)
		mu.Unlock()
	})
	h := start(t, srv, nil)
	ctx, cancel := context.WithTimeout(h.ctx, 200*time.Millisecond)
	defer cancel()
	if err := h.echo(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Invoke = %v, want DeadlineExceeded", err)
	}
	// The connection stays usable; a late answer to the dropped call is ignored.
	mu.Lock()
	for _, r := range held {
		r.Reply(r.Body)
	}
	mu.Unlock()
	srv.Handle(sessiontest.Echo)
	if err := h.echo(h.ctx, 2); err != nil {
		t.Fatal(err)
	}
}

// A call whose context has ended fails at once and never reaches the server, even with
// in-flight slots free.
func TestEndedContextNotSent(t *testing.T) {
	srv := sessiontest.NewServer(t)
	var seen atomic.Int32
	srv.Handle(func(r sessiontest.Request) {
		seen.Add(1)
		sessiontest.Echo(r)
	})
	h := start(t, srv, nil)
	if err := h.echo(h.ctx, 1); err != nil { // connected
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(h.ctx)
	cancel()
	for i := range 100 {
		if err := h.echo(ctx, int64(i)); !errors.Is(err, context.Canceled) {
			t.Fatalf("Invoke with an ended context = %v, want context.Canceled", err)
		}
	}
	if err := h.echo(h.ctx, 2); err != nil { // after the cancelled ones, in order
		t.Fatal(err)
	}
	if n := seen.Load(); n != 2 {
		t.Fatalf("server saw %d calls, want the 2 made with a live context", n)
	}
}

func TestBackpressure(t *testing.T) {
	srv := sessiontest.NewServer(t)
	release := make(chan struct{})
	srv.Handle(func(r sessiontest.Request) {
		go func() {
			<-release
			r.Reply(r.Body)
		}()
	})
	h := start(t, srv, func(o *session.Options) { o.MaxInFlight = 2 })
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.echo(h.ctx, int64(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	for srv.Requests() < 2 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(h.ctx, 50*time.Millisecond)
	defer cancel()
	if err := h.echo(ctx, 3); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("third call with two in flight = %v, want to wait for a slot", err)
	}
	close(release)
	wg.Wait()
	if err := h.echo(h.ctx, 4); err != nil {
		t.Fatal(err)
	}
}

func TestRunStopsCleanly(t *testing.T) {
	srv := sessiontest.NewServer(t)
	srv.Handle(func(sessiontest.Request) {}) // never answers
	h := start(t, srv, nil)
	errc := make(chan error, 1)
	go func() { errc <- h.echo(context.Background(), 1) }()
	for srv.Requests() < 1 {
		time.Sleep(time.Millisecond)
	}
	h.stop()
	if err := <-h.runErr; !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run = %v, want the context's error", err)
	}
	if err := <-errc; !errors.Is(err, session.ErrClosed) {
		t.Errorf("pending call = %v, want ErrClosed", err)
	}
	if err := h.echo(context.Background(), 2); !errors.Is(err, session.ErrClosed) {
		t.Errorf("call after Run = %v, want ErrClosed", err)
	}
	if err := h.conn.Run(context.Background()); !errors.Is(err, session.ErrRunning) {
		t.Errorf("second Run = %v, want ErrRunning", err)
	}
}

func TestReconnectGivesUp(t *testing.T) {
	dials := 0
	dialer := session.DialerFunc(func(context.Context, int, string) (session.PacketConn, error) {
		dials++
		return nil, errors.New("network down")
	})
	conn, err := session.New(session.Options{
		Session:   session.Session{DC: 2, Addr: "x:1", AuthKey: make([]byte, session.AuthKeySize)},
		Dialer:    dialer,
		Reconnect: session.ReconnectPolicy{MaxAttempts: 3, InitialInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		errc <- conn.Invoke(context.Background(), &sessiontest.Payload{N: 1}, &sessiontest.Payload{})
	}()
	err = conn.Run(context.Background())
	var re *session.ReconnectError
	if !errors.As(err, &re) || re.Attempts != 3 || !errors.Is(err, session.ErrReconnectFailed) || dials != 3 {
		t.Fatalf("Run = %v after %d dials, want ReconnectError after 3", err, dials)
	}
	if err := <-errc; !errors.Is(err, session.ErrReconnectFailed) || !errors.Is(err, session.ErrClosed) {
		t.Errorf("pending call = %v, want ErrClosed wrapping the reconnect failure", err)
	}
}

// TestFaults: every pending call either completes or fails with a clear error when the
// connection is cut mid-packet, the server goes silent, the salt rotates or the clocks disagree.
func TestFaults(t *testing.T) {
	fastPing := func(o *session.Options) {
		o.Engine = func(c *mtp.Config) {
			c.PingInterval = 50 * time.Millisecond
			c.MinPongTimeout, c.MaxPongTimeout = 50*time.Millisecond, 100*time.Millisecond
		}
	}
	tests := []struct {
		name   string
		adjust func(*session.Options)
		fault  func(h *harness)
		heal   func(h *harness)
	}{
		{
			name: "cut mid-packet",
			fault: func(h *harness) {
				h.srv.Fault(1, transporttest.Fault{CutWriteAfter: 10})
				h.srv.CutAll()
			},
		},
		{
			name:   "silent server",
			adjust: fastPing,
			fault:  func(h *harness) { h.srv.SetSilent(true) },
			heal: func(h *harness) {
				for h.srv.Connections() < 2 {
					time.Sleep(time.Millisecond)
				}
				h.srv.SetSilent(false)
			},
		},
		{name: "salt rotated", fault: func(h *harness) { h.srv.RotateSalt(0x1234abcd) }},
		{name: "client clock +10m", fault: func(h *harness) { h.skew.Store(int64(10 * time.Minute)) }},
		{name: "client clock -10m", fault: func(h *harness) { h.skew.Store(int64(-10 * time.Minute)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, nil, tt.adjust)
			if err := h.echo(h.ctx, 1); err != nil {
				t.Fatal(err)
			}
			tt.fault(h)
			if tt.heal != nil {
				go tt.heal(h)
			}
			ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			for i := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := h.echo(ctx, int64(i)); err != nil && !errors.Is(err, session.ErrNotRepeated) {
						t.Errorf("call %d: %v", i, err)
					}
				}()
			}
			wg.Wait()
		})
	}
}

func TestSilentServerHealthTimeout(t *testing.T) {
	srv := sessiontest.NewServer(t)
	h := start(t, srv, func(o *session.Options) {
		o.Reconnect.MaxAttempts = 2
		o.Engine = func(c *mtp.Config) {
			c.PingInterval = 20 * time.Millisecond
			c.MinPongTimeout, c.MaxPongTimeout = 20*time.Millisecond, 40*time.Millisecond
		}
	})
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	srv.SetSilent(true)
	err := h.echo(h.ctx, 2)
	if !errors.Is(err, session.ErrReconnectFailed) || !errors.Is(err, session.ErrHealthTimeout) {
		t.Fatalf("call on a silent server = %v, want reconnect failure after a health timeout", err)
	}
	if err := <-h.runErr; !errors.Is(err, session.ErrReconnectFailed) {
		t.Errorf("Run = %v", err)
	}
}

type updateRecorder struct {
	mu      sync.Mutex
	bodies  [][]byte
	newSess int
	got     chan struct{}
}

func (r *updateRecorder) HandleUpdates(_ context.Context, body []byte) error {
	r.mu.Lock()
	r.bodies = append(r.bodies, body)
	r.mu.Unlock()
	r.got <- struct{}{}
	return nil
}

func (r *updateRecorder) HandleNewSession(context.Context) error {
	r.mu.Lock()
	r.newSess++
	r.mu.Unlock()
	return nil
}

func TestUpdatesDelivered(t *testing.T) {
	rec := &updateRecorder{got: make(chan struct{}, 4)}
	h := start(t, nil, func(o *session.Options) { o.Updates = rec })
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	upd := []byte{0x78, 0x56, 0x34, 0x12, 1, 0, 0, 0}
	h.srv.Push(upd)
	select {
	case <-rec.got:
	case <-time.After(10 * time.Second):
		t.Fatal("update not delivered")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.bodies) != 1 || !bytes.Equal(rec.bodies[0], upd) || rec.newSess != 1 {
		t.Errorf("handler saw %x and %d new sessions, want the update and one", rec.bodies, rec.newSess)
	}
}

func TestInitConnectionWrapsFirstCall(t *testing.T) {
	srv := sessiontest.NewServer(t)
	var mu sync.Mutex
	var bodies [][]byte
	srv.Handle(func(r sessiontest.Request) {
		mu.Lock()
		bodies = append(bodies, r.Body)
		mu.Unlock()
		// Unwrap as a server would: the Payload is the tail of the body.
		r.Reply(r.Body[len(r.Body)-16:]) // a Payload with one byte of data
	})
	init := &session.InitConnection{Layer: 228, APIID: 1, DeviceModel: "test", LangCode: "en"}
	h := start(t, srv, func(o *session.Options) { o.Init = init })
	for i := range 2 {
		if err := h.echo(h.ctx, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	prefix, err := init.Prefix()
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 || !bytes.HasPrefix(bodies[0], prefix) || bytes.HasPrefix(bodies[1], prefix) {
		t.Errorf("want only the first call wrapped in invokeWithLayer(initConnection)")
	}
}

func TestSequence(t *testing.T) {
	srv := sessiontest.NewServer(t)
	var mu sync.Mutex
	var bodies [][]byte
	srv.Handle(func(r sessiontest.Request) {
		mu.Lock()
		bodies = append(bodies, r.Body)
		mu.Unlock()
		r.Reply(r.Body[len(r.Body)-16:]) // a Payload with one byte of data
	})
	h := start(t, srv, nil)
	seq := h.conn.Sequence()
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out sessiontest.Payload
			if err := seq.Invoke(h.ctx, &sessiontest.Payload{N: int64(i), Data: []byte("x")}, &out); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	wrapped := 0
	for _, b := range bodies {
		if len(b) > 4 && b[0] == 0x2d && b[1] == 0x37 && b[2] == 0x9f && b[3] == 0xcb {
			wrapped++
		}
	}
	if wrapped == 0 {
		t.Errorf("no call of the sequence went out as invokeAfterMsg")
	}
}

func TestUnknownAuthKey(t *testing.T) {
	srv := sessiontest.NewServer(t)
	sess := srv.Session()
	sess.AuthKey = bytes.Repeat([]byte{7}, session.AuthKeySize) // a key the server never saw
	conn, err := session.New(session.Options{Session: sess, Dialer: srv.Dialer(), PublicKeys: srv.PublicKeys()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- conn.Invoke(ctx, &sessiontest.Payload{N: 1}, &sessiontest.Payload{}) }()
	if err := conn.Run(ctx); !errors.Is(err, session.ErrAuthKeyUnknown) {
		t.Fatalf("Run = %v, want ErrAuthKeyUnknown", err)
	}
	if err := <-errc; !errors.Is(err, session.ErrAuthKeyUnknown) {
		t.Errorf("pending call = %v", err)
	}
	if n := srv.Connections(); n != 3 {
		t.Errorf("gave the key up after %d connections, want 3", n)
	}
}

// TestForgedKeyUnknown: a -404 frame carries no authentication, so one injected into a working
// connection costs a reconnect, not the key. The key is given up only after three connections
// in a row end so; a message decrypted in between resets the count.
func TestForgedKeyUnknown(t *testing.T) {
	tests := []struct {
		name   string
		reject []int // connections the server answers with -404
		// steps: after a working connection, inject -404 this many times in total
		injects int
		wantErr bool
	}{
		{name: "one forged frame", injects: 1},
		{name: "forged frames with work in between", reject: []int{1, 3}, injects: 2},
		{name: "three in a row", reject: []int{1, 2}, injects: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sessiontest.NewServer(t)
			for _, n := range tt.reject {
				srv.RejectKey(n)
			}
			h := start(t, srv, nil)
			for i := range tt.injects {
				if err := h.echo(h.ctx, int64(i)); err != nil {
					t.Fatalf("echo before injection %d: %v", i, err)
				}
				before := srv.Connections()
				srv.InjectTransportError(-404)
				// The call goes out on each new connection until one works (or Run gives up).
				err := h.echo(h.ctx, int64(100+i))
				if tt.wantErr {
					if !errors.Is(err, session.ErrAuthKeyUnknown) {
						t.Fatalf("call after injection = %v, want ErrAuthKeyUnknown", err)
					}
					break
				}
				if err != nil {
					t.Fatalf("echo after injection %d: %v", i, err)
				}
				if srv.Connections() <= before {
					t.Fatalf("injection %d: no reconnect", i)
				}
			}
			if !tt.wantErr {
				select {
				case err := <-h.runErr:
					t.Fatalf("Run returned %v", err)
				default:
				}
				return
			}
			if err := <-h.runErr; !errors.Is(err, session.ErrAuthKeyUnknown) {
				t.Fatalf("Run = %v, want ErrAuthKeyUnknown", err)
			}
			if n := srv.Connections(); n != 3 {
				t.Errorf("gave the key up after %d connections, want 3", n)
			}
		})
	}
}

// TestForgedKeyUnknownTempKey: under perfect forward secrecy one -404 keeps the temporary key;
// a second in a row replaces it, and the new one works.
func TestForgedKeyUnknownTempKey(t *testing.T) {
	srv := sessiontest.NewServer(t)
	h := start(t, srv, func(o *session.Options) { o.TempKeyTTL = time.Hour })
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	keys := srv.KeyExchanges()
	srv.InjectTransportError(-404)
	if err := h.echo(h.ctx, 2); err != nil {
		t.Fatal(err)
	}
	if n := srv.KeyExchanges(); n != keys {
		t.Fatalf("one forged -404 cost %d key exchanges", n-keys)
	}
	srv.RejectKey(srv.Connections()) // the next connection answers -404 too
	srv.InjectTransportError(-404)
	if err := h.echo(h.ctx, 3); err != nil {
		t.Fatal(err)
	}
	if n := srv.KeyExchanges(); n != keys+1 {
		t.Errorf("two -404 in a row made %d key exchanges, want 1", n-keys)
	}
}

func TestTempKeyBoundAndRenewed(t *testing.T) {
	srv := sessiontest.NewServer(t)
	const ttl = 2 * time.Second
	h := start(t, srv, func(o *session.Options) { o.TempKeyTTL = ttl })
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	first := srv.Binds()
	if first < 1 || srv.KeyExchanges() != first+1 {
		t.Fatalf("binds %d, key exchanges %d: want one permanent key and bound temporary keys", first, srv.KeyExchanges())
	}
	perm := h.conn.Session().AuthKey
	// Keep calling across the renewal (a quarter of the lifetime before expiry).
	deadline := time.Now().Add(ttl)
	for i := int64(2); time.Now().Before(deadline); i++ {
		if err := h.echo(h.ctx, i); err != nil {
			t.Fatalf("call %d across the renewal: %v", i, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Binds() <= first || srv.KeyExchanges() != srv.Binds()+1 {
		t.Errorf("binds %d (first %d), key exchanges %d: the temporary key was not renewed", srv.Binds(), first, srv.KeyExchanges())
	}
	if !bytes.Equal(h.conn.Session().AuthKey, perm) {
		t.Error("the stored (permanent) key changed")
	}
}

func TestCallsWaitForBinding(t *testing.T) {
	// Calls made before the connection exists go out only after the binding: the server answers
	// anything else under an unbound temporary key with 401 AUTH_KEY_UNREGISTERED.
	srv := sessiontest.NewServer(t)
	var wg sync.WaitGroup
	h := start(t, srv, func(o *session.Options) { o.TempKeyTTL = time.Hour })
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.echo(h.ctx, int64(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// callingHandler invokes on the same Conn from inside HandleUpdates, as an update engine does
// with updates.getDifference.
type callingHandler struct {
	h    *harness
	done chan error
}

func (c *callingHandler) HandleUpdates(ctx context.Context, _ []byte) error {
	err := c.h.echo(ctx, 42)
	c.done <- err
	return err
}

func TestUpdateHandlerMayInvoke(t *testing.T) {
	ch := &callingHandler{done: make(chan error, 200)}
	h := start(t, nil, func(o *session.Options) { o.Updates = ch })
	ch.h = h
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	// More updates than any fixed queue would hold, while the handler waits on calls.
	for range 150 {
		h.srv.Push([]byte{0x78, 0x56, 0x34, 0x12})
	}
	for i := range 150 {
		select {
		case err := <-ch.done:
			if err != nil {
				t.Fatalf("call from handler %d: %v", i, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("handler stuck after %d updates", i)
		}
	}
}
