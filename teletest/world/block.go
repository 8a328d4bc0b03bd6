package world

import (
	"cmp"
	"slices"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Block answers contacts.block: the account on key blocks the user in names. Blocking a bot
// stops it, as on Telegram: the bot receives updateBotStopped (stopped) with the next qts of
// its own update state, live and through updates.getDifference. Blocking again changes
// nothing.
func (w *World) Block(key KeyID, in tg.InputPeerClass) error {
	return w.setBlocked(key, in, true)
}

// Unblock answers contacts.unblock; a bot receives updateBotStopped (not stopped).
func (w *World) Unblock(key KeyID, in tg.InputPeerClass) error {
	return w.setBlocked(key, in, false)
}

func (w *World) setBlocked(key KeyID, in tg.InputPeerClass, block bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return err
	}
	target := w.users[p.ID]
	if p.Kind != PeerUser || target == nil || target.id == a.id {
		return ErrContactIDInvalid
	}
	if _, ok := a.blocked[target.id]; ok == block {
		return nil
	}
	if a.blocked == nil {
		a.blocked = make(map[int64]int32)
	}
	if block {
		a.blocked[target.id] = w.now()
	} else {
		delete(a.blocked, target.id)
	}
	if !target.bot {
		return nil
	}
	date := w.now()
	u := w.appendNumbered(&target.box.qlog, &target.qts, 1, date, func(qts int32) tg.UpdateClass {
		return &tg.UpdateBotStopped{UserID: a.id, Date: date, Stopped: block, Qts: qts}
	}, []Peer{UserPeer(a.id)})
	var r refs
	r.add(UserPeer(a.id))
	w.push(target.id, KeyID{}, w.longUpdates(target.id, []tg.UpdateClass{u}, &r, date))
	return nil
}

// Blocked reports whether the account user has blocked the user other.
func (w *World) Blocked(user, other int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.users[user]
	if a == nil {
		return false
	}
	_, ok := a.blocked[other]
	return ok
}

// GetBlocked answers contacts.getBlocked: the users the account on key blocked, most recent
// first, from offset, at most limit (1..100). contacts.blocked when the page holds them all,
// contacts.blockedSlice with the total otherwise.
func (w *World) GetBlocked(key KeyID, offset, limit int32) (tg.ContactsBlockedClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		return nil, ErrLimitInvalid
	}
	if offset < 0 {
		return nil, ErrOffsetInvalid
	}
	ids := make([]int64, 0, len(a.blocked))
	for id := range a.blocked {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(x, y int64) int {
		if c := cmp.Compare(a.blocked[y], a.blocked[x]); c != 0 {
			return c
		}
		return cmp.Compare(y, x)
	})
	total := len(ids)
	page := ids[min(int(offset), total):min(int(offset)+int(limit), total)]
	out := make([]tg.PeerBlocked, 0, len(page))
	var r refs
	for _, id := range page {
		out = append(out, tg.PeerBlocked{PeerID: &tg.PeerUser{UserID: id}, Date: a.blocked[id]})
		r.add(UserPeer(id))
	}
	users, chats := w.render(a.id, &r)
	if offset == 0 && len(page) == total {
		return &tg.ContactsBlocked{Blocked: out, Chats: chats, Users: users}, nil
	}
	return &tg.ContactsBlockedSlice{Count: int32(total), Blocked: out, Chats: chats, Users: users}, nil
}
