package tl

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by DecodeError; match them with errors.Is.
var (
	// ErrUnexpectedEOF means the input ended in the middle of a value.
	ErrUnexpectedEOF = errors.New("tl: unexpected end of input")
	// ErrUnexpectedID means a constructor id did not match any expected constructor.
	ErrUnexpectedID = errors.New("tl: unexpected constructor id")
	// ErrTooLarge means a declared length or count exceeds the bytes left or a size cap.
	ErrTooLarge = errors.New("tl: length too large")
	// ErrTooDeep means values nest deeper than MaxDepth.
	ErrTooDeep = errors.New("tl: values nested too deeply")
	// ErrInvalid means a value is malformed (bad padding, inconsistent optional fields, nil
	// required field).
	ErrInvalid = errors.New("tl: invalid value")
	// ErrNilObject means an encoder met a nil object: a nil interface in a required field or
	// vector, or a nil pointer to a constructor (a typed nil such as (*tg.InputPeerUser)(nil)).
	// Errors that match it also match ErrInvalid.
	ErrNilObject = errors.New("tl: nil object")
)

// errLeftTooOften is Enter's error below depth 0, after a Leave without its Enter (a
// decoder's bug, not the input's): it matches ErrTooDeep, as nesting is no longer bounded.
var errLeftTooOften = fmt.Errorf("%w: Buffer.Leave called more often than Enter", ErrTooDeep)

// DecodeError describes where decoding failed: the TL type and field being read and the byte
// offset of the cursor when the failure was detected.
type DecodeError struct {
	Type   string // TL name of the type being decoded, e.g. "messages.dialogs"
	Field  string // TL name of the field, empty when the failure is in the type's id
	Offset int    // read offset in the buffer
	Err    error  // underlying cause, usually one of the sentinel errors
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("tl: decode %s at offset %d: %v", e.Type, e.Offset, e.Err)
	}
	return fmt.Sprintf("tl: decode %s.%s at offset %d: %v", e.Type, e.Field, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// DecodeErr wraps err with the type and field being decoded and the current offset. An err that
// already is a *DecodeError is returned unchanged, so the innermost (most precise) location wins.
// Generated code calls it only on the error path.
func (b *Buffer) DecodeErr(typ, field string, err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return err
	}
	return &DecodeError{Type: typ, Field: field, Offset: b.off, Err: err}
}

// UnexpectedID returns the error for a constructor id that is not acceptable for typ.
func (b *Buffer) UnexpectedID(typ string, id uint32) error {
	return &DecodeError{Type: typ, Offset: b.off - 4, Err: fmt.Errorf("%w %#08x", ErrUnexpectedID, id)}
}

// EncodeError describes a value that cannot be encoded, such as a nil required field or optional
// fields sharing one flag bit that are not all set.
type EncodeError struct {
	Type  string // TL name of the type being encoded
	Field string // TL name of the offending field
	Err   error  // cause, ErrInvalid for nil or inconsistent fields
}

// Error implements error.
func (e *EncodeError) Error() string {
	switch {
	case e.Type == "":
		return fmt.Sprintf("tl: encode: %v", e.Err)
	case e.Field == "":
		return fmt.Sprintf("tl: encode %s: %v", e.Type, e.Err)
	}
	return fmt.Sprintf("tl: encode %s.%s: %v", e.Type, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *EncodeError) Unwrap() error { return e.Err }

// nilCause is the cause of an encode error for a missing object; it matches both ErrNilObject and
// ErrInvalid.
type nilCause string

func (c nilCause) Error() string { return "tl: invalid value: " + string(c) }

func (nilCause) Is(target error) bool { return target == ErrNilObject || target == ErrInvalid }

// NilFieldError reports a required field (or vector element) left nil.
func NilFieldError(typ, field string) error {
	return &EncodeError{Type: typ, Field: field, Err: nilCause("required field is nil")}
}

// NilObjectError reports an Encode or EncodeBare call on a nil pointer to the constructor typ.
// The type and field holding it are left empty for EncodeFieldErr to fill in.
func NilObjectError(typ string) error {
	return &EncodeError{Err: nilCause("nil " + typ)}
}

// EncodeFieldErr locates err, returned by the encoder of the value in field of typ: an error
// from a nil object that no inner encoder has located yet gets typ and field, so the innermost
// location wins. Other errors are returned unchanged. Generated code calls it only on the error
// path.
func EncodeFieldErr(typ, field string, err error) error {
	var ee *EncodeError
	if errors.As(err, &ee) && ee.Type == "" {
		ee.Type, ee.Field = typ, field
	}
	return err
}

// FlagGroupError reports optional fields that share a flag bit but are not all set.
func FlagGroupError(typ, field string) error {
	return &EncodeError{Type: typ, Field: field, Err: fmt.Errorf("%w: field must be set together with the others sharing its flag bit", ErrInvalid)}
}
