package obfuscated

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
)

var tagPadded = [4]byte{0xdd, 0xdd, 0xdd, 0xdd}

func TestClientServerAgree(t *testing.T) {
	for _, secret := range [][]byte{nil, bytes.Repeat([]byte{7}, 16)} {
		r := rand.NewChaCha8([32]byte{1})
		wire, cenc, cdec, err := ClientHeader(r, tagPadded, -4, secret)
		if err != nil {
			t.Fatal(err)
		}
		h, senc, sdec, err := ParseHeader(&wire, secret, nil)
		if err != nil {
			t.Fatal(err)
		}
		if h.Tag != tagPadded || h.DC != -4 {
			t.Fatalf("header %+v", h)
		}
		msg := []byte("client to server, then back")
		ct := make([]byte, len(msg))
		cenc.XORKeyStream(ct, msg)
		sdec.XORKeyStream(ct, ct)
		senc.XORKeyStream(ct, ct)
		cdec.XORKeyStream(ct, ct)
		if !bytes.Equal(ct, msg) {
			t.Fatal("streams disagree")
		}
	}
}

// The derivation matches an independent computation of the documented
// scheme: key = init[8:40], iv = init[40:56], reversed for the other way,
// SHA-256(key || secret) with a secret.
func TestDerivation(t *testing.T) {
	var init [HeaderLen]byte
	for i := range init {
		init[i] = byte(i*7 + 3)
	}
	secret := []byte("0123456789abcdef")
	wire, enc, _, err := clientHeader(&init, tagPadded, 2, secret)
	if err != nil {
		t.Fatal(err)
	}
	k := sha256.Sum256(append(bytes.Clone(init[8:40]), secret...))
	b, _ := aes.NewCipher(k[:])
	ref := cipher.NewCTR(b, init[40:56])
	var want [HeaderLen]byte
	ref.XORKeyStream(want[:], init[:])
	if !bytes.Equal(wire[:56], init[:56]) || !bytes.Equal(wire[56:], want[56:]) {
		t.Fatalf("wire header\n%x\nwant tail %x", wire, want[56:])
	}
	if binary.LittleEndian.Uint16(init[60:]) != 2 || [4]byte(init[56:60]) != tagPadded {
		t.Fatal("tag or dc not stamped")
	}
	x, y := make([]byte, 32), make([]byte, 32)
	enc.XORKeyStream(x, make([]byte, 32))
	ref.XORKeyStream(y, make([]byte, 32))
	if !bytes.Equal(x, y) {
		t.Fatal("stream after header differs from reference")
	}
}

func TestForbidden(t *testing.T) {
	base := func() *[HeaderLen]byte {
		var h [HeaderLen]byte
		for i := range h {
			h[i] = 0x55
		}
		return &h
	}
	if Forbidden(base()) {
		t.Fatal("ordinary header forbidden")
	}
	for _, first := range []string{"HEAD", "POST", "GET ", "OPTI", "\xdd\xdd\xdd\xdd", "\xee\xee\xee\xee", "\x16\x03\x01\x02", "\xefabc"} {
		h := base()
		copy(h[:], first)
		if !Forbidden(h) {
			t.Errorf("%q allowed", first)
		}
	}
	h := base()
	clear(h[4:8])
	if !Forbidden(h) {
		t.Error("zero second word allowed")
	}
	// A source that only produces forbidden headers fails instead of looping.
	if _, _, _, err := ClientHeader(bytes.NewReader(make([]byte, 1<<20)), tagPadded, 1, nil); err == nil {
		t.Error("all-zero random source accepted")
	}
}

func TestParseHeaderRejects(t *testing.T) {
	r := rand.NewChaCha8([32]byte{2})
	wire, _, _, _ := ClientHeader(r, tagPadded, 1, []byte("0123456789abcdef"))
	if _, _, _, err := ParseHeader(&wire, []byte("fedcba9876543210"), nil); !errors.Is(err, ErrBadTag) {
		t.Errorf("wrong secret: %v", err)
	}
	var garbage [HeaderLen]byte
	copy(garbage[:], "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
	if _, _, _, err := ParseHeader(&garbage, nil, nil); !errors.Is(err, ErrBadTag) {
		t.Errorf("http request: %v", err)
	}
}

func FuzzParseHeader(f *testing.F) {
	wire, _, _, _ := ClientHeader(rand.NewChaCha8([32]byte{3}), tagPadded, 1, nil)
	f.Add(wire[:])
	f.Add(make([]byte, HeaderLen))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < HeaderLen {
			return
		}
		h, _, _, err := ParseHeader((*[HeaderLen]byte)(b[:HeaderLen]), nil, nil)
		if err == nil && !KnownTag(h.Tag) {
			t.Fatalf("accepted tag %x", h.Tag)
		}
	})
}
