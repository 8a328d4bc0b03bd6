package mt

import (
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tltest"
)

// TestEncodeGolden checks that every constructor and function still encodes its seeded random
// values to the bytes recorded in testdata/encode_golden.txt (TL_WRITE_GOLDEN=1 rewrites it).
func TestEncodeGolden(t *testing.T) {
	tltest.EncodeGolden(t, roundTripCases, "testdata/encode_golden.txt")
}
