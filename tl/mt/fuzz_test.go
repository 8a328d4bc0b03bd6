package mt

import (
	"os"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tltest"
)

// FuzzDecodeObject feeds arbitrary bytes to the generic object decoder. The seed corpus in
// testdata/fuzz/FuzzDecodeObject holds encodings of generated random values.
func FuzzDecodeObject(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x15, 0xc4, 0xb5, 0x1c, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		tltest.CheckDecode(t, data, testRegistry)
	})
}

// TestWriteFuzzCorpus refreshes the committed seed corpus when TL_WRITE_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("TL_WRITE_CORPUS") != "1" {
		t.Skip("set TL_WRITE_CORPUS=1 to rewrite testdata/fuzz")
	}
	tltest.WriteCorpus(t, "FuzzDecodeObject", roundTripCases, 1)
}
