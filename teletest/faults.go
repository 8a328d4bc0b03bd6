package teletest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/teletest/internal/fault"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// Faults injects failures into a running cluster from a test. Network faults (dropped and
// delayed connections, transport errors, salts, the clock) act here; method faults that answer
// with an rpc_error go through the dispatcher, and update faults through the world, so a test
// finds them all in one place. Every fault counts what it did (Stats), so a test can check
// that the failure it set up actually happened. All methods are safe for concurrent use.
type Faults struct {
	cl *Cluster

	methods fault.Queue[uint32, methodFault]
	refused fault.Queue[int, int32]    // transport error code by DC; 0 applies to every DC
	breaks  fault.Queue[int, struct{}] // BreakAfterUpdate by DC; 0 applies to every DC

	mu     sync.Mutex
	delays map[int]time.Duration // packet write delay by DC; 0 applies to every DC
	stats  FaultStats            // network counters; the others are read on demand
	wake   chan struct{}         // closed and replaced whenever stats change
}

// methodFault is a network fault for one method.
type methodFault struct {
	delay time.Duration
	code  int32
}

// FaultStats counts what the injected faults did since the cluster started.
type FaultStats struct {
	Dropped         int // connections closed by DropConnections, SkewClock and ForgetAuthKeys
	Refused         int // connections refused with a transport error (RefuseConnections)
	DelayedPackets  int // packets written late (DelayConnections)
	DelayedAnswers  int // answers held back (DelayMethod)
	TransportErrors int // connections broken while answering (TransportError)
	SaltsRotated    int // auth keys given a new salt (RotateSalt)
	SessionsReset   int // MTProto sessions forgotten by SkewClock
	RPCErrors       int // calls answered with an injected rpc_error (RPCError, FloodWait, Migrate)
	UpdateBreaks    int // connections broken right after writing updates (BreakAfterUpdate)
	KeysForgotten   int // auth keys forgotten by ForgetAuthKeys

	// Updates held, released and dropped by Withhold, Release and DropUpdates.
	world.DeliveryStats
}

func newFaults(cl *Cluster) *Faults {
	return &Faults{
		cl:     cl,
		delays: make(map[int]time.Duration),
		wake:   make(chan struct{}),
	}
}

// Stats returns the counts of what the faults did so far.
func (f *Faults) Stats() FaultStats {
	f.mu.Lock()
	st := f.stats
	f.mu.Unlock()
	st.RPCErrors = f.cl.disp.InjectedErrors()
	st.DeliveryStats = f.cl.world.DeliveryFaults()
	return st
}

// count records that a network fault acted and wakes whoever waits for it.
func (f *Faults) count(add func(*FaultStats)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	add(&f.stats)
	close(f.wake)
	f.wake = make(chan struct{})
}

// WaitNetwork blocks until cond holds for the network counters (every FaultStats field but
// RPCErrors and the update counts, which change elsewhere) or ctx ends. It is the signal a
// test uses instead of sleeping, for example to know that a delayed call reached the server.
func (f *Faults) WaitNetwork(ctx context.Context, cond func(FaultStats) bool) error {
	for {
		f.mu.Lock()
		ok, wake := cond(f.stats), f.wake
		f.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("teletest: waiting for a fault: %w", ctx.Err())
		}
	}
}

// DropConnections closes every open connection of data center dc (0: of every DC), as a
// network failure would, and returns how many it closed once they have ended: what the world
// sends afterwards waits for each client's next connection, and so do the answers and updates
// already written that the client had not acknowledged (sent again under their msg_ids).
// Sessions and keys survive: clients reconnect and go on.
func (f *Faults) DropConnections(dc int) int {
	n := 0
	for _, s := range f.cl.all() {
		if dc == 0 || s.dc == dc {
			n += s.dropAll()
		}
	}
	f.count(func(st *FaultStats) { st.Dropped += n })
	return n
}

// ForgetAuthKeys makes data center dc (0: every DC) forget every auth key it holds, with the
// authorizations made under them, as a data center that lost its keys, and drops its
// connections: each client gets -404 on its next connection (three in a row make a
// session give up with session.ErrAuthKeyUnknown) and must make a new key and sign in
// again. It returns how many keys were forgotten.
func (f *Faults) ForgetAuthKeys(dc int) int {
	keys, conns := 0, 0
	for _, s := range f.cl.all() {
		if dc == 0 || s.dc == dc {
			keys += s.keys.clear()
			conns += s.dropAll()
		}
	}
	f.count(func(st *FaultStats) { st.KeysForgotten += keys; st.Dropped += conns })
	return keys
}

// BreakAfterUpdate breaks the next n connections of data center dc (0: of any DC; n <= 0:
// every time until ClearFaults) that push updates, right after the packets carrying them are
// written: the connection closes without a transport error code, as a network failure
// would. The client may have read the packets or not; it has not acknowledged them. The
// session keeps them and sends them again, under the same msg_ids, on the client's next
// connection, so a client that did read them must drop the copies: a test of both halves of
// Telegram's delivery guarantee.
func (f *Faults) BreakAfterUpdate(dc, n int) {
	f.breaks.Add(dc, struct{}{}, n)
}

// breakAfterUpdate reports whether a connection of dc that just wrote updates must break.
func (f *Faults) breakAfterUpdate(dc int) bool {
	_, ok := f.breaks.Take(dc)
	if !ok {
		_, ok = f.breaks.Take(0)
	}
	if ok {
		f.count(func(st *FaultStats) { st.UpdateBreaks++ })
	}
	return ok
}

// DelayConnections delays every packet the server writes on data center dc (0: on every DC)
// by d; zero removes the delay.
func (f *Faults) DelayConnections(dc int, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d <= 0 {
		delete(f.delays, dc)
		return
	}
	f.delays[dc] = d
}

func (f *Faults) writeDelay(dc int) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.delays) == 0 {
		return 0
	}
	return max(f.delays[dc], f.delays[0])
}

// RefuseConnections answers the first packet of the next n connections to data center dc
// (0: any DC; n <= 0: every connection until ClearFaults) with transport error code, such as
// CodeFlood (-429) or CodeAuthKeyNotFound (-404), and closes them.
func (f *Faults) RefuseConnections(dc int, code int32, n int) {
	f.refused.Add(dc, code, n)
}

// refuse returns the transport error code for a new connection to dc, if it is to be refused.
func (f *Faults) refuse(dc int) (int32, bool) {
	code, ok := f.refused.Take(dc)
	if !ok {
		code, ok = f.refused.Take(0)
	}
	if ok {
		f.count(func(st *FaultStats) { st.Refused++ })
	}
	return code, ok
}

// DelayMethod holds back the answers to the next n calls of method (a TL constructor id such
// as tg.MessagesSendMessageRequestTypeID; n <= 0: every call until ClearFaults) for d. The
// call itself runs at once; only its answer waits, so later calls can overtake it. The held
// answer belongs to the MTProto session: a client that reconnects with it gets the answer when
// it falls due, as Telegram resends what a broken connection did not deliver.
func (f *Faults) DelayMethod(method uint32, d time.Duration, n int) {
	f.methods.Add(method, methodFault{delay: d}, n)
}

// TransportError breaks the connection on the next n calls of method (n <= 0: every call
// until ClearFaults): the call runs, but before its answer is written the server sends
// transport error code (CodeFlood, CodeAuthKeyNotFound) and closes the connection. The answer
// stays queued in the MTProto session, so a client that reconnects with the same session
// receives it, as after a real network failure.
func (f *Faults) TransportError(method uint32, code int32, n int) {
	f.methods.Add(method, methodFault{code: code}, n)
}

// method returns the network fault for one call of method, consuming it.
func (f *Faults) method(id uint32) (delay time.Duration, code int32) {
	m, _ := f.methods.Take(id)
	return m.delay, m.code
}

// RPCError answers the next n calls of method (n <= 0: every call until ClearFaults) with err
// instead of running them.
func (f *Faults) RPCError(method uint32, err *services.RPCError, n int) {
	f.cl.disp.InjectError(method, err, n)
}

// FloodWait answers the next n calls of method with FLOOD_WAIT_<seconds>.
func (f *Faults) FloodWait(method uint32, seconds, n int) {
	f.RPCError(method, world.FloodWait(seconds), n)
}

// Migrate answers the next n calls of method with <kind>_MIGRATE_<dc> (kind is "PHONE",
// "USER", "NETWORK", "FILE" or "STATS").
func (f *Faults) Migrate(method uint32, kind string, dc, n int) {
	f.RPCError(method, world.Migrate(kind, dc), n)
}

// RotateSalt gives every auth key of data center dc (0: of every DC) a new server salt: the
// next message under the old one is answered with bad_server_salt.
func (f *Faults) RotateSalt(dc int) {
	n := 0
	for _, s := range f.cl.all() {
		if dc == 0 || s.dc == dc {
			n += s.keys.rotate(f.cl.randomSalt)
		}
	}
	f.count(func(st *FaultStats) { st.SaltsRotated += n })
}

// SkewClock sets the server clock (every DC and the world) to the configured clock plus d, as
// if the clients' clocks had drifted by -d: a skew beyond 30 s makes their msg_ids look out of
// range, which the server answers with bad_msg_notification 16 or 17.
//
// Server msg_ids never decrease within a session, so a clock moved backwards would not show in
// them; the change therefore acts like a failover to a server with that clock: every
// connection is dropped and the servers forget their MTProto sessions (auth keys and logins
// stay). Clients reconnect, get new_session_created, and correct their clocks.
func (f *Faults) SkewClock(d time.Duration) {
	f.cl.skew.Store(int64(d))
	sessions, conns := 0, 0
	for _, s := range f.cl.all() {
		sessions += s.sessions.reset()
		conns += s.dropAll()
	}
	f.count(func(st *FaultStats) { st.SessionsReset += sessions; st.Dropped += conns })
}

// Withhold holds the updates pushed to user until Release, creating a pts gap for its client.
func (f *Faults) Withhold(user int64) { f.cl.world.Withhold(user) }

// Release delivers the updates held for user, in reverse order if reversed, and returns how
// many it delivered.
func (f *Faults) Release(user int64, reversed bool) int { return f.cl.world.Release(user, reversed) }

// DropUpdates discards the next n updates pushed to user: the client sees a pts gap and must
// recover with updates.getDifference.
func (f *Faults) DropUpdates(user int64, n int) { f.cl.world.DropUpdates(user, n) }

// ClearFaults removes every network fault (delays, refusals, method faults) and the clock
// skew (resetting sessions as SkewClock does, if there was one). Errors injected with RPCError are cleared per method with ClearRPCError.
func (f *Faults) ClearFaults() {
	f.methods.Reset()
	f.refused.Reset()
	f.breaks.Reset()
	f.mu.Lock()
	clear(f.delays)
	f.mu.Unlock()
	if f.cl.skew.Load() != 0 {
		f.SkewClock(0)
	}
}

// ClearRPCError removes the errors injected for method.
func (f *Faults) ClearRPCError(method uint32) { f.cl.disp.ClearErrors(method) }

// randomSalt draws a salt from the cluster's entropy.
func (c *Cluster) randomSalt() int64 {
	var b [8]byte
	if _, err := io.ReadFull(c.rand, b[:]); err != nil {
		return c.now().UnixNano()
	}
	return int64(binary.LittleEndian.Uint64(b[:]))
}
