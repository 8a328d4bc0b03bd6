package crypto

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

func TestNewAuthKeyFromInt(t *testing.T) {
	k, err := NewAuthKeyFromInt(big.NewInt(0x0102))
	if err != nil {
		t.Fatal(err)
	}
	if k.Value[254] != 1 || k.Value[255] != 2 || !bytes.Equal(k.Value[:254], make([]byte, 254)) {
		t.Fatal("small value is not left padded")
	}
	sum := sha1.Sum(k.Value[:])
	if !bytes.Equal(k.ID[:], sum[12:20]) {
		t.Fatal("ID is not SHA1(value)[12:20]")
	}
	if k.IsZero() || !(&AuthKey{}).IsZero() {
		t.Fatal("IsZero wrong")
	}
	tooBig := new(big.Int).Lsh(big.NewInt(1), 2048)
	for _, x := range []*big.Int{nil, new(big.Int), big.NewInt(-1), tooBig} {
		if _, err := NewAuthKeyFromInt(x); !errorIs(err, ErrAuthKeyValue) {
			t.Errorf("NewAuthKeyFromInt(%v) = %v, want ErrAuthKeyValue", x, err)
		}
	}
}

func TestDeterministicReader(t *testing.T) {
	a := randBytes(t, NewDeterministicReader(1), 100)
	b := randBytes(t, NewDeterministicReader(1), 100)
	c := randBytes(t, NewDeterministicReader(2), 100)
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Fatal("reader is not a deterministic function of its seed")
	}
}

func TestSide(t *testing.T) {
	if Client.String() != "client" || Server.String() != "server" || Side(9).String() != "invalid side" {
		t.Fatal("Side.String")
	}
	if Client.Other() != Server || Server.Other() != Client || Client.x() != 0 || Server.x() != 8 {
		t.Fatal("Side.Other or x")
	}
}

// TestAuthKeyRedacted: no fmt verb and no slog handler prints the key, alone or inside a
// struct, by value or by pointer.
func TestAuthKeyRedacted(t *testing.T) {
	var v [256]byte
	for i := range v {
		v[i] = byte(i*37 + 11)
	}
	k := NewAuthKey(v)
	for _, x := range []any{k, &k, []AuthKey{k}} { // Check also prints each inside a struct
		if err := redact.Check(x, k.Value[:]); err != nil {
			t.Error(err)
		}
	}
	if got := k.String(); !strings.Contains(got, hex.EncodeToString(k.ID[:])) {
		t.Errorf("String = %q, want the key id", got)
	}
}

func TestIGERedacted(t *testing.T) {
	key := bytes.Repeat([]byte{0x5b, 0xe1, 0x07, 0x9c}, 8)
	c, err := NewIGE(key)
	if err != nil {
		t.Fatal(err)
	}
	// The schedule starts with the key itself; the later round keys derive from it.
	if err := redact.Check(c, key); err != nil {
		t.Error(err)
	}
}
