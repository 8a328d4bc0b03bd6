package crypto

import (
	"bytes"
	"crypto/sha1"
	"math/big"
	"testing"
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
