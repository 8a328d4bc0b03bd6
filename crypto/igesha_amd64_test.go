//go:build amd64 && !purego

package crypto

import (
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func requireSHAAsm(t *testing.T) {
	t.Helper()
	if !hasSHAAsm {
		t.Skip("CPU lacks the SHA extensions; the fused path is not used")
	}
}

// TestSHA256Digest compares the assembly SHA-256 with crypto/sha256 for every length up to 300
// and for writes split at every point.
func TestSHA256Digest(t *testing.T) {
	requireSHAAsm(t)
	data := randBytes(t, NewDeterministicReader(60), 1000)
	for n := 0; n <= 300; n++ {
		var d sha256Digest
		d.reset()
		d.write(data[:n])
		if got, want := d.sum(), sha256.Sum256(data[:n]); got != want {
			t.Fatalf("len %d: %x, want %x", n, got, want)
		}
	}
	for cut := 0; cut <= 200; cut++ {
		var d sha256Digest
		d.reset()
		d.write(data[:cut])
		d.write(data[cut:200])
		if d.sum() != sha256.Sum256(data[:200]) {
			t.Fatalf("split at %d differs", cut)
		}
	}
}

// TestDecryptMessageKeyFused checks the fused decrypt-and-hash against decrypting then hashing,
// for every block count up to 200 and both sides, in separate buffers and in place.
func TestDecryptMessageKeyFused(t *testing.T) {
	requireSHAAsm(t)
	r := NewDeterministicReader(61)
	key := testKey(t, 62)
	for blocks := 3; blocks <= 200; blocks++ {
		n := 16 * blocks
		ct := randBytes(t, r, n)
		aesKey := [32]byte(randBytes(t, r, 32))
		iv0 := [32]byte(randBytes(t, r, 32))
		var k igeKey
		k.init(&aesKey)
		for _, from := range []Side{Client, Server} {
			want := make([]byte, n)
			iv := iv0
			k.decrypt(want, ct, &iv)
			wantKey := messageKey(&key, from, want)

			got := make([]byte, n)
			iv = iv0
			gotKey := decryptMessageKey(&k, &key, from, got, ct, &iv)
			if !bytes.Equal(got, want) || gotKey != wantKey {
				t.Fatalf("%d bytes, %v: fused result differs", n, from)
			}
			// In place, with the output 24 bytes before the ciphertext as DecryptMessage does.
			buf := append(make([]byte, 24), ct...)
			iv = iv0
			gotKey = decryptMessageKey(&k, &key, from, buf[:n], buf[24:], &iv)
			if !bytes.Equal(buf[:n], want) || gotKey != wantKey {
				t.Fatalf("%d bytes, %v: in-place fused result differs", n, from)
			}
		}
	}
}

// TestGeneratedAssembly regenerates igesha_amd64.s and compares it with the committed file.
func TestGeneratedAssembly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	out := filepath.Join(t.TempDir(), "igesha_amd64.s")
	cmd := exec.Command("go", "run", "./internal/asmgen", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("igesha_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("igesha_amd64.s is stale: run go generate")
	}
}

func TestSum256Pair(t *testing.T) {
	requireSHAAsm(t)
	r := NewDeterministicReader(63)
	for range 50 {
		a, b := [52]byte(randBytes(t, r, 52)), [52]byte(randBytes(t, r, 52))
		sa, sb := sum256Pair(&a, &b)
		if sa != sha256.Sum256(a[:]) || sb != sha256.Sum256(b[:]) {
			t.Fatal("sum256Pair differs from crypto/sha256")
		}
	}
}

// TestFallbackWithoutExtensions runs the amd64 build as a CPU without AES-NI and SHA would: the
// dispatch must fall back to the portable code and still interoperate with the fast path.
func TestFallbackWithoutExtensions(t *testing.T) {
	key := testKey(t, 64)
	r := NewDeterministicReader(65)
	pt := innerMessage(t, r, 500)
	fast, err := EncryptMessage(nil, &key, Client, pt, r)
	if err != nil {
		t.Fatal(err)
	}
	savedIGE, savedSHA := hasIGEAsm, hasSHAAsm
	hasIGEAsm, hasSHAAsm = false, false
	defer func() { hasIGEAsm, hasSHAAsm = savedIGE, savedSHA }()

	got, err := DecryptMessage(nil, &key, Client, fast)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("portable path cannot decrypt the fast path's packet: %v", err)
	}
	slow, err := EncryptMessage(nil, &key, Server, pt, r)
	if err != nil {
		t.Fatal(err)
	}
	hasIGEAsm, hasSHAAsm = savedIGE, savedSHA
	got, err = DecryptMessage(nil, &key, Server, slow)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("fast path cannot decrypt the portable path's packet: %v", err)
	}
}
