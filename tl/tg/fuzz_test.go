package tg

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
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

// FuzzDecodeCounts checks that decoding memory follows the bytes received: it takes a valid
// encoding of a random value of any constructor, overwrites one aligned word (a vector count,
// a string length, a flags word or an id) and appends pad zero bytes, which give a forged count
// room to pass the bytes-left check. Decoding must then allocate at most tltest.AllocBound of
// the input, whatever the count claims.
func FuzzDecodeCounts(f *testing.F) {
	for i, c := range roundTripCases {
		if c.Name == "messages.sponsoredMessages" || c.Name == "updates" || c.Name == "messages.messages" || i%97 == 0 {
			f.Add(uint16(i), uint64(i), uint16(2), uint32(0x7fffffff), uint16(60000))
			f.Add(uint16(i), uint64(i), uint16(3), uint32(1000), uint16(30000))
		}
	}
	f.Fuzz(func(t *testing.T, idx uint16, seed uint64, at uint16, word uint32, pad uint16) {
		v := roundTripCases[int(idx)%len(roundTripCases)].New(tltest.NewRand(seed))
		var b tl.Buffer
		if err := v.Encode(&b); err != nil {
			t.Fatalf("encode %T: %v", v, err)
		}
		if words := len(b.Buf) / 4; words > 0 {
			i := int(at) % words * 4
			binary.LittleEndian.PutUint32(b.Buf[i:], word)
		}
		tltest.CheckDecode(t, append(b.Buf, make([]byte, pad)...), testRegistry)
	})
}

// TestWriteFuzzCorpus refreshes the committed seed corpus when TL_WRITE_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("TL_WRITE_CORPUS") != "1" {
		t.Skip("set TL_WRITE_CORPUS=1 to rewrite testdata/fuzz")
	}
	tltest.WriteCorpus(t, "FuzzDecodeObject", roundTripCases, 61)
}
