package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"testing"
)

// TestIGEMatchesGeneric checks the active implementation (assembly on amd64) against the portable
// one for random keys, IVs and lengths, both directions, separate and in-place buffers. Run with
// -tags purego to exercise the portable path as the active one.
func TestIGEMatchesGeneric(t *testing.T) {
	t.Logf("assembly path: %v", hasIGEAsm)
	r := NewDeterministicReader(7)
	for i := range 300 {
		key := [32]byte(randBytes(t, r, 32))
		iv0 := [32]byte(randBytes(t, r, 32))
		iv := func() *[32]byte { c := iv0; return &c } // each call advances its own copy
		n := 16 * (i % 70)
		src := randBytes(t, r, n)

		var k igeKey
		k.init(&key)
		var g genericKey
		g.init(&key)

		want := make([]byte, n)
		g.encrypt(want, src, iv())
		got := make([]byte, n)
		k.encrypt(got, src, iv())
		if !bytes.Equal(got, want) {
			t.Fatalf("encrypt len %d differs from generic", n)
		}
		inPlace := bytes.Clone(src)
		k.encrypt(inPlace, inPlace, iv())
		if !bytes.Equal(inPlace, want) {
			t.Fatalf("in-place encrypt len %d differs", n)
		}

		g.decrypt(got, want, iv())
		if !bytes.Equal(got, src) {
			t.Fatalf("generic decrypt len %d does not invert encrypt", n)
		}
		clear(got)
		k.decrypt(got, want, iv())
		if !bytes.Equal(got, src) {
			t.Fatalf("decrypt len %d does not invert encrypt", n)
		}
		k.decrypt(inPlace, inPlace, iv())
		if !bytes.Equal(inPlace, src) {
			t.Fatalf("in-place decrypt len %d differs", n)
		}
	}
}

// TestIGEFirstBlock pins the IV convention (c0 || p0) to a direct AES computation.
func TestIGEFirstBlock(t *testing.T) {
	r := NewDeterministicReader(8)
	key, iv, p := randBytes(t, r, 32), randBytes(t, r, 32), randBytes(t, r, 16)
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	var x [16]byte
	for i := range x {
		x[i] = p[i] ^ iv[i]
	}
	b.Encrypt(x[:], x[:])
	for i := range x {
		x[i] ^= iv[16+i]
	}
	got := make([]byte, 16)
	if err := IGEEncrypt(got, p, key, iv); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, x[:]) {
		t.Fatalf("first block = %x, want E(p^c0)^p0 = %x", got, x)
	}
}

func TestIGEErrors(t *testing.T) {
	key := make([]byte, 32)
	iv := make([]byte, 32)
	buf := make([]byte, 64)
	tests := []struct {
		name     string
		dst, src []byte
		key, iv  []byte
		want     error
	}{
		{"short key", buf, buf, key[:16], iv, ErrIGEKeySize},
		{"long key", buf, buf, append(key, 0), iv, ErrIGEKeySize},
		{"short iv", buf, buf, key, iv[:16], ErrIGEIVSize},
		{"partial block", buf[:15], buf[:15], key, iv, ErrIGELength},
		{"unaligned", buf[:33], buf[:33], key, iv, ErrIGELength},
		{"short dst", buf[:16], buf[:32], key, iv, ErrIGEShortDst},
		{"overlap ahead", buf[16:48], buf[:32], key, iv, ErrIGEOverlap},
		{"overlap behind", buf[:32], buf[16:48], key, iv, ErrIGEOverlap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := IGEEncrypt(tt.dst, tt.src, tt.key, tt.iv); !errorIs(err, tt.want) {
				t.Errorf("IGEEncrypt: %v, want %v", err, tt.want)
			}
			if err := IGEDecrypt(tt.dst, tt.src, tt.key, tt.iv); !errorIs(err, tt.want) {
				t.Errorf("IGEDecrypt: %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := NewIGE(key[:31]); !errorIs(err, ErrIGEKeySize) {
		t.Errorf("NewIGE(31 bytes) = %v", err)
	}
	var zero IGE
	if err := zero.Encrypt(buf, buf, iv); !errorIs(err, ErrIGENoKey) {
		t.Errorf("zero IGE: %v, want ErrIGENoKey", err)
	}
	if err := zero.Decrypt(buf, buf, iv); !errorIs(err, ErrIGENoKey) {
		t.Errorf("zero IGE: %v, want ErrIGENoKey", err)
	}
	// Empty input is a valid no-op.
	if err := IGEEncrypt(nil, nil, key, iv); err != nil {
		t.Errorf("empty: %v", err)
	}
}

func TestIGEAllocs(t *testing.T) {
	skipAllocs(t)
	if !hasIGEAsm {
		t.Skip("the portable path allocates its crypto/aes block once per key")
	}
	key, iv := make([]byte, 32), make([]byte, 32)
	buf := make([]byte, 4096)
	c, err := NewIGE(key)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"IGEEncrypt":  func() { _ = IGEEncrypt(buf, buf, key, iv) },
		"IGEDecrypt":  func() { _ = IGEDecrypt(buf, buf, key, iv) },
		"IGE.Encrypt": func() { _ = c.Encrypt(buf, buf, iv) },
		"IGE.Decrypt": func() { _ = c.Decrypt(buf, buf, iv) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocs, want 0", name, n)
		}
	}
}

// BenchmarkIGE compares IGE with a reused key against the standard library's AES-CBC encrypter
// (the same serial chain) in one run; the README reports the ratios.
func BenchmarkIGE(b *testing.B) {
	key, iv := make([]byte, 32), make([]byte, 32)
	for _, sz := range benchSizes {
		buf := make([]byte, sz.n)
		b.Run("CBCEncrypt/"+sz.name, func(b *testing.B) {
			blk, _ := aes.NewCipher(key)
			mode := cipher.NewCBCEncrypter(blk, iv[:16])
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				mode.CryptBlocks(buf, buf)
			}
		})
		b.Run("Encrypt/"+sz.name, func(b *testing.B) {
			c, _ := NewIGE(key)
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				_ = c.Encrypt(buf, buf, iv)
			}
		})
		b.Run("Decrypt/"+sz.name, func(b *testing.B) {
			c, _ := NewIGE(key)
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				_ = c.Decrypt(buf, buf, iv)
			}
		})
		b.Run("EncryptWithKeySetup/"+sz.name, func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				_ = IGEEncrypt(buf, buf, key, iv)
			}
		})
		b.Run("GenericEncrypt/"+sz.name, func(b *testing.B) {
			var g genericKey
			g.init((*[32]byte)(key))
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				g.encrypt(buf, buf, (*[32]byte)(iv))
			}
		})
	}
}

// TestIGEChaining checks the internal contract that iv carries the chain state, so a stream can
// be processed in pieces, and that the exported API leaves the caller's iv alone.
func TestIGEChaining(t *testing.T) {
	r := NewDeterministicReader(9)
	key := [32]byte(randBytes(t, r, 32))
	iv := randBytes(t, r, 32)
	src := randBytes(t, r, 16*20)
	whole := make([]byte, len(src))
	ivCopy := bytes.Clone(iv)
	if err := IGEEncrypt(whole, src, key[:], iv); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(iv, ivCopy) {
		t.Fatal("IGEEncrypt modified the caller's iv")
	}
	for _, impl := range []string{"active", "generic"} {
		var k igeKey
		k.init(&key)
		var g genericKey
		g.init(&key)
		enc, dec := k.encrypt, k.decrypt
		if impl == "generic" {
			enc, dec = g.encrypt, g.decrypt
		}
		chain := [32]byte(iv)
		pieces := make([]byte, len(src))
		for _, cut := range [][2]int{{0, 16}, {16, 64}, {64, 320}} {
			enc(pieces[cut[0]:cut[1]], src[cut[0]:cut[1]], &chain)
		}
		if !bytes.Equal(pieces, whole) {
			t.Fatalf("%s: encrypting in pieces differs", impl)
		}
		chain = [32]byte(iv)
		for _, cut := range [][2]int{{0, 48}, {48, 64}, {64, 320}} {
			dec(pieces[cut[0]:cut[1]], pieces[cut[0]:cut[1]], &chain)
		}
		if !bytes.Equal(pieces, src) {
			t.Fatalf("%s: decrypting in pieces differs", impl)
		}
	}
}
