package world

import (
	"cmp"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// contactName is how an account saved one of its contacts.
type contactName struct {
	first, last string
	shared      bool // the account showed its phone number to this contact
}

// maxImport bounds one contacts.importContacts call.
const maxImport = 1000

var errSearchQueryTooShort = rpcErr(400, "SEARCH_QUERY_EMPTY")

// updatesWithUsers is an updates object carrying only the users of ids, the answer of the
// contact methods.
func (w *World) updatesWithUsers(viewer int64, ids ...int64) *tg.Updates {
	var r refs
	for _, id := range ids {
		r.add(UserPeer(id))
	}
	users, chats := w.render(viewer, &r)
	return &tg.Updates{Updates: []tg.UpdateClass{}, Users: users, Chats: chats, Date: w.now()}
}

func (a *account) saveContact(id int64, first, last string, shared bool) {
	if a.contacts == nil {
		a.contacts = make(map[int64]contactName)
	}
	a.contacts[id] = contactName{first: first, last: last, shared: shared}
}

// AddContact answers contacts.addContact: the person in id becomes a contact of the account
// on key under the names given; share shows the account's phone number to that person
// whatever the phone privacy says (add_phone_privacy_exception).
func (w *World) AddContact(key KeyID, id tg.InputUserClass, first, last string, share bool) (*tg.Updates, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	u, err := w.resolveUser(a, id)
	if err != nil {
		return nil, err
	}
	if u.id == a.id || u.bot {
		return nil, ErrContactIDInvalid
	}
	if first == "" {
		return nil, ErrFirstNameInvalid
	}
	a.saveContact(u.id, first, last, share)
	return w.updatesWithUsers(a.id, u.id), nil
}

// ImportContacts answers contacts.importContacts: numbers of registered people become
// contacts (importedContact with the caller's client id); the others are skipped.
func (w *World) ImportContacts(key KeyID, in []tg.InputPhoneContact) (*tg.ContactsImportedContacts, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if len(in) > maxImport {
		return nil, ErrLimitInvalid
	}
	out := &tg.ContactsImportedContacts{
		Imported: []tg.ImportedContact{}, PopularInvites: []tg.PopularContact{}, RetryContacts: []int64{},
	}
	var r refs
	for _, c := range in {
		id, ok := w.byPhone[strings.TrimPrefix(c.Phone, "+")]
		if !ok || id == a.id {
			continue
		}
		first := c.FirstName
		if first == "" {
			first = w.users[id].firstName
		}
		a.saveContact(id, first, c.LastName, false)
		out.Imported = append(out.Imported, tg.ImportedContact{UserID: id, ClientID: c.ClientID})
		r.add(UserPeer(id))
	}
	out.Users, _ = w.render(a.id, &r)
	return out, nil
}

// DeleteContacts answers contacts.deleteContacts.
func (w *World) DeleteContacts(key KeyID, ids []tg.InputUserClass) (*tg.Updates, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	var gone []int64
	for _, in := range ids {
		u, err := w.resolveUser(a, in)
		if err != nil {
			return nil, err
		}
		delete(a.contacts, u.id)
		gone = append(gone, u.id)
	}
	return w.updatesWithUsers(a.id, gone...), nil
}

// sortedContacts returns the ids of a's contacts in ascending order.
func (a *account) sortedContacts() []int64 {
	ids := make([]int64, 0, len(a.contacts))
	for id := range a.contacts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// GetContacts answers contacts.getContacts (the hash is ignored: the list is always sent).
func (w *World) GetContacts(key KeyID) (*tg.ContactsContacts, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	out := &tg.ContactsContacts{Contacts: []tg.Contact{}}
	var r refs
	for _, id := range a.sortedContacts() {
		_, mutual := w.users[id].contacts[a.id]
		out.Contacts = append(out.Contacts, tg.Contact{UserID: id, Mutual: mutual})
		r.add(UserPeer(id))
	}
	out.Users, _ = w.render(a.id, &r)
	return out, nil
}

// matches reports whether a person or chat named by names answers the query q (a
// case-insensitive prefix of one of the words).
func matches(q string, names ...string) bool {
	for _, n := range names {
		for _, word := range strings.Fields(strings.ToLower(n)) {
			if strings.HasPrefix(word, q) {
				return true
			}
		}
	}
	return false
}

// SearchContacts answers contacts.search: the account's contacts and chats whose names match
// (my_results), and public users and channels whose username starts with the query
// (results).
func (w *World) SearchContacts(key KeyID, q string, limit int32) (*tg.ContactsFound, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(q), "@"))
	if len(q) < 1 {
		return nil, errSearchQueryTooShort
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	out := &tg.ContactsFound{MyResults: []tg.PeerClass{}, Results: []tg.PeerClass{}}
	var r refs
	mine := map[Peer]bool{}
	for _, id := range a.sortedContacts() {
		u, n := w.users[id], a.contacts[id]
		if len(out.MyResults) < int(limit) && matches(q, n.first, n.last, u.username) {
			mine[UserPeer(id)] = true
			out.MyResults = append(out.MyResults, peerTG(UserPeer(id)))
			r.add(UserPeer(id))
		}
	}
	var global []Peer
	for name, p := range w.byUsername {
		if strings.HasPrefix(name, q) && !mine[p] {
			global = append(global, p)
		}
	}
	slices.SortFunc(global, func(x, y Peer) int { return cmp.Compare(x.ID, y.ID) })
	for _, p := range global[:min(len(global), int(limit))] {
		out.Results = append(out.Results, peerTG(p))
		r.add(p)
	}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// GetTopPeers answers contacts.getTopPeers: the account's dialogs of each asked category
// (correspondents, bots, groups, channels) rated by how recent their last message is (then
// by its id).
func (w *World) GetTopPeers(key KeyID, req *tg.ContactsGetTopPeersRequest) (*tg.ContactsTopPeers, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	type cat struct {
		on   bool
		tg   tg.TopPeerCategoryClass
		fits func(p Peer) bool
	}
	isUser := func(bot bool) func(Peer) bool {
		return func(p Peer) bool {
			u := w.users[p.ID]
			return p.Kind == PeerUser && u != nil && u.bot == bot && p.ID != a.id
		}
	}
	cats := []cat{
		{req.Correspondents, &tg.TopPeerCategoryCorrespondents{}, isUser(false)},
		{req.BotsPm, &tg.TopPeerCategoryBotsPM{}, isUser(true)},
		{req.Groups, &tg.TopPeerCategoryGroups{}, func(p Peer) bool {
			return p.Kind == PeerChat || p.Kind == PeerChannel && w.channels[p.ID] != nil && w.channels[p.ID].megagroup
		}},
		{req.Channels, &tg.TopPeerCategoryChannels{}, func(p Peer) bool {
			return p.Kind == PeerChannel && w.channels[p.ID] != nil && !w.channels[p.ID].megagroup
		}},
	}
	limit := int(req.Limit)
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	out := &tg.ContactsTopPeers{Categories: []tg.TopPeerCategoryPeers{}}
	var r refs
	for _, c := range cats {
		if !c.on {
			continue
		}
		type rated struct {
			p         Peer
			date, top int32
		}
		var all []rated
		for p, d := range a.box.dialogs {
			if c.fits(p) {
				all = append(all, rated{p, d.topDate, d.top})
			}
		}
		slices.SortFunc(all, func(x, y rated) int {
			if c := cmp.Compare(y.date, x.date); c != 0 {
				return c
			}
			if c := cmp.Compare(y.top, x.top); c != 0 {
				return c
			}
			return cmp.Compare(x.p.ID, y.p.ID)
		})
		off := min(max(int(req.Offset), 0), len(all))
		page := all[off:min(off+limit, len(all))]
		peers := make([]tg.TopPeer, 0, len(page))
		for i, x := range page {
			peers = append(peers, tg.TopPeer{Peer: peerTG(x.p), Rating: float64(len(all) - off - i)})
			r.add(x.p)
		}
		out.Categories = append(out.Categories, tg.TopPeerCategoryPeers{Category: c.tg, Count: int32(len(all)), Peers: peers})
	}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}
