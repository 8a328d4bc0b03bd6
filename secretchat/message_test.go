package secretchat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/crypto"
)

// sampleLayer returns n bytes standing for a layer's TL bytes.
func sampleLayer(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*31 + 7)
	}
	return p
}

func TestRoundTrip(t *testing.T) {
	key := testKey(t)
	for _, from := range []Role{Originator, Responder} {
		for _, n := range []int{28, 32, 36, 100, 1024, 4096 + 4} {
			layer := sampleLayer(n)
			payload, err := Encrypt(nil, &key, from, layer, crypto.NewDeterministicReader(uint64(n)))
			if err != nil {
				t.Fatalf("%v/%d: encrypt: %v", from, n, err)
			}
			if len(payload) != EncryptedSize(n) {
				t.Errorf("%v/%d: payload %d bytes, EncryptedSize says %d", from, n, len(payload), EncryptedSize(n))
			}
			got, err := Decrypt([]byte("prefix"), &key, from, payload)
			if err != nil {
				t.Fatalf("%v/%d: decrypt: %v", from, n, err)
			}
			if diff := cmp.Diff(append([]byte("prefix"), layer...), got); diff != "" {
				t.Errorf("%v/%d: (-want +got):\n%s", from, n, diff)
			}
			if _, err := Decrypt(nil, &key, from.Other(), payload); !errors.Is(err, ErrMsgKey) {
				t.Errorf("%v/%d: decrypt as the other role: %v, want ErrMsgKey", from, n, err)
			}
		}
	}
}

// forge encrypts plain (length prefix included) as a valid payload, so checks after msg_key
// can be exercised.
func forge(t *testing.T, key *crypto.AuthKey, plain []byte) []byte {
	t.Helper()
	p, err := crypto.EncryptMessage(nil, key, Originator.side(), plain, crypto.NewDeterministicReader(3))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// plainWithLength returns size bytes whose first four hold length.
func plainWithLength(length uint32, size int) []byte {
	p := make([]byte, size)
	binary.LittleEndian.PutUint32(p, length)
	return p
}

func TestDecryptErrors(t *testing.T) {
	key := testKey(t)
	other := testKeyFrom(t, loadVectors(t).Key46)
	good, err := Encrypt(nil, &key, Originator, sampleLayer(64), crypto.NewDeterministicReader(1))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		p := bytes.Clone(good)
		p[i] ^= 1
		return p
	}
	tests := []struct {
		name    string
		payload []byte
		role    Role
		want    error
	}{
		{"empty", nil, Originator, ErrShort},
		{"header only", good[:HeaderSize], Originator, ErrShort},
		{"unaligned", good[:len(good)-1], Originator, ErrAlignment},
		{"other key", forgeWith(t, &other, good), Originator, ErrFingerprint},
		{"fingerprint flipped", flip(0), Originator, ErrFingerprint},
		{"msg_key flipped", flip(FingerprintSize), Originator, ErrMsgKey},
		{"ciphertext flipped", flip(len(good) - 1), Originator, ErrMsgKey},
		{"truncated a block", good[:len(good)-16], Originator, ErrMsgKey},
		{"wrong role", good, Responder, ErrMsgKey},
		{"invalid role", good, Role(7), ErrRole},
		{"length beyond data", forge(t, &key, plainWithLength(1000, 32)), Originator, ErrLength},
		{"length not a multiple of 4", forge(t, &key, plainWithLength(6, 32)), Originator, ErrLength},
		{"padding under 12", forge(t, &key, plainWithLength(36, 32)), Originator, ErrPadding},
		{"padding over 1024", forge(t, &key, plainWithLength(4, 1100)), Originator, ErrPadding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("keep")
			got, err := Decrypt(dst, &key, tt.role, tt.payload)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if string(got) != "keep" {
				t.Errorf("dst changed to %q", got)
			}
		})
	}
}

// forgeWith re-encrypts good's plaintext layout under another key: a valid payload whose
// fingerprint is not key's.
func forgeWith(t *testing.T, key *crypto.AuthKey, good []byte) []byte {
	t.Helper()
	p, err := Encrypt(nil, key, Originator, sampleLayer(64), crypto.NewDeterministicReader(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != len(good) {
		t.Fatalf("forged %d bytes, want %d", len(p), len(good))
	}
	return p
}

func TestDecryptOverlap(t *testing.T) {
	key := testKey(t)
	payload, err := Encrypt(nil, &key, Originator, sampleLayer(64), crypto.NewDeterministicReader(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decrypt(payload[:0], &key, Originator, payload); !errors.Is(err, crypto.ErrIGEOverlap) {
		t.Errorf("shifted overlap: err = %v, want crypto.ErrIGEOverlap", err)
	}
	got, err := Decrypt(payload[:HeaderSize], &key, Originator, payload)
	if err != nil {
		t.Fatalf("in place: %v", err)
	}
	if diff := cmp.Diff(sampleLayer(64), got[HeaderSize:]); diff != "" {
		t.Errorf("in place (-want +got):\n%s", diff)
	}
}

func TestEncryptErrors(t *testing.T) {
	key := testKey(t)
	tests := []struct {
		name  string
		role  Role
		layer []byte
		want  error
	}{
		{"invalid role", Role(2), sampleLayer(64), ErrRole},
		{"not a multiple of 4", Originator, sampleLayer(63), crypto.ErrPlaintext},
		{"too short", Originator, sampleLayer(8), crypto.ErrPlaintext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Encrypt(nil, &key, tt.role, tt.layer, crypto.NewDeterministicReader(1)); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAllocs(t *testing.T) {
	key := testKey(t)
	layer := sampleLayer(512)
	rnd := crypto.NewDeterministicReader(9)
	payload := make([]byte, 0, EncryptedSize(len(layer)))
	plain := make([]byte, 0, EncryptedSize(len(layer)))
	enc := testing.AllocsPerRun(100, func() {
		var err error
		payload, err = Encrypt(payload[:0], &key, Responder, layer, rnd)
		if err != nil {
			t.Fatal(err)
		}
	})
	dec := testing.AllocsPerRun(100, func() {
		var err error
		plain, err = Decrypt(plain[:0], &key, Responder, payload)
		if err != nil {
			t.Fatal(err)
		}
	})
	if enc != 0 || dec != 0 {
		t.Errorf("allocations per call: encrypt %v, decrypt %v; want 0", enc, dec)
	}
}
