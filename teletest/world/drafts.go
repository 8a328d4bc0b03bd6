package world

import (
	"slices"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Cloud drafts: one unsent message per account and chat, shared by the account's sessions
// (updateDraftMessage), cleared by a send with clear_draft.

// SavedDraft is messages.saveDraft.
type SavedDraft struct {
	Peer        tg.InputPeerClass
	Text        string
	Entities    []tg.MessageEntityClass
	ReplyTo     tg.InputReplyToClass
	Media       tg.InputMediaClass
	NoWebpage   bool
	InvertMedia bool
	Effect      int64
}

// SaveDraft answers messages.saveDraft: keeps the draft of the chat (an empty text without
// media deletes it) and tells a's other sessions with updateDraftMessage.
func (w *World) SaveDraft(key KeyID, d SavedDraft) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, d.Peer)
	if err != nil {
		return err
	}
	if a.bot {
		return ErrBotMethodInvalid
	}
	if utf8.RuneCountInString(d.Text) > MaxMessageLength {
		return ErrMessageTooLong
	}
	ents, err := w.storedEntities(a, d.Entities)
	if err != nil {
		return err
	}
	box := w.sendBoxOf(a.id)
	now := w.now()
	if d.Text == "" && d.Media == nil {
		w.clearDraft(a, key, p)
		return nil
	}
	dm := &tg.DraftMessage{
		NoWebpage: d.NoWebpage, InvertMedia: d.InvertMedia, ReplyTo: d.ReplyTo, Message: d.Text,
		Entities: ents, Media: d.Media, Date: now,
	}
	if d.Effect != 0 {
		dm.Effect = tl.Some(d.Effect)
	}
	box.drafts[p] = dm
	w.pushDraft(a, key, p, dm)
	return nil
}

// clearDraft deletes a's draft in p, if any, and tells a's other sessions (under w.mu).
func (w *World) clearDraft(a *account, key KeyID, p Peer) {
	box := w.sendBoxOf(a.id)
	if box.drafts[p] == nil {
		return
	}
	delete(box.drafts, p)
	w.pushDraft(a, key, p, &tg.DraftMessageEmpty{Date: tl.Some(w.now())})
}

func (w *World) pushDraft(a *account, key KeyID, p Peer, d tg.DraftMessageClass) {
	var r refs
	r.add(p)
	w.push(a.id, key, w.longUpdates(a.id, []tg.UpdateClass{&tg.UpdateDraftMessage{Peer: peerTG(p), Draft: d}}, &r, w.now()))
}

// AllDrafts answers messages.getAllDrafts: updateDraftMessage for each chat with a draft of
// the account, latest first.
func (w *World) AllDrafts(key KeyID) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	box := w.sendBoxOf(a.id)
	peers := make([]Peer, 0, len(box.drafts))
	for p := range box.drafts {
		peers = append(peers, p)
	}
	slices.SortFunc(peers, func(x, y Peer) int {
		if dx, dy := box.drafts[x].Date, box.drafts[y].Date; dx != dy {
			return int(dy - dx)
		}
		return int(x.ID - y.ID)
	})
	var r refs
	us := make([]tg.UpdateClass, 0, len(peers))
	for _, p := range peers {
		r.add(p)
		us = append(us, &tg.UpdateDraftMessage{Peer: peerTG(p), Draft: box.drafts[p]})
	}
	return w.longUpdates(a.id, us, &r, w.now()), nil
}

// ClearAllDrafts answers messages.clearAllDrafts: every draft of the account is deleted and
// its other sessions told.
func (w *World) ClearAllDrafts(key KeyID) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	for p := range w.sendBoxOf(a.id).drafts {
		w.clearDraft(a, key, p)
	}
	return nil
}
