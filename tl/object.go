package tl

// Int128 is a TL int128 kept in wire byte order.
type Int128 [16]byte

// Int256 is a TL int256 kept in wire byte order.
type Int256 [32]byte

// Encoder writes a boxed value (constructor id followed by its fields).
type Encoder interface {
	Encode(b *Buffer) error
}

// Decoder reads a boxed value (constructor id followed by its fields).
type Decoder interface {
	Decode(b *Buffer) error
}

// BareEncoder writes a value without its constructor id.
type BareEncoder interface {
	EncodeBare(b *Buffer) error
}

// BareDecoder reads a value without its constructor id.
type BareDecoder interface {
	DecodeBare(b *Buffer) error
}

// Object is any generated TL constructor or function.
type Object interface {
	Encoder
	Decoder
	// TypeID returns the constructor id.
	TypeID() uint32
	// TypeName returns the TL name, such as "messages.dialogs".
	TypeName() string
}

// Opt is an optional scalar field (flags.N?int, ?long, ?double, ?string, ?bytes, ?int128,
// ?int256, ?Bool). The zero value is absent; Some makes a present value.
type Opt[T any] struct {
	Value T    // the value, meaningful only when Set
	Set   bool // whether the field is present
}

// Some returns a present optional value.
func Some[T any](v T) Opt[T] { return Opt[T]{Value: v, Set: true} }

// Get returns the value and whether it is present.
func (o Opt[T]) Get() (T, bool) { return o.Value, o.Set }

// Or returns the value if present and def otherwise.
func (o Opt[T]) Or(def T) T {
	if o.Set {
		return o.Value
	}
	return def
}
