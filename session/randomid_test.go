package session

import (
	"errors"
	"strings"
	"testing"
)

// zeroSource gives zero bytes for its first zeros reads, then 0xff bytes; after limit reads it
// fails, so a caller that never stops drawing ends rather than hanging.
type zeroSource struct{ zeros, limit, reads int }

var errExhausted = errors.New("source exhausted")

func (z *zeroSource) Read(p []byte) (int, error) {
	z.reads++
	if z.reads > z.limit {
		return 0, errExhausted
	}
	fill := byte(0)
	if z.reads > z.zeros {
		fill = 0xff
	}
	for i := range p {
		p[i] = fill
	}
	return len(p), nil
}

// randomID draws again after a zero id, but a source that keeps giving zeros (broken or
// mocked) fails after a few draws instead of being read for ever.
func TestRandomIDZeroSource(t *testing.T) {
	for _, tc := range []struct {
		zeros   int
		want    int64 // 0: an error
		maxRead int
	}{
		{zeros: 0, want: -1, maxRead: 1},
		{zeros: 1, want: -1, maxRead: 2},
		{zeros: 1 << 20, maxRead: randomIDDraws},
	} {
		src := &zeroSource{zeros: tc.zeros, limit: 1 << 21}
		id, err := randomID(src)
		switch {
		case tc.want != 0 && (err != nil || id != tc.want):
			t.Errorf("%d zeros first: %d, %v; want %d", tc.zeros, id, err, tc.want)
		case tc.want == 0 && (err == nil || errors.Is(err, errExhausted) || !strings.Contains(err.Error(), "zero")):
			t.Errorf("%d zeros first: %d, %v; want an error naming the zero draws", tc.zeros, id, err)
		}
		if src.reads > tc.maxRead {
			t.Errorf("%d zeros first: %d draws, want at most %d", tc.zeros, src.reads, tc.maxRead)
		}
	}
}
