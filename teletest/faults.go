package teletest

import (
	"encoding/binary"
	"io"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// Faults injects failures into a running cluster from a test. Network faults (dropped and
// delayed connections, transport errors, salts, the clock) act here; method faults that answer
// with an rpc_error go through the dispatcher, and update faults through the world, so a test
// finds them all in one place. All methods are safe for concurrent use.
type Faults struct {
	cl *Cluster

	mu      sync.Mutex
	methods map[uint32][]*methodFault
	refused map[int]*refusal      // by DC; 0 applies to every DC
	delays  map[int]time.Duration // packet write delay by DC; 0 applies to every DC
}

// methodFault is a network fault for one method.
type methodFault struct {
	delay time.Duration
	code  int32
	left  int // <0: until cleared
}

// refusal answers new connections with a transport error code.
type refusal struct {
	code int32
	left int // <0: until cleared
}

func newFaults(cl *Cluster) *Faults {
	return &Faults{
		cl:      cl,
		methods: make(map[uint32][]*methodFault),
		refused: make(map[int]*refusal),
		delays:  make(map[int]time.Duration),
	}
}

// times turns a count where <= 0 means "until cleared" into the internal form.
func times(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// DropConnections closes every open connection of data center dc (0: of every DC), as a
// network failure would, and returns how many it closed. Sessions and keys survive: clients
// reconnect and go on.
func (f *Faults) DropConnections(dc int) int {
	n := 0
	for _, s := range f.cl.all() {
		if dc == 0 || s.dc == dc {
			n += s.dropAll()
		}
	}
	return n
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
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refused[dc] = &refusal{code: code, left: times(n)}
}

func (f *Faults) refuse(dc int) (int32, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range [2]int{dc, 0} {
		r := f.refused[k]
		if r == nil {
			continue
		}
		if r.left > 0 {
			r.left--
			if r.left == 0 {
				delete(f.refused, k)
			}
		}
		return r.code, true
	}
	return 0, false
}

// DelayMethod holds back the answers to the next n calls of method (a TL constructor id such
// as tg.MessagesSendMessageRequestTypeID; n <= 0: every call until ClearFaults) for d. The
// call itself runs at once; only its answer waits, so later calls can overtake it.
func (f *Faults) DelayMethod(method uint32, d time.Duration, n int) {
	f.addMethod(method, &methodFault{delay: d, left: times(n)})
}

// TransportError breaks the connection on the next n calls of method (n <= 0: every call
// until ClearFaults): the call runs, but before its answer is written the server sends
// transport error code (CodeFlood, CodeAuthKeyNotFound) and closes the connection. The answer
// stays queued in the MTProto session, so a client that reconnects with the same session
// receives it, as after a real network failure.
func (f *Faults) TransportError(method uint32, code int32, n int) {
	f.addMethod(method, &methodFault{code: code, left: times(n)})
}

func (f *Faults) addMethod(method uint32, m *methodFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.methods[method] = append(f.methods[method], m)
}

// method returns the network fault for one call of method, consuming it.
func (f *Faults) method(id uint32) (delay time.Duration, code int32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.methods[id]
	if len(list) == 0 {
		return 0, 0
	}
	m := list[0]
	if m.left > 0 {
		m.left--
		if m.left == 0 {
			if len(list) == 1 {
				delete(f.methods, id)
			} else {
				f.methods[id] = list[1:]
			}
		}
	}
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
	for _, s := range f.cl.all() {
		if dc == 0 || s.dc == dc {
			s.keys.rotate(f.cl.randomSalt)
		}
	}
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
	for _, s := range f.cl.all() {
		s.sessions.reset()
		s.dropAll()
	}
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
	f.mu.Lock()
	clear(f.methods)
	clear(f.refused)
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
