package broadcast

import (
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// TestPrintsNoKey: the stream key shows in no rendering of a Config or a Stream.
func TestPrintsNoKey(t *testing.T) {
	// Every 4 bytes of the key hold a letter no hex digit is: redact.Leak looks for any 4 of
	// them, and a key of digits matched pointer addresses Check prints (0xc000861...).
	const key = "Kq9vX3mZ:Ab7YtQRw"
	cfg := Config{URL: "rtmps://dc4-1.rtmp.t.me/s/", Key: key}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{cfg, &cfg, s} { // Check also prints each inside a struct
		if err := redact.Check(v, []byte(key)); err != nil {
			t.Error(err)
		}
	}
}
