package crypto

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testRSAKey is a fixed 2048-bit key (testdata/rsa_test_key.pem, made with openssl genrsa for
// these tests and nothing else): generating one costs seconds, in every fuzz worker too.
var testRSAKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	data, err := os.ReadFile("testdata/rsa_test_key.pem")
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("testdata/rsa_test_key.pem: no PEM block")
	}
	return x509.ParsePKCS1PrivateKey(block.Bytes)
})

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := testRSAKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestTelegramKeys(t *testing.T) {
	keys := TelegramKeys()
	var got []uint64
	for _, k := range keys {
		got = append(got, uint64(k.Fingerprint))
		if k.N.BitLen() != 2048 || k.E != 65537 {
			t.Errorf("key %x: %d bits, e = %d", uint64(k.Fingerprint), k.N.BitLen(), k.E)
		}
	}
	// The fingerprints printed next to each key in server-keys.pem.
	want := []uint64{0xd09d1d85de64fd85, 0xb25898df208d2603}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("fingerprints (-want +got):\n%s", diff)
	}
	// The result is a copy: appending or editing must not reach the package's list.
	keys[0].Fingerprint = 1
	_ = append(keys[:1], PublicKey{})
	if TelegramKeys()[0].Fingerprint == 1 || TelegramKeys()[1].Fingerprint == 0 {
		t.Fatal("TelegramKeys shares its backing array")
	}
	k, ok := FindKey(TelegramKeys(), []int64{42, int64(-0x4da76720df72d9fd)})
	if !ok || uint64(k.Fingerprint) != 0xb25898df208d2603 {
		t.Fatalf("FindKey = %x, %v", uint64(k.Fingerprint), ok)
	}
	if _, ok := FindKey(TelegramKeys(), []int64{42}); ok {
		t.Fatal("FindKey found an unknown fingerprint")
	}
}

func TestParsePublicKeysPKIX(t *testing.T) {
	priv := rsaKey(t)
	pkix, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := x509.MarshalPKCS1PublicKey(&priv.PublicKey)
	data := "leading comment\n" +
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})) +
		"between\n" +
		string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: pkcs1}))
	keys, err := ParsePublicKeys([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].Fingerprint != keys[1].Fingerprint ||
		keys[0].Fingerprint != Fingerprint(&priv.PublicKey) || !keys[0].Equal(&priv.PublicKey) {
		t.Fatalf("PKIX and PKCS#1 encodings of one key parsed differently: %+v", keys)
	}
}

func TestParsePublicKeysErrors(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	block := func(typ string, b []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}))
	}
	tests := []struct {
		name string
		data string
		want error
	}{
		{"empty", "", ErrNoKeys},
		{"no blocks", "just text\n", ErrNoKeys},
		{"private key block", block("RSA PRIVATE KEY", []byte{1}), ErrKeyType},
		{"certificate", block("CERTIFICATE", []byte{1}), ErrKeyType},
		{"1024-bit key", block("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&small.PublicKey)), ErrKeySize},
		{"garbage pkcs1", block("RSA PUBLIC KEY", []byte("nope")), nil},
		{"garbage pkix", block("PUBLIC KEY", []byte("nope")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := ParsePublicKeys([]byte(tt.data))
			if err == nil || keys != nil {
				t.Fatalf("got %v, %v; want an error", keys, err)
			}
			if tt.want != nil && !errorIs(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	// A good block followed by a bad one fails as a whole.
	good := string(telegramKeysPEM)
	if _, err := ParsePublicKeys([]byte(good + block("RSA PUBLIC KEY", []byte("x")))); err == nil ||
		!strings.Contains(err.Error(), "block 3") {
		t.Fatalf("error should name the third block: %v", err)
	}
}

// FuzzParsePublicKeys checks that arbitrary PEM input never panics and that every accepted key
// is a 2048-bit key with a consistent fingerprint.
func FuzzParsePublicKeys(f *testing.F) {
	f.Add(telegramKeysPEM)
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n"))
	f.Add([]byte("-----BEGIN RSA PUBLIC KEY-----\n\n-----END RSA PUBLIC KEY-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := ParsePublicKeys(data)
		if err != nil {
			return
		}
		for _, k := range keys {
			if k.N.BitLen() != 2048 || k.Fingerprint != Fingerprint(k.PublicKey) {
				t.Fatalf("accepted a bad key: %d bits", k.N.BitLen())
			}
		}
	})
}

// countingReader counts bytes read, to observe RSAPad's retries.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestRSAPadRoundTrip(t *testing.T) {
	priv := rsaKey(t)
	r := NewDeterministicReader(20)
	for _, n := range []int{0, 1, 96, RSAPadMaxData} {
		data := randBytes(t, r, n)
		enc, err := RSAPad(r, &priv.PublicKey, data)
		if err != nil {
			t.Fatal(err)
		}
		if len(enc) != 256 {
			t.Fatalf("ciphertext is %d bytes", len(enc))
		}
		got, err := RSAPadDecrypt(priv, enc)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if len(got) != 192 || !bytes.Equal(got[:n], data) {
			t.Fatalf("n=%d: decrypted payload differs", n)
		}
	}
}

// TestRSAPadRetry uses the identity "RSA" (e = d = 1) over n = 2^2047 + 1, so the padded block
// is visible and about half of all candidates are >= n and must be retried.
func TestRSAPadRetry(t *testing.T) {
	n := new(big.Int).Lsh(big.NewInt(1), 2047)
	n.Add(n, big.NewInt(1))
	pub := &rsa.PublicKey{N: n, E: 1}
	priv := &rsa.PrivateKey{PublicKey: *pub, D: big.NewInt(1)}
	retried := false
	for seed := range uint64(16) {
		cr := &countingReader{r: NewDeterministicReader(seed)}
		data := []byte("p_q_inner_data")
		enc, err := RSAPad(cr, pub, data)
		if err != nil {
			t.Fatal(err)
		}
		if new(big.Int).SetBytes(enc).Cmp(n) >= 0 {
			t.Fatal("result is not below the modulus")
		}
		if cr.n > 192-len(data)+32 {
			retried = true
		}
		got, err := RSAPadDecrypt(priv, enc)
		if err != nil || !bytes.Equal(got[:len(data)], data) {
			t.Fatalf("seed %d: round trip failed: %v", seed, err)
		}
	}
	if !retried {
		t.Fatal("no seed exercised the retry path")
	}
}

func TestRSAPadErrors(t *testing.T) {
	priv := rsaKey(t)
	r := NewDeterministicReader(21)
	if _, err := RSAPad(r, &priv.PublicKey, make([]byte, RSAPadMaxData+1)); !errorIs(err, ErrRSAPadData) {
		t.Errorf("long data: %v", err)
	}
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	if _, err := RSAPad(r, &small.PublicKey, nil); !errorIs(err, ErrKeySize) {
		t.Errorf("small key: %v", err)
	}
	if _, err := RSAPad(bytes.NewReader(make([]byte, 10)), &priv.PublicKey, nil); !errorIs(err, io.ErrUnexpectedEOF) {
		t.Errorf("short random source: %v", err)
	}
	enc, err := RSAPad(r, &priv.PublicKey, []byte("data"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(enc)
	flipped[100] ^= 1
	for name, tc := range map[string]struct {
		key *rsa.PrivateKey
		enc []byte
	}{
		"wrong key":   {other, enc},
		"flipped bit": {priv, flipped},
		"short":       {priv, enc[1:]},
		"long":        {priv, append(bytes.Clone(enc), 0)},
		"above n":     {priv, bytes.Repeat([]byte{0xff}, 256)},
		"nil key":     {nil, enc},
	} {
		if _, err := RSAPadDecrypt(tc.key, tc.enc); err != ErrRSAPadDecrypt {
			t.Errorf("%s: %v, want ErrRSAPadDecrypt", name, err)
		}
	}
}

// FuzzRSAPadUnwrap explores the padding layer under the RSA step, where the fuzzer's changes
// land as made (through the RSA step every change scrambles the whole block): nothing panics,
// and whatever unwraps wraps back to the same block with the temp key it carries.
func FuzzRSAPadUnwrap(f *testing.F) {
	r := NewDeterministicReader(24)
	for _, n := range []int{0, 1, 96, RSAPadMaxData} {
		var padded [rsaPadPadded]byte
		var tempKey [32]byte
		var block [rsaSize]byte
		_, _ = io.ReadFull(r, padded[n:])
		_, _ = io.ReadFull(r, tempKey[:])
		if err := rsaPadWrap(&block, &padded, &tempKey); err != nil {
			f.Fatal(err)
		}
		f.Add(block[:])
	}
	f.Add(make([]byte, rsaSize))
	f.Fuzz(func(t *testing.T, data []byte) {
		var block [rsaSize]byte
		copy(block[:], data)
		out, ok := rsaPadUnwrap(&block)
		if !ok {
			return
		}
		if len(out) != rsaPadPadded {
			t.Fatalf("unwrapped %d bytes", len(out))
		}
		sum := sha256.Sum256(block[32:])
		var tempKey [32]byte
		subtle.XORBytes(tempKey[:], block[:32], sum[:])
		var again [rsaSize]byte
		if err := rsaPadWrap(&again, (*[rsaPadPadded]byte)(out), &tempKey); err != nil || again != block {
			t.Fatalf("unwrapped block does not wrap back: %v", err)
		}
	})
}

// FuzzRSAPadDecrypt checks the server-side decoder never panics on arbitrary ciphertexts.
func FuzzRSAPadDecrypt(f *testing.F) {
	priv := rsaKey(f)
	enc, err := RSAPad(NewDeterministicReader(22), &priv.PublicKey, []byte("seed"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Add(make([]byte, 256))
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := RSAPadDecrypt(priv, data)
		if err == nil && len(out) != 192 {
			t.Fatalf("accepted with %d bytes", len(out))
		}
	})
}

func BenchmarkRSAPad(b *testing.B) {
	key := TelegramKeys()[0]
	r := NewDeterministicReader(23)
	data := make([]byte, 96)
	for b.Loop() {
		if _, err := RSAPad(r, key.PublicKey, data); err != nil {
			b.Fatal(err)
		}
	}
}
