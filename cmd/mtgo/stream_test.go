package main

import (
	"errors"
	"testing"
)

// TestLinePrinterEnds checks the updates command's end: once --limit lines were printed or
// a print failed (stdout closed), later updates print nothing and end nothing twice, though
// handlers of other chats keep calling while the command stops.
func TestLinePrinterEnds(t *testing.T) {
	broken := errors.New("broken pipe")
	for _, tt := range []struct {
		name    string
		limit   int
		fail    bool
		printed int
		want    error
	}{
		{name: "limit", limit: 2, printed: 2},
		{name: "stdout closed", fail: true, want: broken},
		{name: "stdout closed with a limit", limit: 2, fail: true, want: broken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			printed := 0
			p := newLinePrinter(func(any) error {
				if tt.fail {
					return broken
				}
				printed++
				return nil
			}, tt.limit)
			for range 5 {
				p.print("line")
			}
			select {
			case <-p.done:
			default:
				t.Fatal("the stream did not end")
			}
			if printed != tt.printed || !errors.Is(p.err(), tt.want) {
				t.Errorf("printed %d, err %v; want %d, %v", printed, p.err(), tt.printed, tt.want)
			}
		})
	}
}
