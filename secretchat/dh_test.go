package secretchat

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto"
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
