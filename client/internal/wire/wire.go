// Package wire names requests on the wire for the client's errors and logs.
package wire

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
)

// MethodName returns the TL name of a request for messages and errors.
func MethodName(in tl.Encoder) string {
	if o, ok := in.(tl.Object); ok {
		return o.TypeName()
	}
	return fmt.Sprintf("%T", in)
}
