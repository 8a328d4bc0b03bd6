package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl/tgjson"
)

// InvokeJSON calls the method of the schema named method ("messages.getHistory") with the
// parameters in params, a JSON object keyed by the TL field names (see package tl/tgjson for
// the mapping: "_" names a constructor, long values are strings, bytes are base64, flags are
// implied by the fields present), and returns the answer as JSON in the same mapping. It goes
// through InvokeContext, so flood waits, migrations and the peer cache work as for any call.
// Empty params or `null` mean no parameters.
func (c *Client) InvokeJSON(ctx context.Context, method string, params []byte) ([]byte, error) {
	query, err := tgjson.Method(method, params)
	if err != nil {
		return nil, fmt.Errorf("mtgo: invoke json: %w", err)
	}
	res, err := c.InvokeContext(ctx, query, 0, 0)
	if err != nil {
		return nil, err
	}
	out, err := tgjson.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("mtgo: invoke json: %s result: %w", method, err)
	}
	return out, nil
}
