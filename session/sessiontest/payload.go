package sessiontest

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
)

// PayloadID is the constructor id of Payload, chosen to collide with no MTProto or API type.
const PayloadID = 0x7e570001

// Payload is a made-up TL object for tests: a number and some bytes. Sent as a request, the
// Echo handler returns it unchanged.
type Payload struct {
	N    int64
	Data []byte
}

// Encode implements tl.Encoder.
func (p *Payload) Encode(b *tl.Buffer) error {
	b.PutID(PayloadID)
	b.PutInt64(p.N)
	b.PutBytes(p.Data)
	return nil
}

// Decode implements tl.Decoder.
func (p *Payload) Decode(b *tl.Buffer) error {
	if err := b.ConsumeID(PayloadID); err != nil {
		return fmt.Errorf("sessiontest: payload id: %w", err)
	}
	n, err := b.Int64()
	if err != nil {
		return fmt.Errorf("sessiontest: payload n: %w", err)
	}
	data, err := b.Bytes()
	if err != nil {
		return fmt.Errorf("sessiontest: payload data: %w", err)
	}
	p.N, p.Data = n, data
	return nil
}
