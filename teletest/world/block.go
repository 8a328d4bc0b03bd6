package world

import "github.com/mtgo-labs/mtgo/tl/tg"

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
	if a.blocked[target.id] == block {
		return nil
	}
	if a.blocked == nil {
		a.blocked = make(map[int64]bool)
	}
	if block {
		a.blocked[target.id] = true
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
	return a != nil && a.blocked[other]
}
