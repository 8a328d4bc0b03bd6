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
	type cursor struct {
		date, id int32
		peer     tg.InputPeerClass
	}
	var next cursor
	seenPeers := make(map[int64]bool)
	return pages(ctx, func(ctx context.Context, _ *types.Dialog, seen int) ([]*types.Dialog, bool, error) {
		if seen == 0 {
			next, seenPeers = cursor{peer: &tg.InputPeerEmpty{}}, make(map[int64]bool)
		}
		req := &tg.MessagesGetDialogsRequest{
			ExcludePinned: filter.ExcludePinned, OffsetDate: next.date, OffsetID: next.id, OffsetPeer: next.peer, Limit: dialogsPage,
		}
		if filter.Archived {
			req.FolderID = tl.Some[int32](types.ArchiveFolderID)
		}
		res, err := c.api().MessagesGetDialogs(ctx, req)
		if err != nil {
			return nil, false, fmt.Errorf("mtgo: get dialogs: %w", err)
		}
		var ds []tg.DialogClass
		var msgs []tg.MessageClass
		var e types.Entities
		more := false
		switch r := res.(type) {
		case *tg.MessagesDialogs:
			ds, msgs, e = r.Dialogs, r.Messages, types.NewEntities(r.Users, r.Chats)
		case *tg.MessagesDialogsSlice:
			ds, msgs, e = r.Dialogs, r.Messages, types.NewEntities(r.Users, r.Chats)
			more = len(r.Dialogs) > 0 && seen+len(r.Dialogs) < int(r.Count)
		default: // messages.dialogsNotModified: nothing new
			return nil, false, nil
		}
		list := types.NewDialogs(clientAPI{c: c}, ds, msgs, e, time.Unix(int64(c.ServerTime()), 0))
		out := list[:0]
		for _, d := range list {
			if !seenPeers[d.Chat.ID] {
				seenPeers[d.Chat.ID] = true
				out = append(out, d)
			}
		}
		if len(list) > 0 {
			last := list[len(list)-1]
			next = cursor{id: int32(last.TopMessageID), peer: last.Chat.InputPeer()}
			if last.TopMessage != nil {
				next.date = int32(last.TopMessage.Date.Unix())
			}
		}
		return out, more && len(out) > 0, nil
	})
}
