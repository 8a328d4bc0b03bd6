package crypto

import (
	"encoding/binary"
	"io"
	"math/rand/v2"
)

// NewDeterministicReader returns a reproducible stream of pseudo-random bytes derived from seed.
// It is for tests only: the output is predictable by anyone who knows the seed. Use
// crypto/rand.Reader in production.
func NewDeterministicReader(seed uint64) io.Reader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	copy(s[8:], "mtgo deterministic test reader")
	return rand.NewChaCha8(s)
}
