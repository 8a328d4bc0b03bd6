package world

import (
	"strings"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// maxAdminLog bounds the events kept per channel (oldest forgotten first).
const maxAdminLog = 1000

// adminEvent is one entry of a channel's event log.
type adminEvent struct {
	id     int64
	date   int32
	user   int64
	action tg.ChannelAdminLogEventActionClass
}

// logEvent records action by user in ch's event log (under w.mu).
func (w *World) logEvent(ch *channel, user int64, action tg.ChannelAdminLogEventActionClass) {
	var id int64 = 1
	if n := len(ch.adminLog); n > 0 {
		id = ch.adminLog[n-1].id + 1
	}
	ch.adminLog = append(ch.adminLog, adminEvent{id: id, date: w.now(), user: user, action: action})
	if len(ch.adminLog) > maxAdminLog {
		ch.adminLog = ch.adminLog[len(ch.adminLog)-maxAdminLog:]
	}
}

// logBan records a ban, restriction or lifted ban of user by actor (prev: its standing
// before) (under w.mu).
func (w *World) logBan(ch *channel, actor, user int64, prev tg.ChannelParticipantClass) {
	next := ch.participant(user, 0)
	if next == nil {
		next = &tg.ChannelParticipantLeft{Peer: &tg.PeerUser{UserID: user}}
	}
	if prev == nil {
		prev = &tg.ChannelParticipantLeft{Peer: &tg.PeerUser{UserID: user}}
	}
	w.logEvent(ch, actor, &tg.ChannelAdminLogEventActionParticipantToggleBan{PrevParticipant: prev, NewParticipant: next})
}

// pageAfter returns the page of all after its last item matching offset (from the start
// when hasOffset is not set; empty when nothing matches), at most limit items (1..max,
// max when out of range).
func pageAfter[T any](all []T, hasOffset bool, offset func(T) bool, limit int32, maxLimit int) []T {
	start := 0
	if hasOffset {
		start = len(all)
		for i, v := range all {
			if offset(v) {
				start = i + 1
			}
		}
	}
	n := int(limit)
	if n <= 0 || n > maxLimit {
		n = maxLimit
	}
	return all[start:min(start+n, len(all))]
}

// AdminLogQuery is channels.getAdminLog's selection.
type AdminLogQuery struct {
	Q      string
	Filter *tg.ChannelAdminLogEventsFilter
	Admins []tg.InputUserClass
	MaxID  int64 // events with a lower id (0: from the newest)
	MinID  int64 // events with a higher id
	Limit  int32
}

// AdminLog answers channels.getAdminLog: the channel's events, newest first, for admins
// (CHAT_ADMIN_REQUIRED for others), filtered by kind, admin and text.
func (w *World) AdminLog(key KeyID, in tg.InputChannelClass, q AdminLogQuery) (*tg.ChannelsAdminLogResults, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	t, err := w.channelTarget(key, in, nil)
	if err != nil {
		return nil, err
	}
	admins := map[int64]bool{}
	for _, u := range q.Admins {
		au, err := w.resolveUser(a, u)
		if err != nil {
			return nil, err
		}
		admins[au.id] = true
	}
	limit := int(q.Limit)
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	out := &tg.ChannelsAdminLogResults{Events: []tg.ChannelAdminLogEvent{}}
	var r refs
	log := t.ch.adminLog
	for i := len(log) - 1; i >= 0 && len(out.Events) < limit; i-- {
		ev := log[i]
		switch {
		case q.MaxID != 0 && ev.id >= q.MaxID, ev.id <= q.MinID:
			continue
		case len(admins) > 0 && !admins[ev.user]:
			continue
		case q.Filter != nil && !eventKindSelected(ev.action, q.Filter):
			continue
		case q.Q != "" && !eventMatches(ev.action, q.Q):
			continue
		}
		out.Events = append(out.Events, tg.ChannelAdminLogEvent{ID: ev.id, Date: ev.date, UserID: ev.user, Action: ev.action})
		r.add(UserPeer(ev.user))
		for _, u := range eventUsers(ev.action) {
			r.add(UserPeer(u))
		}
	}
	r.add(ChannelPeer(t.ch.id))
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// eventKindSelected reports whether f selects the kind of action.
func eventKindSelected(action tg.ChannelAdminLogEventActionClass, f *tg.ChannelAdminLogEventsFilter) bool {
	switch a := action.(type) {
	case *tg.ChannelAdminLogEventActionParticipantJoin, *tg.ChannelAdminLogEventActionParticipantJoinByInvite,
		*tg.ChannelAdminLogEventActionParticipantJoinByRequest:
		return f.Join
	case *tg.ChannelAdminLogEventActionParticipantLeave:
		return f.Leave
	case *tg.ChannelAdminLogEventActionParticipantInvite:
		return f.Invite
	case *tg.ChannelAdminLogEventActionParticipantToggleBan:
		banned := false
		if b, ok := a.NewParticipant.(*tg.ChannelParticipantBanned); ok {
			banned = b.BannedRights.ViewMessages
		}
		_, wasBanned := a.PrevParticipant.(*tg.ChannelParticipantBanned)
		switch {
		case banned:
			return f.Ban || f.Kick
		case wasBanned:
			return f.Unban || f.Unkick
		}
		return f.Ban
	case *tg.ChannelAdminLogEventActionParticipantToggleAdmin:
		return f.Promote || f.Demote
	case *tg.ChannelAdminLogEventActionChangeTitle, *tg.ChannelAdminLogEventActionChangeAbout,
		*tg.ChannelAdminLogEventActionChangeUsername, *tg.ChannelAdminLogEventActionChangePhoto,
		*tg.ChannelAdminLogEventActionChangeLinkedChat:
		return f.Info
	case *tg.ChannelAdminLogEventActionExportedInviteEdit, *tg.ChannelAdminLogEventActionExportedInviteRevoke,
		*tg.ChannelAdminLogEventActionExportedInviteDelete:
		return f.Invites
	case *tg.ChannelAdminLogEventActionCreateTopic, *tg.ChannelAdminLogEventActionEditTopic,
		*tg.ChannelAdminLogEventActionDeleteTopic, *tg.ChannelAdminLogEventActionPinTopic:
		return f.Forums
	}
	return f.Settings
}

// eventMatches reports whether the texts of action contain q (case-insensitive).
func eventMatches(action tg.ChannelAdminLogEventActionClass, q string) bool {
	var texts []string
	switch a := action.(type) {
	case *tg.ChannelAdminLogEventActionChangeTitle:
		texts = []string{a.PrevValue, a.NewValue}
	case *tg.ChannelAdminLogEventActionChangeAbout:
		texts = []string{a.PrevValue, a.NewValue}
	case *tg.ChannelAdminLogEventActionChangeUsername:
		texts = []string{a.PrevValue, a.NewValue}
	}
	q = strings.ToLower(q)
	for _, t := range texts {
		if strings.Contains(strings.ToLower(t), q) {
			return true
		}
	}
	return false
}

// eventUsers lists the users an action names besides its author.
func eventUsers(action tg.ChannelAdminLogEventActionClass) []int64 {
	var ps []tg.ChannelParticipantClass
	switch a := action.(type) {
	case *tg.ChannelAdminLogEventActionParticipantToggleBan:
		ps = []tg.ChannelParticipantClass{a.PrevParticipant, a.NewParticipant}
	case *tg.ChannelAdminLogEventActionParticipantToggleAdmin:
		ps = []tg.ChannelParticipantClass{a.PrevParticipant, a.NewParticipant}
	}
	var out []int64
	for _, p := range ps {
		if id := participantUser(p); id != 0 {
			out = append(out, id)
		}
	}
	return out
}

// participantUser returns the user a channel participant object names (0 for chats).
func participantUser(p tg.ChannelParticipantClass) int64 {
	switch p := p.(type) {
	case *tg.ChannelParticipant:
		return p.UserID
	case *tg.ChannelParticipantSelf:
		return p.UserID
	case *tg.ChannelParticipantAdmin:
		return p.UserID
	case *tg.ChannelParticipantCreator:
		return p.UserID
	case *tg.ChannelParticipantBanned:
		if u, ok := p.Peer.(*tg.PeerUser); ok {
			return u.UserID
		}
	case *tg.ChannelParticipantLeft:
		if u, ok := p.Peer.(*tg.PeerUser); ok {
			return u.UserID
		}
	}
	return 0
}
