package world

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// channelTooLong is one updateChannelTooLong as a test compares it.
type channelTooLong struct {
	Channel int64
	Pts     int32
}

// channelsTooLong lists the updateChannelTooLong of us in order.
func channelsTooLong(us []tg.UpdateClass) []channelTooLong {
	var out []channelTooLong
	for _, u := range us {
		if c, ok := u.(*tg.UpdateChannelTooLong); ok {
			out = append(out, channelTooLong{c.ChannelID, c.Pts.Value})
		}
	}
	return out
}

// TestDifferenceTellsChannelsMoved: a member whose session missed a supergroup's messages
// (the server lost it in a failover) learns from getDifference which of its channels moved
// on, with their pts; channels that did not move, and channels it is not in, are left out.
func TestDifferenceTellsChannelsMoved(t *testing.T) {
	p := newSecretPair(t, Config{})
	mk := func(title string, members ...int64) Channel {
		ch, err := p.w.CreateChannel(p.alice, ChannelSpec{Title: title, Megagroup: true, Members: members})
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	moved, quiet, other, later := mk("moved", p.bob), mk("quiet", p.bob), mk("other"), mk("later", p.bob)
	var sent int64
	post := func(ch Channel) {
		t.Helper()
		sent++
		in := &tg.InputPeerChannel{ChannelID: ch.ID, AccessHash: p.w.accessHash(p.alice, PeerChannel, ch.ID)}
		if _, err := p.w.SendMessage(p.kA, in, Draft{Text: "hi", RandomID: sent}); err != nil {
			t.Fatal(err)
		}
	}
	post(quiet)
	p.tick(time.Second)
	bobSt := p.state(t, p.kB)
	p.tick(time.Minute) // the failover: Bob's session is gone, the pushes with it
	post(later)
	p.tick(time.Second)
	post(moved)
	post(moved)
	post(other)

	d := p.diff(t, p.kB, bobSt)
	want := []channelTooLong{{later.ID, p.w.channels[later.ID].pts}, {moved.ID, p.w.channels[moved.ID].pts}}
	if diff := cmp.Diff(want, channelsTooLong(d.OtherUpdates)); diff != "" {
		t.Errorf("channels too long (-want +got):\n%s", diff)
	}
	if len(d.NewMessages) != 0 {
		t.Errorf("difference carries %d channel messages, want them left to getChannelDifference", len(d.NewMessages))
	}
	var chats []int64
	for _, c := range d.Chats {
		chats = append(chats, c.(*tg.Channel).ID)
	}
	if diff := cmp.Diff([]int64{later.ID, moved.ID}, chats); diff != "" {
		t.Errorf("chats (-want +got):\n%s", diff)
	}
	// From the state it was given, in the same second, nothing is new: no channel again.
	p.empty(t, p.kB, d.State)
	p.tick(time.Second)
	p.empty(t, p.kB, p.state(t, p.kB))
}

// TestDifferenceSliceTellsChannelsMovedOnce: a long difference in slices reports each moved
// channel in the slice whose dates cover its latest event, and the last slice the rest.
func TestDifferenceSliceTellsChannelsMovedOnce(t *testing.T) {
	p := newSecretPair(t, Config{DifferenceLimit: 2})
	ch, err := p.w.CreateChannel(p.alice, ChannelSpec{Title: "g", Megagroup: true, Members: []int64{p.bob}})
	if err != nil {
		t.Fatal(err)
	}
	in := &tg.InputPeerChannel{ChannelID: ch.ID, AccessHash: p.w.accessHash(p.alice, PeerChannel, ch.ID)}
	toBob := &tg.InputPeerUser{UserID: p.bob, AccessHash: p.w.accessHash(p.alice, PeerUser, p.bob)}
	p.tick(time.Second)
	st := p.state(t, p.kB)
	for i := range 4 {
		p.tick(time.Second)
		if _, err := p.w.SendMessage(p.kA, toBob, Draft{Text: "private", RandomID: int64(10 + i)}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := p.w.SendMessage(p.kA, in, Draft{Text: "group", RandomID: 1}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []channelTooLong
	for range 5 {
		d, err := p.w.Difference(p.kB, st.Pts, st.Date, st.Qts, 0)
		if err != nil {
			t.Fatal(err)
		}
		switch d := d.(type) {
		case *tg.UpdatesDifferenceSlice:
			got = append(got, channelsTooLong(d.OtherUpdates)...)
			st = d.IntermediateState
			continue
		case *tg.UpdatesDifference:
			got = append(got, channelsTooLong(d.OtherUpdates)...)
		default:
			t.Fatalf("difference is %T", d)
		}
		break
	}
	if diff := cmp.Diff([]channelTooLong{{ch.ID, p.w.channels[ch.ID].pts}}, got); diff != "" {
		t.Errorf("channels too long over the slices (-want +got):\n%s", diff)
	}
}

// channelPair is a secretPair whose Alice made n supergroups with Bob in them.
type channelPair struct {
	*secretPair
	channels []Channel
	sent     int64
}

func newChannelPair(t *testing.T, cfg Config, n int) *channelPair {
	t.Helper()
	p := &channelPair{secretPair: newSecretPair(t, cfg)}
	for i := range n {
		ch, err := p.w.CreateChannel(p.alice, ChannelSpec{Title: fmt.Sprint("g", i), Megagroup: true, Members: []int64{p.bob}})
		if err != nil {
			t.Fatal(err)
		}
		p.channels = append(p.channels, ch)
	}
	return p
}

// post has Alice write in channel i; to < 0 writes to Bob in private instead.
func (p *channelPair) post(t *testing.T, i int) {
	t.Helper()
	p.sent++
	var in tg.InputPeerClass = &tg.InputPeerUser{UserID: p.bob, AccessHash: p.w.accessHash(p.alice, PeerUser, p.bob)}
	if i >= 0 {
		id := p.channels[i].ID
		in = &tg.InputPeerChannel{ChannelID: id, AccessHash: p.w.accessHash(p.alice, PeerChannel, id)}
	}
	if _, err := p.w.SendMessage(p.kA, in, Draft{Text: fmt.Sprint("m", p.sent), RandomID: p.sent}); err != nil {
		t.Fatal(err)
	}
}

// moved returns the updateChannelTooLong of channel i now.
func (p *channelPair) moved(i int) channelTooLong {
	id := p.channels[i].ID
	return channelTooLong{id, p.w.channels[id].pts}
}

// TestDifferenceTellsChannelMovedInStateSecond: Bob's state is dated after a secret chat
// request (a dated update of this second), and a group moves on in that same second; the
// difference from that state still tells it. Dates could not: the state's date is past the
// second of the post.
func TestDifferenceTellsChannelMovedInStateSecond(t *testing.T) {
	p := newChannelPair(t, Config{}, 1)
	p.request(t, 1)
	st := p.state(t, p.kB)
	p.post(t, 0)
	d := p.diff(t, p.kB, st)
	if diff := cmp.Diff([]channelTooLong{p.moved(0)}, channelsTooLong(d.OtherUpdates)); diff != "" {
		t.Errorf("channels too long (-want +got):\n%s", diff)
	}
	p.empty(t, p.kB, d.State)
}

// TestDifferenceTellsChannelMovedAfterClockSkew: a failover to a server whose clock is a
// minute behind, then a post; the client's state (taken before, dated later than the post)
// still learns of it, as does a client whose date came from a live push.
func TestDifferenceTellsChannelMovedAfterClockSkew(t *testing.T) {
	p := newChannelPair(t, Config{}, 2)
	p.tick(time.Minute)
	st := p.state(t, p.kB)
	p.post(t, -1) // a private message Bob gets live: his pts and date move with it
	live := st
	live.Pts++
	live.Date = p.w.now()
	p.tick(-time.Minute)
	p.post(t, 1)
	want := []channelTooLong{p.moved(1)}
	for _, from := range []tg.UpdatesState{live, st} {
		d := p.diff(t, p.kB, from)
		if diff := cmp.Diff(want, channelsTooLong(d.OtherUpdates)); diff != "" {
			t.Errorf("from %+v: channels too long (-want +got):\n%s", from, diff)
		}
	}
}

// TestDifferenceTellsChannelsMovedAfterTooLong: Bob falls too far behind; after
// differenceTooLong he goes on from the pts it gave with his own qts and date, and still
// learns of the group that moved while he was away.
func TestDifferenceTellsChannelsMovedAfterTooLong(t *testing.T) {
	p := newChannelPair(t, Config{TooLongAfter: 3}, 1)
	st := p.state(t, p.kB)
	p.post(t, 0)
	for range 5 {
		p.post(t, -1)
	}
	d, err := p.w.Difference(p.kB, st.Pts, st.Date, st.Qts, 0)
	if err != nil {
		t.Fatal(err)
	}
	tl, ok := d.(*tg.UpdatesDifferenceTooLong)
	if !ok {
		t.Fatalf("difference is %T, want differenceTooLong", d)
	}
	st.Pts = tl.Pts
	full := p.diff(t, p.kB, st)
	if diff := cmp.Diff([]channelTooLong{p.moved(0)}, channelsTooLong(full.OtherUpdates)); diff != "" {
		t.Errorf("channels too long (-want +got):\n%s", diff)
	}
}

// TestDifferenceTellsEveryMovedChannelInSlices: 250 of Bob's groups move on, among private
// messages, while his session is gone. The differences come in slices of at most 100 moved
// channels, each slice asked twice (an answer lost on the way gives the same slice again), and
// over them every channel is told once and every private message comes once, in order; the
// last state is up to date. With a small DifferenceLimit the pts slices and the channel slices
// mix.
func TestDifferenceTellsEveryMovedChannelInSlices(t *testing.T) {
	for _, limit := range []int{0, 7} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			const n = 250
			p := newChannelPair(t, Config{DifferenceLimit: limit}, n)
			st := p.state(t, p.kB)
			var want []channelTooLong
			var wantMsgs []string
			for i := range n {
				if i%10 == 0 {
					p.post(t, -1)
					wantMsgs = append(wantMsgs, fmt.Sprint("m", p.sent))
					p.tick(time.Second)
				}
				p.post(t, i)
				want = append(want, p.moved(i))
			}
			var got []channelTooLong
			var msgs []string
			for range 100 {
				var answers [2]tg.UpdatesDifferenceClass
				for i := range answers {
					d, err := p.w.Difference(p.kB, st.Pts, st.Date, st.Qts, 0)
					if err != nil {
						t.Fatal(err)
					}
					answers[i] = d
				}
				if diff := cmp.Diff(channelsTooLong(otherOf(answers[0])), channelsTooLong(otherOf(answers[1]))); diff != "" {
					t.Fatalf("the same request answered differently (-first +second):\n%s", diff)
				}
				other := otherOf(answers[0])
				if c := len(channelsTooLong(other)); c > maxChannelsMoved {
					t.Fatalf("one answer tells %d channels", c)
				}
				got = append(got, channelsTooLong(other)...)
				switch d := answers[0].(type) {
				case *tg.UpdatesDifferenceSlice:
					msgs = append(msgs, texts(d.NewMessages)...)
					st = d.IntermediateState
					continue
				case *tg.UpdatesDifference:
					msgs = append(msgs, texts(d.NewMessages)...)
					st = d.State
				default:
					t.Fatalf("difference is %T", d)
				}
				break
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("channels too long over the slices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
				t.Errorf("private messages over the slices (-want +got):\n%s", diff)
			}
			p.empty(t, p.kB, st)
		})
	}
}

func otherOf(d tg.UpdatesDifferenceClass) []tg.UpdateClass {
	switch d := d.(type) {
	case *tg.UpdatesDifferenceSlice:
		return d.OtherUpdates
	case *tg.UpdatesDifference:
		return d.OtherUpdates
	}
	return nil
}

func texts(ms []tg.MessageClass) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.(*tg.Message).Message)
	}
	return out
}
