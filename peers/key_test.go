package peers

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestKeyFromBotAPI(t *testing.T) {
	tests := []struct {
		id     int64
		want   Key
		wantOK bool
	}{
		{id: 1, want: UserKey(1), wantOK: true},
		{id: 777000, want: UserKey(777000), wantOK: true},
		{id: math.MaxInt64, want: UserKey(math.MaxInt64), wantOK: true},
		{id: -1, want: ChatKey(1), wantOK: true},
		{id: -999999999999, want: ChatKey(999999999999), wantOK: true},
		{id: -1000000000001, want: ChannelKey(1), wantOK: true},
		{id: -1001234567890, want: ChannelKey(1234567890), wantOK: true},
		{id: -1997852516352, want: ChannelKey(997852516352), wantOK: true},
		{id: -math.MaxInt64, want: ChannelKey(math.MaxInt64 - channelOffset), wantOK: true},
		{id: math.MinInt64},
		{id: 0},
		{id: -1000000000000},
	}
	for _, tt := range tests {
		got, ok := KeyFromBotAPI(tt.id)
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("KeyFromBotAPI(%d) = %v, %v; want %v, %v", tt.id, got, ok, tt.want, tt.wantOK)
		}
		if ok {
			if back := got.BotAPIID(); back != tt.id {
				t.Errorf("KeyFromBotAPI(%d).BotAPIID() = %d", tt.id, back)
			}
		}
	}
}

func TestKeyBotAPIIDInvalid(t *testing.T) {
	for _, k := range []Key{{}, {Kind: KindUser}, {Kind: 9, ID: 1}, ChannelKey(math.MaxInt64), UserKey(-5)} {
		if got := k.BotAPIID(); got != 0 {
			t.Errorf("%v.BotAPIID() = %d, want 0", k, got)
		}
	}
}

func TestKeysOfTGValues(t *testing.T) {
	tests := []struct {
		name string
		got  func() (Key, bool)
		want Key
	}{
		{"peerUser", func() (Key, bool) { return KeyOfPeer(&tg.PeerUser{UserID: 5}) }, UserKey(5)},
		{"peerChat", func() (Key, bool) { return KeyOfPeer(&tg.PeerChat{ChatID: 5}) }, ChatKey(5)},
		{"peerChannel", func() (Key, bool) { return KeyOfPeer(&tg.PeerChannel{ChannelID: 5}) }, ChannelKey(5)},
		{"nil peer", func() (Key, bool) { return KeyOfPeer(nil) }, Key{}},
		{"typed nil peer", func() (Key, bool) { return KeyOfPeer((*tg.PeerUser)(nil)) }, Key{}},
		{"zero id", func() (Key, bool) { return KeyOfPeer(&tg.PeerUser{}) }, Key{}},
		{"inputPeerUser", func() (Key, bool) { return KeyOfInputPeer(&tg.InputPeerUser{UserID: 6, AccessHash: 1}) }, UserKey(6)},
		{"inputPeerChat", func() (Key, bool) { return KeyOfInputPeer(&tg.InputPeerChat{ChatID: 6}) }, ChatKey(6)},
		{"inputPeerChannel", func() (Key, bool) { return KeyOfInputPeer(&tg.InputPeerChannel{ChannelID: 6}) }, ChannelKey(6)},
		{"user from message", func() (Key, bool) { return KeyOfInputPeer(&tg.InputPeerUserFromMessage{UserID: 7}) }, UserKey(7)},
		{"channel from message", func() (Key, bool) { return KeyOfInputPeer(&tg.InputPeerChannelFromMessage{ChannelID: 7}) }, ChannelKey(7)},
		{"self", func() (Key, bool) { return KeyOfInputPeer(&tg.InputPeerSelf{}) }, Key{}},
		{"user", func() (Key, bool) { return KeyOfUser(&tg.User{ID: 8}) }, UserKey(8)},
		{"userEmpty", func() (Key, bool) { return KeyOfUser(&tg.UserEmpty{ID: 8}) }, UserKey(8)},
		{"nil user", func() (Key, bool) { return KeyOfUser((*tg.User)(nil)) }, Key{}},
		{"chat", func() (Key, bool) { return KeyOfChat(&tg.Chat{ID: 9}) }, ChatKey(9)},
		{"chatForbidden", func() (Key, bool) { return KeyOfChat(&tg.ChatForbidden{ID: 9}) }, ChatKey(9)},
		{"chatEmpty", func() (Key, bool) { return KeyOfChat(&tg.ChatEmpty{ID: 9}) }, ChatKey(9)},
		{"channel", func() (Key, bool) { return KeyOfChat(&tg.Channel{ID: 9}) }, ChannelKey(9)},
		{"channelForbidden", func() (Key, bool) { return KeyOfChat(&tg.ChannelForbidden{ID: 9}) }, ChannelKey(9)},
		{"nil chat", func() (Key, bool) { return KeyOfChat(nil) }, Key{}},
		{"empty", func() (Key, bool) { return KeyOfInputPeer(&tg.InputPeerEmpty{}) }, Key{}},
	}
	for _, tt := range tests {
		got, ok := tt.got()
		if got != tt.want || ok != tt.want.Valid() {
			t.Errorf("%s: got %v, %v; want %v", tt.name, got, ok, tt.want)
		}
	}
}

func TestKeyPeerRoundTrip(t *testing.T) {
	for _, k := range []Key{UserKey(1), ChatKey(2), ChannelKey(3)} {
		back, ok := KeyOfPeer(k.Peer())
		if !ok || back != k {
			t.Errorf("KeyOfPeer(%v.Peer()) = %v, %v", k, back, ok)
		}
	}
	if p := (Key{}).Peer(); p != nil {
		t.Errorf("invalid key Peer() = %v, want nil", p)
	}
}

func TestKeyBinary(t *testing.T) {
	keys := []Key{UserKey(1), ChatKey(1), ChannelKey(1), UserKey(math.MaxInt64), ChannelKey(1 << 40)}
	for _, k := range keys {
		b, err := k.AppendBinary(nil)
		if err != nil || len(b) != KeySize {
			t.Fatalf("AppendBinary(%v) = %x, %v", k, b, err)
		}
		got, err := ParseKey(b)
		if err != nil || got != k {
			t.Errorf("ParseKey(%x) = %v, %v; want %v", b, got, err, k)
		}
	}
	for _, bad := range [][]byte{nil, {1}, make([]byte, KeySize), append([]byte{7}, make([]byte, 8)...), {1, 0x80, 0, 0, 0, 0, 0, 0, 1}} {
		if _, err := ParseKey(bad); !errors.Is(err, ErrCorruptRecord) {
			t.Errorf("ParseKey(%x) error = %v, want ErrCorruptRecord", bad, err)
		}
	}
}

func TestKeyString(t *testing.T) {
	got := []string{UserKey(1).String(), ChatKey(2).String(), ChannelKey(3).String(), Key{Kind: 9, ID: 4}.String()}
	want := []string{"user:1", "chat:2", "channel:3", "kind(9):4"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
}

// Every Bot API id a key gives back names that key again: ids with no Bot API form (a
// basic group id past 999999999999, a channel id past 2^63-1-10^12) give 0 rather than the id
// of another peer.
func TestBotAPIIDNamesItsKey(t *testing.T) {
	ids := []int64{1, 5, maxChatID - 1, maxChatID, maxChatID + 1, channelOffset, channelOffset + 5,
		2 * channelOffset, math.MaxInt64 - channelOffset, math.MaxInt64 - channelOffset + 1, math.MaxInt64}
	for _, kind := range []Kind{KindUser, KindChat, KindChannel} {
		for _, id := range ids {
			k := Key{Kind: kind, ID: id}
			b := k.BotAPIID()
			if b == 0 {
				continue
			}
			if back, ok := KeyFromBotAPI(b); !ok || back != k {
				t.Errorf("%v.BotAPIID() = %d, which names %v (ok %v)", k, b, back, ok)
			}
		}
	}
	if b := ChatKey(maxChatID + 1).BotAPIID(); b != 0 {
		t.Errorf("ChatKey(%d).BotAPIID() = %d, want 0", int64(maxChatID+1), b)
	}
}

// FuzzParseKey feeds stored key bytes to ParseKey: it never panics, fails only with
// ErrCorruptRecord, and what it accepts is a valid key that encodes back to the same bytes.
func FuzzParseKey(f *testing.F) {
	for _, k := range []Key{UserKey(1), ChatKey(maxChatID), ChannelKey(1234567890), UserKey(math.MaxInt64)} {
		b, _ := k.AppendBinary(nil)
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{9, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKey(data)
		if err != nil {
			if !errors.Is(err, ErrCorruptRecord) {
				t.Fatalf("error %v does not match ErrCorruptRecord", err)
			}
			return
		}
		if !k.Valid() {
			t.Fatalf("ParseKey(%x) = invalid key %v", data, k)
		}
		if b, _ := k.AppendBinary(nil); !bytes.Equal(b, data) {
			t.Fatalf("re-encoding differs:\n got %x\nwant %x", b, data)
		}
	})
}
