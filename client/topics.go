package mtgo

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Forum topics of supergroups with IsForum set.

// GeneralTopicID is the id of a forum's "General" topic.
const GeneralTopicID = 1

// TopicSpec describes a topic to create or the changes of one to edit: zero fields are left
// as they are.
type TopicSpec struct {
	Title       string
	IconColor   int32 // create only: RGB of the default icon
	IconEmojiID int64 // a custom emoji icon
}

// CreateForumTopic creates a topic in forum chat and returns it.
func (c *Client) CreateForumTopic(ctx context.Context, chat any, spec TopicSpec) (*types.ForumTopic, error) {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesCreateForumTopicRequest{Peer: p.in, Title: spec.Title, RandomID: randomID()}
	if spec.IconColor != 0 {
		req.IconColor = tl.Some(spec.IconColor)
	}
	if spec.IconEmojiID != 0 {
		req.IconEmojiID = tl.Some(spec.IconEmojiID)
	}
	u, err := c.updated(ctx, "create forum topic", req)
	if err != nil {
		return nil, err
	}
	list, users, chats, _ := updatesParts(u)
	e := types.NewEntities(users, chats)
	for _, up := range list {
		m, ok := newMessageOf(up)
		if !ok {
			continue
		}
		if act, ok := m.Action.(*tg.MessageActionTopicCreate); ok {
			t := &tg.ForumTopic{
				My: true, ID: m.ID, Date: m.Date, Peer: m.PeerID, Title: act.Title, IconColor: act.IconColor,
				IconEmojiID: act.IconEmojiID, TopMessage: m.ID, FromID: m.FromID,
			}
			if t.FromID == nil {
				t.FromID = &tg.PeerUser{UserID: c.selfID()}
			}
			ft := types.NewForumTopic(t, e)
			c.topicCache.add(p.botAPIID(), ft)
			return ft, nil
		}
	}
	return nil, fmt.Errorf("mtgo: create forum topic: the answer has no topic")
}

// newMessageOf returns the service message of a new-message update.
func newMessageOf(u tg.UpdateClass) (*tg.MessageService, bool) {
	var m tg.MessageClass
	switch u := u.(type) {
	case *tg.UpdateNewChannelMessage:
		m = u.Message
	case *tg.UpdateNewMessage:
		m = u.Message
	}
	s, ok := m.(*tg.MessageService)
	return s, ok && s != nil
}

// EditForumTopic changes the title or icon of a topic.
func (c *Client) EditForumTopic(ctx context.Context, chat any, topicID int, spec TopicSpec) error {
	req := &tg.MessagesEditForumTopicRequest{}
	if spec.Title != "" {
		req.Title = tl.Some(spec.Title)
	}
	if spec.IconEmojiID != 0 {
		req.IconEmojiID = tl.Some(spec.IconEmojiID)
	}
	return c.editTopic(ctx, chat, topicID, req)
}

// CloseForumTopic closes a topic: only administrators may post in it.
func (c *Client) CloseForumTopic(ctx context.Context, chat any, topicID int) error {
	return c.editTopic(ctx, chat, topicID, &tg.MessagesEditForumTopicRequest{Closed: tl.Some(true)})
}

// ReopenForumTopic reopens a closed topic.
func (c *Client) ReopenForumTopic(ctx context.Context, chat any, topicID int) error {
	return c.editTopic(ctx, chat, topicID, &tg.MessagesEditForumTopicRequest{Closed: tl.Some(false)})
}

// HideGeneralTopic hides (or shows again) the "General" topic of a forum.
func (c *Client) HideGeneralTopic(ctx context.Context, chat any, hidden bool) error {
	return c.editTopic(ctx, chat, GeneralTopicID, &tg.MessagesEditForumTopicRequest{Hidden: tl.Some(hidden)})
}

// editTopic sends req for topic topicID of chat.
func (c *Client) editTopic(ctx context.Context, chat any, topicID int, req *tg.MessagesEditForumTopicRequest) error {
	var err error
	if req.TopicID, err = wireMessageID(topicID); err != nil {
		return fmt.Errorf("mtgo: edit forum topic: %w", err)
	}
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	req.Peer = p.in
	c.topicCache.forget(p.botAPIID(), topicID)
	_, err = c.updated(ctx, "edit forum topic", req)
	return err
}

// PinForumTopic pins (or unpins) a topic at the top of the forum's list.
func (c *Client) PinForumTopic(ctx context.Context, chat any, topicID int, pinned bool) error {
	id, err := wireMessageID(topicID)
	if err != nil {
		return fmt.Errorf("mtgo: pin forum topic: %w", err)
	}
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	c.topicCache.forgetChat(p.botAPIID()) // pinning reorders the pinned ones
	_, err = c.updated(ctx, "pin forum topic", &tg.MessagesUpdatePinnedForumTopicRequest{Peer: p.in, TopicID: id, Pinned: pinned})
	return err
}

// DeleteForumTopic deletes a topic with all its messages.
func (c *Client) DeleteForumTopic(ctx context.Context, chat any, topicID int) error {
	id, err := wireMessageID(topicID)
	if err != nil {
		return fmt.Errorf("mtgo: delete forum topic: %w", err)
	}
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	c.topicCache.forget(p.botAPIID(), topicID)
	for range maxHistoryBatches {
		res, err := c.api().MessagesDeleteTopicHistory(ctx, &tg.MessagesDeleteTopicHistoryRequest{Peer: p.in, TopMsgID: id})
		if err != nil {
			return fmt.Errorf("mtgo: delete forum topic: %w", err)
		}
		if res.Offset <= 0 {
			return nil
		}
	}
	return fmt.Errorf("mtgo: delete forum topic: still not done after %d batches", maxHistoryBatches)
}

// topicsPage is how many topics one messages.getForumTopics asks for.
const topicsPage = 100

// GetForumTopics iterates over the topics of a forum (those whose title matches query when
// it is not ""), most recently active first, pinned ones on top.
func (c *Client) GetForumTopics(ctx context.Context, chat any, query string) iter.Seq2[*types.ForumTopic, error] {
	// The cursor is the last topic sent with a date and top message to start from (deleted
	// topics have neither), and how many entries the server sent up to it.
	type cursor struct {
		last *tg.ForumTopic
		seen int
		used cursorsUsed[int32] // topic ids paged from
	}
	return pages(ctx, func(ctx context.Context, cur cursor) (listPage[*types.ForumTopic, cursor], error) {
		var pg listPage[*types.ForumTopic, cursor]
		p, err := c.resolveChat(ctx, chat)
		if err != nil {
			return pg, err
		}
		req := &tg.MessagesGetForumTopicsRequest{Peer: p.in, Limit: topicsPage}
		if query != "" {
			req.Q = tl.Some(query)
		}
		if last := cur.last; last != nil {
			req.OffsetTopic, req.OffsetID, req.OffsetDate = last.ID, last.TopMessage, last.Date
		}
		res, err := c.api().MessagesGetForumTopics(ctx, req)
		if err != nil {
			return pg, fmt.Errorf("mtgo: get forum topics: %w", err)
		}
		e := types.NewEntities(res.Users, res.Chats)
		pg.items = make([]*types.ForumTopic, 0, len(res.Topics))
		pg.sent, pg.next = len(res.Topics), cursor{seen: cur.seen, used: cur.used}
		for i, t := range res.Topics {
			if ft := types.NewForumTopic(t, e); ft != nil {
				pg.items = append(pg.items, ft)
				c.topicCache.add(p.botAPIID(), ft)
				// The next page starts after this topic: deleted ones after it come again.
				pg.next.last, pg.next.seen = ft.Raw, cur.seen+i+1
			}
		}
		moved := pg.next.last != nil && pg.next.used.fresh(pg.next.last.ID)
		pg.more = moved && pg.sent == topicsPage && pg.next.seen < int(res.Count)
		return pg, nil
	})
}

// ErrTopicNotFound reports a forum topic that does not exist (never made, or deleted).
var ErrTopicNotFound = errors.New("mtgo: forum topic not found")

// GetForumTopic returns topic topicID of forum chat, from the topic cache when it is there
// (see CachedForumTopic), else with messages.getForumTopicsByID; ErrTopicNotFound when the
// forum has no such topic.
func (c *Client) GetForumTopic(ctx context.Context, chat any, topicID int) (*types.ForumTopic, error) {
	id, err := wireMessageID(topicID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: get forum topic: %w", err)
	}
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	if t, ok := c.CachedForumTopic(p.botAPIID(), topicID); ok {
		return t, nil
	}
	res, err := c.api().MessagesGetForumTopicsByID(ctx, &tg.MessagesGetForumTopicsByIDRequest{Peer: p.in, Topics: []int32{id}})
	if err != nil {
		return nil, fmt.Errorf("mtgo: get forum topic %d: %w", topicID, err)
	}
	e := types.NewEntities(res.Users, res.Chats)
	for _, t := range res.Topics {
		if ft := types.NewForumTopic(t, e); ft != nil && ft.ID == topicID {
			c.topicCache.add(p.botAPIID(), ft)
			return ft, nil
		}
	}
	return nil, fmt.Errorf("%w: %d", ErrTopicNotFound, topicID)
}
