package world

import (
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Forum topics of supergroups with forum set. Each topic is named by the id of its creating
// service message (messageActionTopicCreate); topic 1 is "General", there from the start.

// maxTopics bounds the topics of one forum.
const maxTopics = 1000

// generalTopic is the id of a forum's "General" topic.
const generalTopic = 1

type forumTopics struct {
	byID map[int32]*topic
}

type topic struct {
	id        int32
	title     string
	iconColor int32
	iconEmoji int64
	creator   int64
	date      int32
	closed    bool
	hidden    bool
	pinned    bool
}

// topicsOf returns ch's topics, creating the General topic on first use (under w.mu).
func (ch *channel) topicsOf() *forumTopics {
	if ch.topics == nil {
		ch.topics = &forumTopics{byID: map[int32]*topic{
			generalTopic: {id: generalTopic, title: "General", creator: ch.creator, date: ch.date},
		}}
	}
	return ch.topics
}

func (tp *topic) render(ch *channel, viewer int64) *tg.ForumTopic {
	out := &tg.ForumTopic{
		My: tp.creator == viewer, Closed: tp.closed, Pinned: tp.pinned, Hidden: tp.hidden,
		ID: tp.id, Date: tp.date, Peer: &tg.PeerChannel{ChannelID: ch.id}, Title: tp.title,
		IconColor: tp.iconColor, TopMessage: tp.id, FromID: &tg.PeerUser{UserID: tp.creator},
		NotifySettings: tg.PeerNotifySettings{},
	}
	if tp.iconEmoji != 0 {
		out.IconEmojiID = tl.Some(tp.iconEmoji)
	}
	return out
}

// forumTarget resolves in into a forum the account on key belongs to (under w.mu):
// CHANNEL_FORUM_MISSING for other chats.
func (w *World) forumTarget(key KeyID, in tg.InputPeerClass) (target, error) {
	t, err := w.groupTarget(key, in)
	if err != nil {
		return target{}, err
	}
	if t.ch == nil || !t.ch.forum {
		return target{}, rpcErr(400, "CHANNEL_FORUM_MISSING")
	}
	if t.ch.members[t.a.id] == nil {
		return target{}, ErrChatWriteForbidden
	}
	return t, nil
}

// TopicSpec is messages.createForumTopic.
type TopicSpec struct {
	Title     string
	IconColor int32
	IconEmoji int64
	RandomID  int64
}

// CreateTopic answers messages.createForumTopic: members may create topics unless the
// chat's default rights forbid it (manage_topics); the topic starts with a service message
// every member receives. TOPIC_TITLE_EMPTY, TOPICS_TOO_MUCH.
func (w *World) CreateTopic(key KeyID, in tg.InputPeerClass, spec TopicSpec) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.forumTarget(key, in)
	if err != nil {
		return nil, err
	}
	ch := t.ch
	switch {
	case strings.TrimSpace(spec.Title) == "" || len([]rune(spec.Title)) > 128:
		return nil, rpcErr(400, "TOPIC_TITLE_EMPTY")
	case len(ch.topicsOf().byID) >= maxTopics:
		return nil, rpcErr(400, "TOPICS_TOO_MUCH")
	case ch.restrictedTo(t.a.id, w.now()).ManageTopics && !ch.isAdmin(t.a.id):
		return nil, ErrChatAdminRequired
	}
	act := &tg.MessageActionTopicCreate{Title: spec.Title, IconColor: spec.IconColor}
	if spec.IconEmoji != 0 {
		act.IconEmojiID = tl.Some(spec.IconEmoji)
	}
	s, err := w.deliverOnce(t.a, key, ChannelPeer(ch.id), content{action: act}, spec.RandomID)
	if err != nil {
		return nil, err
	}
	tp := &topic{id: s.id, title: spec.Title, iconColor: spec.IconColor, iconEmoji: spec.IconEmoji, creator: t.a.id, date: s.date}
	ch.topicsOf().byID[tp.id] = tp
	w.logEvent(ch, t.a.id, &tg.ChannelAdminLogEventActionCreateTopic{Topic: tp.render(ch, 0)})
	return w.sentUpdates(t.a, s, spec.RandomID), nil
}

// TopicEdit is messages.editForumTopic: nil fields stay as they are.
type TopicEdit struct {
	Title     *string
	IconEmoji *int64
	Closed    *bool
	Hidden    *bool
}

// EditTopic answers messages.editForumTopic: its creator or an admin with manage_topics
// renames or closes a topic; only General may be hidden (and not renamed's icon). The
// change is posted as messageActionTopicEdit. TOPIC_ID_INVALID, TOPIC_NOT_MODIFIED,
// TOPIC_HIDE_SEPARATELY (hidden with other fields).
func (w *World) EditTopic(key KeyID, in tg.InputPeerClass, id int32, e TopicEdit) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, tp, err := w.topicOf(key, in, id)
	if err != nil {
		return nil, err
	}
	ch := t.ch
	if tp.creator != t.a.id && !ch.hasRight(t.a.id, rightTopics) {
		return nil, ErrChatAdminRequired
	}
	if e.Hidden != nil && (id != generalTopic || e.Title != nil || e.IconEmoji != nil || e.Closed != nil) {
		return nil, rpcErr(400, "TOPIC_HIDE_SEPARATELY")
	}
	prev := tp.render(ch, 0)
	act := &tg.MessageActionTopicEdit{}
	changed := false
	if e.Title != nil && *e.Title != tp.title {
		if strings.TrimSpace(*e.Title) == "" {
			return nil, rpcErr(400, "TOPIC_TITLE_EMPTY")
		}
		tp.title, act.Title, changed = *e.Title, tl.Some(*e.Title), true
	}
	if e.IconEmoji != nil && *e.IconEmoji != tp.iconEmoji && id != generalTopic {
		tp.iconEmoji, act.IconEmojiID, changed = *e.IconEmoji, tl.Some(*e.IconEmoji), true
	}
	if e.Closed != nil && *e.Closed != tp.closed {
		tp.closed, act.Closed, changed = *e.Closed, tl.Some(*e.Closed), true
	}
	if e.Hidden != nil && *e.Hidden != tp.hidden {
		tp.hidden, act.Hidden, changed = *e.Hidden, tl.Some(*e.Hidden), true
	}
	if !changed {
		return nil, rpcErr(400, "TOPIC_NOT_MODIFIED")
	}
	w.logEvent(ch, t.a.id, &tg.ChannelAdminLogEventActionEditTopic{PrevTopic: prev, NewTopic: tp.render(ch, 0)})
	s := w.deliverChannel(t.a, key, ch, content{action: act})
	return w.sentUpdates(t.a, s, 0), nil
}

// topicOf resolves topic id of forum in (under w.mu).
func (w *World) topicOf(key KeyID, in tg.InputPeerClass, id int32) (target, *topic, error) {
	t, err := w.forumTarget(key, in)
	if err != nil {
		return target{}, nil, err
	}
	tp := t.ch.topicsOf().byID[id]
	if tp == nil {
		return target{}, nil, rpcErr(400, "TOPIC_ID_INVALID")
	}
	return t, tp, nil
}

// PinTopic answers messages.updatePinnedForumTopic (needs manage_topics). At most 5 topics
// are pinned: PINNED_TOPICS_TOO_MUCH.
func (w *World) PinTopic(key KeyID, in tg.InputPeerClass, id int32, pinned bool) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, tp, err := w.topicOf(key, in, id)
	if err != nil {
		return nil, err
	}
	if !t.ch.hasRight(t.a.id, rightTopics) {
		return nil, ErrChatAdminRequired
	}
	if pinned && !tp.pinned {
		n := 0
		for _, x := range t.ch.topics.byID {
			if x.pinned {
				n++
			}
		}
		if n >= 5 {
			return nil, rpcErr(400, "PINNED_TOPICS_TOO_MUCH")
		}
	}
	tp.pinned = pinned
	w.logEvent(t.ch, t.a.id, &tg.ChannelAdminLogEventActionPinTopic{NewTopic: tp.render(t.ch, 0)})
	return w.changed(t, key), nil
}

// DeleteTopic answers messages.deleteTopicHistory: the topic and its creating message go
// (its creator or an admin with delete_messages). General cannot be deleted
// (TOPIC_ID_INVALID).
func (w *World) DeleteTopic(key KeyID, in tg.InputPeerClass, id int32) (*tg.MessagesAffectedHistory, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, tp, err := w.topicOf(key, in, id)
	if err != nil {
		return nil, err
	}
	if id == generalTopic {
		return nil, rpcErr(400, "TOPIC_ID_INVALID")
	}
	if tp.creator != t.a.id && !t.ch.hasRight(t.a.id, rightDelete) {
		return nil, ErrChatAdminRequired
	}
	delete(t.ch.topics.byID, id)
	w.logEvent(t.ch, t.a.id, &tg.ChannelAdminLogEventActionDeleteTopic{Topic: tp.render(t.ch, 0)})
	w.changed(t, KeyID{})
	return &tg.MessagesAffectedHistory{Pts: t.ch.pts}, nil
}

// TopicsQuery is messages.getForumTopics's selection.
type TopicsQuery struct {
	Q           string
	OffsetTopic int32 // topics after this one in the order
	Limit       int32
}

// Topics answers messages.getForumTopics: pinned topics first, then by id, newest first;
// hidden General is listed too (flagged).
func (w *World) Topics(key KeyID, in tg.InputPeerClass, q TopicsQuery) (*tg.MessagesForumTopics, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.forumTarget(key, in)
	if err != nil {
		return nil, err
	}
	var all []*topic
	for _, tp := range t.ch.topicsOf().byID {
		if q.Q == "" || strings.Contains(strings.ToLower(tp.title), strings.ToLower(q.Q)) {
			all = append(all, tp)
		}
	}
	slices.SortFunc(all, func(a, b *topic) int {
		if a.pinned != b.pinned {
			if a.pinned {
				return -1
			}
			return 1
		}
		return int(b.id - a.id)
	})
	got := pageAfter(all, q.OffsetTopic != 0, func(tp *topic) bool { return tp.id == q.OffsetTopic }, q.Limit, 100)
	out := &tg.MessagesForumTopics{Count: int32(len(all)), Topics: make([]tg.ForumTopicClass, 0, len(got)), Messages: []tg.MessageClass{}, Pts: t.ch.pts}
	var r refs
	r.add(ChannelPeer(t.ch.id))
	for _, tp := range got {
		out.Topics = append(out.Topics, tp.render(t.ch, t.a.id))
		r.add(UserPeer(tp.creator))
	}
	out.Users, out.Chats = w.render(t.a.id, &r)
	return out, nil
}

// TopicsByID answers messages.getForumTopicsByID: the topics of forum in with the given ids,
// in that order; an id with no topic (never made, or deleted) gets forumTopicDeleted, as on
// Telegram. At most 100 ids are taken.
func (w *World) TopicsByID(key KeyID, in tg.InputPeerClass, ids []int32) (*tg.MessagesForumTopics, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.forumTarget(key, in)
	if err != nil {
		return nil, err
	}
	if len(ids) > 100 {
		ids = ids[:100]
	}
	out := &tg.MessagesForumTopics{Topics: make([]tg.ForumTopicClass, 0, len(ids)), Messages: []tg.MessageClass{}, Pts: t.ch.pts}
	var r refs
	r.add(ChannelPeer(t.ch.id))
	byID := t.ch.topicsOf().byID
	for _, id := range ids {
		tp, ok := byID[id]
		if !ok {
			out.Topics = append(out.Topics, &tg.ForumTopicDeleted{ID: id})
			continue
		}
		out.Topics = append(out.Topics, tp.render(t.ch, t.a.id))
		r.add(UserPeer(tp.creator))
	}
	out.Count = int32(len(out.Topics))
	out.Users, out.Chats = w.render(t.a.id, &r)
	return out, nil
}
