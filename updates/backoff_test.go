package updates

import (
	"math"
	"testing"
	"time"
)

// TestBackoffGrowsAndStaysPositive: the wait after n failures in a row doubles from RetryMin
// and stops at RetryMax, for any n. With a RetryMax near the largest duration (a program's way
// to say "no cap") the doubling overflowed into a negative wait after about twenty failures:
// the retry came at once, and again, a busy loop against a failing server.
func TestBackoffGrowsAndStaysPositive(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"defaults", Config{}},
		{"no cap", Config{RetryMin: time.Hour, RetryMax: math.MaxInt64}},
		{"cap past half the range", Config{RetryMin: time.Second, RetryMax: math.MaxInt64/2 + 1}},
		{"min at the cap", Config{RetryMin: time.Minute, RetryMax: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg.withDefaults()
			prev := time.Duration(0)
			for n := 1; n <= 200; n++ {
				d := backoff(cfg, n)
				if d < cfg.RetryMin || d > cfg.RetryMax || d < prev {
					t.Fatalf("backoff after %d failures %v (after %d: %v), want in [%v, %v] and not less",
						n, d, n-1, prev, cfg.RetryMin, cfg.RetryMax)
				}
				prev = d
			}
		})
	}
}
