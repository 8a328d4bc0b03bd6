package crypto

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
)

// testKey returns a reproducible auth key.
func testKey(t testing.TB, seed uint64) AuthKey {
	return NewAuthKey([256]byte(randBytes(t, NewDeterministicReader(seed), 256)))
}

// innerMessage builds a plaintext with the inner header and a body of n random bytes.
func innerMessage(t testing.TB, r io.Reader, n int) []byte {
	p := randBytes(t, r, InnerHeaderSize+n)
	binary.LittleEndian.PutUint32(p[28:32], uint32(n))
	return p
}

// sealRaw encrypts data exactly as given (it must already contain header, body and padding),
// computing a valid msg_key. It builds packets that pass the msg_key check but break other
// rules.
func sealRaw(key *AuthKey, from Side, data []byte) []byte {
	out := make([]byte, EnvelopeSize+len(data))
	copy(out, key.ID[:])
	mk := messageKey(key, from, data)
	copy(out[AuthKeyIDSize:], mk[:])
	k, iv := messageKeyIV(key, from, &mk)
	var c igeKey
	c.init(&k)
	c.encrypt(out[EnvelopeSize:], data, &iv)
	return out
}

func TestMessageRoundTrip(t *testing.T) {
	key := testKey(t, 1)
	r := NewDeterministicReader(2)
	for _, from := range []Side{Client, Server} {
		for n := 0; n <= 2100; n += 4 {
			pt := innerMessage(t, r, n)
			pkt, err := EncryptMessage([]byte("hdr"), &key, from, pt, r)
			if err != nil {
				t.Fatalf("%v n=%d: %v", from, n, err)
			}
			if string(pkt[:3]) != "hdr" {
				t.Fatal("EncryptMessage clobbered dst's prefix")
			}
			pkt = pkt[3:]
			if len(pkt) != EncryptedSize(len(pt)) {
				t.Fatalf("n=%d: packet %d bytes, EncryptedSize says %d", n, len(pkt), EncryptedSize(len(pt)))
			}
			if pad := len(pkt) - EnvelopeSize - len(pt); pad < 12 || pad > 27 || (len(pkt)-EnvelopeSize)%16 != 0 {
				t.Fatalf("n=%d: padding %d", n, pad)
			}
			if !bytes.Equal(pkt[:8], key.ID[:]) {
				t.Fatal("packet does not start with auth_key_id")
			}
			got, err := DecryptMessage([]byte("x"), &key, from, pkt)
			if err != nil {
				t.Fatalf("%v n=%d: decrypt: %v", from, n, err)
			}
			if !bytes.Equal(got[1:], pt) || got[0] != 'x' {
				t.Fatalf("%v n=%d: round trip differs", from, n)
			}
			// The receiver must use the sender's side; the other side's keys do not match.
			if _, err := DecryptMessage(nil, &key, from.Other(), pkt); err != ErrDecrypt {
				t.Fatalf("%v n=%d: decrypt as other side: %v, want ErrDecrypt", from, n, err)
			}
		}
	}
}

// TestMessageInPlace encrypts from headroom and decrypts over the packet itself.
func TestMessageInPlace(t *testing.T) {
	key := testKey(t, 3)
	r := NewDeterministicReader(4)
	pt := innerMessage(t, r, 200)
	buf := make([]byte, 0, 1024)
	copy(buf[EnvelopeSize:cap(buf)], pt)
	pkt, err := EncryptMessage(buf, &key, Client, buf[EnvelopeSize:EnvelopeSize+len(pt)], r)
	if err != nil {
		t.Fatal(err)
	}
	if &pkt[0] != &buf[:1][0] {
		t.Fatal("EncryptMessage reallocated despite enough capacity")
	}
	got, err := DecryptMessage(pkt[:0], &key, Client, pkt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, pt) {
		t.Fatal("in-place round trip differs")
	}
	// A destination ahead of the ciphertext would be overwritten before it is read.
	pkt2, _ := EncryptMessage(nil, &key, Client, pt, r)
	big := append(pkt2, make([]byte, 64)...)
	if _, err := DecryptMessage(big[EnvelopeSize+16:EnvelopeSize+16], &key, Client, big[:len(pkt2)]); !errorIs(err, ErrIGEOverlap) {
		t.Fatalf("overlapping ahead: %v, want ErrIGEOverlap", err)
	}
}

func TestEncryptMessageErrors(t *testing.T) {
	key := testKey(t, 5)
	r := NewDeterministicReader(6)
	for _, n := range []int{0, 4, 31, 33, 34, 35} {
		if _, err := EncryptMessage(nil, &key, Client, make([]byte, n), r); !errorIs(err, ErrPlaintext) {
			t.Errorf("plaintext of %d bytes: %v, want ErrPlaintext", n, err)
		}
	}
	if _, err := EncryptMessage(nil, &key, Client, make([]byte, 32), bytes.NewReader(nil)); !errorIs(err, io.EOF) {
		t.Errorf("empty random source: %v, want EOF", err)
	}
}

func TestDecryptMessageRejects(t *testing.T) {
	key := testKey(t, 7)
	other := testKey(t, 8)
	r := NewDeterministicReader(9)
	valid, err := EncryptMessage(nil, &key, Client, innerMessage(t, r, 64), r)
	if err != nil {
		t.Fatal(err)
	}
	// withLength builds a well-keyed packet whose inner length field says length while the
	// real body plus padding is total bytes.
	withLength := func(length uint32, total int) []byte {
		data := randBytes(t, r, total)
		binary.LittleEndian.PutUint32(data[28:32], length)
		return sealRaw(&key, Client, data)
	}
	mutate := func(i int) []byte {
		p := bytes.Clone(valid)
		p[i] ^= 0x40
		return p
	}
	tests := []struct {
		name   string
		packet []byte
		want   error
	}{
		{"empty", nil, ErrDecrypt},
		{"short id", valid[:5], ErrDecrypt},
		{"wrong auth_key_id", sealRaw(&other, Client, make([]byte, 64)), ErrAuthKeyID},
		{"id only", valid[:8], ErrDecrypt},
		{"truncated block", valid[:len(valid)-1], ErrDecrypt},
		{"too short for header and padding", valid[:EnvelopeSize+32], ErrDecrypt},
		{"tampered msg_key", mutate(10), ErrDecrypt},
		{"tampered ciphertext first block", mutate(EnvelopeSize), ErrDecrypt},
		{"tampered ciphertext last block", mutate(len(valid) - 1), ErrDecrypt},
		{"dropped last block", valid[:len(valid)-16], ErrDecrypt},
		{"good control", withLength(16, 64), nil},
		{"padding 12 (min)", withLength(20, 64), nil},
		{"padding 8 (short)", withLength(24, 64), ErrDecrypt},
		{"padding 0", withLength(32, 64), ErrDecrypt},
		{"inner length beyond data", withLength(1000, 64), ErrDecrypt},
		{"inner length huge", withLength(0xfffffffc, 64), ErrDecrypt},
		{"length not multiple of 4", withLength(18, 64), ErrDecrypt},
		{"padding 1024 (max)", withLength(0, 32+1024), nil},
		{"padding 1040 (too long)", withLength(0, 32+1040), ErrDecrypt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("keep")
			got, err := DecryptMessage(dst, &key, Client, tt.packet)
			if err != tt.want {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err != nil && (len(got) != 4 || string(got) != "keep") {
				t.Fatalf("failed decrypt returned %q, want dst unchanged", got)
			}
		})
	}
}

// TestDecryptMessageClearsOnFailure checks that unauthenticated plaintext does not linger in
// the caller's spare capacity.
func TestDecryptMessageClearsOnFailure(t *testing.T) {
	key := testKey(t, 10)
	r := NewDeterministicReader(11)
	data := randBytes(t, r, 64)
	binary.LittleEndian.PutUint32(data[28:32], 30) // misaligned
	pkt := sealRaw(&key, Client, data)
	dst := make([]byte, 0, 128)
	if _, err := DecryptMessage(dst, &key, Client, pkt); err != ErrDecrypt {
		t.Fatal(err)
	}
	if !bytes.Equal(dst[:64:64], make([]byte, 64)) {
		t.Fatal("decrypted bytes left in dst's capacity")
	}
}

func TestMessageAllocs(t *testing.T) {
	skipAllocs(t)
	if !hasIGEAsm {
		t.Skip("the portable path allocates its crypto/aes block once per message")
	}
	key := testKey(t, 12)
	r := NewDeterministicReader(13)
	pt := innerMessage(t, r, 1000)
	buf := make([]byte, 0, 2048)
	out := make([]byte, 0, 2048)
	pkt, _ := EncryptMessage(nil, &key, Server, pt, r)
	if n := testing.AllocsPerRun(100, func() {
		_, _ = EncryptMessage(buf, &key, Server, pt, r)
	}); n != 0 {
		t.Errorf("EncryptMessage: %v allocs, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := DecryptMessage(out, &key, Server, pkt); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("DecryptMessage: %v allocs, want 0", n)
	}
}

// referenceAccepts states the decryption rules plainly, for the differential fuzz target.
func referenceAccepts(plain []byte) bool {
	length := int(binary.LittleEndian.Uint32(plain[28:32]))
	padding := len(plain) - InnerHeaderSize - length
	return length%4 == 0 && padding >= MinPadding && padding <= MaxPadding
}

// FuzzDecryptMessage feeds arbitrary packets to DecryptMessage (which must never panic) and,
// sealing the same bytes with a valid msg_key, checks the length and padding rules against
// referenceAccepts.
func FuzzDecryptMessage(f *testing.F) {
	key := testKey(f, 14)
	r := NewDeterministicReader(15)
	for _, n := range []int{0, 4, 60, 500} {
		pkt, err := EncryptMessage(nil, &key, Client, innerMessage(f, r, n), r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(pkt)
		f.Add(pkt[EnvelopeSize:])
	}
	f.Add([]byte{})
	f.Add(make([]byte, 72))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, from := range []Side{Client, Server} {
			if got, err := DecryptMessage(nil, &key, from, data); err == nil {
				// Only a real encryption can pass; re-check its inner rules.
				if !referenceAccepts(append(got, make([]byte, MinPadding)...)) {
					t.Fatalf("accepted a packet that breaks the rules")
				}
			}
		}
		if len(data) < InnerHeaderSize || len(data)%16 != 0 {
			return
		}
		pkt := sealRaw(&key, Server, data)
		got, err := DecryptMessage(nil, &key, Server, pkt)
		if want := referenceAccepts(data); want != (err == nil) {
			t.Fatalf("DecryptMessage err = %v, reference accepts = %v", err, want)
		}
		if err == nil && !bytes.Equal(got, data[:len(got)]) {
			t.Fatal("plaintext differs from the sealed bytes")
		}
	})
}

// FuzzMessageRoundTrip checks encrypt-then-decrypt on fuzzer-chosen plaintexts and padding.
func FuzzMessageRoundTrip(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcdef"), []byte("padding-source-bytes-xxxxxxxxxxxx"), false)
	f.Add(make([]byte, 64), []byte{}, true)
	key := testKey(f, 16)
	f.Fuzz(func(t *testing.T, body, random []byte, server bool) {
		from := Client
		if server {
			from = Server
		}
		n := len(body) &^ 3
		pt := make([]byte, InnerHeaderSize+n)
		copy(pt[InnerHeaderSize:], body)
		binary.LittleEndian.PutUint32(pt[28:32], uint32(n))
		rnd := io.MultiReader(bytes.NewReader(random), NewDeterministicReader(uint64(len(random))))
		pkt, err := EncryptMessage(nil, &key, from, pt, rnd)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecryptMessage(nil, &key, from, pkt)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}

// BenchmarkMessage measures EncryptMessage and DecryptMessage with caller buffers; the size is
// the body after the 32-byte inner header.
func BenchmarkMessage(b *testing.B) {
	key := testKey(b, 17)
	for _, sz := range benchSizes {
		r := NewDeterministicReader(18)
		pt := innerMessage(b, r, sz.n)
		buf := make([]byte, 0, EncryptedSize(len(pt)))
		pkt, _ := EncryptMessage(nil, &key, Client, pt, r)
		out := make([]byte, 0, len(pkt))
		b.Run("Encrypt/"+sz.name, func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := EncryptMessage(buf, &key, Client, pt, r); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Decrypt/"+sz.name, func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecryptMessage(out, &key, Client, pkt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
