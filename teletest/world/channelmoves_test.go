package world

import (
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
	if d.State.Date < p.w.channels[moved.ID].log.latest {
		t.Errorf("state date %d before the channel event it reports (%d)", d.State.Date, p.w.channels[moved.ID].log.latest)
	}

	// A second later nothing is new: no channel is reported again.
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
