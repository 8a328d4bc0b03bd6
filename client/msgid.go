package mtgo

import (
	"errors"
	"fmt"
	"math"
)

// ErrMessageID reports a message id no message can have: Telegram numbers a chat's messages
// from 1 to 2^31-1. Cut to the request's 32 bits, a larger int would keep its low bits and
// name another message (DeleteMessages with 1<<32+5 would delete message 5), so the methods
// that get, delete, edit, forward, pin, link to, react to, vote in, score, reply to, read up to
// or press a button of a message refuse it before sending anything, as do the listings for an
// offset, id bound or thread option and the forum topic methods for a topic id.
var ErrMessageID = errors.New("mtgo: message id out of range")

// ErrGameScore reports a game score outside 0 to 2^31-1, the scores a request can carry:
// cut to 32 bits, a larger int would set another score.
var ErrGameScore = errors.New("mtgo: game score out of range")

// wireScore converts a game score for a request.
func wireScore(score int) (int32, error) {
	if score < 0 || score > math.MaxInt32 {
		return 0, fmt.Errorf("%w: %d, want 0 to %d", ErrGameScore, score, math.MaxInt32)
	}
	return int32(score), nil
}

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
