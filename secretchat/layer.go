package secretchat

import (
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// Layer is the secret chat layer this package speaks (tl/e2e's schema).
const Layer = 144

// ErrNotLayer reports decrypted bytes that hold another object than decryptedMessageLayer.
var ErrNotLayer = errors.New("secretchat: decrypted object is not a decryptedMessageLayer")

// EncodeLayer appends the TL bytes of m to dst, ready for Encrypt.
func EncodeLayer(dst []byte, m *e2e.DecryptedMessageLayer) ([]byte, error) {
	b := tl.Buffer{Buf: dst}
	if err := m.Encode(&b); err != nil {
		return dst, fmt.Errorf("secretchat: encode layer: %w", err)
	}
	return b.Buf, nil
}

// DecodeLayer decodes the bytes Decrypt returned. Trailing bytes are an error.
func DecodeLayer(data []byte) (*e2e.DecryptedMessageLayer, error) {
	b := tl.Buffer{Buf: data}
	obj, err := e2e.DecodeObject(&b)
	if err != nil {
		return nil, fmt.Errorf("secretchat: decode layer: %w", err)
	}
	m, ok := obj.(*e2e.DecryptedMessageLayer)
	if !ok {
		return nil, fmt.Errorf("secretchat: decode layer: %w (%s)", ErrNotLayer, obj.TypeName())
	}
	if b.Len() != 0 {
		return nil, fmt.Errorf("secretchat: decode layer: %d trailing bytes", b.Len())
	}
	return m, nil
}
