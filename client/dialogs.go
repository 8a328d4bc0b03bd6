package mtgo

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// DialogFilter selects the chat list GetDialogs walks.
type DialogFilter struct {
	// Archived walks the archive folder instead of the main list.
	Archived bool
	// ExcludePinned leaves the pinned chats out.
	ExcludePinned bool
}

// dialogsPage is how many dialogs one messages.getDialogs asks for.
const dialogsPage = 100

// GetDialogs iterates over the account's chat list: pinned chats first, then the others by
// their last message, newest first, each with its top message, unread counts and flags.
// Users only (bots have no chat list).
func (c *Client) GetDialogs(ctx context.Context, filter DialogFilter) iter.Seq2[*types.Dialog, error] {
	return func(yield func(*types.Dialog, error) bool) {
		// The offset of the next page is the last dialog's top message; pinned dialogs come
		// first and may repeat further down, so each chat is yielded once. A page of repeats
		// does not end the list (the server's count does); one that does not move the offset
		// does, and so does one that returns to an offset used before (a server repeating its
		// page, or alternating two, would otherwise run the list up to the count it sent).
		var date, id int32
		var peer tg.InputPeerClass = &tg.InputPeerEmpty{}
		seen := make(map[int64]bool)
		type offset struct {
			date, id int32
			chat     int64
		}
		var used cursorsUsed[offset]
		used.fresh(offset{}) // the first page's
		for total := 0; ; {
			req := &tg.MessagesGetDialogsRequest{
				ExcludePinned: filter.ExcludePinned, OffsetDate: date, OffsetID: id, OffsetPeer: peer, Limit: dialogsPage,
			}
			if filter.Archived {
				req.FolderID = tl.Some[int32](types.ArchiveFolderID)
			}
			list, upto, count, err := c.dialogsPage(ctx, req)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, d := range list {
				if seen[d.Chat.ID] {
					continue
				}
				seen[d.Chat.ID] = true
				if !yield(d, nil) {
					return
				}
			}
			total += upto
			if upto == 0 || len(list) == 0 || count <= total {
				return
			}
			last := list[len(list)-1]
			nextDate := date
			if last.TopMessage != nil {
				nextDate = int32(last.TopMessage.Date.Unix())
			}
			next := offset{date: nextDate, id: int32(last.TopMessageID), chat: last.Chat.ID}
			if !used.fresh(next) {
				return
			}
			id, peer, date = next.id, last.Chat.InputPeer(), next.date
		}
	}
}

// dialogsPage fetches one page of the chat list: the dialogs it converted, how many entries
// the server sent up to the last of them (where the next page starts: the entries after it
// come again) and the number of dialogs in the list (upto itself when the answer is
// the whole list).
func (c *Client) dialogsPage(ctx context.Context, req *tg.MessagesGetDialogsRequest) (list []*types.Dialog, upto, count int, err error) {
	res, err := c.api().MessagesGetDialogs(ctx, req)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("mtgo: get dialogs: %w", err)
	}
	now := time.Unix(int64(c.ServerTime()), 0)
	switch r := res.(type) {
	case *tg.MessagesDialogs:
		list := types.NewDialogs(clientAPI{c: c}, r.Dialogs, r.Messages, types.NewEntities(r.Users, r.Chats), now)
		n := dialogsUpTo(r.Dialogs)
		return list, n, n, nil // the whole list: no page follows
	case *tg.MessagesDialogsSlice:
		list := types.NewDialogs(clientAPI{c: c}, r.Dialogs, r.Messages, types.NewEntities(r.Users, r.Chats), now)
		return list, dialogsUpTo(r.Dialogs), int(r.Count), nil
	}
	return nil, 0, 0, nil // messages.dialogsNotModified: nothing new
}

// dialogsUpTo is how many of a page's entries go up to its last dialog (the last one
// types.NewDialogs lists, so the next page's offset).
func dialogsUpTo(dialogs []tg.DialogClass) int {
	for i := len(dialogs) - 1; i >= 0; i-- {
		if d, ok := dialogs[i].(*tg.Dialog); ok && d != nil {
			return i + 1
		}
	}
	return 0
}
