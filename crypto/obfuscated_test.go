package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"testing"
)

func TestObfuscatedStreamsMirror(t *testing.T) {
	r := NewDeterministicReader(40)
	for _, secret := range [][]byte{nil, randBytes(t, r, 16)} {
		init := [64]byte(randBytes(t, r, 64))
		cEnc, cDec, err := ObfuscatedStreams(&init, secret, Client)
		if err != nil {
			t.Fatal(err)
		}
		sEnc, sDec, err := ObfuscatedStreams(&init, secret, Server)
		if err != nil {
			t.Fatal(err)
		}
		up := randBytes(t, r, 1000)
		down := randBytes(t, r, 777)
		wire := make([]byte, len(up))
		cEnc.XORKeyStream(wire, up)
		if bytes.Equal(wire, up) {
			t.Fatal("client stream did not encrypt")
		}
		got := make([]byte, len(up))
		sDec.XORKeyStream(got, wire)
		if !bytes.Equal(got, up) {
			t.Fatal("server cannot read the client's stream")
		}
		wire = make([]byte, len(down))
		sEnc.XORKeyStream(wire, down)
		got = make([]byte, len(down))
		cDec.XORKeyStream(got, wire)
		if !bytes.Equal(got, down) {
			t.Fatal("client cannot read the server's stream")
		}
	}
}

// TestObfuscatedStreamsKeys spells out the derivation with crypto/aes directly.
func TestObfuscatedStreamsKeys(t *testing.T) {
	r := NewDeterministicReader(41)
	init := [64]byte(randBytes(t, r, 64))
	secret := randBytes(t, r, 16)
	ctr := func(key, iv []byte) cipher.Stream {
		b, err := aes.NewCipher(key)
		if err != nil {
			t.Fatal(err)
		}
		return cipher.NewCTR(b, iv)
	}
	var rev [48]byte
	for i := range rev {
		rev[i] = init[55-i]
	}
	hashed := func(k []byte) []byte {
		s := sha256.Sum256(append(append([]byte(nil), k...), secret...))
		return s[:]
	}
	tests := []struct {
		name          string
		secret        []byte
		encKey, encIV []byte
		decKey, decIV []byte
	}{
		{"plain", nil, init[8:40], init[40:56], rev[:32], rev[32:]},
		{"mtproxy secret", secret, hashed(init[8:40]), init[40:56], hashed(rev[:32]), rev[32:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, dec, err := ObfuscatedStreams(&init, tt.secret, Client)
			if err != nil {
				t.Fatal(err)
			}
			msg := make([]byte, 100)
			for name, pair := range map[string][2]cipher.Stream{
				"enc": {enc, ctr(tt.encKey, tt.encIV)},
				"dec": {dec, ctr(tt.decKey, tt.decIV)},
			} {
				got, want := make([]byte, len(msg)), make([]byte, len(msg))
				pair[0].XORKeyStream(got, msg)
				pair[1].XORKeyStream(want, msg)
				if !bytes.Equal(got, want) {
					t.Errorf("%s keystream differs from the spelled-out derivation", name)
				}
			}
		})
	}
	if _, _, err := ObfuscatedStreams(&init, nil, Side(7)); !errorIs(err, ErrSide) {
		t.Errorf("bad side: %v", err)
	}
}
