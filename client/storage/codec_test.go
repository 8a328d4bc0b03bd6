package storage

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

var sessionSamples = []session.Session{
	{},
	{DC: 2, Addr: "149.154.167.50:443", AuthKey: bytes.Repeat([]byte{7}, session.AuthKeySize), Salt: -1, TimeOffset: -time.Hour, UserID: 1 << 40, Bot: true, TestMode: true},
	{DC: maxDC, Addr: strings.Repeat("a", maxAddrSize)},
}

func TestSessionRecord(t *testing.T) {
	for _, s := range sessionSamples {
		b, err := appendSession(nil, s)
		if err != nil {
			t.Fatalf("appendSession(%+v): %v", s, err)
		}
		got, err := decodeSession(b)
		if err != nil {
			t.Fatalf("decodeSession: %v", err)
		}
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		for n := range len(b) {
			if _, err := decodeSession(b[:n]); !errors.Is(err, ErrCorrupt) {
				t.Errorf("prefix %d/%d decoded: %v", n, len(b), err)
			}
		}
		if _, err := decodeSession(append(bytes.Clone(b), 0)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("trailing byte accepted: %v", err)
		}
	}
	bads := []session.Session{{DC: -1}, {AuthKey: []byte{1}}, {Addr: strings.Repeat("a", maxAddrSize+1)}}
	if strconv.IntSize == 64 { // a 32-bit int holds no DC past maxDC
		past := int64(maxDC) + 1
		bads = append(bads, session.Session{DC: int(past)})
	}
	for _, bad := range bads {
		if _, err := appendSession(nil, bad); !errors.Is(err, session.ErrInvalidSession) {
			t.Errorf("appendSession(%+v) = %v, want ErrInvalidSession", bad, err)
		}
	}
}

func TestSmallRecords(t *testing.T) {
	for _, id := range []Identity{{}, {UserID: -5, Bot: true}, {UserID: 1 << 62}} {
		got, err := decodeIdentity(appendIdentity(nil, id))
		if err != nil || got != id {
			t.Errorf("identity %+v round trip = %+v, %v", id, got, err)
		}
	}
	st := updates.State{Pts: -1, Qts: 2, Seq: 1 << 30, Date: 1_700_000_000}
	if got, err := decodeState(appendState(nil, st)); err != nil || got != st {
		t.Errorf("state round trip = %+v, %v", got, err)
	}
	for _, ch := range []updates.ChannelPts{{ChannelID: 1 << 40, Pts: -3}, {ChannelID: 5, Pts: 6, Named: 7}, {ChannelID: -1, Pts: 1, Named: -1}} {
		if got, err := decodeChannel(channelKey(ch.ChannelID), appendChannel(ch)); err != nil || got != ch {
			t.Errorf("channel %+v round trip = %+v, %v", ch, got, err)
		}
	}
	if got, err := decodeDC(dcKey(4)); err != nil || got != 4 {
		t.Errorf("dc round trip = %d, %v", got, err)
	}
	bad := map[string]error{}
	_, bad["identity short"] = decodeIdentity(make([]byte, 8))
	_, bad["identity flag"] = decodeIdentity(append(make([]byte, 8), 2))
	_, bad["state"] = decodeState(make([]byte, 15))
	_, bad["channel key"] = decodeChannel(make([]byte, 7), make([]byte, 4))
	_, bad["channel value"] = decodeChannel(make([]byte, 8), make([]byte, 5))
	_, bad["channel value of 12 bytes"] = decodeChannel(make([]byte, 8), make([]byte, 12))
	_, bad["channel naming pts 0"] = decodeChannel(make([]byte, 8), []byte{0, 0, 0, 6, 0, 0, 0, 0})
	_, bad["dc short"] = decodeDC([]byte{1})
	_, bad["dc range"] = decodeDC([]byte{0x80, 0, 0, 0})
	for name, err := range bad {
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

// FuzzRecords feeds arbitrary bytes to every record decoder of the file: none may panic, and
// whatever decodes must encode back to the same bytes.
func FuzzRecords(f *testing.F) {
	for _, s := range sessionSamples {
		b, _ := appendSession(nil, s)
		f.Add(b)
	}
	f.Add(appendIdentity(nil, Identity{UserID: 9, Bot: true}))
	f.Add(appendState(nil, updates.State{Pts: 1, Qts: 2, Seq: 3, Date: 4}))
	f.Add(dcKey(2))
	f.Add(append(channelKey(9), appendChannel(updates.ChannelPts{Pts: 6, Named: 7})...))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := decodeSession(data); err == nil {
			b, err := appendSession(nil, s)
			if err != nil || !bytes.Equal(b, data) {
				t.Fatalf("session %+v re-encodes to %x (%v), was %x", s, b, err, data)
			}
		}
		if id, err := decodeIdentity(data); err == nil && !bytes.Equal(appendIdentity(nil, id), data) {
			t.Fatalf("identity %+v does not re-encode", id)
		}
		if st, err := decodeState(data); err == nil && !bytes.Equal(appendState(nil, st), data) {
			t.Fatalf("state %+v does not re-encode", st)
		}
		if dc, err := decodeDC(data); err == nil && !bytes.Equal(dcKey(dc), data) {
			t.Fatalf("dc %d does not re-encode", dc)
		}
		if len(data) >= 8 {
			if ch, err := decodeChannel(data[:8], data[8:]); err == nil {
				if !bytes.Equal(channelKey(ch.ChannelID), data[:8]) || !bytes.Equal(appendChannel(ch), data[8:]) {
					t.Fatalf("channel %+v does not re-encode", ch)
				}
			}
		}
	})
}
