package world

import (
	"slices"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// story is one posted story.
type story struct {
	id         int32
	date       int32
	expire     int32
	caption    string
	entities   []tg.MessageEntityClass
	media      *media
	privacy    []tg.PrivacyRuleClass
	pinned     bool
	edited     bool
	noforwards bool
	author     int64
	fwd        *tg.StoryFwdHeader // a repost: where the story came from
	forwards   int32              // reposts and forwards of this story
	// views holds who saw the story and how they reacted (story_views.go).
	views map[int64]*storyView
}

// peerStories holds the stories of one peer (a user or a channel).
type peerStories struct {
	next      int32
	items     map[int32]*story
	read      map[int64]int32 // viewer -> the highest story id it read
	pinnedTop []int32         // pinned to the top of the profile, in order
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
	// Noforwards protects the story from forwards and screenshots.
	Noforwards bool
	// FwdFrom and FwdStory name the story reposted (stories.sendStory fwd_from_*).
	FwdFrom  tg.InputPeerClass
	FwdStory int32
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
	case p.Kind == PeerChannel && w.manages(a.id, p):
	case p.Kind == PeerChannel:
		return Peer{}, ErrChatAdminRequired
	default:
		return Peer{}, ErrPeerIDInvalid
	}
	return p, nil
}

// storyPrivacy stores the input rules (users must be known to a); none means everybody.
func (w *World) storyPrivacy(a *account, in []tg.InputPrivacyRuleClass) ([]tg.PrivacyRuleClass, error) {
	out := make([]tg.PrivacyRuleClass, 0, len(in))
	for _, r := range in {
		rule, err := w.privacyRule(a, r)
		if err != nil {
			return nil, err
		}
		out = append(out, rule)
	}
	if len(out) == 0 {
		out = append(out, &tg.PrivacyValueAllowAll{})
	}
	return out, nil
}

// tgStory renders s, a story of p, as viewer sees it: the author also sees its privacy rules
// and views; a viewer sees its own reaction (under w.mu).
func (w *World) tgStory(viewer int64, p Peer, s *story) *tg.StoryItem {
	item := &tg.StoryItem{
		Pinned:     s.pinned,
		Edited:     s.edited,
		Noforwards: s.noforwards,
		Out:        s.author == viewer,
		ID:         s.id,
		Date:       s.date,
		ExpireDate: s.expire,
		Entities:   s.entities,
		Media:      w.tgMedia(viewer, s.media),
		FwdFrom:    s.fwd,
	}
	for _, r := range s.privacy {
		switch r.(type) {
		case *tg.PrivacyValueAllowAll:
			item.Public = true
		case *tg.PrivacyValueAllowCloseFriends:
			item.CloseFriends = true
		case *tg.PrivacyValueAllowContacts:
			item.Contacts = true
		case *tg.PrivacyValueAllowUsers:
			item.SelectedContacts = true
		}
	}
	if s.caption != "" {
		item.Caption = tl.Some(s.caption)
	}
	if w.storyOwner(viewer, p, s) {
		item.Privacy = s.privacy
		item.Views = s.tgViews()
	}
	if v := s.views[viewer]; v != nil {
		item.SentReaction = v.reaction
	}
	return item
}

// manages reports whether user acts as p: p is the user, or a channel it administers (a
// channel since deleted has nobody; under w.mu).
func (w *World) manages(user int64, p Peer) bool {
	switch p.Kind {
	case PeerUser:
		return p.ID == user
	case PeerChannel:
		ch := w.channels[p.ID]
		return ch != nil && ch.isAdmin(user)
	}
	return false
}

// storyOwner reports whether viewer manages s of p: its author, or an admin of its channel.
func (w *World) storyOwner(viewer int64, p Peer, s *story) bool {
	return viewer == s.author || (p.Kind == PeerChannel && w.manages(viewer, p))
}

// SendStory answers stories.sendStory: updateStoryID and updateStory for the poster; the
// poster's audience (storyAudience) gets updateStory pushed. Edits and deletions reach the
// same audience. A repost (FwdFrom) needs a story the poster can see and that is not
// protected; STORY_PERIOD_INVALID for a period Telegram does not offer, and
// PREMIUM_ACCOUNT_REQUIRED for a period other than 24 hours without premium.
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
	if period != 86400 && !a.premium { // other periods are a premium feature
		return nil, ErrPremiumAccountRequired
	}
	privacy, err := w.storyPrivacy(a, d.Privacy)
	if err != nil {
		return nil, err
	}
	var fwd *tg.StoryFwdHeader
	var source *story
	if d.FwdFrom != nil {
		if fwd, source, err = w.repostOf(a, d.FwdFrom, d.FwdStory); err != nil {
			return nil, err
		}
	}
	m, err := w.inputMedia(a, d.Media)
	if err != nil {
		return nil, err
	}
	ps := w.storiesOf(p)
	ps.next++
	now := w.now()
	s := &story{
		id: ps.next, date: now, expire: now + period, media: m, entities: d.Entities,
		privacy: privacy, pinned: d.Pinned, noforwards: d.Noforwards, author: a.id, fwd: fwd,
	}
	if d.Caption != nil {
		s.caption = *d.Caption
	}
	if source != nil {
		source.forwards++
	}
	ps.items[s.id] = s
	var r refs
	r.add(p)
	upd := &tg.UpdateStory{Peer: peerTG(p), Story: w.tgStory(a.id, p, s)}
	w.push(a.id, key, w.longUpdates(a.id, []tg.UpdateClass{upd}, &r, now))
	w.tellAudience(key, p, s, func(viewer int64) tg.StoryItemClass { return w.tgStory(viewer, p, s) })
	return w.longUpdates(a.id, []tg.UpdateClass{&tg.UpdateStoryID{ID: s.id, RandomID: d.RandomID}, upd}, &r, now), nil
}

// repostOf checks that a may repost story id of in and returns the repost's header.
func (w *World) repostOf(a *account, in tg.InputPeerClass, id int32) (*tg.StoryFwdHeader, *story, error) {
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return nil, nil, err
	}
	s, err := w.visibleStory(a.id, p, id)
	if err != nil {
		return nil, nil, err
	}
	if s.noforwards && !w.storyOwner(a.id, p, s) {
		return nil, nil, rpcErr(400, "CHAT_FORWARDS_RESTRICTED")
	}
	return &tg.StoryFwdHeader{From: peerTG(p), StoryID: tl.Some(id)}, s, nil
}

// storiesOf returns the stories of p, made on first use (under w.mu).
func (w *World) storiesOf(p Peer) *peerStories {
	ps := w.stories[p]
	if ps == nil {
		ps = &peerStories{items: make(map[int32]*story), read: make(map[int64]int32)}
		w.stories[p] = ps
	}
	return ps
}

// storyContact reports whether viewer counts as poster's contact for stories: a saved
// contact, or somebody poster has a private chat with (under w.mu).
func (w *World) storyContact(poster *account, viewer int64) bool {
	if _, ok := poster.contacts[viewer]; ok {
		return true
	}
	_, ok := poster.box.dialogs[UserPeer(viewer)]
	return ok
}

// storyVisible applies the privacy rules of s, a story of p, to viewer: a channel's stories
// are public (none once the channel is deleted); a person's are seen by the person and whom
// its rules allow, minus the users they exclude and the people the poster blocked (under
// w.mu).
func (w *World) storyVisible(viewer int64, p Peer, s *story) bool {
	if p.Kind == PeerChannel {
		return w.channels[p.ID] != nil // public, until the channel is deleted
	}
	if w.storyOwner(viewer, p, s) {
		return true
	}
	poster := w.users[p.ID]
	if poster == nil {
		return false
	}
	if _, blocked := poster.blocked[viewer]; blocked {
		return false
	}
	allowed := false
	for _, r := range s.privacy {
		switch r := r.(type) {
		case *tg.PrivacyValueDisallowUsers:
			if slices.Contains(r.Users, viewer) {
				return false
			}
		case *tg.PrivacyValueDisallowContacts:
			if w.storyContact(poster, viewer) {
				return false
			}
		case *tg.PrivacyValueAllowAll:
			allowed = true
		case *tg.PrivacyValueAllowContacts:
			allowed = allowed || w.storyContact(poster, viewer)
		case *tg.PrivacyValueAllowCloseFriends:
			allowed = allowed || w.storyPeople.closeFriend(poster.id, viewer)
		case *tg.PrivacyValueAllowUsers:
			allowed = allowed || slices.Contains(r.Users, viewer)
		}
	}
	return allowed
}

// storyAudience lists, in id order, the people besides its owner who get pushes about s of p:
// for a person, those with a private chat, its contacts and close friends whom the story's
// rules let see it; for a channel, its members who are people (under w.mu).
func (w *World) storyAudience(p Peer, s *story) []int64 {
	var ids []int64
	switch p.Kind {
	case PeerUser:
		if a := w.users[p.ID]; a != nil {
			for d := range a.box.dialogs {
				if d.Kind == PeerUser {
					ids = append(ids, d.ID)
				}
			}
			for id := range a.contacts {
				ids = append(ids, id)
			}
			for id := range w.storyPeople.closeFriends[a.id] {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
	case PeerChannel:
		if ch := w.channels[p.ID]; ch != nil {
			ids = ch.sortedMembers()
		}
	}
	return slices.DeleteFunc(ids, func(id int64) bool {
		u := w.users[id]
		return u == nil || u.bot || w.storyOwner(id, p, s) || !w.storyVisible(id, p, s)
	})
}

// tellAudience pushes updateStory (no pts, as on Telegram) with the item built for each viewer
// to the audience of s, skipping the auth key that caused it (under w.mu).
func (w *World) tellAudience(key KeyID, p Peer, s *story, item func(viewer int64) tg.StoryItemClass) {
	now := w.now()
	for _, uid := range w.storyAudience(p, s) {
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
	var privacy []tg.PrivacyRuleClass
	if d.Privacy != nil {
		if privacy, err = w.storyPrivacy(a, d.Privacy); err != nil {
			return nil, err
		}
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
	if privacy != nil {
		s.privacy = privacy
	}
	s.edited = true
	var r refs
	r.add(p)
	now := w.now()
	upd := &tg.UpdateStory{Peer: peerTG(p), Story: w.tgStory(a.id, p, s)}
	out := w.longUpdates(a.id, []tg.UpdateClass{upd}, &r, now)
	w.push(a.id, key, out)
	w.tellAudience(key, p, s, func(viewer int64) tg.StoryItemClass { return w.tgStory(viewer, p, s) })
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
		w.tellAudience(key, p, ps.items[id], func(int64) tg.StoryItemClass { return &tg.StoryItemDeleted{ID: id} })
		delete(ps.items, id)
		ps.pinnedTop = slices.DeleteFunc(ps.pinnedTop, func(t int32) bool { return t == id })
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

// StoriesByID answers stories.getStoriesByID; unknown ids and stories the caller may not see
// are left out.
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
	var list []*story
	for _, id := range ids {
		if s := w.findStory(p, id); s != nil && w.storyVisible(a.id, p, s) {
			list = append(list, s)
		}
	}
	return w.storyList(a.id, p, list, int32(len(list))), nil
}

// storyList renders list, stories of p, for viewer as stories.stories (under w.mu).
func (w *World) storyList(viewer int64, p Peer, list []*story, count int32) *tg.StoriesStories {
	out := &tg.StoriesStories{Count: count, Stories: []tg.StoryItemClass{}}
	for _, s := range list {
		out.Stories = append(out.Stories, w.tgStory(viewer, p, s))
	}
	if ps := w.stories[p]; ps != nil && len(ps.pinnedTop) > 0 {
		out.PinnedToTop = slices.Clone(ps.pinnedTop)
	}
	var r refs
	r.add(p)
	out.Users, out.Chats = w.render(viewer, &r)
	return out
}

// storyMedia checks a story forwarded in a message (inputMediaStory): one the sender sees and
// that is not protected; it counts as a forward of the story (under w.mu).
func (w *World) storyMedia(a *account, in *tg.InputMediaStory) (*media, error) {
	fwd, s, err := w.repostOf(a, in.Peer, in.ID)
	if err != nil {
		return nil, err
	}
	s.forwards++
	return &media{story: &tg.MessageMediaStory{Peer: fwd.From, ID: in.ID}}, nil
}
