package exchange

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
)

func TestParsePlain(t *testing.T) {
	body := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	for _, tc := range []struct {
		name   string
		packet []byte
		from   crypto.Side
		ok     bool
	}{
		{"client message", AppendPlain(nil, 0x51e57ac400000000, body), crypto.Client, true},
		{"server answer", AppendPlain(nil, 0x51e57ac400000001, body), crypto.Server, true},
		{"server message", AppendPlain(nil, 0x51e57ac400000003, body), crypto.Server, true},
		{"empty body", AppendPlain(nil, 4, nil), crypto.Client, true},
		{"client id from server", AppendPlain(nil, 0x51e57ac400000000, body), crypto.Server, false},
		{"server id from client", AppendPlain(nil, 0x51e57ac400000001, body), crypto.Client, false},
		{"low bits 2", AppendPlain(nil, 0x51e57ac400000002, body), crypto.Server, false},
		{"short header", AppendPlain(nil, 4, body)[:19], crypto.Client, false},
		{"auth key id", append([]byte{1}, AppendPlain(nil, 4, body)[1:]...), crypto.Client, false},
		{"length too long", AppendPlain(nil, 4, body)[:PlainHeaderSize+4], crypto.Client, false},
		{"length too short", append(AppendPlain(nil, 4, body), 0, 0, 0, 0), crypto.Client, false},
		{"length not aligned", AppendPlain(nil, 4, body[:3]), crypto.Client, false},
		{"body over the cap", AppendPlain(nil, 4, make([]byte, MaxPlainBody+4)), crypto.Client, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgID, got, err := ParsePlain(tc.packet, tc.from)
			if !tc.ok {
				if !errors.Is(err, ErrFraming) {
					t.Fatalf("error = %v, want ErrFraming", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(AppendPlain(nil, msgID, got), tc.packet) {
				t.Error("round trip differs")
			}
		})
	}
	if IsPlain(AppendPlain(nil, 4, nil)[:7]) || !IsPlain(AppendPlain(nil, 4, nil)) || IsPlain(make([]byte, 1)) {
		t.Error("IsPlain")
	}
}

func TestMsgIDs(t *testing.T) {
	for _, side := range []crypto.Side{crypto.Client, crypto.Server} {
		g := msgIDs{side: side}
		var last int64
		for i, now := range []time.Time{testNow, testNow, testNow.Add(-time.Hour), testNow.Add(time.Second)} {
			id := g.next(now)
			if id <= last {
				t.Errorf("%s id %d: %#x not above %#x", side, i, id, last)
			}
			if want := int64(side); /* 0 client, 1 server */ id&3 != want {
				t.Errorf("%s id %#x has low bits %d", side, id, id&3)
			}
			last = id
		}
		if got := g.next(testNow.Add(time.Hour)) >> 32; got != testNow.Add(time.Hour).Unix() {
			t.Errorf("%s id carries unix time %d", side, got)
		}
	}
}
