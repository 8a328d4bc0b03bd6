// Package wire holds what the client needs to know about requests on the wire: their TL names
// and whether they may be sent twice.
package wire

import (
	"fmt"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// MethodName returns the TL name of a request for messages and errors.
func MethodName(in tl.Encoder) string {
	if o, ok := in.(tl.Object); ok {
		return o.TypeName()
	}
	return fmt.Sprintf("%T", in)
}

// Repeatable reports whether a request may run twice without harm, so that a reconnect or a
// migration may send it again.
func Repeatable(in tl.Encoder) bool {
	for {
		switch q := in.(type) {
		case *tg.InvokeWithLayerRequest:
			in = q.Query
			continue
		case *tg.InitConnectionRequest:
			in = q.Query
			continue
		case *tg.InvokeWithoutUpdatesRequest:
			in = q.Query
			continue
		}
		break
	}
	name := MethodName(in)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	for _, p := range [...]string{"get", "check", "resolve", "search", "export", "fetch", "ping"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
