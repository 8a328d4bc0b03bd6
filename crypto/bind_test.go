package crypto

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func bindPlaintext(t testing.TB, n int) []byte {
	p := randBytes(t, NewDeterministicReader(uint64(n)), InnerHeaderSize+n)
	binary.LittleEndian.PutUint32(p[24:28], 0) // seq_no 0
	binary.LittleEndian.PutUint32(p[28:32], uint32(n))
	return p
}

func TestBindMessageRoundTrip(t *testing.T) {
	perm := testKey(t, 50)
	r := NewDeterministicReader(51)
	for n := 0; n <= 80; n += 4 {
		pt := bindPlaintext(t, n)
		enc, err := EncryptBindMessage(&perm, pt, r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc[:8], perm.ID[:]) || (len(enc)-EnvelopeSize)%16 != 0 || len(enc)-EnvelopeSize-len(pt) >= 16 {
			t.Fatalf("n=%d: bad layout, %d bytes", n, len(enc))
		}
		got, err := DecryptBindMessage(&perm, enc)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if !bytes.Equal(got, pt) {
			t.Fatalf("n=%d: round trip differs", n)
		}
	}
}

// TestBindMessageKey pins the MTProto 1.0 msg_key: SHA1 of the unpadded plaintext, bytes 4..20.
func TestBindMessageKey(t *testing.T) {
	perm := testKey(t, 52)
	pt := bindPlaintext(t, 40) // 72 bytes: 8 bytes of random padding follow
	enc, err := EncryptBindMessage(&perm, pt, NewDeterministicReader(53))
	if err != nil {
		t.Fatal(err)
	}
	want := sha1Sum(pt)
	if !bytes.Equal(enc[8:24], want[4:20]) {
		t.Fatalf("msg_key = %x, want SHA1(plaintext)[4:20] = %x", enc[8:24], want[4:20])
	}
}

func TestBindMessageRejects(t *testing.T) {
	perm := testKey(t, 54)
	other := testKey(t, 55)
	r := NewDeterministicReader(56)
	valid, err := EncryptBindMessage(&perm, bindPlaintext(t, 40), r)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		p := bytes.Clone(valid)
		p[i] ^= 1
		return p
	}
	// sealed encrypts data under a valid MTProto 1.0 msg_key for a chosen inner length.
	sealed := func(length uint32, total int) []byte {
		data := randBytes(t, r, total)
		binary.LittleEndian.PutUint32(data[28:32], length)
		end := min(InnerHeaderSize+int(length), total)
		s := sha1Sum(data[:end])
		mk := [16]byte(s[4:20])
		key, iv := oldKeyIV(&perm, Client, &mk)
		out := append(append(append([]byte(nil), perm.ID[:]...), mk[:]...), make([]byte, total)...)
		if err := IGEEncrypt(out[EnvelopeSize:], data, key[:], iv[:]); err != nil {
			t.Fatal(err)
		}
		return out
	}
	tests := map[string][]byte{
		"empty":            nil,
		"short":            valid[:40],
		"unaligned":        valid[:len(valid)-3],
		"other key":        func() []byte { p := bytes.Clone(valid); copy(p, other.ID[:]); return p }(),
		"tampered msg_key": flip(9),
		"tampered body":    flip(40),
		"length too long":  sealed(64, 80),
		"padding 16":       sealed(32, 80),
		"length unaligned": sealed(34, 80),
	}
	for name, pkt := range tests {
		if _, err := DecryptBindMessage(&perm, pkt); err != ErrBindMessage {
			t.Errorf("%s: %v, want ErrBindMessage", name, err)
		}
	}
	if _, err := DecryptBindMessage(&perm, sealed(40, 80)); err != nil {
		t.Errorf("control: %v", err)
	}
	if _, err := EncryptBindMessage(&perm, make([]byte, 30), r); !errorIs(err, ErrPlaintext) {
		t.Errorf("short plaintext: %v", err)
	}
}

func FuzzDecryptBindMessage(f *testing.F) {
	perm := testKey(f, 57)
	enc, err := EncryptBindMessage(&perm, bindPlaintext(f, 40), NewDeterministicReader(58))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Add(enc[:56])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if out, err := DecryptBindMessage(&perm, data); err == nil && len(out) < InnerHeaderSize {
			t.Fatalf("accepted %d bytes", len(out))
		}
	})
}
