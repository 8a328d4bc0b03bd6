package exchange

import (
	"encoding/binary"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/tl"
)

// TestStepsRedacted: the steps that hold new_nonce, a DH exponent or the key print none of it.
func TestStepsRedacted(t *testing.T) {
	var nonce tl.Int256
	var a [dhSecretSize]byte
	var v [256]byte
	for i := range v {
		v[i] = byte(i*29 + 5)
	}
	copy(nonce[:], v[10:])
	copy(a[:], v[50:])
	key := crypto.NewAuthKey(v)
	for _, step := range []any{
		&ClientAwaitDHParams{newNonce: nonce},
		&ClientAwaitDHGen{newNonce: nonce, key: key},
		&ServerAwaitClientDH{newNonce: nonce, a: a},
		ClientAwaitDHGen{key: key},
		&Result{AuthKey: key, ServerSalt: int64(binary.LittleEndian.Uint64(v[100:]))},
	} {
		if err := redact.Check(step, nonce[:], a[:], key.Value[:], v[100:108]); err != nil {
			t.Error(err)
		}
	}
}
