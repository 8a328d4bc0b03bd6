package redis

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/updates"
)

// TestChannelValue: a channel's value is its pts, as the versions before wrote it, or
// pts/named with a guessed start. Whatever decodes encodes to the same value; anything
// else (no number, a pts named of 0, which is never written, more than one "/") is an
// error, which LoadUpdates reports as ErrCorrupt.
func TestChannelValue(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  updates.ChannelPts
		bad   bool
	}{
		{value: "6", want: updates.ChannelPts{ChannelID: 9, Pts: 6}},
		{value: "-3", want: updates.ChannelPts{ChannelID: 9, Pts: -3}},
		{value: "6/7", want: updates.ChannelPts{ChannelID: 9, Pts: 6, Named: 7}},
		{value: "2147483647/-2147483648", want: updates.ChannelPts{ChannelID: 9, Pts: 2147483647, Named: -2147483648}},
		{value: "6/0", bad: true},
		{value: "6/", bad: true},
		{value: "/7", bad: true},
		{value: "6/7/8", bad: true},
		{value: "6/2147483648", bad: true},
		{value: "", bad: true},
	} {
		got, err := decodeChannel(9, tc.value)
		if tc.bad {
			if err == nil {
				t.Errorf("%q decodes to %+v", tc.value, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.value, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.value, diff)
		}
		if back := string(encodeChannel(got)); back != tc.value {
			t.Errorf("%q encodes back to %q", tc.value, back)
		}
	}
}
