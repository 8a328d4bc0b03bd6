package wirenum

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestInt(t *testing.T) {
	for _, tt := range []struct {
		n, lo, hi int
		want      int32
		err       bool
	}{
		{0, 0, math.MaxInt32, 0, false},
		{math.MaxInt32, 0, math.MaxInt32, math.MaxInt32, false},
		{math.MaxInt32 + 1, 0, math.MaxInt32, 0, true},
		{1<<32 + 1, 1, math.MaxInt32, 0, true},
		{-1, 0, math.MaxInt32, 0, true},
		{0, 1, 31, 0, true},
		{31, 1, 31, 31, false},
		{32, 1, 31, 0, true},
	} {
		got, err := Int("count", tt.n, tt.lo, tt.hi)
		if got != tt.want || (err != nil) != tt.err || (err != nil && !errors.Is(err, ErrRange)) {
			t.Errorf("Int(%d, %d, %d) = %d, %v; want %d, error %v", tt.n, tt.lo, tt.hi, got, err, tt.want, tt.err)
		}
	}
}

func TestSeconds(t *testing.T) {
	const maxD = math.MaxInt32 * time.Second
	for _, tt := range []struct {
		d      time.Duration
		lo, hi int
		want   int32
		err    bool
	}{
		{0, 0, math.MaxInt32, 0, false},
		{1900 * time.Millisecond, 0, math.MaxInt32, 1, false},
		{999 * time.Millisecond, 0, math.MaxInt32, 0, false},
		{999 * time.Millisecond, 1, math.MaxInt32, 0, true},
		{-time.Millisecond, 0, math.MaxInt32, 0, true},
		{-time.Second, 0, math.MaxInt32, 0, true},
		{maxD + 999*time.Millisecond, 0, math.MaxInt32, math.MaxInt32, false},
		{maxD + time.Second, 0, math.MaxInt32, 0, true},
		{(1<<32 + 60) * time.Second, 0, math.MaxInt32, 0, true},
		{math.MaxInt64, 0, math.MaxInt32, 0, true},
		{math.MinInt64, 0, math.MaxInt32, 0, true},
	} {
		got, err := Seconds("period", tt.d, tt.lo, tt.hi)
		if got != tt.want || (err != nil) != tt.err || (err != nil && !errors.Is(err, ErrRange)) {
			t.Errorf("Seconds(%v, %d, %d) = %d, %v; want %d, error %v", tt.d, tt.lo, tt.hi, got, err, tt.want, tt.err)
		}
	}
}

// TestWithin: a caller's own sentinel is what the error matches (not ErrRange), and the
// message names the field when one is given.
func TestWithin(t *testing.T) {
	errID := errors.New("id out of range")
	for _, tt := range []struct {
		field string
		n     int
		want  string
	}{
		{"", 1<<32 + 5, "id out of range: 4294967301, want 1 to 2147483647"},
		{"folder", 0, "id out of range: folder 0, want 1 to 2147483647"},
	} {
		_, err := Within(errID, tt.field, tt.n, 1, math.MaxInt32)
		if !errors.Is(err, errID) || errors.Is(err, ErrRange) || err.Error() != tt.want {
			t.Errorf("Within(%q, %d) = %v, want %q matching only its sentinel", tt.field, tt.n, err, tt.want)
		}
	}
	if got, err := Within(errID, "", math.MaxInt32, 1, math.MaxInt32); got != math.MaxInt32 || err != nil {
		t.Errorf("Within(MaxInt32) = %d, %v", got, err)
	}
}
