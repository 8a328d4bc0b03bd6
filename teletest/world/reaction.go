package world

import (
	"errors"
	"slices"
	"strconv"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

const (
	// MaxReactions is how many reactions one account may put on a message (Telegram
	// Premium's limit).
	MaxReactions = 3
	// recentReactions is how many recent reactors messageReactions lists.
	recentReactions = 5
)

// reactionSet holds the reactions on one logical message, shared by all its copies.
type reactionSet struct {
	byUser map[int64]userReactions
	order  []int64 // reactors, least recent first
	// paid holds the stars each account gave (messages.sendPaidReaction), nil until one.
	paid map[int64]int32
}

type userReactions struct {
	list []tg.ReactionClass
	date int32
	big  bool
}

// reactionKey names a reaction for counting; ok is false for kinds the world refuses.
func reactionKey(r tg.ReactionClass) (string, bool) {
	switch r := r.(type) {
	case *tg.ReactionEmoji:
		if r.Emoticon == "" || len(r.Emoticon) > 32 {
			return "", false
		}
		return "e" + r.Emoticon, true
	case *tg.ReactionCustomEmoji:
		if r.DocumentID == 0 {
			return "", false
		}
		return "c" + strconv.FormatInt(r.DocumentID, 10), true
	}
	return "", false
}

// render returns the message's reactions as viewer sees them; recent lists the latest
// reactors (private chats and groups, not broadcast channels).
func (s *reactionSet) render(viewer int64, recent bool) *tg.MessageReactions {
	if s == nil || (len(s.byUser) == 0 && len(s.paid) == 0) {
		return nil
	}
	type count struct {
		r     tg.ReactionClass
		n     int32
		first int
	}
	counts := map[string]*count{}
	var keys []string
	for i, uid := range s.order {
		for _, r := range s.byUser[uid].list {
			k, _ := reactionKey(r)
			c := counts[k]
			if c == nil {
				c = &count{r: r, first: i}
				counts[k] = c
				keys = append(keys, k)
			}
			c.n++
		}
	}
	slices.SortStableFunc(keys, func(a, b string) int { return int(counts[b].n - counts[a].n) })
	out := &tg.MessageReactions{CanSeeList: recent, Results: make([]tg.ReactionCount, 0, len(keys))}
	mine := s.byUser[viewer].list
	s.renderPaid(viewer, out)
	for _, k := range keys {
		rc := tg.ReactionCount{Reaction: counts[k].r, Count: counts[k].n}
		for i, r := range mine {
			if mk, _ := reactionKey(r); mk == k {
				rc.ChosenOrder = tl.Some(int32(i))
			}
		}
		out.Results = append(out.Results, rc)
	}
	if recent {
		for i := len(s.order) - 1; i >= 0 && len(out.RecentReactions) < recentReactions; i-- {
			uid := s.order[i]
			ur := s.byUser[uid]
			for _, r := range ur.list {
				out.RecentReactions = append(out.RecentReactions, tg.MessagePeerReaction{
					Big: ur.big, My: uid == viewer, PeerID: &tg.PeerUser{UserID: uid}, Date: ur.date, Reaction: r,
				})
			}
		}
	}
	return out
}

// set replaces user's reactions and returns the old ones.
func (s *reactionSet) set(user int64, list []tg.ReactionClass, date int32, big bool) []tg.ReactionClass {
	old := s.byUser[user].list
	if i := slices.Index(s.order, user); i >= 0 {
		s.order = slices.Delete(s.order, i, i+1)
	}
	if len(list) == 0 {
		delete(s.byUser, user)
	} else {
		s.byUser[user] = userReactions{list: list, date: date, big: big}
		s.order = append(s.order, user)
	}
	return old
}

// Reaction is messages.sendReaction.
type Reaction struct {
	Peer      tg.InputPeerClass
	MsgID     int32
	Reactions []tg.ReactionClass // empty removes the account's reactions
	Big       bool
}

// SendReaction answers messages.sendReaction: the account on key replaces its reactions on a
// message. People holding the message get updateMessageReactions (not pts-numbered, as on
// Telegram) with the counts as they see them; bots holding it (their private chat, a basic
// group they are in, a channel where they are admins) get updateBotMessageReaction with the
// actor, old and new reactions and their next qts (updateBotMessageReactions with the
// anonymous counts in broadcast channels). The caller's result carries its own
// updateMessageReactions. MESSAGE_ID_INVALID, CHANNEL_PRIVATE, REACTION_INVALID (an unknown
// kind, an empty emoticon, a repeated reaction), REACTIONS_TOO_MANY (more than MaxReactions).
func (w *World) SendReaction(key KeyID, rq Reaction) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, rq.Peer)
	if err != nil {
		return nil, err
	}
	m, err := w.messageIn(a, p, rq.MsgID)
	if err != nil {
		return nil, err
	}
	if len(rq.Reactions) > MaxReactions {
		return nil, rpcErr(400, "REACTIONS_TOO_MANY")
	}
	seen := map[string]bool{}
	for _, r := range rq.Reactions {
		k, ok := reactionKey(r)
		if !ok || seen[k] {
			return nil, rpcErr(400, "REACTION_INVALID")
		}
		seen[k] = true
	}
	now := w.now()
	holders := w.holders(a, p, m)
	ch := w.channels[p.ID]
	if p.Kind != PeerChannel {
		ch = nil
	}
	if m.reactions == nil {
		m.reactions = &reactionSet{byUser: map[int64]userReactions{}}
		for _, h := range holders {
			h.msg.reactions = m.reactions
		}
	}
	old := m.reactions.set(a.id, slices.Clone(rq.Reactions), now, rq.Big)
	recent := ch == nil || ch.megagroup
	var result *tg.Updates
	for _, h := range holders {
		var r refs
		r.add(h.msg.peer)
		r.add(UserPeer(a.id))
		var u tg.UpdateClass
		if h.owner.bot && h.owner.id != a.id {
			if ch != nil && !ch.isAdmin(h.owner.id) {
				continue
			}
			u = w.appendNumbered(&h.owner.box.qlog, &h.owner.qts, 1, now, func(qts int32) tg.UpdateClass {
				if !recent {
					// Broadcast channels' reactions are anonymous: the bot gets the counts.
					counts := []tg.ReactionCount{}
					if mr := m.reactions.render(h.owner.id, false); mr != nil {
						counts = mr.Results
					}
					return &tg.UpdateBotMessageReactions{Peer: peerTG(h.msg.peer), MsgID: h.msg.id, Date: now, Reactions: counts, Qts: qts}
				}
				return &tg.UpdateBotMessageReaction{
					Peer: peerTG(h.msg.peer), MsgID: h.msg.id, Date: now, Actor: &tg.PeerUser{UserID: a.id},
					OldReactions: nonNil(old), NewReactions: nonNil(rq.Reactions), Qts: qts,
				}
			}, r.order)
		} else {
			reactions := m.reactions.render(h.owner.id, recent)
			if reactions == nil {
				reactions = &tg.MessageReactions{Results: []tg.ReactionCount{}}
			}
			u = &tg.UpdateMessageReactions{Peer: peerTG(h.msg.peer), MsgID: h.msg.id, Reactions: *reactions}
		}
		ups := w.longUpdates(h.owner.id, []tg.UpdateClass{u}, &r, now)
		w.push(h.owner.id, key, ups)
		if h.owner.id == a.id {
			result = ups
		}
	}
	if result == nil { // a reader of a public channel who is not a member
		reactions := m.reactions.render(a.id, recent)
		if reactions == nil {
			reactions = &tg.MessageReactions{Results: []tg.ReactionCount{}}
		}
		var r refs
		r.add(p)
		result = w.longUpdates(a.id, []tg.UpdateClass{&tg.UpdateMessageReactions{Peer: peerTG(p), MsgID: m.id, Reactions: *reactions}}, &r, now)
	}
	return result, nil
}

// holding is one account's copy of a message.
type holding struct {
	owner *account
	msg   *message
}

// holders lists who holds message m of chat p (as a sees it): every copy's owner in private
// chats and basic groups, every member of a channel (under w.mu).
func (w *World) holders(a *account, p Peer, m *message) []holding {
	var out []holding
	if p.Kind == PeerChannel {
		for _, uid := range w.channels[p.ID].sortedMembers() {
			out = append(out, holding{w.users[uid], m})
		}
		return out
	}
	for _, cp := range w.copiesOf(a.id, m) {
		if o := w.users[cp.user]; o != nil && o.box.msgs[cp.id] != nil {
			out = append(out, holding{o, o.box.msgs[cp.id]})
		}
	}
	return out
}

func nonNil(rs []tg.ReactionClass) []tg.ReactionClass {
	if rs == nil {
		return []tg.ReactionClass{}
	}
	return rs
}

// maxTopReactors is how many paid reactors messageReactions names.
const maxTopReactors = 3

// renderPaid adds the paid reaction's total (first, as Telegram lists it) and the top
// reactors to out.
func (s *reactionSet) renderPaid(viewer int64, out *tg.MessageReactions) {
	if len(s.paid) == 0 {
		return
	}
	var total int32
	top := make([]tg.MessageReactor, 0, len(s.paid))
	for uid, n := range s.paid {
		total += n
		top = append(top, tg.MessageReactor{My: uid == viewer, PeerID: &tg.PeerUser{UserID: uid}, Count: n})
	}
	slices.SortFunc(top, func(x, y tg.MessageReactor) int {
		if x.Count != y.Count {
			return int(y.Count - x.Count)
		}
		return int(x.PeerID.(*tg.PeerUser).UserID - y.PeerID.(*tg.PeerUser).UserID)
	})
	for i := range top[:min(len(top), maxTopReactors)] {
		top[i].Top = true
	}
	rc := tg.ReactionCount{Reaction: &tg.ReactionPaid{}, Count: total}
	if _, mine := s.paid[viewer]; mine {
		rc.ChosenOrder = tl.Some[int32](0)
	}
	out.Results = append(out.Results, rc)
	out.TopReactors = top[:min(len(top), maxTopReactors)]
}

// maxPaidReaction caps the stars of one messages.sendPaidReaction, as Telegram does.
const maxPaidReaction = 2500

// PaidReaction is messages.sendPaidReaction.
type PaidReaction struct {
	Peer     tg.InputPeerClass
	MsgID    int32
	Count    int32
	RandomID int64
}

// SendPaidReaction answers messages.sendPaidReaction: the account adds Count stars to a post
// of a broadcast channel (the world keeps no star balances). Members get
// updateMessageReactions with the paid total and the top reactors. REACTION_INVALID outside
// broadcast channels, STARS_AMOUNT_INVALID for a count outside 1..2500,
// MESSAGE_ID_INVALID for an unknown post.
func (w *World) SendPaidReaction(key KeyID, rq PaidReaction) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, rq.Peer)
	if err != nil {
		return nil, err
	}
	if p.Kind != PeerChannel || w.channels[p.ID].megagroup {
		return nil, rpcErr(400, "REACTION_INVALID")
	}
	if rq.Count < 1 || rq.Count > maxPaidReaction {
		return nil, rpcErr(400, "STARS_AMOUNT_INVALID")
	}
	m, err := w.messageIn(a, p, rq.MsgID)
	if err != nil {
		return nil, err
	}
	if m.reactions == nil {
		m.reactions = &reactionSet{byUser: map[int64]userReactions{}}
	}
	if m.reactions.paid == nil {
		m.reactions.paid = map[int64]int32{}
	}
	m.reactions.paid[a.id] += rq.Count
	now := w.now()
	var r refs
	r.add(p)
	render := func(viewer int64) *tg.Updates {
		mr := m.reactions.render(viewer, false)
		return w.longUpdates(viewer, []tg.UpdateClass{&tg.UpdateMessageReactions{Peer: peerTG(p), MsgID: m.id, Reactions: *mr}}, &r, now)
	}
	for _, uid := range w.channels[p.ID].sortedMembers() {
		if uid != a.id && !w.users[uid].bot {
			w.push(uid, key, render(uid))
		}
	}
	return render(a.id), nil
}

// ReactionsListQuery is messages.getMessageReactionsList.
type ReactionsListQuery struct {
	Peer     tg.InputPeerClass
	ID       int32
	Reaction tg.ReactionClass // nil: every reaction
	Offset   string           // the next_offset of the previous page
	Limit    int32
}

// ReactionsList answers messages.getMessageReactionsList: who reacted to a message (with
// Reaction, only that one), most recent first, at most 100 a page, next_offset set while more
// remain. BROADCAST_FORBIDDEN in broadcast channels (their reactions are anonymous),
// MESSAGE_ID_INVALID, OFFSET_INVALID for an offset this method did not hand out.
func (w *World) ReactionsList(key KeyID, q ReactionsListQuery) (*tg.MessagesMessageReactionsList, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, q.Peer)
	if err != nil {
		return nil, err
	}
	if p.Kind == PeerChannel && !w.channels[p.ID].megagroup {
		return nil, rpcErr(403, "BROADCAST_FORBIDDEN")
	}
	m, err := w.messageIn(a, p, q.ID)
	if err != nil {
		return nil, err
	}
	want := ""
	if q.Reaction != nil {
		if want, _ = reactionKey(q.Reaction); want == "" {
			return nil, rpcErr(400, "REACTION_INVALID")
		}
	}
	var all []tg.MessagePeerReaction
	if s := m.reactions; s != nil {
		for i := len(s.order) - 1; i >= 0; i-- {
			uid := s.order[i]
			ur := s.byUser[uid]
			for _, r := range ur.list {
				if k, _ := reactionKey(r); want == "" || k == want {
					all = append(all, tg.MessagePeerReaction{
						Big: ur.big, My: uid == a.id, PeerID: &tg.PeerUser{UserID: uid}, Date: ur.date, Reaction: r,
					})
				}
			}
		}
	}
	start := 0
	if q.Offset != "" {
		n, err := strconv.Atoi(q.Offset)
		if err != nil || n < 0 || n > len(all) {
			return nil, ErrOffsetInvalid
		}
		start = n
	}
	limit := int(q.Limit)
	if limit <= 0 || limit > maxHistoryLimit {
		limit = maxHistoryLimit
	}
	end := min(start+limit, len(all))
	out := &tg.MessagesMessageReactionsList{Count: int32(len(all)), Reactions: all[start:end:end]}
	if out.Reactions == nil {
		out.Reactions = []tg.MessagePeerReaction{}
	}
	if end < len(all) {
		out.NextOffset = tl.Some(strconv.Itoa(end))
	}
	var r refs
	for _, pr := range out.Reactions {
		r.add(UserPeer(pr.PeerID.(*tg.PeerUser).UserID))
	}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// MessagesReactions answers messages.getMessagesReactions: one updateMessageReactions per
// known message of the chat, with the reactions as the account sees them (empty counts for a
// message without any). Unknown ids are left out; CHANNEL_PRIVATE for unreadable channels.
func (w *World) MessagesReactions(key KeyID, in tg.InputPeerClass, ids []int32) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, err
	}
	recent := p.Kind != PeerChannel || w.channels[p.ID].megagroup
	us := []tg.UpdateClass{}
	for _, id := range ids {
		m, err := w.messageIn(a, p, id)
		if errors.Is(err, ErrChannelPrivate) {
			return nil, err
		}
		if err != nil {
			continue
		}
		r := m.reactions.render(a.id, recent)
		if r == nil {
			r = &tg.MessageReactions{Results: []tg.ReactionCount{}}
		}
		us = append(us, &tg.UpdateMessageReactions{Peer: peerTG(p), MsgID: m.id, Reactions: *r})
	}
	var r refs
	r.add(p)
	return w.longUpdates(a.id, us, &r, w.now()), nil
}
