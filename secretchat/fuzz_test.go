package secretchat

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto"
)

// FuzzDecrypt feeds arbitrary payloads to Decrypt under the vectors' key: it returns the layer
// or one of its errors, never panics, and leaves dst's prefix alone.
func FuzzDecrypt(f *testing.F) {
	key := testKey(f)
	for _, m := range loadVectors(f).Messages {
		f.Add(unhex(f, m.Payload), m.From == "responder")
	}
	f.Add([]byte{}, false)
	f.Add(key.ID[:], true)
	f.Fuzz(func(t *testing.T, payload []byte, responder bool) {
		from := Originator
		if responder {
			from = Responder
		}
		got, err := Decrypt([]byte("pre"), &key, from, payload)
		if string(got[:3]) != "pre" {
			t.Fatalf("dst prefix changed: %q", got[:3])
		}
		if err != nil {
			for _, want := range []error{ErrShort, ErrFingerprint, ErrAlignment, ErrMsgKey, ErrLength, ErrPadding} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		if len(got)-3 > len(payload)-HeaderSize-4-crypto.MinPadding {
			t.Fatalf("%d plaintext bytes from a %d-byte payload", len(got)-3, len(payload))
		}
	})
}

// FuzzSeq feeds a sequence of (in_seq_no, out_seq_no) pairs to a tracker: it never panics, the
// counters only grow, and only StatusOK advances them.
func FuzzSeq(f *testing.F) {
	f.Add(false, []byte{})
	f.Add(true, []byte{0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0})
	f.Fuzz(func(t *testing.T, responder bool, pairs []byte) {
		role := Originator
		if responder {
			role = Responder
		}
		s, err := NewSeq(role, SeqState{})
		if err != nil {
			t.Fatal(err)
		}
		for len(pairs) >= 9 {
			if pairs[8]&1 == 1 {
				if _, _, err := s.Next(); err != nil {
					t.Fatal(err)
				}
			}
			in := int32(binary.LittleEndian.Uint32(pairs[0:4]))
			out := int32(binary.LittleEndian.Uint32(pairs[4:8]))
			pairs = pairs[9:]
			before := s.State()
			st, err := s.Receive(in, out)
			after := s.State()
			switch {
			case err == nil && st == StatusOK:
				if after.Received != before.Received+1 || after.PeerIn != in || after.PeerIn < before.PeerIn {
					t.Fatalf("ok (%d, %d): %+v -> %+v", in, out, before, after)
				}
			case after != before:
				t.Fatalf("%v, %v (%d, %d) changed state %+v -> %+v", st, err, in, out, before, after)
			}
		}
	})
}
