package tgdate

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
)

// TestDates converts the edges of the 32-bit range and the times past them with each
// function: inside they give the Unix seconds, outside Of, OrZero and Opt fail with ErrDate
// and Until gives 0 (for ever); the zero time is none for OrZero and Opt and for ever for
// Until.
func TestDates(t *testing.T) {
	var (
		last     = time.Date(2038, 1, 19, 3, 14, 7, 999999999, time.UTC)
		pastLast = time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC)
		first    = time.Date(1901, 12, 13, 20, 45, 52, 0, time.UTC)
		preFirst = time.Date(1901, 12, 13, 20, 45, 51, 0, time.UTC)
		epoch1   = time.Unix(1e9, 0).In(time.FixedZone("east", 3*3600))
	)
	type out struct {
		Of     int32
		OfErr  bool
		OrZero int32
		OrErr  bool
		Opt    tl.Opt[int32]
		OptErr bool
		Until  int32
	}
	tests := []struct {
		name string
		t    time.Time
		want out
	}{
		{"zero", time.Time{}, out{OfErr: true, Until: 0}},
		{"last", last, out{Of: math.MaxInt32, OrZero: math.MaxInt32, Opt: tl.Some[int32](math.MaxInt32), Until: math.MaxInt32}},
		{"past last", pastLast, out{OfErr: true, OrErr: true, OptErr: true}},
		{"year 3000", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), out{OfErr: true, OrErr: true, OptErr: true}},
		{"first", first, out{Of: math.MinInt32, OrZero: math.MinInt32, Opt: tl.Some[int32](math.MinInt32), Until: math.MinInt32}},
		{"before first", preFirst, out{OfErr: true, OrErr: true, OptErr: true}},
		{"year 1 not zero", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), out{OfErr: true, OrErr: true, OptErr: true}},
		{"in a zone", epoch1, out{Of: 1e9, OrZero: 1e9, Opt: tl.Some[int32](1e9), Until: 1e9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got out
			var err error
			got.Of, err = Of("f", tt.t)
			got.OfErr = wantDateErr(t, "Of", err)
			got.OrZero, err = OrZero("f", tt.t)
			got.OrErr = wantDateErr(t, "OrZero", err)
			got.Opt, err = Opt("f", tt.t)
			got.OptErr = wantDateErr(t, "Opt", err)
			got.Until = Until(tt.t)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// wantDateErr reports whether err is set, failing the test unless it is nil or ErrDate.
func wantDateErr(t *testing.T, fn string, err error) bool {
	t.Helper()
	if err != nil && !errors.Is(err, ErrDate) {
		t.Errorf("%s: %v, want ErrDate", fn, err)
	}
	return err != nil
}

// TestDateErrorNamesField checks that the error names the field, the time and the range.
func TestDateErrorNamesField(t *testing.T) {
	_, err := Of("close date", time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC))
	const want = "mtgo: date out of range: close date 2038-01-19T03:14:08Z, want 1901-12-13T20:45:52Z to 2038-01-19T03:14:07Z"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}
