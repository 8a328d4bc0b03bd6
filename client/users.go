package mtgo

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Users: one or many, full profiles, common chats and profile photos. User arguments take
// anything ResolvePeer takes ("me" or "self" included).

// result takes a call's answer and returns it with the error, if any, wrapped with what
// failed: result(c.api().UsersGetUsers(ctx, req))("get users").
func result[T any](v T, err error) func(what string) (T, error) {
	return func(what string) (T, error) {
		if err != nil {
			var zero T
			return zero, fmt.Errorf("mtgo: %s: %w", what, err)
		}
		return v, nil
	}
}

// GetMe returns the logged-in account as the server sees it now.
func (c *Client) GetMe(ctx context.Context) (*types.User, error) {
	return c.GetUser(ctx, &tg.InputPeerSelf{})
}

// GetUser returns one user.
func (c *Client) GetUser(ctx context.Context, user any) (*types.User, error) {
	us, err := c.GetUsers(ctx, user)
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, fmt.Errorf("mtgo: get user %v: not found", user)
	}
	return us[0], nil
}

// GetUsers returns the users, in the order asked; a user Telegram does not know is left out.
func (c *Client) GetUsers(ctx context.Context, users ...any) ([]*types.User, error) {
	in, err := c.resolveUsers(ctx, users)
	if err != nil {
		return nil, err
	}
	out := make([]*types.User, 0, len(in))
	for chunk := range slices.Chunk(in, maxGetUsers) {
		res, err := result(c.api().UsersGetUsers(ctx, &tg.UsersGetUsersRequest{ID: chunk}))("get users")
		if err != nil {
			return nil, err
		}
		for _, u := range res {
			if v := types.NewUser(u); v != nil && v.Raw != nil { // not userEmpty
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// maxGetUsers is the most users one users.getUsers asks for: Telegram refuses longer lists
// (LIMIT_INVALID from 201 in the test world), so GetUsers sends longer ones in turns.
const maxGetUsers = 200

// GetFullUser returns the full profile of user: bio, common chats count, personal channel,
// birthday, business information, and for bots their description, commands and menu button.
func (c *Client) GetFullUser(ctx context.Context, user any) (*types.UserFull, error) {
	in, err := c.resolveUser(ctx, user)
	if err != nil {
		return nil, err
	}
	res, err := result(c.api().UsersGetFullUser(ctx, &tg.UsersGetFullUserRequest{ID: in}))("get full user")
	if err != nil {
		return nil, err
	}
	return types.NewUserFull(res), nil
}

// GetCommonChats returns up to limit (1..100) groups and channels the account shares with
// user.
func (c *Client) GetCommonChats(ctx context.Context, user any, limit int) ([]*types.Chat, error) {
	in, err := c.resolveUser(ctx, user)
	if err != nil {
		return nil, err
	}
	res, err := result(c.api().MessagesGetCommonChats(ctx, &tg.MessagesGetCommonChatsRequest{UserID: in, Limit: clampLimit(limit)}))("get common chats")
	if err != nil {
		return nil, err
	}
	return chatList(chatsOf(res)), nil // chats.go
}

// clampLimit bounds a page size to 1..100 (0 or less: 100).
func clampLimit(n int) int32 {
	if n <= 0 || n > 100 {
		return 100
	}
	return int32(n)
}

// profilePhotosPage is how many photos GetProfilePhotos asks for at a time.
const profilePhotosPage = 100

// GetProfilePhotos iterates over user's profile photos, newest first, fetching pages as
// needed. Iteration stops at the first error, which is yielded.
func (c *Client) GetProfilePhotos(ctx context.Context, user any) iter.Seq2[*types.ProfilePhoto, error] {
	var in tg.InputUserClass
	// The cursor is the offset: it counts the photos the server sent, empty ones included.
	return pages(ctx, func(ctx context.Context, seen int) (listPage[*types.ProfilePhoto, int], error) {
		var pg listPage[*types.ProfilePhoto, int]
		if in == nil {
			var err error
			if in, err = c.resolveUser(ctx, user); err != nil {
				return pg, err
			}
		}
		off, err := wireOffset(seen)
		if err != nil {
			return pg, fmt.Errorf("mtgo: get profile photos: %w", err)
		}
		res, err := result(c.api().PhotosGetUserPhotos(ctx, &tg.PhotosGetUserPhotosRequest{
			UserID: in, Offset: off, Limit: profilePhotosPage,
		}))("get profile photos")
		if err != nil {
			return pg, err
		}
		var photos []tg.PhotoClass
		switch r := res.(type) {
		case *tg.PhotosPhotos:
			photos = r.Photos
		case *tg.PhotosPhotosSlice:
			photos, pg.more = r.Photos, seen+len(r.Photos) < int(r.Count)
		}
		pg.sent, pg.next = len(photos), seen+len(photos)
		pg.items = make([]*types.ProfilePhoto, 0, len(photos))
		for _, p := range photos {
			if v := types.NewProfilePhoto(p); v != nil {
				pg.items = append(pg.items, v)
			}
		}
		return pg, nil
	})
}
