package mtgo

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Layer is the API layer of the schema in tl/tg (tl/schema/api.tl), announced with
// invokeWithLayer on every new connection.
const Layer = tg.Layer

// Vector is the result of a request that returns a vector of objects (users.getUsers and the
// like), as Invoke returns it.
type Vector struct {
	// Elems are the decoded elements.
	Elems []tg.TLObject
}

// IntVector is the result of a request that returns Vector<int>.
type IntVector struct {
	// Elems are the values.
	Elems []int32
}

// LongVector is the result of a request that returns Vector<long>.
type LongVector struct {
	// Elems are the values.
	Elems []int64
}

// TypeID returns the id of the Vector constructor.
func (*Vector) TypeID() uint32 { return tl.VectorID }

// TypeName returns "vector".
func (*Vector) TypeName() string { return "vector" }

// Encode writes the vector.
func (v *Vector) Encode(b *tl.Buffer) error {
	b.PutVectorHeader(len(v.Elems))
	for _, e := range v.Elems {
		if err := e.Encode(b); err != nil {
			return err
		}
	}
	return b.WriteErr()
}

// Decode reads a vector of boxed objects of package tg (or tl/mt).
func (v *Vector) Decode(b *tl.Buffer) error {
	n, err := b.VectorHeader()
	if err != nil {
		return b.DecodeErr("Vector", "", err)
	}
	v.Elems = make([]tg.TLObject, n)
	for i := range v.Elems {
		if v.Elems[i], err = decodeAny(b); err != nil {
			return err
		}
	}
	return nil
}

// TypeID returns the id of the Vector constructor.
func (*IntVector) TypeID() uint32 { return tl.VectorID }

// TypeName returns "vector".
func (*IntVector) TypeName() string { return "vector" }

// Encode writes the vector.
func (v *IntVector) Encode(b *tl.Buffer) error {
	b.PutVectorHeader(len(v.Elems))
	for _, e := range v.Elems {
		b.PutInt32(e)
	}
	return b.WriteErr()
}

// Decode reads the vector.
func (v *IntVector) Decode(b *tl.Buffer) error {
	n, err := b.VectorHeader()
	if err != nil {
		return b.DecodeErr("Vector<int>", "", err)
	}
	v.Elems = make([]int32, n)
	for i := range v.Elems {
		if v.Elems[i], err = b.Int32(); err != nil {
			return b.DecodeErr("Vector<int>", "", err)
		}
	}
	return nil
}

// TypeID returns the id of the Vector constructor.
func (*LongVector) TypeID() uint32 { return tl.VectorID }

// TypeName returns "vector".
func (*LongVector) TypeName() string { return "vector" }

// Encode writes the vector.
func (v *LongVector) Encode(b *tl.Buffer) error {
	b.PutVectorHeader(len(v.Elems))
	for _, e := range v.Elems {
		b.PutInt64(e)
	}
	return b.WriteErr()
}

// Decode reads the vector.
func (v *LongVector) Decode(b *tl.Buffer) error {
	n, err := b.VectorHeader()
	if err != nil {
		return b.DecodeErr("Vector<long>", "", err)
	}
	if n*8 > b.Len() {
		return b.DecodeErr("Vector<long>", "", tl.ErrUnexpectedEOF)
	}
	v.Elems = make([]int64, n)
	for i := range v.Elems {
		if v.Elems[i], err = b.Int64(); err != nil {
			return b.DecodeErr("Vector<long>", "", err)
		}
	}
	return nil
}

// decodeAny decodes one boxed object of tl/tg, or of tl/mt for the service answers
// (pong, future_salts) a raw call can get.
func decodeAny(b *tl.Buffer) (tl.Object, error) {
	id, err := b.PeekID()
	if err != nil {
		return nil, b.DecodeErr("Object", "", err)
	}
	if tg.NewObject(id) == nil && mt.NewObject(id) != nil {
		return mt.DecodeObject(b)
	}
	return tg.DecodeObject(b)
}

// result decodes the answer to one request into a tg.TLObject. Most answers are boxed objects
// whose constructor id says their type; only vectors of bare numbers need to know the request,
// which resultFor finds with a type switch.
type result struct {
	kind resultKind
	obj  tg.TLObject
}

type resultKind uint8

const (
	resultBoxed resultKind = iota
	resultInts
	resultLongs
)

// resultFor returns the decoder for the answer to query.
func resultFor(query tl.Encoder) *result { return &result{kind: kindOf(query)} }

// kindOf looks through the wrappers (invokeWithLayer and friends, whose result is that of
// their inner query) and names the requests that return Vector<int> or Vector<long>.
func kindOf(query tl.Encoder) resultKind {
	for {
		switch q := query.(type) {
		case *tg.InvokeWithLayerRequest:
			query = q.Query
		case *tg.InitConnectionRequest:
			query = q.Query
		case *tg.InvokeWithoutUpdatesRequest:
			query = q.Query
		case *tg.InvokeAfterMsgRequest:
			query = q.Query
		case *tg.InvokeAfterMsgsRequest:
			query = q.Query
		case *tg.InvokeWithMessagesRangeRequest:
			query = q.Query
		case *tg.InvokeWithTakeoutRequest:
			query = q.Query
		case *tg.InvokeWithBusinessConnectionRequest:
			query = q.Query
		case *tg.InvokeWithGooglePlayIntegrityRequest:
			query = q.Query
		case *tg.InvokeWithApnsSecretRequest:
			query = q.Query
		case *tg.InvokeWithReCaptchaRequest:
			query = q.Query
		case *tg.ContactsGetContactIDsRequest, *tg.PhoneCheckGroupCallRequest,
			*tg.StoriesDeleteStoriesRequest, *tg.StoriesTogglePinnedRequest,
			*tg.StoriesReadStoriesRequest:
			return resultInts
		case *tg.MessagesReceivedQueueRequest, *tg.PhotosDeletePhotosRequest:
			return resultLongs
		default:
			return resultBoxed
		}
	}
}

// Decode implements tl.Decoder.
func (r *result) Decode(b *tl.Buffer) error {
	switch r.kind {
	case resultInts:
		v := new(IntVector)
		if err := v.Decode(b); err != nil {
			return err
		}
		r.obj = v
		return nil
	case resultLongs:
		v := new(LongVector)
		if err := v.Decode(b); err != nil {
			return err
		}
		r.obj = v
		return nil
	}
	id, err := b.PeekID()
	if err != nil {
		return b.DecodeErr("Object", "", err)
	}
	if id == tl.VectorID {
		v := new(Vector)
		if err := v.Decode(b); err != nil {
			return err
		}
		r.obj = v
		return nil
	}
	obj, err := decodeAny(b)
	if err != nil {
		return fmt.Errorf("decode result: %w", err)
	}
	r.obj = obj
	return nil
}
