package world

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The viewing side of stories: lists (active, pinned, archive), views and reads, reactions,
// the viewers list, pins, links, stealth mode and close friends.

// storyView is one viewer's view of a story.
type storyView struct {
	date     int32
	reaction tg.ReactionClass // nil for none
}

// storyPeople is what the stories family keeps per person (the World's storyPeople).
type storyPeople struct {
	closeFriends map[int64]map[int64]struct{} // person -> its close friends
	stealth      map[int64]stealth            // person -> its stealth mode
}

// stealth is a person's stealth mode: views are not recorded until active; it can be turned on
// again after cooldown.
type stealth struct{ active, cooldown int32 }

// Stealth mode periods (seconds), as Telegram has them.
const (
	stealthPast     = 5 * 60
	stealthFuture   = 25 * 60
	stealthCooldown = 3600
)

// Limits of the story methods.
const (
	maxStoryIDs       = 200 // ids in one stories.incrementStoryViews or getStoriesViews
	maxPinnedToTop    = 3
	maxStoryPageLimit = 100
)

func (sp *storyPeople) closeFriend(person, viewer int64) bool {
	_, ok := sp.closeFriends[person][viewer]
	return ok
}

// tgViews renders the view counters of s (for its owner).
func (s *story) tgViews() *tg.StoryViews {
	out := &tg.StoryViews{ViewsCount: int32(len(s.views)), HasViewers: len(s.views) > 0}
	if s.forwards > 0 {
		out.ForwardsCount = tl.Some(s.forwards)
	}
	counts := map[string]*tg.ReactionCount{}
	var order []string
	for _, viewer := range s.viewOrder() {
		if len(out.RecentViewers) < 3 {
			out.RecentViewers = append(out.RecentViewers, viewer)
		}
		r := s.views[viewer].reaction
		if r == nil {
			continue
		}
		k, _ := reactionKey(r)
		if counts[k] == nil {
			counts[k] = &tg.ReactionCount{Reaction: r}
			order = append(order, k)
		}
		counts[k].Count++
	}
	var total int32
	for _, k := range order {
		out.Reactions = append(out.Reactions, *counts[k])
		total += counts[k].Count
	}
	if total > 0 {
		out.ReactionsCount = tl.Some(total)
	}
	return out
}

// viewOrder lists the viewers of s, most recent first (ties by id).
func (s *story) viewOrder() []int64 {
	ids := make([]int64, 0, len(s.views))
	for id := range s.views {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int {
		if c := cmp.Compare(s.views[b].date, s.views[a].date); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return ids
}

// viewStory records viewer's view of s unless the viewer owns s or is in stealth mode
// (under w.mu).
func (w *World) viewStory(viewer int64, p Peer, s *story) *storyView {
	if w.storyOwner(viewer, p, s) {
		return nil
	}
	if v := s.views[viewer]; v != nil {
		return v
	}
	now := w.now()
	if w.storyPeople.stealth[viewer].active > now {
		return nil
	}
	if s.views == nil {
		s.views = make(map[int64]*storyView)
	}
	v := &storyView{date: now}
	s.views[viewer] = v
	return v
}

// viewerPeer is authorizedPeer for the story methods: a person or a channel (under w.mu).
func (w *World) viewerPeer(key KeyID, in tg.InputPeerClass) (*account, Peer, error) {
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, Peer{}, err
	}
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return nil, Peer{}, err
	}
	if p.Kind == PeerChat {
		return nil, Peer{}, ErrPeerIDInvalid
	}
	return a, p, nil
}

// visibleStories lists the stories of p viewer sees that keep says, newest first (under w.mu).
func (w *World) visibleStories(viewer int64, p Peer, keep func(*story) bool) []*story {
	ps := w.stories[p]
	if ps == nil {
		return nil
	}
	var list []*story
	for _, s := range ps.items {
		if keep(s) && w.storyVisible(viewer, p, s) {
			list = append(list, s)
		}
	}
	slices.SortFunc(list, func(a, b *story) int { return cmp.Compare(b.id, a.id) })
	return list
}

// PeerStories answers stories.getPeerStories: the active stories of the peer the caller sees,
// oldest first, and the highest id it read.
func (w *World) PeerStories(key KeyID, in tg.InputPeerClass) (*tg.StoriesPeerStories, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.viewerPeer(key, in)
	if err != nil {
		return nil, err
	}
	now := w.now()
	list := w.visibleStories(a.id, p, func(s *story) bool { return s.expire > now })
	slices.Reverse(list)
	out := &tg.StoriesPeerStories{Stories: tg.PeerStories{Peer: peerTG(p), Stories: []tg.StoryItemClass{}}}
	for _, s := range list {
		out.Stories.Stories = append(out.Stories.Stories, w.tgStory(a.id, p, s))
	}
	if ps := w.stories[p]; ps != nil && ps.read[a.id] > 0 {
		out.Stories.MaxReadID = tl.Some(ps.read[a.id])
	}
	var r refs
	r.add(p)
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// indexPage cuts list at a numeric offset ("" for 0) to limit (1..100) and returns the offset
// of the next page (unset after the last); OFFSET_INVALID for an offset that is not a
// number.
func indexPage[T any](list []T, offset string, limit int32) ([]T, tl.Opt[string], error) {
	start := 0
	if offset != "" {
		var err error
		if start, err = strconv.Atoi(offset); err != nil || start < 0 {
			return nil, tl.Opt[string]{}, rpcErr(400, "OFFSET_INVALID")
		}
	}
	page := list[min(start, len(list)):]
	page = page[:min(len(page), int(min(max(limit, 1), maxStoryPageLimit)))]
	var next tl.Opt[string]
	if n := start + len(page); n < len(list) {
		next = tl.Some(strconv.Itoa(n))
	}
	return page, next, nil
}

// storyPage cuts list (newest first) at offsetID (exclusive, 0 for the start) to limit.
func storyPage(list []*story, offsetID, limit int32) []*story {
	if offsetID > 0 {
		i := slices.IndexFunc(list, func(s *story) bool { return s.id < offsetID })
		if i < 0 {
			return nil
		}
		list = list[i:]
	}
	limit = min(max(limit, 1), maxStoryPageLimit)
	return list[:min(len(list), int(limit))]
}

// PinnedStories answers stories.getPinnedStories: the peer's stories pinned to its profile
// that the caller sees, expired or not, newest first, paged by offset id.
func (w *World) PinnedStories(key KeyID, in tg.InputPeerClass, offsetID, limit int32) (*tg.StoriesStories, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.viewerPeer(key, in)
	if err != nil {
		return nil, err
	}
	list := w.visibleStories(a.id, p, func(s *story) bool { return s.pinned })
	return w.storyList(a.id, p, storyPage(list, offsetID, limit), int32(len(list))), nil
}

// StoriesArchive answers stories.getStoriesArchive: every story of the caller (or of a channel
// it administers), expired or not, newest first.
func (w *World) StoriesArchive(key KeyID, in tg.InputPeerClass, offsetID, limit int32) (*tg.StoriesStories, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedStoryPeer(key, in)
	if err != nil {
		return nil, err
	}
	list := w.visibleStories(a.id, p, func(*story) bool { return true })
	return w.storyList(a.id, p, storyPage(list, offsetID, limit), int32(len(list))), nil
}

// IncrementStoryViews answers stories.incrementStoryViews: the caller viewed the stories
// (STORY_ID_INVALID for one it cannot see).
func (w *World) IncrementStoryViews(key KeyID, in tg.InputPeerClass, ids []int32) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.viewerPeer(key, in)
	if err != nil {
		return err
	}
	if len(ids) == 0 || len(ids) > maxStoryIDs {
		return ErrStoryIDInvalid
	}
	for _, id := range ids {
		s, err := w.visibleStory(a.id, p, id)
		if err != nil {
			return err
		}
		w.viewStory(a.id, p, s)
	}
	return nil
}

// ReadStories answers stories.readStories: the caller read the peer's active stories up to
// maxID (which count as viewed); the result lists the ids newly read.
func (w *World) ReadStories(key KeyID, in tg.InputPeerClass, maxID int32) ([]int32, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.viewerPeer(key, in)
	if err != nil {
		return nil, err
	}
	ps := w.stories[p]
	if ps == nil {
		return []int32{}, nil
	}
	now := w.now()
	read := []int32{}
	for _, s := range w.visibleStories(a.id, p, func(s *story) bool { return s.expire > now && s.id <= maxID }) {
		if s.id > ps.read[a.id] {
			read = append(read, s.id)
		}
		w.viewStory(a.id, p, s)
	}
	slices.Sort(read)
	ps.read[a.id] = max(ps.read[a.id], maxID)
	return read, nil
}

// visibleStory returns story id of p when viewer may see it: STORY_ID_INVALID otherwise
// (under w.mu).
func (w *World) visibleStory(viewer int64, p Peer, id int32) (*story, error) {
	s := w.findStory(p, id)
	if s == nil || !w.storyVisible(viewer, p, s) {
		return nil, ErrStoryIDInvalid
	}
	return s, nil
}

// ownStory returns story id of p when the caller owns it: STORY_ID_INVALID otherwise
// (under w.mu).
func (w *World) ownStory(a *account, p Peer, id int32) (*story, error) {
	s := w.findStory(p, id)
	if s == nil || !w.storyOwner(a.id, p, s) {
		return nil, ErrStoryIDInvalid
	}
	return s, nil
}

// StoriesViews answers stories.getStoriesViews: the counters of the caller's stories.
func (w *World) StoriesViews(key KeyID, in tg.InputPeerClass, ids []int32) (*tg.StoriesStoryViews, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.viewerPeer(key, in)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 || len(ids) > maxStoryIDs {
		return nil, ErrStoryIDInvalid
	}
	out := &tg.StoriesStoryViews{Views: []tg.StoryViews{}}
	var r refs
	for _, id := range ids {
		s, err := w.ownStory(a, p, id)
		if err != nil {
			return nil, err
		}
		v := s.tgViews()
		for _, u := range v.RecentViewers {
			r.add(UserPeer(u))
		}
		out.Views = append(out.Views, *v)
	}
	out.Users, _ = w.render(a.id, &r)
	return out, nil
}

// ViewsQuery is stories.getStoryViewsList.
type ViewsQuery struct {
	Peer           tg.InputPeerClass
	ID             int32
	Q              string // a name the viewers' names contain
	JustContacts   bool
	ReactionsFirst bool
	Offset         string // the index of the first viewer, "" for 0
	Limit          int32
}

// StoryViewsList answers stories.getStoryViewsList for the owner of the story: its viewers
// (most recent first, those who reacted first with ReactionsFirst) with their reactions,
// paged by a numeric offset.
func (w *World) StoryViewsList(key KeyID, q ViewsQuery) (*tg.StoriesStoryViewsList, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.viewerPeer(key, q.Peer)
	if err != nil {
		return nil, err
	}
	s, err := w.ownStory(a, p, q.ID)
	if err != nil {
		return nil, err
	}
	ids := slices.DeleteFunc(s.viewOrder(), func(id int64) bool {
		u := w.users[id]
		return u == nil || (q.JustContacts && !w.storyContact(a, id)) || (q.Q != "" && !nameContains(u, q.Q))
	})
	if q.ReactionsFirst {
		slices.SortStableFunc(ids, func(x, y int64) int {
			return cmp.Compare(boolInt(s.views[y].reaction != nil), boolInt(s.views[x].reaction != nil))
		})
	}
	stats := s.tgViews()
	out := &tg.StoriesStoryViewsList{
		Count: int32(len(ids)), ViewsCount: stats.ViewsCount, ForwardsCount: s.forwards,
		ReactionsCount: stats.ReactionsCount.Value, Views: []tg.StoryViewClass{},
	}
	page, next, err := indexPage(ids, q.Offset, q.Limit)
	if err != nil {
		return nil, err
	}
	out.NextOffset = next
	var r refs
	for _, id := range page {
		v := s.views[id]
		out.Views = append(out.Views, &tg.StoryView{UserID: id, Date: v.date, Reaction: v.reaction})
		r.add(UserPeer(id))
	}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nameContains reports whether u's name or username contains q, in any case.
func nameContains(u *account, q string) bool {
	for _, s := range []string{u.firstName, u.lastName, u.username} {
		if s != "" && strings.Contains(strings.ToLower(s), strings.ToLower(q)) {
			return true
		}
	}
	return false
}

// SendStoryReaction answers stories.sendReaction: the caller reacts to a story it sees (which
// counts as a view); an empty reaction takes it back. The result carries
// updateSentStoryReaction, also pushed to the caller's other sessions.
func (w *World) SendStoryReaction(key KeyID, in tg.InputPeerClass, id int32, reaction tg.ReactionClass) (*tg.Updates, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.viewerPeer(key, in)
	if err != nil {
		return nil, err
	}
	s, err := w.visibleStory(a.id, p, id)
	if err != nil {
		return nil, err
	}
	if _, empty := reaction.(*tg.ReactionEmpty); empty || reaction == nil {
		reaction = nil
	} else if _, ok := reactionKey(reaction); !ok {
		return nil, rpcErr(400, "REACTION_INVALID")
	}
	if v := w.viewStory(a.id, p, s); v != nil {
		v.reaction = reaction
	}
	if reaction == nil {
		reaction = &tg.ReactionEmpty{}
	}
	var r refs
	r.add(p)
	out := w.longUpdates(a.id, []tg.UpdateClass{&tg.UpdateSentStoryReaction{Peer: peerTG(p), StoryID: id, Reaction: reaction}}, &r, w.now())
	w.push(a.id, key, out)
	return out, nil
}

// TogglePinnedStories answers stories.togglePinned: the owner's stories are pinned to its
// profile or unpinned; the result lists the ids changed.
func (w *World) TogglePinnedStories(key KeyID, in tg.InputPeerClass, ids []int32, pinned bool) ([]int32, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, p, err := w.authorizedStoryPeer(key, in)
	if err != nil {
		return nil, err
	}
	changed := []int32{}
	for _, id := range ids {
		if s := w.findStory(p, id); s != nil && s.pinned != pinned {
			s.pinned = pinned
			changed = append(changed, id)
		}
	}
	if !pinned {
		ps := w.storiesOf(p)
		ps.pinnedTop = slices.DeleteFunc(ps.pinnedTop, func(id int32) bool { return slices.Contains(changed, id) })
	}
	return changed, nil
}

// PinStoriesToTop answers stories.togglePinnedToTop: the listed stories (at most 3, each
// pinned to the profile) become the ones shown first; an empty list clears them.
func (w *World) PinStoriesToTop(key KeyID, in tg.InputPeerClass, ids []int32) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, p, err := w.authorizedStoryPeer(key, in)
	if err != nil {
		return err
	}
	if len(ids) > maxPinnedToTop {
		return rpcErr(400, "PINNED_TOO_MUCH")
	}
	for _, id := range ids {
		if s := w.findStory(p, id); s == nil || !s.pinned {
			return ErrStoryIDInvalid
		}
	}
	w.storiesOf(p).pinnedTop = slices.Clone(ids)
	return nil
}

// ExportStoryLink answers stories.exportStoryLink: https://t.me/<username>/s/<id> for a story
// the caller sees of a peer with a username (USER_PUBLIC_MISSING without one).
func (w *World) ExportStoryLink(key KeyID, in tg.InputPeerClass, id int32) (*tg.ExportedStoryLink, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.viewerPeer(key, in)
	if err != nil {
		return nil, err
	}
	if _, err := w.visibleStory(a.id, p, id); err != nil {
		return nil, err
	}
	var username string
	if u := w.users[p.ID]; p.Kind == PeerUser && u != nil {
		username = u.username
	} else if ch := w.channels[p.ID]; p.Kind == PeerChannel && ch != nil {
		username = ch.username
	}
	if username == "" {
		return nil, rpcErr(400, "USER_PUBLIC_MISSING")
	}
	return &tg.ExportedStoryLink{Link: "https://t.me/" + username + "/s/" + strconv.Itoa(int(id))}, nil
}

// ActivateStealthMode answers stories.activateStealthMode for a premium person: past erases
// its views of the last 5 minutes, future stops recording its views for 25 minutes; it can
// be turned on again after an hour (until then the call changes nothing). The result carries
// updateStoriesStealthMode. PREMIUM_ACCOUNT_REQUIRED otherwise.
func (w *World) ActivateStealthMode(key KeyID, past, future bool) (*tg.Updates, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.premiumUser(key)
	if err != nil {
		return nil, err
	}
	now := w.now()
	st := w.storyPeople.stealth[a.id]
	if st.cooldown <= now {
		if past {
			for _, ps := range w.stories {
				for _, s := range ps.items {
					if v := s.views[a.id]; v != nil && v.date > now-stealthPast {
						delete(s.views, a.id)
					}
				}
			}
		}
		if future {
			st.active = now + stealthFuture
		}
		st.cooldown = now + stealthCooldown
		if w.storyPeople.stealth == nil {
			w.storyPeople.stealth = make(map[int64]stealth)
		}
		w.storyPeople.stealth[a.id] = st
	}
	mode := tg.StoriesStealthMode{CooldownUntilDate: tl.Some(st.cooldown)}
	if st.active > now {
		mode.ActiveUntilDate = tl.Some(st.active)
	}
	out := &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateStoriesStealthMode{StealthMode: mode}}, Users: []tg.UserClass{}, Chats: []tg.ChatClass{}, Date: now}
	w.push(a.id, key, out)
	return out, nil
}

// EditCloseFriends answers contacts.editCloseFriends: the caller's close friends become ids
// (people it knows).
func (w *World) EditCloseFriends(key KeyID, ids []int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	set := make(map[int64]struct{}, len(ids))
	for _, id := range ids {
		u := w.users[id]
		if u == nil || u.bot || id == a.id {
			return rpcErr(400, "USER_ID_INVALID")
		}
		set[id] = struct{}{}
	}
	if w.storyPeople.closeFriends == nil {
		w.storyPeople.closeFriends = make(map[int64]map[int64]struct{})
	}
	w.storyPeople.closeFriends[a.id] = set
	return nil
}

// allStoriesPage is how many peers one stories.getAllStories page holds.
const allStoriesPage = 20

// AllStories answers stories.getAllStories: the peers with active stories the caller sees
// (itself, people, channels), each with those stories, a page of 20 peers at a time; state is
// the position to go on from with next. Nobody hides peers' stories in this world, so hidden
// lists none. The stealth mode is the caller's.
func (w *World) AllStories(key KeyID, next, hidden bool, state string) (*tg.StoriesAllStories, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	now := w.now()
	var peers []Peer
	for p := range w.stories {
		if !hidden && len(w.visibleStories(a.id, p, func(s *story) bool { return s.expire > now })) > 0 {
			peers = append(peers, p)
		}
	}
	slices.SortFunc(peers, func(x, y Peer) int {
		if c := cmp.Compare(x.Kind, y.Kind); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	offset := ""
	if next {
		offset = state
	}
	page, more, err := indexPage(peers, offset, allStoriesPage)
	if err != nil {
		return nil, rpcErr(400, "STATE_INVALID")
	}
	out := &tg.StoriesAllStories{Count: int32(len(peers)), PeerStories: []tg.PeerStories{}, HasMore: more.Set}
	out.State = more.Value
	if !more.Set {
		out.State = strconv.Itoa(len(peers))
	}
	var r refs
	for _, p := range page {
		list := w.visibleStories(a.id, p, func(s *story) bool { return s.expire > now })
		slices.Reverse(list)
		ps := tg.PeerStories{Peer: peerTG(p), Stories: []tg.StoryItemClass{}}
		for _, s := range list {
			ps.Stories = append(ps.Stories, w.tgStory(a.id, p, s))
		}
		if read := w.stories[p].read[a.id]; read > 0 {
			ps.MaxReadID = tl.Some(read)
		}
		out.PeerStories = append(out.PeerStories, ps)
		r.add(p)
	}
	st := w.storyPeople.stealth[a.id]
	if st.active > now {
		out.StealthMode.ActiveUntilDate = tl.Some(st.active)
	}
	if st.cooldown > now {
		out.StealthMode.CooldownUntilDate = tl.Some(st.cooldown)
	}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}
