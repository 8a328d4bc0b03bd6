package mtgo

import (
	"errors"
	"fmt"
	"math"
)

// ErrMessageID reports a message id no message can have: Telegram numbers a chat's messages
// from 1 to 2^31-1. Cut to the request's 32 bits, a larger int would keep its low bits and
// name another message (DeleteMessages with 1<<32+5 would delete message 5), so the methods
// that delete, edit, forward, pin, link to, react to, vote in, score or press a button of a
// message refuse it before sending anything.
var ErrMessageID = errors.New("mtgo: message id out of range")

// wireMessageID converts the id of one message for a request.
func wireMessageID(id int) (int32, error) {
	if id < 1 || id > math.MaxInt32 {
		return 0, fmt.Errorf("%w: %d, want 1 to %d", ErrMessageID, id, math.MaxInt32)
	}
	return int32(id), nil
}

// wireMessageIDs converts ids as wireMessageID does, naming the first out of range by its position.
func wireMessageIDs(ids []int) ([]int32, error) {
	out := make([]int32, len(ids))
	for i, id := range ids {
		var err error
		if out[i], err = wireMessageID(id); err != nil {
			return nil, fmt.Errorf("id %d of %d: %w", i+1, len(ids), err)
		}
	}
	return out, nil
}

// wireMaxMessageID converts a bound "up to message id", where 0 means no bound.
func wireMaxMessageID(id int) (int32, error) {
	if id == 0 {
		return 0, nil
	}
	return wireMessageID(id)
}
