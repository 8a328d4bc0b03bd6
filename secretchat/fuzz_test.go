package secretchat

import (
	"encoding/binary"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl/e2e"
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

// FuzzRekey drives one party's Keys with an arbitrary sequence of calls and peer actions
// (small exchange_ids so that they collide, valid and junk DH values, right and wrong
// fingerprints): it never panics, and its state always survives State and RestoreKeys.
func FuzzRekey(f *testing.F) {
	key := testKey(f)
	own, peer := newTestDH(f, 51), newTestDH(f, 52)
	newKey, err := own.Key(peer.Public())
	if err != nil {
		f.Fatal(err)
	}
	fps := []int64{0, Fingerprint(&key), Fingerprint(&newKey)}
	half := func() *DH { // a copy of own (no exponentiation): Keys clears the halves it uses
		d := *own
		d.a = new(big.Int).Set(own.a)
		return &d
	}
	publics := [][]byte{nil, {2}, peer.Public(), own.Public()}
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte{1, 0x20, 3, 0x21, 4, 0x22, 8, 9})
	f.Add([]byte{0, 0x0b, 0x2b, 0, 3})
	f.Fuzz(func(t *testing.T, ops []byte) {
		k, _ := NewKeys(Role(len(ops)&1), key, t0)
		for i := 0; i < len(ops); i++ {
			op, arg := ops[i]&0x0f, int64(ops[i]>>4)
			id := arg & 3
			switch op {
			case 0:
				_, _ = k.Start(half(), id, t0)
			case 1:
				_, _ = k.Handle(&e2e.DecryptedMessageActionRequestKey{ExchangeID: id, GA: publics[arg&3]}, t0)
			case 2:
				_, _ = k.Accept(half())
			case 3:
				_, _ = k.Handle(&e2e.DecryptedMessageActionAcceptKey{ExchangeID: id, GB: publics[arg&3], KeyFingerprint: fps[arg%3]}, t0)
			case 4:
				_ = k.Commit(t0)
			case 5:
				_, _ = k.Handle(&e2e.DecryptedMessageActionCommitKey{ExchangeID: id, KeyFingerprint: fps[arg%3]}, t0)
			case 6:
				_, _ = k.Handle(&e2e.DecryptedMessageActionAbortKey{ExchangeID: id}, t0)
			case 7:
				k.Received(fps[arg%3], t0)
			case 8:
				k.Delivered(fps[arg%3])
			case 9:
				_ = k.Abort()
			case 10:
				_, _, _ = k.Open(nil, append(k.Key().ID[:], make([]byte, 40)...))
			case 11:
				_ = k.Expire(Policy{Wait: time.Second}, t0.Add(time.Duration(arg)*time.Second))
			}
			if _, _, err := RestoreKeys(k.role, k.State()); err != nil {
				t.Fatalf("after op %d: %v", i, err)
			}
		}
	})
}

// FuzzDecodeLayer feeds arbitrary decrypted bytes to DecodeLayer: it never panics, and what it
// accepts carries at least MinRandomBytes random bytes and re-encodes to bytes it accepts too.
func FuzzDecodeLayer(f *testing.F) {
	for _, m := range loadVectors(f).Messages {
		f.Add(unhex(f, m.Layer))
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeLayer(data)
		if err != nil {
			return
		}
		if len(m.RandomBytes) < MinRandomBytes {
			t.Fatalf("accepted %d random bytes", len(m.RandomBytes))
		}
		again, err := EncodeLayer(nil, m)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if _, err := DecodeLayer(again); err != nil {
			t.Fatalf("decode of the re-encoding: %v", err)
		}
	})
}
