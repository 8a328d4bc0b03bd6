package mtp

import (
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
)

// pair is a client engine and a server engine sharing a key, with a synthetic clock and the
// packets in flight in each direction. Tests move packets explicitly, drop or duplicate them,
// and read the events each side produced.
type pair struct {
	t      *testing.T
	now    time.Time
	skew   time.Duration // server clock minus client clock
	c, s   *Engine
	toS    [][]byte // packets flushed by the client, not yet delivered
	toC    [][]byte
	cEv    []Event // events of the client, copied
	sEv    []Event
	nextID CallID
}

var testKey = func() crypto.AuthKey {
	var v [256]byte
	for i := range v {
		v[i] = byte(i*7 + 3)
	}
	return crypto.NewAuthKey(v)
}()

const (
	testSession = 0x1122334455667788
	testSalt    = 0x0102030405060708
)

// newPair returns connected engines; adjust edits the configs before the engines are built.
func newPair(t *testing.T, adjust func(c, s *Config)) *pair {
	t.Helper()
	cc := Config{Side: crypto.Client, AuthKey: testKey, SessionID: testSession, Salt: testSalt,
		TimeSynced: true, Rand: crypto.NewDeterministicReader(1), FutureSalts: -1, StateReqAfter: -1}
	sc := Config{Side: crypto.Server, AuthKey: testKey, Salt: testSalt, Rand: crypto.NewDeterministicReader(2)}
	if adjust != nil {
		adjust(&cc, &sc)
	}
	c, err := New(cc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(sc)
	if err != nil {
		t.Fatal(err)
	}
	p := &pair{t: t, now: time.Unix(1700000000, 0), c: c, s: s}
	c.OnConnect(p.now)
	s.OnConnect(p.serverNow())
	return p
}

func (p *pair) serverNow() time.Time { return p.now.Add(p.skew) }

// call enqueues a call on the client and returns its id.
func (p *pair) call(body []byte, opts CallOptions) CallID {
	p.t.Helper()
	p.nextID++
	if err := p.c.Enqueue(p.nextID, body, opts); err != nil {
		p.t.Fatalf("Enqueue: %v", err)
	}
	return p.nextID
}

// flushC moves every packet the client has to send into toS.
func (p *pair) flushC() int {
	p.t.Helper()
	n := 0
	for p.c.HasPending(p.now) {
		pkt, _, err := p.c.Flush(p.now, nil)
		if err != nil {
			p.t.Fatalf("client Flush: %v", err)
		}
		if len(pkt) == 0 {
			break
		}
		p.toS = append(p.toS, pkt)
		n++
	}
	return n
}

// sentPlain decrypts the packets the client flushed (toS).
func (p *pair) sentPlain() [][]byte {
	p.t.Helper()
	out := make([][]byte, 0, len(p.toS))
	for _, pkt := range p.toS {
		plain, err := crypto.DecryptMessage(nil, &testKey, crypto.Client, pkt)
		if err != nil {
			p.t.Fatal(err)
		}
		out = append(out, plain)
	}
	return out
}

func (p *pair) flushS() int {
	p.t.Helper()
	n := 0
	for p.s.HasPending(p.serverNow()) {
		pkt, _, err := p.s.Flush(p.serverNow(), nil)
		if err != nil {
			p.t.Fatalf("server Flush: %v", err)
		}
		if len(pkt) == 0 {
			break
		}
		p.toC = append(p.toC, pkt)
		n++
	}
	return n
}

// deliverS hands the server every packet in flight to it and returns its events.
func (p *pair) deliverS() []Event {
	p.t.Helper()
	var out []Event
	for _, pkt := range p.toS {
		ev, err := p.s.Receive(p.serverNow(), append([]byte(nil), pkt...))
		if err != nil {
			p.t.Fatalf("server Receive: %v", err)
		}
		out = append(out, copyEvents(ev)...)
	}
	p.toS = p.toS[:0]
	p.sEv = append(p.sEv, out...)
	return out
}

func (p *pair) deliverC() []Event {
	p.t.Helper()
	var out []Event
	for _, pkt := range p.toC {
		ev, err := p.c.Receive(p.now, append([]byte(nil), pkt...))
		if err != nil {
			p.t.Fatalf("client Receive: %v", err)
		}
		out = append(out, copyEvents(ev)...)
	}
	p.toC = p.toC[:0]
	p.cEv = append(p.cEv, out...)
	return out
}

// roundTrip sends everything the client has, lets answer act on the server's requests, and
// returns the client's events once both sides are idle.
func (p *pair) roundTrip(answer func(Event)) []Event {
	p.t.Helper()
	var out []Event
	for range 20 {
		p.flushC()
		for _, ev := range p.deliverS() {
			if ev.Kind == EventRequest && answer != nil {
				answer(ev)
			}
		}
		p.flushS()
		out = append(out, p.deliverC()...)
		if !p.c.HasPending(p.now) && !p.s.HasPending(p.serverNow()) && len(p.toS) == 0 && len(p.toC) == 0 {
			return out
		}
	}
	p.t.Fatal("engines never went idle")
	return nil
}

// advance moves the clock and runs both timers.
func (p *pair) advance(d time.Duration) (clientErr, serverErr error) {
	p.now = p.now.Add(d)
	if dl := p.c.NextDeadline(); !dl.IsZero() && !p.now.Before(dl) {
		var ev []Event
		ev, clientErr = p.c.OnTimer(p.now)
		p.cEv = append(p.cEv, copyEvents(ev)...)
	}
	if dl := p.s.NextDeadline(); !dl.IsZero() && !p.serverNow().Before(dl) {
		_, serverErr = p.s.OnTimer(p.serverNow())
	}
	return clientErr, serverErr
}

// echo answers every request with its own body.
func (p *pair) echo(ev Event) { p.s.Reply(ev.MsgID, ev.Body) }

func copyEvents(ev []Event) []Event {
	out := make([]Event, len(ev))
	for i, e := range ev {
		e.Body = append([]byte(nil), e.Body...)
		out[i] = e
	}
	return out
}

// body returns a TL-shaped request body: a constructor id and n filler words.
func body(id uint32, words int) []byte {
	b := le.AppendUint32(nil, id)
	for i := range words {
		b = le.AppendUint32(b, uint32(i))
	}
	return b
}

// kinds lists event kinds, for compact comparisons.
func kinds(ev []Event) []EventKind {
	out := make([]EventKind, 0, len(ev))
	for _, e := range ev {
		out = append(out, e.Kind)
	}
	return out
}

// only keeps events of kind k.
func only(ev []Event, k EventKind) []Event {
	var out []Event
	for _, e := range ev {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}
