package world

import (
	"math"
	"slices"
	"sort"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The chat list as one account sees it: pinned chats, the archive folder, the unread mark,
// mute settings, and dialog filters (folders).

// maxPinnedDialogs is how many chats one list may pin.
const maxPinnedDialogs = 5

// maxFolders is how many folders an account may have.
const maxFolders = 10

// dialogFlags are one account's settings of one chat.
type dialogFlags struct {
	pinned     int32 // pin order (higher: nearer the top), 0 when not pinned
	folder     int32 // 0 main list, 1 archive
	unreadMark bool
	muteUntil  int32
}

// folderList is one account's folders.
type folderList struct {
	filters []*tg.DialogFilter // in the account's order
	order   []int32            // ids in order, 0 placing "All chats"; nil: filters' order
}

// flagsOf returns a's flags of p, creating them when create is set (nil otherwise when
// absent) (under w.mu).
func (w *World) flagsOf(a *account, p Peer, create bool) *dialogFlags {
	m := w.dialogFlags[a.id]
	if f := m[p]; f != nil || !create {
		return f
	}
	if w.dialogFlags == nil {
		w.dialogFlags = make(map[int64]map[Peer]*dialogFlags)
	}
	if m == nil {
		m = make(map[Peer]*dialogFlags)
		w.dialogFlags[a.id] = m
	}
	f := &dialogFlags{}
	m[p] = f
	return f
}

// dialogOf resolves an input dialog peer for a person's chat list (under w.mu).
func (w *World) dialogOf(key KeyID, in tg.InputDialogPeerClass) (*account, Peer, error) {
	dp, ok := in.(*tg.InputDialogPeer)
	if !ok {
		return nil, Peer{}, ErrPeerIDInvalid
	}
	return w.dialogPeer(key, dp.Peer)
}

// dialogPeer resolves a peer for a person's chat list (under w.mu).
func (w *World) dialogPeer(key KeyID, in tg.InputPeerClass) (*account, Peer, error) {
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, Peer{}, err
	}
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return nil, Peer{}, err
	}
	return a, p, nil
}

// TogglePin answers messages.toggleDialogPin: pins a chat on top of its list (newest pin
// first) or unpins it. PINNED_DIALOGS_TOO_MUCH beyond 5 per list.
func (w *World) TogglePin(key KeyID, in tg.InputDialogPeerClass, pinned bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.dialogOf(key, in)
	if err != nil {
		return err
	}
	f := w.flagsOf(a, p, true)
	if pinned == (f.pinned != 0) {
		return nil
	}
	if !pinned {
		f.pinned = 0
	} else {
		top, n := int32(0), 0
		for _, g := range w.dialogFlags[a.id] {
			if g.pinned != 0 && g.folder == f.folder {
				top, n = max(top, g.pinned), n+1
			}
		}
		if n >= maxPinnedDialogs {
			return rpcErr(400, "PINNED_DIALOGS_TOO_MUCH")
		}
		f.pinned = top + 1
	}
	w.pushSelf(a, key, &tg.UpdateDialogPinned{Pinned: pinned, Peer: &tg.DialogPeer{Peer: peerTG(p)}}, p)
	return nil
}

// pushSelf pushes u about p to a's other connections (under w.mu).
func (w *World) pushSelf(a *account, key KeyID, u tg.UpdateClass, p Peer) {
	var r refs
	r.add(p)
	w.push(a.id, key, w.longUpdates(a.id, []tg.UpdateClass{u}, &r, w.now()))
}

// MarkUnread answers messages.markDialogUnread.
func (w *World) MarkUnread(key KeyID, in tg.InputDialogPeerClass, unread bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.dialogOf(key, in)
	if err != nil {
		return err
	}
	w.flagsOf(a, p, true).unreadMark = unread
	w.pushSelf(a, key, &tg.UpdateDialogUnreadMark{Unread: unread, Peer: &tg.DialogPeer{Peer: peerTG(p)}}, p)
	return nil
}

// UpdateNotifySettings answers account.updateNotifySettings for one chat (the other
// scopes are accepted and not kept).
func (w *World) UpdateNotifySettings(key KeyID, in tg.InputNotifyPeerClass, s tg.InputPeerNotifySettings) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	np, ok := in.(*tg.InputNotifyPeer)
	if !ok {
		_, err := w.authorized(key)
		return err
	}
	a, p, err := w.dialogPeer(key, np.Peer)
	if err != nil {
		return err
	}
	if s.MuteUntil.Set {
		w.flagsOf(a, p, true).muteUntil = s.MuteUntil.Value
	}
	w.pushSelf(a, key, &tg.UpdateNotifySettings{Peer: &tg.NotifyPeer{Peer: peerTG(p)}, NotifySettings: w.notifySettings(a, p)}, p)
	return nil
}

// notifySettings renders a's notification settings of p (under w.mu).
func (w *World) notifySettings(a *account, p Peer) tg.PeerNotifySettings {
	if f := w.flagsOf(a, p, false); f != nil && f.muteUntil != 0 {
		return tg.PeerNotifySettings{MuteUntil: tl.Some(f.muteUntil)}
	}
	return tg.PeerNotifySettings{}
}

// EditPeerFolders answers folders.editPeerFolders: chats move to the archive (1) or back
// to the main list (0); a pin does not follow. FOLDER_ID_INVALID for other folders.
func (w *World) EditPeerFolders(key KeyID, peers []tg.InputFolderPeer) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	var us []tg.UpdateClass
	var r refs
	for _, fp := range peers {
		if fp.FolderID != 0 && fp.FolderID != 1 {
			return nil, rpcErr(400, "FOLDER_ID_INVALID")
		}
		p, err := w.resolvePeer(a, fp.Peer)
		if err != nil {
			return nil, err
		}
		f := w.flagsOf(a, p, true)
		if f.folder != fp.FolderID {
			f.folder, f.pinned = fp.FolderID, 0
		}
		w.record(a, 1, func(pts int32) tg.UpdateClass {
			u := &tg.UpdateFolderPeers{FolderPeers: []tg.FolderPeer{{Peer: peerTG(p), FolderID: fp.FolderID}}, Pts: pts, PtsCount: 1}
			us = append(us, u)
			return u
		}, p)
		r.add(p)
	}
	out := w.longUpdates(a.id, us, &r, w.now())
	w.push(a.id, key, out)
	return out, nil
}

// DialogListQuery is messages.getDialogs.
type DialogListQuery struct {
	ExcludePinned bool
	FolderID      int32
	OffsetDate    int32
	OffsetID      int32
	Limit         int32
}

// DialogList answers messages.getDialogs with the account's flags: the chats of one folder
// (0 the main list, 1 the archive), pinned ones first (newest pin first, on the first page
// only), then by their last message, newest first. The main list shows the archive as a
// dialogFolder entry when it is not empty. Bots may not call it (BOT_METHOD_INVALID).
func (w *World) DialogList(key KeyID, q DialogListQuery) (tg.MessagesDialogsClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	var pinned, rest []*dialog
	archived := 0
	for _, d := range a.box.dialogs {
		f := w.flagsOf(a, d.peer, false)
		folder := int32(0)
		if f != nil {
			folder = f.folder
		}
		if folder == 1 {
			archived++
		}
		if folder != q.FolderID {
			continue
		}
		if f != nil && f.pinned != 0 && !q.ExcludePinned {
			pinned = append(pinned, d)
		} else if f == nil || f.pinned == 0 {
			rest = append(rest, d)
		}
	}
	slices.SortFunc(pinned, func(x, y *dialog) int {
		return int(w.flagsOf(a, y.peer, false).pinned - w.flagsOf(a, x.peer, false).pinned)
	})
	slices.SortFunc(rest, func(x, y *dialog) int {
		if x.topDate != y.topDate {
			return int(y.topDate) - int(x.topDate)
		}
		if x.top != y.top {
			return int(y.top) - int(x.top)
		}
		if x.peer.Kind != y.peer.Kind {
			return int(x.peer.Kind) - int(y.peer.Kind)
		}
		return int(x.peer.ID - y.peer.ID)
	})
	first := q.OffsetDate == 0 && q.OffsetID == 0
	if q.OffsetDate > 0 {
		start := sort.Search(len(rest), func(i int) bool {
			d := rest[i]
			return d.topDate < q.OffsetDate || (d.topDate == q.OffsetDate && q.OffsetID > 0 && d.top < q.OffsetID)
		})
		rest = rest[start:]
	}
	all := rest
	if first {
		all = append(pinned, rest...)
	}
	total := len(pinned) + len(rest)
	limit := int(q.Limit)
	if limit <= 0 || limit > maxHistoryLimit {
		limit = maxHistoryLimit
	}
	got := all[:min(limit, len(all))]
	dialogs := make([]tg.DialogClass, 0, len(got)+1)
	msgs := []tg.MessageClass{}
	var r refs
	if first && q.FolderID == 0 && archived > 0 {
		dialogs = append(dialogs, &tg.DialogFolder{
			Folder: tg.Folder{ID: 1, Title: "Archived Chats"}, Peer: &tg.PeerUser{UserID: a.id},
			UnreadUnmutedPeersCount: int32(archived),
		})
		r.add(UserPeer(a.id))
	}
	for _, d := range got {
		td := &tg.Dialog{
			Peer: peerTG(d.peer), TopMessage: d.top, ReadInboxMaxID: d.readInbox,
			UnreadCount: d.unread, NotifySettings: w.notifySettings(a, d.peer),
		}
		if f := w.flagsOf(a, d.peer, false); f != nil {
			td.Pinned, td.UnreadMark = f.pinned != 0, f.unreadMark
			if f.folder != 0 {
				td.FolderID = tl.Some(f.folder)
			}
		}
		r.add(d.peer)
		var top *message
		if d.peer.Kind == PeerChannel {
			ch := w.channels[d.peer.ID]
			td.Pts = tl.Some(ch.pts)
			top = ch.msgs[d.top]
		} else {
			top = a.box.msgs[d.top]
		}
		if top != nil {
			msgs = append(msgs, w.tgMessage(a.id, top))
			r.addMessage(top)
		}
		dialogs = append(dialogs, td)
	}
	users, chats := w.render(a.id, &r)
	if len(got) < total {
		return &tg.MessagesDialogsSlice{Count: int32(total), Dialogs: dialogs, Messages: msgs, Chats: chats, Users: users}, nil
	}
	return &tg.MessagesDialogs{Dialogs: dialogs, Messages: msgs, Chats: chats, Users: users}, nil
}

// Folders answers messages.getDialogFilters: the account's folders in its order, with
// "All chats" (dialogFilterDefault) where the order places it (first by default).
func (w *World) Folders(key KeyID) (*tg.MessagesDialogFilters, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	fl := w.folders[a.id]
	out := &tg.MessagesDialogFilters{Filters: []tg.DialogFilterClass{}}
	if fl == nil {
		out.Filters = append(out.Filters, &tg.DialogFilterDefault{})
		return out, nil
	}
	order := fl.order
	if order == nil {
		order = []int32{0}
		for _, f := range fl.filters {
			order = append(order, f.ID)
		}
	}
	for _, id := range order {
		if id == 0 {
			out.Filters = append(out.Filters, &tg.DialogFilterDefault{})
			continue
		}
		for _, f := range fl.filters {
			if f.ID == id {
				out.Filters = append(out.Filters, f)
			}
		}
	}
	return out, nil
}

// UpdateFolder answers messages.updateDialogFilter: creates or replaces folder id, or
// deletes it when filter is nil. FILTER_ID_INVALID for ids below 2 or a filter with another
// id, FILTER_TITLE_EMPTY, FILTER_INCLUDE_EMPTY (no chat and no kind included),
// DIALOG_FILTERS_TOO_MUCH beyond 10 folders.
func (w *World) UpdateFolder(key KeyID, id int32, filter tg.DialogFilterClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	if id < 2 || id > math.MaxInt16 {
		return rpcErr(400, "FILTER_ID_INVALID")
	}
	if w.folders == nil {
		w.folders = make(map[int64]*folderList)
	}
	fl := w.folders[a.id]
	if fl == nil {
		fl = &folderList{}
		w.folders[a.id] = fl
	}
	at := slices.IndexFunc(fl.filters, func(f *tg.DialogFilter) bool { return f.ID == id })
	if filter == nil {
		if at >= 0 {
			fl.filters = slices.Delete(fl.filters, at, at+1)
			fl.order = slices.DeleteFunc(fl.order, func(x int32) bool { return x == id })
		}
		w.push(a.id, key, &tg.UpdateShort{Update: &tg.UpdateDialogFilter{ID: id}, Date: w.now()})
		return nil
	}
	f, ok := filter.(*tg.DialogFilter)
	switch {
	case !ok || f.ID != id:
		return rpcErr(400, "FILTER_ID_INVALID")
	case f.Title.Text == "":
		return rpcErr(400, "FILTER_TITLE_EMPTY")
	case len(f.IncludePeers)+len(f.PinnedPeers) == 0 && !(f.Contacts || f.NonContacts || f.Groups || f.Broadcasts || f.Bots):
		return rpcErr(400, "FILTER_INCLUDE_EMPTY")
	case at < 0 && len(fl.filters) >= maxFolders:
		return rpcErr(400, "DIALOG_FILTERS_TOO_MUCH")
	}
	for _, ps := range [][]tg.InputPeerClass{f.PinnedPeers, f.IncludePeers, f.ExcludePeers} {
		for _, p := range ps {
			if _, err := w.resolvePeer(a, p); err != nil {
				return err
			}
		}
	}
	c := *f
	if at >= 0 {
		fl.filters[at] = &c
	} else {
		fl.filters = append(fl.filters, &c)
		if fl.order != nil {
			fl.order = append(fl.order, id)
		}
	}
	w.push(a.id, key, &tg.UpdateShort{Update: &tg.UpdateDialogFilter{ID: id, Filter: &c}, Date: w.now()})
	return nil
}

// OrderFolders answers messages.updateDialogFiltersOrder: order lists the folder ids (0
// for "All chats"); folders it leaves out follow in their old order. FILTER_ID_INVALID for
// unknown ids.
func (w *World) OrderFolders(key KeyID, order []int32) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	fl := w.folders[a.id]
	known := map[int32]bool{0: true}
	if fl != nil {
		for _, f := range fl.filters {
			known[f.ID] = true
		}
	}
	seen := map[int32]bool{}
	for _, id := range order {
		if !known[id] || seen[id] {
			return rpcErr(400, "FILTER_ID_INVALID")
		}
		seen[id] = true
	}
	if fl == nil {
		return nil
	}
	next := slices.Clone(order)
	if !seen[0] {
		next = append(next, 0)
	}
	for _, f := range fl.filters {
		if !seen[f.ID] {
			next = append(next, f.ID)
		}
	}
	fl.order = next
	w.push(a.id, key, &tg.UpdateShort{Update: &tg.UpdateDialogFilterOrder{Order: order}, Date: w.now()})
	return nil
}
