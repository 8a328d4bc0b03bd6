package world

import (
	"slices"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// story is one posted story.
type story struct {
	id       int32
	date     int32
	expire   int32
	caption  string
	entities []tg.MessageEntityClass
	media    *media
	privacy  []tg.PrivacyRuleClass
	pinned   bool
	edited   bool
	author   int64
}

// peerStories holds the stories of one peer (a user or a channel).
type peerStories struct {
	next  int32
	items map[int32]*story
}

// StoryDraft is the content of stories.sendStory / stories.editStory.
type StoryDraft struct {
	Media    tg.InputMediaClass // required when sending; nil keeps it when editing
	Caption  *string            // nil keeps it when editing
	Entities []tg.MessageEntityClass
	Privacy  []tg.InputPrivacyRuleClass // nil keeps it when editing; empty means everybody
	RandomID int64
	Period   int32 // seconds; 0 means 86400
	Pinned   bool
}

var storyPeriods = []int32{6 * 3600, 12 * 3600, 86400, 2 * 86400}

// authorizedStoryPeer returns the account on key and the peer it posts stories as.
func (w *World) authorizedStoryPeer(key KeyID, in tg.InputPeerClass) (*account, Peer, error) {
	a, err := w.authorized(key)
	if err != nil {
		return nil, Peer{}, err
	}
	p, err := w.storyPeer(a, in)
	if err != nil {
		return nil, Peer{}, err
	}
	return a, p, nil
}

// storyPeer resolves the peer a may post stories as: itself, or a channel it administers.
func (w *World) storyPeer(a *account, in tg.InputPeerClass) (Peer, error) {
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return Peer{}, err
	}
	switch {
	case p.Kind == PeerUser && p.ID == a.id:
	case p.Kind == PeerChannel && w.channels[p.ID].isAdmin(a.id):
	case p.Kind == PeerChannel:
		return Peer{}, ErrChatAdminRequired
	default:
		return Peer{}, ErrPeerIDInvalid
	}
	return p, nil
}

func privacyRules(in []tg.InputPrivacyRuleClass) []tg.PrivacyRuleClass {
	out := []tg.PrivacyRuleClass{}
	for _, r := range in {
		switch r.(type) {
		case *tg.InputPrivacyValueAllowAll:
			out = append(out, &tg.PrivacyValueAllowAll{})
		case *tg.InputPrivacyValueAllowContacts:
			out = append(out, &tg.PrivacyValueAllowContacts{})
		case *tg.InputPrivacyValueAllowCloseFriends:
			out = append(out, &tg.PrivacyValueAllowCloseFriends{})
		case *tg.InputPrivacyValueDisallowAll:
			out = append(out, &tg.PrivacyValueDisallowAll{})
		case *tg.InputPrivacyValueDisallowContacts:
			out = append(out, &tg.PrivacyValueDisallowContacts{})
		}
	}
	if len(out) == 0 {
		out = append(out, &tg.PrivacyValueAllowAll{})
	}
	return out
}

func (w *World) tgStory(viewer int64, s *story) *tg.StoryItem {
	item := &tg.StoryItem{
		Pinned:     s.pinned,
		Edited:     s.edited,
		Out:        s.author == viewer,
		ID:         s.id,
		Date:       s.date,
		ExpireDate: s.expire,
		Entities:   s.entities,
		Media:      w.tgMedia(viewer, s.media),
		Privacy:    s.privacy,
	}
	for _, r := range s.privacy {
		if _, ok := r.(*tg.PrivacyValueAllowAll); ok {
			item.Public = true
		}
	}
	if s.caption != "" {
		item.Caption = tl.Some(s.caption)
	}
	return item
}

// SendStory answers stories.sendStory: updateStoryID and updateStory for the poster; the
// poster's audience (storyAudience) gets updateStory pushed. Edits and deletions reach the
// same audience.
func (w *World) SendStory(key KeyID, in tg.InputPeerClass, d StoryDraft) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedStoryPeer(key, in)
	if err != nil {
		return nil, err
	}
	if d.Media == nil {
		return nil, ErrMediaEmpty
	}
	period := d.Period
	if period == 0 {
		period = 86400
	}
	if !slices.Contains(storyPeriods, period) {
		return nil, rpcErr(400, "STORY_PERIOD_INVALID")
	}
	m, err := w.inputMedia(a, d.Media)
	if err != nil {
		return nil, err
	}
	ps := w.stories[p]
	if ps == nil {
		ps = &peerStories{items: make(map[int32]*story)}
		w.stories[p] = ps
	}
	ps.next++
	now := w.now()
	s := &story{
		id: ps.next, date: now, expire: now + period, media: m, entities: d.Entities,
		privacy: privacyRules(d.Privacy), pinned: d.Pinned, author: a.id,
	}
	if d.Caption != nil {
		s.caption = *d.Caption
	}
	ps.items[s.id] = s
	var r refs
	r.add(p)
	upd := &tg.UpdateStory{Peer: peerTG(p), Story: w.tgStory(a.id, s)}
	w.push(a.id, key, w.longUpdates(a.id, []tg.UpdateClass{upd}, &r, now))
	w.tellAudience(key, p, a.id, s, func(viewer int64) tg.StoryItemClass { return w.tgStory(viewer, s) })
	return w.longUpdates(a.id, []tg.UpdateClass{&tg.UpdateStoryID{ID: s.id, RandomID: d.RandomID}, upd}, &r, now), nil
}

// storyAudience lists, in id order, who besides the poster sees the stories of p: for a
// person, the people it has a private chat with (the test world's contacts); for a channel,
// its members who are people. Nobody else when s is not shared with everybody or with
// contacts (under w.mu).
func (w *World) storyAudience(p Peer, poster int64, s *story) []int64 {
	shared := slices.ContainsFunc(s.privacy, func(r tg.PrivacyRuleClass) bool {
		switch r.(type) {
		case *tg.PrivacyValueAllowAll, *tg.PrivacyValueAllowContacts:
			return true
		}
		return false
	})
	if !shared {
		return nil
	}
	var ids []int64
	switch p.Kind {
	case PeerUser:
		if a := w.users[p.ID]; a != nil {
			for d := range a.box.dialogs {
				if d.Kind == PeerUser {
					ids = append(ids, d.ID)
				}
			}
		}
		slices.Sort(ids)
	case PeerChannel:
		if ch := w.channels[p.ID]; ch != nil {
			ids = ch.sortedMembers()
		}
	}
	return slices.DeleteFunc(ids, func(id int64) bool {
		u := w.users[id]
		return u == nil || u.bot || id == poster
	})
}

// tellAudience pushes updateStory (no pts, as on Telegram) with the item built for each viewer
// to the audience of s, skipping the auth key that caused it (under w.mu).
func (w *World) tellAudience(key KeyID, p Peer, poster int64, s *story, item func(viewer int64) tg.StoryItemClass) {
	now := w.now()
	for _, uid := range w.storyAudience(p, poster, s) {
		var r refs
		r.add(p)
		upd := &tg.UpdateStory{Peer: peerTG(p), Story: item(uid)}
		w.push(uid, key, w.longUpdates(uid, []tg.UpdateClass{upd}, &r, now))
	}
}

func (w *World) findStory(p Peer, id int32) *story {
	ps := w.stories[p]
	if ps == nil {
		return nil
	}
	return ps.items[id]
}

// EditStory answers stories.editStory.
func (w *World) EditStory(key KeyID, in tg.InputPeerClass, id int32, d StoryDraft) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedStoryPeer(key, in)
	if err != nil {
		return nil, err
	}
	s := w.findStory(p, id)
	if s == nil {
		return nil, ErrStoryIDInvalid
	}
	if d.Media != nil {
		m, err := w.inputMedia(a, d.Media)
		if err != nil {
			return nil, err
		}
		s.media = m
	}
	if d.Caption != nil {
		s.caption, s.entities = *d.Caption, d.Entities
	}
	if d.Privacy != nil {
		s.privacy = privacyRules(d.Privacy)
	}
	s.edited = true
	var r refs
	r.add(p)
	now := w.now()
	upd := &tg.UpdateStory{Peer: peerTG(p), Story: w.tgStory(a.id, s)}
	out := w.longUpdates(a.id, []tg.UpdateClass{upd}, &r, now)
	w.push(a.id, key, out)
	w.tellAudience(key, p, a.id, s, func(viewer int64) tg.StoryItemClass { return w.tgStory(viewer, s) })
	return out, nil
}

// DeleteStories answers stories.deleteStories with the ids actually deleted.
func (w *World) DeleteStories(key KeyID, in tg.InputPeerClass, ids []int32) ([]int32, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedStoryPeer(key, in)
	if err != nil {
		return nil, err
	}
	gone := []int32{}
	ps := w.stories[p]
	var us []tg.UpdateClass
	for _, id := range ids {
		if ps == nil || ps.items[id] == nil {
			continue
		}
		w.tellAudience(key, p, a.id, ps.items[id], func(int64) tg.StoryItemClass { return &tg.StoryItemDeleted{ID: id} })
		delete(ps.items, id)
		gone = append(gone, id)
		us = append(us, &tg.UpdateStory{Peer: peerTG(p), Story: &tg.StoryItemDeleted{ID: id}})
	}
	if len(us) > 0 {
		var r refs
		r.add(p)
		w.push(a.id, key, w.longUpdates(a.id, us, &r, w.now()))
	}
	return gone, nil
}

// StoriesByID answers stories.getStoriesByID; unknown ids are left out.
func (w *World) StoriesByID(key KeyID, in tg.InputPeerClass, ids []int32) (*tg.StoriesStories, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, err
	}
	if p.Kind == PeerChat {
		return nil, ErrPeerIDInvalid
	}
	out := &tg.StoriesStories{Stories: []tg.StoryItemClass{}}
	for _, id := range ids {
		if s := w.findStory(p, id); s != nil {
			out.Stories = append(out.Stories, w.tgStory(a.id, s))
		}
	}
	out.Count = int32(len(out.Stories))
	var r refs
	r.add(p)
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

