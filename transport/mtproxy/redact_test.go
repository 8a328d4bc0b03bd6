package mtproxy

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/transport"
)

func TestSecretRedacted(t *testing.T) {
	for name, s := range secrets() {
		t.Run(name, func(t *testing.T) {
			raw := s.Bytes()
			for _, v := range []any{s, &s, Config{Addr: "p:443", Secret: raw}, &Config{Secret: raw},
				NewServer(ServerConfig{Secret: s}), &ServerConfig{Secret: s}} { // Check also prints each inside a struct
				if err := redact.Check(v, testKey[:]); err != nil {
					t.Error(err)
				}
			}
			if s.Kind == FakeTLS && !strings.Contains(s.String(), s.Domain) {
				t.Errorf("String() = %q, want the domain", s.String())
			}
		})
	}
}

// TestParseSecretErrorsQuoteNothing: a secret that does not parse, or whose domain is not a host
// name, is rejected without echoing it.
func TestParseSecretErrorsQuoteNothing(t *testing.T) {
	key := hex.EncodeToString(testKey[:])
	tests := []struct {
		name, in string
		want     error
	}{
		{name: "neither hex nor base64", in: key + "!!", want: ErrSecret},
		{name: "wrong length", in: key + "00", want: ErrSecret},
		{name: "domain with a newline", in: "ee" + key + hex.EncodeToString([]byte("exa\nmple.com")), want: transport.ErrHost},
		{name: "domain with a space", in: "ee" + key + hex.EncodeToString([]byte("a b")), want: transport.ErrHost},
		{name: "domain too long", in: "ee" + key + hex.EncodeToString([]byte(strings.Repeat("a.", 127)+"bc")), want: transport.ErrHost},
		{name: "domain label too long", in: "ee" + key + hex.EncodeToString([]byte(strings.Repeat("a", 64)+".com")), want: transport.ErrHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSecret(tt.in)
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrSecret) {
				t.Fatalf("err = %v, want %v and ErrSecret", err, tt.want)
			}
			if form, ok := redact.Leak(err.Error(), testKey[:]); ok {
				t.Errorf("error shows the key (%s): %v", form, err)
			}
		})
	}
}
