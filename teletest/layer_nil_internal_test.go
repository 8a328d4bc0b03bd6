package teletest

import (
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The layer-170 encoders answer a nil object with tl.ErrNilObject instead of panicking.
func TestLayer170EncodersRefuseNil(t *testing.T) {
	for name, enc := range map[string]tl.Encoder{
		"user":             user170{},
		"typed-nil user":   users170{(*tg.User)(nil)},
		"nil user":         users170{nil},
		"authorization":    authorization170{},
		"resolved peer":    resolvedPeer170{},
		"updates":          updates170{},
		"authorization of": authorization170{a: &tg.AuthAuthorization{User: (*tg.User)(nil)}},
	} {
		var b tl.Buffer
		if err := enc.Encode(&b); !errors.Is(err, tl.ErrNilObject) {
			t.Errorf("%s: %v, want tl.ErrNilObject", name, err)
		}
	}
}
