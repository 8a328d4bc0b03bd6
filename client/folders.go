package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Chat folders (dialog filters). Archiving is ArchiveChat in chat_edit.go.

// GetChatFolders lists the account's folders in their order (the "All chats" entry
// included, with Default set, where the account placed it).
func (c *Client) GetChatFolders(ctx context.Context) ([]*types.ChatFolder, error) {
	res, err := c.api().MessagesGetDialogFilters(ctx, &tg.MessagesGetDialogFiltersRequest{})
	if err != nil {
		return nil, fmt.Errorf("mtgo: get chat folders: %w", err)
	}
	out := make([]*types.ChatFolder, 0, len(res.Filters))
	for _, f := range res.Filters {
		if cf := types.NewChatFolder(f); cf != nil {
			out = append(out, cf)
		}
	}
	return out, nil
}

// CreateChatFolder creates folder (its ID picked here when zero: the lowest free id from 2)
// with the chats it names (Pinned, Included, Excluded are input peers; see ChatFolderPeers)
// and returns its id.
func (c *Client) CreateChatFolder(ctx context.Context, folder types.ChatFolder) (int, error) {
	if folder.ID == 0 {
		all, err := c.GetChatFolders(ctx)
		if err != nil {
			return 0, err
		}
		folder.ID = freeFolderID(all)
	}
	return folder.ID, c.EditChatFolder(ctx, folder)
}

// freeFolderID returns the lowest folder id from 2 that no folder uses.
func freeFolderID(all []*types.ChatFolder) int {
	used := make(map[int]bool, len(all))
	for _, f := range all {
		used[f.ID] = true
	}
	id := 2
	for used[id] {
		id++
	}
	return id
}

// EditChatFolder replaces the folder with folder.ID (ErrFolderID unless 2 to 2^31-1; a
// Color set outside 0 to 2^31-1 is ErrFolderColor).
func (c *Client) EditChatFolder(ctx context.Context, folder types.ChatFolder) error {
	f, err := folder.TG()
	if err != nil {
		return fmt.Errorf("mtgo: edit chat folder: %w", err)
	}
	return c.boolCall(ctx, "edit chat folder", &tg.MessagesUpdateDialogFilterRequest{ID: f.ID, Filter: f})
}

// DeleteChatFolder deletes folder id (ErrFolderID unless 2 to 2^31-1).
func (c *Client) DeleteChatFolder(ctx context.Context, id int) error {
	id32, err := wireInt32(id, 2, ErrFolderID)
	if err != nil {
		return fmt.Errorf("mtgo: delete chat folder: %w", err)
	}
	return c.boolCall(ctx, "delete chat folder", &tg.MessagesUpdateDialogFilterRequest{ID: id32})
}

// ReorderChatFolders sets the order of the folders (0 places "All chats"; ErrFolderID for an
// id past 2^31-1 or negative).
func (c *Client) ReorderChatFolders(ctx context.Context, ids ...int) error {
	order, err := wireInt32s(ids, 0, ErrFolderID)
	if err != nil {
		return fmt.Errorf("mtgo: reorder chat folders: %w", err)
	}
	return c.boolCall(ctx, "reorder chat folders", &tg.MessagesUpdateDialogFiltersOrderRequest{Order: order})
}

// ChatFolderPeers resolves chats (anything ResolvePeer takes) for a folder's Pinned,
// Included or Excluded list.
func (c *Client) ChatFolderPeers(ctx context.Context, chats ...any) ([]tg.InputPeerClass, error) {
	out := make([]tg.InputPeerClass, 0, len(chats))
	for _, ch := range chats {
		p, err := c.ResolvePeer(ctx, ch)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
