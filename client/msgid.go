package mtgo

import (
	"errors"
	"fmt"
	"math"

	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/client/types"
)

// ErrMessageID reports a message id no message can have: Telegram numbers a chat's messages
// from 1 to 2^31-1. Cut to the request's 32 bits, a larger int would keep its low bits and
// name another message (DeleteMessages with 1<<32+5 would delete message 5), so the methods
// that get, delete, edit, forward, pin, link to, react to, vote in, score, reply to, read up to,
// count the views of, report, pay for or press a button of a message refuse it before sending
// anything, as do the listings for an offset, id bound or thread option, the scheduled message
// methods, ResolveGiftOffer, GetChatMembers for a thread and the forum topic methods for a
// topic id (types.ErrMessageID, which MemberFilter.TG returns).
var ErrMessageID = types.ErrMessageID

// ErrGameScore reports a game score outside 0 to 2^31-1, the scores a request can carry:
// cut to 32 bits, a larger int would set another score.
var ErrGameScore = errors.New("mtgo: game score out of range")

// ErrStoryID reports a story id no story can have: Telegram numbers a peer's stories from 1
// to 2^31-1, and cut to 32 bits a larger int would name another story, so the story methods
// refuse it before sending anything (a maximum id for MarkStoriesRead may be 0).
var ErrStoryID = errors.New("mtgo: story id out of range")

// ErrFolderID reports a chat folder id no folder can have: folders are numbered from 2 to
// 2^31-1 (0 is "All chats", 1 the archive), and cut to 32 bits a larger int would name
// another folder, so EditChatFolder, DeleteChatFolder and ReorderChatFolders (which takes 0
// too) refuse it before sending anything (types.ErrFolderID, which ChatFolder.TG returns).
var ErrFolderID = types.ErrFolderID

// ErrFolderColor reports a chat folder's tag colour outside 0 to 2^31-1, which
// CreateChatFolder and EditChatFolder refuse before sending anything: cut to 32 bits, a
// larger int would pick another colour (types.ErrFolderColor).
var ErrFolderColor = types.ErrFolderColor

// wireInt32 converts n for a request's 32-bit field when it lies in lo to 2^31-1, and fails
// with errRange, naming n and the range, when it does not (wirenum.Within).
func wireInt32(n, lo int, errRange error) (int32, error) {
	return wirenum.Within(errRange, "", n, lo, math.MaxInt32)
}

// wireInt32s converts ns as wireInt32 does, naming the first out of range by its position.
func wireInt32s(ns []int, lo int, errRange error) ([]int32, error) {
	out := make([]int32, len(ns))
	for i, n := range ns {
		var err error
		if out[i], err = wireInt32(n, lo, errRange); err != nil {
			return nil, fmt.Errorf("id %d of %d: %w", i+1, len(ns), err)
		}
	}
	return out, nil
}

// wireScore converts a game score for a request.
func wireScore(score int) (int32, error) { return wireInt32(score, 0, ErrGameScore) }

// wireMessageID converts the id of one message for a request.
func wireMessageID(id int) (int32, error) { return wireInt32(id, 1, ErrMessageID) }

// wireMessageIDs converts ids as wireMessageID does, naming the first out of range by its position.
func wireMessageIDs(ids []int) ([]int32, error) { return wireInt32s(ids, 1, ErrMessageID) }

// wireMaxMessageID converts a bound "up to message id", where 0 means no bound.
func wireMaxMessageID(id int) (int32, error) {
	if id == 0 {
		return 0, nil
	}
	return wireMessageID(id)
}

// wireStoryID converts the id of one story for a request.
func wireStoryID(id int) (int32, error) { return wireInt32(id, 1, ErrStoryID) }

// ErrDate reports a time a request cannot carry: Telegram dates are Unix seconds in 32 bits,
// 1901-12-13T20:45:52Z to 2038-01-19T03:14:07Z, and a time outside, cut to them, would name
// another date (2038-01-19T03:14:08Z would be 1901). The methods taking a time refuse it
// before sending the request, naming the field: WithSchedule on sends and edits, WithCloseDate,
// WithCallSchedule, WithOffsetDate, WithDateRange, SetEmojiStatus, the Expires of
// types.InviteLinkSpec and the From and Until of a custom types.BusinessAway (required there:
// the zero time is refused too). The zero time keeps its meaning elsewhere (not set, or for
// ever). Ban and restriction ends (WithBanUntil, RestrictChatMember) are not refused: outside
// the range they mean for ever, as Telegram takes any end more than 366 days ahead or already
// past (types.ErrDate). Nor is MuteChat's end: past 2038 it mutes for ever, as the zero time
// does, and before 1901 (already past) it mutes nothing.
var ErrDate = types.ErrDate

// ErrOffset reports a listing that went past 2^31-1 entries, the most a request's offset
// can skip: cut to 32 bits, the next offset would start the listing over elsewhere.
// GetChatMembers, GetBlocked and GetProfilePhotos end with it rather than send one.
var ErrOffset = errors.New("mtgo: listing offset out of range")

// wireOffset converts the offset of a listing's next page: the number of entries seen.
func wireOffset(seen int) (int32, error) { return wireInt32(seen, 0, ErrOffset) }
