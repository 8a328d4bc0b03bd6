// Package tgdate turns the times a user gives into Telegram dates: Unix seconds in a
// request's signed 32 bits, which hold 1901-12-13T20:45:52Z to 2038-01-19T03:14:07Z. A time
// outside, cut to 32 bits, would keep its low bits and name another date (2038-01-19T03:14:08Z
// would be 1901, the zero time.Time of year 1 some day in 1906), so every conversion of a
// user's time goes through here and either refuses it or gives it the meaning Telegram defines.
package tgdate

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
)

// ErrDate reports a time outside First to Last where a request wants a date. Packages types
// and mtgo re-export it.
var ErrDate = errors.New("mtgo: date out of range")

// First and Last are the earliest and the latest dates a request can carry.
var (
	First = time.Unix(math.MinInt32, 0).UTC()
	Last  = time.Unix(math.MaxInt32, 0).UTC()
)

// Of returns t as a Telegram date, or ErrDate naming field and t when it lies outside First
// to Last (the zero time included).
func Of(field string, t time.Time) (int32, error) {
	s := t.Unix()
	if s < math.MinInt32 || s > math.MaxInt32 {
		return 0, fmt.Errorf("%w: %s %s, want %s to %s", ErrDate, field,
			t.UTC().Format(time.RFC3339), First.Format(time.RFC3339), Last.Format(time.RFC3339))
	}
	return int32(s), nil
}

// OrZero is Of for a field where 0 means none: the zero time gives 0.
func OrZero(field string, t time.Time) (int32, error) {
	if t.IsZero() {
		return 0, nil
	}
	return Of(field, t)
}

// Opt is Of for an optional field: the zero time leaves it out.
func Opt(field string, t time.Time) (tl.Opt[int32], error) {
	if t.IsZero() {
		return tl.Opt[int32]{}, nil
	}
	d, err := Of(field, t)
	if err != nil {
		return tl.Opt[int32]{}, err
	}
	return tl.Some(d), nil
}

// Until returns t as the until_date of chatBannedRights, where 0 is for ever: the zero time
// gives 0, and so does a time outside First to Last, since Telegram takes any until_date less
// than 30 seconds or more than 366 days from now for ever too.
func Until(t time.Time) int32 {
	d, err := Of("until", t)
	if err != nil {
		return 0
	}
	return d
}
