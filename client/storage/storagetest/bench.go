package storagetest

import (
	"strconv"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
)

// BenchBatch is the number of peers BenchmarkPeers saves per SavePeers call: what a bot
// flushes after a busy getDifference or a large dialog list.
const BenchBatch = 1000

// BenchmarkPeers measures peer upserts in batches of BenchBatch on a fresh store opened with
// open, and reports peers/s. The peers look like a bot's: mostly users, some bots, a username
// each (a few with two), phones on some, channels and basic groups among them. Every batch
// holds BenchBatch/2 peers not seen before and BenchBatch/2 from the previous batch seen
// again, some of those renamed or with a new phone, so the stores both insert and move index
// entries. A backend's package calls it from a Benchmark function:
//
//	func BenchmarkPeers(b *testing.B) { storagetest.BenchmarkPeers(b, open) }
func BenchmarkPeers(b *testing.B, open func(t testing.TB, name string) (storage.Storage, error)) {
	s, err := open(b, Name(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := b.Context()
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		batch := benchBatch(i)
		b.StartTimer()
		if err := s.SavePeers(ctx, batch); err != nil {
			b.Fatal(err)
		}
		n += len(batch)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "peers/s")
}

// benchBatch returns batch i of BenchmarkPeers: ids i*BenchBatch/2+1 onwards, so its first
// half is the second half of batch i-1.
func benchBatch(i int) []peers.Peer {
	seen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(i) * time.Second)
	ps := make([]peers.Peer, BenchBatch)
	for j := range ps {
		id := int64(i*BenchBatch/2 + j + 1)
		ps[j] = benchPeer(id, j < BenchBatch/2 && i > 0, seen)
	}
	return ps
}

// benchPeer is the peer with id, again marks a second sighting (a tenth of those renamed or
// with a new phone).
func benchPeer(id int64, again bool, seen time.Time) peers.Peer {
	s := strconv.FormatInt(id, 10)
	changed := again && id%10 == 0
	p := peers.Peer{Key: peers.UserKey(id), AccessHash: id*0x5851f42d4c957f2d ^ 0x5bd1e995, Seen: seen}
	switch id % 20 {
	case 0: // a channel with a public username
		p.Key = peers.ChannelKey(id)
		p.Usernames = []string{"channel_" + s}
		if changed {
			p.Usernames[0] = "renamed_channel_" + s
		}
		return p
	case 1: // a basic group: no hash, no username
		p.Key, p.AccessHash = peers.ChatKey(id), 0
		return p
	case 2: // a bot
		p.Bot = true
		p.Usernames = []string{"helper" + s + "_bot"}
		return p
	}
	p.Usernames = []string{"User_" + s}
	if id%10 == 3 {
		p.Usernames = append(p.Usernames, "alt_"+s)
	}
	if changed {
		p.Usernames[0] = "New_" + s
	}
	if id%3 == 0 {
		p.Phone = "1555" + s
		if changed {
			p.Phone = "1666" + s
		}
	}
	return p
}
