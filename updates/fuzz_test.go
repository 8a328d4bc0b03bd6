package updates

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// fuzzConfig keeps the caps small so the fuzzer reaches them.
var fuzzConfig = Config{MaxPending: 8, MaxPendingTotal: 20, MaxChannelRecoveries: 2}

// FuzzBox drives a Box with an arbitrary sequence of inputs built from the fuzzer's bytes:
// containers of every constructor with arbitrary pts, qts, seq and channels, difference answers
// of every kind, state answers, failures, drops, reconnects and clock jumps. The Box must never
// panic and its buffers must stay within their caps.
func FuzzBox(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 11, 0, 0, 0, 1, 0, 0, 0, 0, 13, 0, 0, 0, 1, 7, 0, 0, 0})
	f.Add([]byte{2, 5, 100, 0, 0, 0, 2, 5, 102, 0, 0, 0, 8, 200, 3, 5, 0, 0, 0, 0})
	f.Add([]byte{11, 0, 0, 0, 4, 0, 12, 0, 1, 3, 0, 0, 0, 9, 1, 10, 5, 2, 0, 0})
	f.Add([]byte{6, 1, 6, 2, 6, 3, 6, 4, 2, 1, 1, 0, 0, 0, 9, 1, 2, 0, 0, 0, 8, 255, 8, 255})
	// Channel 3 delivers 10, holds 13, is dropped, comes back at 11 below the run of 13, holds
	// 14; the gap wait ends (overRuns) and the answer comes.
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0,
		0, 3, 2, 2, 3, 10, 1, 0, 0, 3, 2, 2, 3, 13, 1, 0, 12, 3,
		0, 3, 2, 2, 3, 11, 1, 0, 0, 3, 2, 2, 3, 14, 1, 0, 8, 20, 1, 13, 1, 14, 0, 0})
	// The same up to 11: the restart gets the run of 13 in the memo (restoreRuns).
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0,
		0, 3, 2, 2, 3, 10, 1, 0, 0, 3, 2, 2, 3, 13, 1, 0, 12, 3, 0, 3, 2, 2, 3, 11, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := fuzzReader{data: data}
		b := NewBox(fuzzConfig)
		now := time.Unix(1_700_000_000, 0)
		var reqs []Request
		keep := func(out Output, _ error) {
			reqs = append(reqs, out.Requests...)
			if len(reqs) > 64 {
				reqs = reqs[len(reqs)-64:]
			}
		}
		if r.byte()%2 == 0 {
			keep(b.Start(now, &Saved{State: State{Pts: r.int32(), Qts: r.int32(), Seq: r.int32()},
				Channels: []ChannelPts{{ChannelID: 1, Pts: r.int32(), Named: r.int32()}, {ChannelID: 2, Pts: r.int32()}}}), nil)
		}
		for step := 0; !r.done() && step < 400; step++ {
			switch op := r.byte() % 14; op {
			case 0, 1:
				keep(b.Process(now, r.container()))
			case 2:
				keep(b.Process(now, &tg.UpdateShortMessage{ID: r.int32(), UserID: 1, Pts: r.pts(), PtsCount: r.count(), Out: r.byte()%2 == 0}))
			case 3:
				keep(b.Process(now, &tg.UpdateShortChatMessage{ID: r.int32(), FromID: 1, ChatID: 2, Pts: r.pts(), PtsCount: r.count()}))
			case 4:
				sent := &tg.UpdateShortSentMessage{ID: r.int32(), Pts: r.pts(), PtsCount: r.count()}
				if r.byte()%2 == 0 {
					keep(b.ProcessSent(now, Sent{Peer: &tg.PeerUser{UserID: 3}}, sent))
				} else {
					keep(b.Process(now, sent))
				}
			case 5:
				keep(b.Process(now, &tg.UpdatesTooLong{}))
			case 6:
				keep(b.ApplyDifference(now, r.difference()))
			case 7:
				keep(b.ApplyChannelDifference(now, r.channelID(), r.channelDifference()))
			case 8:
				now = now.Add(time.Duration(r.byte()) * 50 * time.Millisecond)
				if r.byte()%4 == 0 {
					now = now.Add(DefaultIdle)
				}
				keep(b.OnTimer(now), nil)
			case 9:
				keep(b.ApplyState(now, &tg.UpdatesState{Pts: r.pts(), Qts: r.pts(), Seq: r.pts()}))
			case 10:
				if len(reqs) > 0 {
					i := int(r.byte()) % len(reqs)
					keep(b.RequestFailed(now, reqs[i], errors.New("fuzz")), nil)
				}
			case 11:
				keep(b.Reconnected(now), nil)
			case 12:
				keep(b.DropChannel(now, r.channelID(), "fuzz"), nil)
			case 13:
				if len(reqs) > 0 {
					// Answer a request the Box made with a plausible difference.
					q := reqs[0]
					reqs = reqs[1:]
					switch q.Kind {
					case RequestState:
						keep(b.ApplyState(now, &tg.UpdatesState{Pts: q.Pts + r.count(), Qts: q.Qts, Seq: r.pts()}))
					case RequestDifference:
						keep(b.ApplyDifference(now, r.difference()))
					case RequestChannelDifference:
						keep(b.ApplyChannelDifference(now, q.ChannelID, r.channelDifference()))
					}
				}
			}
			checkInvariants(t, b)
		}
		// A restart: a new Box from the state a Store would hold, given the memo.
		st, _ := b.State()
		saved := &Saved{State: st}
		for id, c := range b.channels {
			saved.Channels = append(saved.Channels, ChannelPts{ChannelID: id, Pts: c.seq.pts, Named: c.guess})
		}
		next := NewBox(fuzzConfig)
		next.Start(now, saved)
		next.restore(now, b.memo())
		checkInvariants(t, next)
	})
}

// FuzzBoxDecoded decodes the fuzzer's bytes as a stream of TL values (update containers and
// difference answers) the way they would arrive from the network, and feeds them to a Box.
func FuzzBoxDecoded(f *testing.F) {
	seeds := []tl.Encoder{
		updates(4, msg(1, 11), chMsg(5, 2, 100), stopped(3, 6)),
		&tg.UpdatesCombined{Updates: []tg.UpdateClass{msg(2, 13)}, SeqStart: 6, Seq: 7},
		&tg.UpdateShortMessage{ID: 3, UserID: 9, Message: "x", Pts: 12, PtsCount: 1},
		&tg.UpdatesDifference{NewMessages: []tg.MessageClass{message(4)}, State: tg.UpdatesState{Pts: 15, Qts: 6, Seq: 7}},
		&tg.UpdatesChannelDifference{Final: true, Pts: 104, NewMessages: []tg.MessageClass{channelMessage(5, 7)}},
		&tg.UpdatesTooLong{},
	}
	var all tl.Buffer
	for _, s := range seeds {
		var b tl.Buffer
		if err := s.Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Buf)
		if err := s.Encode(&all); err != nil {
			f.Fatal(err)
		}
	}
	f.Add(all.Buf)
	f.Fuzz(func(t *testing.T, data []byte) {
		b := NewBox(fuzzConfig)
		now := time.Unix(1_700_000_000, 0)
		b.Start(now, &Saved{State: State{Pts: 10, Qts: 5, Seq: 3}, Channels: []ChannelPts{{ChannelID: 5, Pts: 99}}})
		var buf tl.Buffer
		buf.ResetTo(data)
		for buf.Len() >= 4 {
			id, err := buf.PeekID()
			if err != nil {
				return
			}
			switch id {
			case tg.UpdatesDifferenceTypeID, tg.UpdatesDifferenceSliceTypeID, tg.UpdatesDifferenceEmptyTypeID, tg.UpdatesDifferenceTooLongTypeID:
				d, err := tg.DecodeUpdatesDifferenceClass(&buf)
				if err != nil {
					return
				}
				_, _ = b.ApplyDifference(now, d)
			case tg.UpdatesChannelDifferenceTypeID, tg.UpdatesChannelDifferenceEmptyTypeID, tg.UpdatesChannelDifferenceTooLongTypeID:
				d, err := tg.DecodeUpdatesChannelDifferenceClass(&buf)
				if err != nil {
					return
				}
				_, _ = b.ApplyChannelDifference(now, 5, d)
			default:
				u, err := tg.DecodeUpdatesClass(&buf)
				if err != nil {
					return
				}
				_, _ = b.Process(now, u)
			}
			now = now.Add(300 * time.Millisecond)
			b.OnTimer(now)
			checkInvariants(t, b)
		}
	})
}

// checkInvariants fails when a buffer outgrew its cap or the bookkeeping disagrees with it.
func checkInvariants(t *testing.T, b *Box) {
	t.Helper()
	cfg := b.cfg
	total := len(b.pts.pending) + len(b.qts.pending)
	inflight := 0
	for id, c := range b.channels {
		if len(c.seq.pending) > cfg.MaxPending {
			t.Fatalf("channel %d holds %d updates, cap %d", id, len(c.seq.pending), cfg.MaxPending)
		}
		total += len(c.seq.pending)
		if c.guess != 0 && (!c.rec.busy() || c.seq.pts < 1 || c.seq.pts >= c.guess) {
			// Only a difference ends a guess, and it starts at 1 or more, below the pts named.
			t.Fatalf("channel %d from a guess at %d (named %d) in phase %d", id, c.seq.pts, c.guess, c.rec.phase)
		}
		if c.guess != 0 && c.seq.pts < c.floor {
			t.Fatalf("channel %d guessed from %d, below the %d it was dropped at", id, c.seq.pts, c.floor)
		}
		// The runs of an earlier drop that it keeps go up, a gap between each two, above its pts.
		for i, r := range c.runs {
			if r.from > r.to || i == 0 && r.from <= c.seq.pts || i > 0 && r.from <= c.runs[i-1].to || i >= maxDropRuns {
				t.Fatalf("channel %d at %d with runs %v", id, c.seq.pts, c.runs)
			}
		}
		if _, ok := b.gone[id]; ok {
			t.Fatalf("channel %d tracked and remembered as dropped", id)
		}
		if c.rec.phase == phaseInFlight {
			inflight++
		}
	}
	for id, d := range b.gone {
		// A dropped channel's runs go up, a gap between each two, to the pts it was dropped at.
		for i, r := range d.runs {
			if r.from > r.to || i > 0 && r.from <= d.runs[i-1].to || i == len(d.runs)-1 && r.to != d.pts {
				t.Fatalf("channel %d dropped at %d with runs %v", id, d.pts, d.runs)
			}
		}
	}
	if len(b.gone) > cfg.MaxPending {
		t.Fatalf("%d dropped channels remembered, cap %d", len(b.gone), cfg.MaxPending)
	}
	if len(b.pts.pending) > cfg.MaxPending || len(b.qts.pending) > cfg.MaxPending {
		t.Fatalf("account holds %d+%d updates, cap %d", len(b.pts.pending), len(b.qts.pending), cfg.MaxPending)
	}
	if total != b.pendingTotal || total > cfg.MaxPendingTotal {
		t.Fatalf("pending total %d, counted %d, cap %d", total, b.pendingTotal, cfg.MaxPendingTotal)
	}
	if len(b.prestate) > cfg.MaxPending || len(b.seq.ranges) > cfg.MaxPending {
		t.Fatalf("prestate %d, seq ranges %d, cap %d", len(b.prestate), len(b.seq.ranges), cfg.MaxPending)
	}
	if len(b.unseq) > cfg.MaxPending || (len(b.unseq) > 0 && b.common.phase != phaseInFlight) ||
		(len(b.unseq) > 0) == b.unseqAt.IsZero() || (!b.unseqAt.IsZero() && (b.next.IsZero() || b.next.After(b.unseqAt))) {
		t.Fatalf("%d unsequenced updates held (cap %d) in phase %d", len(b.unseq), cfg.MaxPending, b.common.phase)
	}
	if inflight != b.inflight || inflight > cfg.MaxChannelRecoveries {
		t.Fatalf("channel recoveries in flight %d, counted %d, cap %d", inflight, b.inflight, cfg.MaxChannelRecoveries)
	}
	if len(b.queue) > 2*len(b.channels)+64 {
		t.Fatalf("queue %d for %d channels", len(b.queue), len(b.channels))
	}
	if !b.next.IsZero() || len(b.channels) == 0 {
		return
	}
	for _, c := range b.channels {
		if d := c.deadline(cfg); !d.IsZero() {
			t.Fatalf("channel %d has deadline %v but NextDeadline is zero", c.id, d)
		}
	}
}

// fuzzReader turns fuzzer bytes into values; past the end it returns zeros.
type fuzzReader struct {
	data []byte
	off  int
}

func (r *fuzzReader) done() bool { return r.off >= len(r.data) }

func (r *fuzzReader) byte() byte {
	if r.off >= len(r.data) {
		return 0
	}
	r.off++
	return r.data[r.off-1]
}

func (r *fuzzReader) int32() int32 {
	var p [4]byte
	for i := range p {
		p[i] = r.byte()
	}
	return int32(binary.LittleEndian.Uint32(p[:]))
}

// pts returns small values most of the time, so sequences meet, and arbitrary ones otherwise.
func (r *fuzzReader) pts() int32 {
	if b := r.byte(); b < 250 {
		return int32(b)
	}
	return r.int32()
}

func (r *fuzzReader) count() int32 {
	if b := r.byte(); b < 250 {
		return int32(b % 4)
	}
	return r.int32()
}

func (r *fuzzReader) channelID() int64 { return int64(r.byte() % 6) }

func (r *fuzzReader) update() tg.UpdateClass {
	switch r.byte() % 8 {
	case 0, 1:
		return &tg.UpdateNewMessage{Message: message(r.int32()), Pts: r.pts(), PtsCount: r.count()}
	case 2, 3:
		ch := r.channelID()
		return &tg.UpdateNewChannelMessage{Message: channelMessage(ch, 1), Pts: r.pts(), PtsCount: r.count()}
	case 4:
		return &tg.UpdateBotStopped{UserID: 1, Qts: r.pts()}
	case 5:
		return &tg.UpdateChannelTooLong{ChannelID: r.channelID(), Pts: tl.Opt[int32]{Value: r.pts(), Set: r.byte()%2 == 0}}
	case 6:
		return &tg.UpdateDeleteChannelMessages{ChannelID: r.channelID(), Pts: r.pts(), PtsCount: r.count()}
	}
	return typing(1)
}

func (r *fuzzReader) updates() []tg.UpdateClass {
	n := int(r.byte() % 5)
	out := make([]tg.UpdateClass, n)
	for i := range out {
		out[i] = r.update()
	}
	return out
}

func (r *fuzzReader) container() tg.UpdatesClass {
	chats := []tg.ChatClass{&tg.Channel{ID: r.channelID(), AccessHash: tl.Some[int64](5)}}
	switch r.byte() % 3 {
	case 0:
		return &tg.Updates{Updates: r.updates(), Chats: chats, Seq: r.pts(), Date: r.pts()}
	case 1:
		return &tg.UpdatesCombined{Updates: r.updates(), Chats: chats, SeqStart: r.pts(), Seq: r.pts(), Date: r.pts()}
	}
	return &tg.UpdateShort{Update: r.update(), Date: r.pts()}
}

func (r *fuzzReader) state() tg.UpdatesState {
	return tg.UpdatesState{Pts: r.pts(), Qts: r.pts(), Seq: r.pts(), Date: r.pts()}
}

func (r *fuzzReader) difference() tg.UpdatesDifferenceClass {
	switch r.byte() % 4 {
	case 0:
		return &tg.UpdatesDifferenceEmpty{Date: r.pts(), Seq: r.pts()}
	case 1:
		return &tg.UpdatesDifference{NewMessages: []tg.MessageClass{message(r.int32())}, OtherUpdates: r.updates(), State: r.state()}
	case 2:
		return &tg.UpdatesDifferenceSlice{NewMessages: []tg.MessageClass{message(r.int32())}, OtherUpdates: r.updates(), IntermediateState: r.state()}
	}
	return &tg.UpdatesDifferenceTooLong{Pts: r.pts()}
}

func (r *fuzzReader) channelDifference() tg.UpdatesChannelDifferenceClass {
	switch r.byte() % 3 {
	case 0:
		return &tg.UpdatesChannelDifferenceEmpty{Final: r.byte()%2 == 0, Pts: r.pts()}
	case 1:
		return &tg.UpdatesChannelDifference{Final: r.byte()%2 == 0, Pts: r.pts(), NewMessages: []tg.MessageClass{channelMessage(1, 1)}, OtherUpdates: r.updates()}
	}
	return &tg.UpdatesChannelDifferenceTooLong{Final: r.byte()%2 == 0, Dialog: &tg.Dialog{Pts: tl.Some(r.pts())}, Messages: []tg.MessageClass{channelMessage(1, 2)}}
}
