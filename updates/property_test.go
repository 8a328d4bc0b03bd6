package updates

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates/internal/sim"
)

// TestPropertyExactlyOnce feeds a Box a random stream over the account and several channels
// through a network that reorders, duplicates and drops pushes, with reconnects, failing
// requests and restarts from the persisted state interleaved. Every event must come out exactly
// once, messages in pts order per sequence, and the persisted state must end equal to the
// server's. Presses (callback queries, no pts) come in too, straight to the Box, each kept
// across a restart as a Manager keeps its Leftovers: each must come out once, in order.
func TestPropertyExactlyOnce(t *testing.T) {
	seeds := *propertySeeds
	if testing.Short() {
		seeds = min(seeds, 10)
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			runProperty(t, seed+*propertyBase, *propertyEvents)
		})
	}
}

var (
	propertySeeds  = flag.Int("property.seeds", 60, "number of random streams of TestPropertyExactlyOnce")
	propertyBase   = flag.Uint64("property.base", 0, "first seed of TestPropertyExactlyOnce")
	propertyEvents = flag.Int("property.events", 400, "events per stream of TestPropertyExactlyOnce")
)

// propertyRun is a Box with a scripted world around it: the simulated server, the network
// between them, the requests in flight and a store that applies each commit right after its
// batch was handled.
type propertyRun struct {
	t           *testing.T
	rng         *rand.Rand
	srv         *sim.Server
	cfg         Config
	b           *Box
	now         time.Time
	net         []tg.UpdatesClass
	outstanding []Request
	delivered   []string
	stored      Saved
	pressed     int64   // presses handed to the Box, numbered from 1
	presses     []int64 // presses delivered, in order
}

func runProperty(t *testing.T, seed uint64, events int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	channels := []int64{11, 22, 33, 44, 55}
	r := &propertyRun{
		t:   t,
		rng: rng,
		srv: sim.New(seed, channels...),
		cfg: Config{MaxChannelRecoveries: 2, MaxPending: 5 + rng.IntN(40)},
		now: time.Unix(1_700_000_000, 0),
	}
	r.srv.Limit = 1 + rng.IntN(25)
	st := r.srv.State()
	r.stored = Saved{State: State{Pts: st.Pts, Qts: st.Qts, Seq: st.Seq, Date: st.Date}}
	for _, ch := range channels {
		r.stored.Channels = append(r.stored.Channels, ChannelPts{ChannelID: ch, Pts: r.srv.ChannelPts(ch)})
	}
	r.restart()

	generated := 0
	for generated < events || len(r.net) > 0 {
		switch a := rng.IntN(100); {
		case a < 40 && generated < events:
			r.net = append(r.net, r.srv.Step())
			generated++
		case a < 75 && len(r.net) > 0:
			r.deliverPush()
		case a < 77:
			r.apply(r.b.Reconnected(r.now))
		case a < 78:
			r.restart()
		case a < 81:
			r.pressed++
			r.process(&tg.UpdateShort{Update: pressUpdate(r.pressed)})
		case a < 92 && len(r.outstanding) > 0:
			r.answer(rng.IntN(len(r.outstanding)), true)
		default:
			r.tick(time.Duration(rng.IntN(400)) * time.Millisecond)
		}
	}
	// Quiesce: answer everything and let the deadlines (gap waits, idle checks) fire.
	want := r.srv.Events()
	for range 20000 {
		if len(r.outstanding) > 0 {
			r.answer(0, false)
			continue
		}
		if len(r.delivered) >= len(want) && r.b.pendingTotal == 0 && len(r.b.unseq) == 0 {
			break
		}
		next := r.b.NextDeadline()
		if next.IsZero() {
			break
		}
		r.tick(next.Sub(r.now))
	}
	r.verify(want)
}

// deliverPush takes a push from the first few in the network (so pushes overtake each other)
// and delivers, duplicates or drops it.
func (r *propertyRun) deliverPush() {
	i := r.rng.IntN(min(len(r.net), 6))
	u := r.net[i]
	switch a := r.rng.IntN(100); {
	case a < 8: // dropped
		r.net = slices.Delete(r.net, i, i+1)
		return
	case a < 18: // duplicated: stays in the network for another delivery
	default:
		r.net = slices.Delete(r.net, i, i+1)
	}
	r.process(u)
}

func (r *propertyRun) process(u tg.UpdatesClass) {
	out, err := r.b.Process(r.now, u)
	if err != nil {
		r.t.Fatal(err)
	}
	r.apply(out)
}

// answer makes one outstanding request; with fail set it sometimes fails instead.
func (r *propertyRun) answer(i int, fail bool) {
	req := r.outstanding[i]
	r.outstanding = slices.Delete(r.outstanding, i, i+1)

	if fail && r.rng.IntN(100) < 5 {
		r.apply(r.b.RequestFailed(r.now, req, errors.New("simulated timeout")))
		return
	}
	var out Output
	var err error
	switch req.Kind {
	case RequestState:
		out, err = r.b.ApplyState(r.now, r.srv.State())
	case RequestDifference:
		out, err = r.b.ApplyDifference(r.now, r.srv.Difference(req.Difference()))
	case RequestChannelDifference:
		d, derr := r.srv.ChannelDifference(req.ChannelID, req.Pts, req.Limit)
		if derr != nil {
			r.t.Fatal(derr)
		}
		out, err = r.b.ApplyChannelDifference(r.now, req.ChannelID, d)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	r.apply(out)
}

func (r *propertyRun) tick(d time.Duration) {
	r.now = r.now.Add(d)
	if next := r.b.NextDeadline(); !next.IsZero() && !r.now.Before(next) {
		r.apply(r.b.OnTimer(r.now))
	}
}

// restart drops the Box with everything in flight and starts a new one from the store,
// handing it the presses the old one held, as Leftovers and Resume do.
func (r *propertyRun) restart() {
	var left []input
	if r.b != nil {
		left = heldInputs(r.b.takeUnsequenced())
	}
	r.b = NewBox(r.cfg)
	r.outstanding = nil
	saved := r.stored
	saved.Channels = slices.Clone(saved.Channels)
	r.apply(r.b.Start(r.now, &saved))
	for _, in := range left {
		r.process(in.u)
	}
}

// apply handles the deliveries (then persists their commits) and queues the requests.
func (r *propertyRun) apply(out Output) {
	for _, d := range out.Deliveries {
		for _, u := range d.Updates {
			if q, ok := u.(*tg.UpdateBotCallbackQuery); ok {
				r.presses = append(r.presses, q.QueryID)
				continue
			}
			r.delivered = append(r.delivered, sim.Identity(u))
		}
		if d.Commit.HasState {
			r.stored.State = d.Commit.State
		}
		for _, c := range d.Commit.Channels {
			i := slices.IndexFunc(r.stored.Channels, func(s ChannelPts) bool { return s.ChannelID == c.ChannelID })
			switch {
			case c.Removed && i >= 0:
				r.stored.Channels = slices.Delete(r.stored.Channels, i, i+1)
			case c.Removed:
			case i >= 0:
				r.stored.Channels[i].Pts, r.stored.Channels[i].Named = c.Pts, c.Named
			default:
				r.stored.Channels = append(r.stored.Channels, c)
			}
		}
	}
	r.outstanding = append(r.outstanding, out.Requests...)

	for _, e := range out.Events {
		if e.Kind == EventDifferenceTooLong || e.Kind == EventChannelDropped {
			r.t.Fatalf("unexpected event %+v", e)
		}
	}
}

func (r *propertyRun) verify(want []sim.Event) {
	t := r.t
	seen := make(map[string]int, len(r.delivered))
	pos := make(map[string]int, len(r.delivered))
	for i, id := range r.delivered {
		seen[id]++
		pos[id] = i
	}
	var missing, twice []string
	for _, e := range want {
		switch seen[e.ID] {
		case 0:
			missing = append(missing, fmt.Sprintf("%s(key %d pts %d)", e.ID, e.Key, e.Pts))
		case 1:
		default:
			twice = append(twice, e.ID)
		}
		delete(seen, e.ID)
	}
	if len(missing) > 0 || len(twice) > 0 || len(seen) > 0 {
		if r.b == nil {
			t.Fatalf("%d events: missing %v, delivered twice %v, unknown %v", len(want), missing, twice, seen)
		}
		st, _ := r.b.State()
		t.Logf("box state %+v common %+v pts pending %d qts pending %d seq %+v next %v now %v", st, r.b.common, len(r.b.pts.pending), len(r.b.qts.pending), r.b.seq, r.b.NextDeadline(), r.now)
		t.Fatalf("%d events: missing %v, delivered twice %v, unknown %v", len(want), missing, twice, seen)
	}
	for i, id := range r.presses {
		if id != int64(i+1) {
			t.Fatalf("presses delivered %v, want 1..%d once each, in order", r.presses, r.pressed)
		}
	}
	if int64(len(r.presses)) != r.pressed {
		t.Fatalf("%d presses delivered of %d", len(r.presses), r.pressed)
	}
	// Messages in pts order per sequence.
	last := make(map[sim.Key]int)
	lastPts := make(map[sim.Key]int32)
	for _, e := range want {
		if !e.Message {
			continue
		}
		if p, ok := last[e.Key]; ok && pos[e.ID] < p {
			t.Errorf("sequence %d: %s (pts %d) delivered before the message with pts %d", e.Key, e.ID, e.Pts, lastPts[e.Key])
		}
		last[e.Key], lastPts[e.Key] = pos[e.ID], e.Pts
	}
	st := r.srv.State()
	if r.stored.State.Pts != st.Pts || r.stored.State.Qts != st.Qts {
		t.Errorf("stored state %+v, server %+v", r.stored.State, st)
	}
	for _, c := range r.stored.Channels {
		if want := r.srv.ChannelPts(c.ChannelID); c.Pts != want {
			t.Errorf("stored channel %d pts %d, server %d", c.ChannelID, c.Pts, want)
		}
	}
}
