package mtgo

import (
	"context"
	"fmt"
	"iter"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// maxStoryPages bounds a story listing (a server handing out pages forever).
const maxStoryPages = 10000

// GetPinnedStories lists the stories pinned to the profile of chat that the account may see,
// newest first, a page of up to 100 a request (stories.getPinnedStories). Breaking out of
// the loop stops the listing; an error is yielded once and ends it.
func (c *Client) GetPinnedStories(ctx context.Context, chat any) iter.Seq2[*types.Story, error] {
	return c.storyPages(ctx, "get pinned stories", chat, func(p tg.InputPeerClass, offset int32) tl.Encoder {
		return &tg.StoriesGetPinnedStoriesRequest{Peer: p, OffsetID: offset, Limit: maxPage}
	})
}

// GetStoriesArchive lists every story of chat (the account or a channel it posts stories
// to), expired or not, newest first (stories.getStoriesArchive); see GetPinnedStories.
func (c *Client) GetStoriesArchive(ctx context.Context, chat any) iter.Seq2[*types.Story, error] {
	return c.storyPages(ctx, "get stories archive", chat, func(p tg.InputPeerClass, offset int32) tl.Encoder {
		return &tg.StoriesGetStoriesArchiveRequest{Peer: p, OffsetID: offset, Limit: maxPage}
	})
}

// storyPages walks the pages of a stories.stories listing, each request made by page from
// the lowest id seen so far (0 first).
func (c *Client) storyPages(ctx context.Context, what string, chat any, page func(tg.InputPeerClass, int32) tl.Encoder) iter.Seq2[*types.Story, error] {
	return func(yield func(*types.Story, error) bool) {
		peer, err := c.ResolvePeer(ctx, chat)
		if err != nil {
			yield(nil, err)
			return
		}
		at := inputToPeer(peer, c.selfID())
		offset, seen := int32(0), 0
		for range maxStoryPages {
			var res tg.StoriesStories
			if err := c.storyCall(ctx, what, page(peer, offset), &res); err != nil {
				yield(nil, err)
				return
			}
			list, low, err := storiesOf(res.Stories, res.Users, res.Chats, at)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, s := range list {
				if !yield(s, nil) {
					return
				}
			}
			seen += len(res.Stories)
			if len(res.Stories) == 0 || low == 0 || seen >= int(res.Count) || (offset != 0 && int32(low) >= offset) {
				return
			}
			offset = int32(low)
		}
	}
}

// GetStoryViews returns the view counters of stories of chat that the account owns, in the
// order of ids. No ids is ErrStoryIDsRequired.
func (c *Client) GetStoryViews(ctx context.Context, chat any, ids []int) ([]*types.StoryViews, error) {
	peer, in, err := c.storyTarget(ctx, chat, ids)
	if err != nil {
		return nil, err
	}
	var res tg.StoriesStoryViews
	if err := c.storyCall(ctx, "get story views", &tg.StoriesGetStoriesViewsRequest{Peer: peer, ID: in}, &res); err != nil {
		return nil, err
	}
	out := make([]*types.StoryViews, len(res.Views))
	for i := range res.Views {
		out[i] = types.NewStoryViews(&res.Views[i])
	}
	return out, nil
}

// StoryViewersFilter narrows GetStoryViewers.
type StoryViewersFilter struct {
	// Query keeps the viewers whose name contains it.
	Query string
	// JustContacts keeps the account's contacts; ReactionsFirst lists those who reacted
	// first.
	JustContacts, ReactionsFirst bool
}

// GetStoryViewers lists who viewed story storyID of chat (a story of the account or of a
// channel it posts stories to), most recent first, with their reactions, up to 100 a request
// (stories.getStoryViewsList). Breaking out of the loop stops the listing; an error is
// yielded once and ends it.
func (c *Client) GetStoryViewers(ctx context.Context, chat any, storyID int, filter ...StoryViewersFilter) iter.Seq2[*types.StoryViewer, error] {
	return func(yield func(*types.StoryViewer, error) bool) {
		id, err := wireStoryID(storyID)
		if err != nil {
			yield(nil, fmt.Errorf("mtgo: get story viewers: %w", err))
			return
		}
		peer, err := c.ResolvePeer(ctx, chat)
		if err != nil {
			yield(nil, err)
			return
		}
		req := &tg.StoriesGetStoryViewsListRequest{Peer: peer, ID: id, Limit: maxPage}
		for _, f := range filter {
			req.JustContacts, req.ReactionsFirst = f.JustContacts, f.ReactionsFirst
			if f.Query != "" {
				req.Q = tl.Some(f.Query)
			}
		}
		for range maxStoryPages {
			var res tg.StoriesStoryViewsList
			if err := c.storyCall(ctx, "get story viewers", req, &res); err != nil {
				yield(nil, err)
				return
			}
			e := types.NewEntities(res.Users, res.Chats)
			for _, v := range res.Views {
				if sv := types.NewStoryViewer(v, e); sv != nil && !yield(sv, nil) {
					return
				}
			}
			next, ok := res.NextOffset.Get()
			if !ok || next == "" || len(res.Views) == 0 || next == req.Offset {
				return
			}
			req.Offset = next
		}
	}
}

// GetAllStories lists the active stories the account sees of every peer (itself, people,
// channels), peer by peer, oldest first within a peer (stories.getAllStories, paged by its
// state); hidden lists the peers whose stories the account hid instead. Breaking out of the
// loop stops the listing; an error is yielded once and ends it.
func (c *Client) GetAllStories(ctx context.Context, hidden bool) iter.Seq2[*types.Story, error] {
	return func(yield func(*types.Story, error) bool) {
		req := &tg.StoriesGetAllStoriesRequest{Hidden: hidden}
		for range maxStoryPages {
			var res tg.StoriesAllStoriesClassBox
			if err := c.storyCall(ctx, "get all stories", req, &res); err != nil {
				yield(nil, err)
				return
			}
			all, ok := res.StoriesAllStories.(*tg.StoriesAllStories)
			if !ok {
				return // not modified: nothing new since the state given
			}
			for _, ps := range all.PeerStories {
				list, _, err := storiesOf(ps.Stories, all.Users, all.Chats, ps.Peer)
				if err != nil {
					yield(nil, err)
					return
				}
				for _, s := range list {
					if !yield(s, nil) {
						return
					}
				}
			}
			if !all.HasMore || all.State == "" || (req.State.Set && all.State == req.State.Value) {
				return
			}
			req.Next, req.State = true, tl.Some(all.State)
		}
	}
}
