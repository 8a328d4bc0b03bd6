package peers

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

var recordSamples = []Peer{
	{Key: UserKey(1)},
	{Key: UserKey(42), AccessHash: -1, Bot: true, Usernames: []string{"HelperBot"}, Seen: time.Unix(1_700_000_000, 0)},
	{Key: UserKey(7), AccessHash: 1 << 62, Min: true, Usernames: []string{"a_b_c_d", "other"}, Phone: "4915112345678"},
	{Key: ChatKey(999999999999), Seen: time.Unix(1, 0)},
	{Key: ChannelKey(1 << 40), AccessHash: 12345, Usernames: []string{strings.Repeat("x", maxUsernameSize)}},
}

func TestPeerBinaryRoundTrip(t *testing.T) {
	for _, p := range recordSamples {
		b, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary(%v): %v", p.Key, err)
		}
		var got Peer
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("UnmarshalBinary(%v): %v", p.Key, err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("round trip of %v (-want +got):\n%s", p.Key, diff)
		}
		// No strict prefix decodes, and no record with a byte appended.
		for n := range len(b) {
			if err := new(Peer).UnmarshalBinary(b[:n]); !errors.Is(err, ErrCorruptRecord) {
				t.Errorf("%v: prefix of %d/%d bytes: error %v, want ErrCorruptRecord", p.Key, n, len(b), err)
			}
		}
		if err := new(Peer).UnmarshalBinary(append(bytes.Clone(b), 0)); !errors.Is(err, ErrCorruptRecord) {
			t.Errorf("%v: trailing byte accepted: %v", p.Key, err)
		}
	}
}

func TestPeerBinarySeenSeconds(t *testing.T) {
	p := Peer{Key: UserKey(1), Seen: time.Unix(100, 999_999_999)}
	b, _ := p.MarshalBinary()
	var got Peer
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !got.Seen.Equal(time.Unix(100, 0)) {
		t.Errorf("Seen = %v, want 100s", got.Seen)
	}
}

func TestPeerBinaryRejects(t *testing.T) {
	valid, _ := recordSamples[2].MarshalBinary()
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(valid)) }
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"version", mutate(func(b []byte) []byte { b[0] = 2; return b })},
		{"kind", mutate(func(b []byte) []byte { b[1] = 0; return b })},
		{"flags", mutate(func(b []byte) []byte { b[1+KeySize+8] = 0x80; return b })},
		{"username count", mutate(func(b []byte) []byte { b[recordFixedSize] = maxUsernames + 1; return b })},
		{"username length", mutate(func(b []byte) []byte { b[recordFixedSize+1] = 100; return b })},
		{"varint overflow", append(valid[:recordFixedSize:recordFixedSize], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)},
	}
	for _, tt := range tests {
		if err := new(Peer).UnmarshalBinary(tt.in); !errors.Is(err, ErrCorruptRecord) {
			t.Errorf("%s: error %v, want ErrCorruptRecord", tt.name, err)
		}
	}
}

func TestPeerMarshalRejects(t *testing.T) {
	tests := []Peer{
		{},
		{Key: UserKey(1), Usernames: make([]string, maxUsernames+1)},
		{Key: UserKey(1), Usernames: []string{strings.Repeat("x", maxUsernameSize+1)}},
		{Key: UserKey(1), Phone: strings.Repeat("1", maxPhoneSize+1)},
	}
	for _, p := range tests {
		if _, err := p.MarshalBinary(); err == nil {
			t.Errorf("MarshalBinary(%+v) succeeded", p)
		}
	}
}

func FuzzPeerUnmarshal(f *testing.F) {
	for _, p := range recordSamples {
		b, _ := p.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Peer
		if err := p.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrCorruptRecord) {
				t.Fatalf("error %v does not match ErrCorruptRecord", err)
			}
			return
		}
		// What decodes re-encodes to the same bytes.
		b, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", p, err)
		}
		if !bytes.Equal(b, data) {
			t.Fatalf("re-encoding differs:\n got %x\nwant %x", b, data)
		}
	})
}

func TestPeerInputForms(t *testing.T) {
	tests := []struct {
		p       Peer
		peer    tg.InputPeerClass
		user    tg.InputUserClass
		channel tg.InputChannelClass
	}{
		{p: Peer{Key: UserKey(1), AccessHash: 2}, peer: &tg.InputPeerUser{UserID: 1, AccessHash: 2}, user: &tg.InputUser{UserID: 1, AccessHash: 2}},
		{p: Peer{Key: ChatKey(1)}, peer: &tg.InputPeerChat{ChatID: 1}},
		{p: Peer{Key: ChannelKey(1), AccessHash: 3}, peer: &tg.InputPeerChannel{ChannelID: 1, AccessHash: 3}, channel: &tg.InputChannel{ChannelID: 1, AccessHash: 3}},
		{p: Peer{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.peer, tt.p.InputPeer()); diff != "" {
			t.Errorf("%v InputPeer (-want +got):\n%s", tt.p.Key, diff)
		}
		u, ok := tt.p.InputUser()
		if diff := cmp.Diff(tt.user, u); diff != "" || ok != (tt.user != nil) {
			t.Errorf("%v InputUser ok=%v (-want +got):\n%s", tt.p.Key, ok, diff)
		}
		c, ok := tt.p.InputChannel()
		if diff := cmp.Diff(tt.channel, c); diff != "" || ok != (tt.channel != nil) {
			t.Errorf("%v InputChannel ok=%v (-want +got):\n%s", tt.p.Key, ok, diff)
		}
	}
}

func TestPeerAddressable(t *testing.T) {
	tests := []struct {
		p    Peer
		want bool
	}{
		{Peer{Key: UserKey(1), AccessHash: 5}, true},
		{Peer{Key: UserKey(1), AccessHash: 5, Min: true}, false},
		{Peer{Key: ChatKey(1), Min: true}, true},
		{Peer{Key: ChannelKey(1), Min: true}, false},
		{Peer{}, false},
	}
	for _, tt := range tests {
		if got := tt.p.Addressable(); got != tt.want {
			t.Errorf("%+v.Addressable() = %v, want %v", tt.p, got, tt.want)
		}
	}
}
