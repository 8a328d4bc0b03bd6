package secretchat

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/redact"
)

func TestNewDHErrors(t *testing.T) {
	good := bytes.Repeat([]byte{0x5a}, RandomSize)
	// The largest 2048-bit odd number is not prime.
	composite := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 2048), big.NewInt(1))
	zero := make([]byte, RandomSize)
	tests := []struct {
		name   string
		params DHParams
		random []byte
		want   error
	}{
		{"short random", knownParams(), good[:255], ErrRandom},
		{"short server random", DHParams{G: 3, P: crypto.KnownDHPrime.Bytes(), Random: good[:10]}, good, ErrRandom},
		{"small prime", DHParams{G: 3, P: []byte{23}}, good, crypto.ErrDHPrimeSize},
		{"composite", DHParams{G: 3, P: composite.Bytes()}, good, crypto.ErrDHPrimeNotPrime},
		{"g out of range", DHParams{G: 8, P: crypto.KnownDHPrime.Bytes()}, good, crypto.ErrDHGenerator},
		{"g not a generator", DHParams{G: 2, P: crypto.KnownDHPrime.Bytes()}, good, crypto.ErrDHSubgroup},
		{"zero exponent", knownParams(), zero, crypto.ErrDHPublicRange},
		{"server random cancels", DHParams{G: 3, P: crypto.KnownDHPrime.Bytes(), Random: good}, good, crypto.ErrDHPublicRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewDH(tt.params, tt.random); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDHServerRandom(t *testing.T) {
	own := bytes.Repeat([]byte{0x0f}, RandomSize)
	server := bytes.Repeat([]byte{0xf0}, RandomSize)
	mixed, err := NewDH(DHParams{G: 3, P: crypto.KnownDHPrime.Bytes(), Random: server}, own)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := NewDH(knownParams(), bytes.Repeat([]byte{0xff}, RandomSize))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mixed.Public(), plain.Public()) {
		t.Errorf("server random was not XORed into the exponent")
	}
}

func TestDHKeyChecksPeer(t *testing.T) {
	d, err := NewDH(knownParams(), bytes.Repeat([]byte{0x5a}, RandomSize))
	if err != nil {
		t.Fatal(err)
	}
	p := crypto.KnownDHPrime
	margin := new(big.Int).Lsh(big.NewInt(1), 2048-64)
	b := func(x *big.Int) []byte { return x.Bytes() }
	tests := []struct {
		name string
		peer []byte
		want error
	}{
		{"empty", nil, ErrPublicSize},
		{"too long", make([]byte, 257), ErrPublicSize},
		{"one", []byte{1}, crypto.ErrDHPublicRange},
		{"p-1", b(new(big.Int).Sub(p, big.NewInt(1))), crypto.ErrDHPublicRange},
		{"p", b(p), crypto.ErrDHPublicRange},
		{"small", []byte{2}, crypto.ErrDHPublicUnsafe},
		{"below margin", b(new(big.Int).Sub(margin, big.NewInt(1))), crypto.ErrDHPublicUnsafe},
		{"near p", b(new(big.Int).Sub(p, margin)), crypto.ErrDHPublicUnsafe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := d.Key(tt.peer); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDHRedacted(t *testing.T) {
	d, err := NewDH(knownParams(), bytes.Repeat([]byte{0x5a}, RandomSize))
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		if got := fmt.Sprintf(verb, d); got != "secretchat.DH{[REDACTED]}" {
			t.Errorf("%s printed %q", verb, got)
		}
	}
}

// TestDHState: a DH survives State and RestoreDH (same public value, same key), a damaged
// state is refused, the exponent is redacted in every rendering, and Clear leaves a DH
// that refuses to compute.
func TestDHState(t *testing.T) {
	d, err := NewDH(knownParams(), bytes.Repeat([]byte{0x5a}, RandomSize))
	if err != nil {
		t.Fatal(err)
	}
	peer := newTestDH(t, 3)
	want, err := d.Key(peer.Public())
	if err != nil {
		t.Fatal(err)
	}
	st := d.State()
	back, err := RestoreDH(st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Key(peer.Public())
	if err != nil || !bytes.Equal(back.Public(), d.Public()) || got != want {
		t.Fatalf("restored DH: %v, same public %v, same key %v", err, bytes.Equal(back.Public(), d.Public()), got == want)
	}
	for _, v := range []any{st, &st} { // Check also prints each inside a struct
		if err := redact.Check(v, st.Exponent[:]); err != nil {
			t.Fatal(err)
		}
	}
	damaged := map[string]func(*DHState){
		"zero exponent": func(s *DHState) { clear(s.Exponent[:]) },
		"generator":     func(s *DHState) { s.G = 9 },
		"prime":         func(s *DHState) { s.P[255] ^= 2 },
		"short prime":   func(s *DHState) { s.P[0] = 0 },
	}
	for name, damage := range damaged {
		x := st
		damage(&x)
		if _, err := RestoreDH(x); err == nil {
			t.Errorf("%s: restored", name)
		}
	}
	st.Clear()
	if st.Exponent != [RandomSize]byte{} {
		t.Fatal("DHState.Clear left exponent bytes")
	}
	d.Clear()
	d.Clear() // twice is fine
	if _, err := d.Key(peer.Public()); !errors.Is(err, ErrCleared) {
		t.Fatalf("key after Clear: %v", err)
	}
	if d.State() != (DHState{}) {
		t.Fatal("state of a cleared DH")
	}
}
