// Package wirenum turns the counts, sizes, ids and durations a user gives into a request's
// signed 32-bit fields. Cut to 32 bits, an int keeps its low bits and names another value (a
// usage limit of 1<<32+1 would be 1, message id 1<<32+5 message 5, a duration of 2^32 seconds
// none at all), so every such conversion goes through here and refuses a value outside the
// field's range, naming the field. Package mtgo's id helpers (wireInt32 and those over it)
// and types' folder fields call Within with their own sentinels; dates are package tgdate's.
package wirenum

import (
	"errors"
	"fmt"
	"time"
)

// ErrRange reports a count, size or duration outside what its request field takes. Packages
// types and mtgo re-export it as ErrOutOfRange.
var ErrRange = errors.New("mtgo: value out of range")

// Within returns n when it lies in lo to hi (hi at most 2^31-1), or errRange naming field
// (when not empty), n and the range. Callers with a sentinel of their own (an id, a score)
// pass it as errRange, so errors.Is keeps matching it.
func Within(errRange error, field string, n, lo, hi int) (int32, error) {
	if n < lo || n > hi {
		if field != "" {
			field += " "
		}
		return 0, fmt.Errorf("%w: %s%d, want %d to %d", errRange, field, n, lo, hi)
	}
	return int32(n), nil
}

// Int is Within for ErrRange.
func Int(field string, n, lo, hi int) (int32, error) { return Within(ErrRange, field, n, lo, hi) }

// Seconds returns d in whole seconds, rounded down (1.9s is 1), when that lies in lo to hi
// (hi at most 2^31-1), or ErrRange naming field, d and the range; a negative d is refused
// whenever lo is not negative, sub-second ones included.
func Seconds(field string, d time.Duration, lo, hi int) (int32, error) {
	s := d / time.Second
	if d < 0 && lo >= 0 || s < time.Duration(lo) || s > time.Duration(hi) {
		return 0, fmt.Errorf("%w: %s %v, want %v to %v (whole seconds)", ErrRange, field, d,
			time.Duration(lo)*time.Second, time.Duration(hi)*time.Second)
	}
	return int32(s), nil
}
