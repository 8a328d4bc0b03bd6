package world

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Star gifts: the catalogue, sending (through a Stars payment form), the gifts people and
// channels keep, showing and hiding them, converting them to Stars, upgrading them to unique
// collectibles, transferring, reselling and buying those, and offers to buy them.
//
// The world keeps a Stars balance per person for gifts (giftState.balance, which Stars
// invoices use too): gifts cost Stars and converting one pays Stars back, each move recorded
// in the person's Stars transactions. AddGiftStars funds a person.

// Gift errors, as Telegram names them.
var (
	ErrStarGiftInvalid      = rpcErr(400, "STARGIFT_INVALID")
	ErrStarGiftSlugInvalid  = rpcErr(400, "STARGIFT_SLUG_INVALID")
	ErrBalanceTooLow        = rpcErr(400, "BALANCE_TOO_LOW")
	ErrStarGiftConverted    = rpcErr(400, "STARGIFT_ALREADY_CONVERTED")
	ErrStarGiftUpgraded     = rpcErr(400, "STARGIFT_ALREADY_UPGRADED")
	ErrStarGiftOwnerInvalid = rpcErr(400, "STARGIFT_OWNER_INVALID")
	ErrStarGiftNotForSale   = rpcErr(400, "STARGIFT_NOT_FOUND")
	ErrPaymentRequired      = rpcErr(400, "PAYMENT_REQUIRED")
	ErrFormIDInvalid        = rpcErr(400, "FORM_ID_EMPTY")
	ErrStarGiftSoldOut      = rpcErr(400, "STARGIFT_USAGE_LIMITED")
)

// Gift limits.
const (
	maxGiftText        = 255 // characters of a gift's message
	minResaleStars     = 125
	maxPinnedGifts     = 6
	giftCatalogHash    = 0x6167 // the catalogue never changes
	maxGiftOfferPeriod = 7 * 86400
	maxGiftForms       = 1024 // unpaid gift forms kept
)

// catalogGift is one gift of the catalogue.
type catalogGift struct {
	id, stars, convert, upgrade int64
	title                       string
	total                       int32 // limited edition size; 0 for unlimited
}

// giftCatalog is the world's star gift catalogue.
var giftCatalog = []catalogGift{
	{id: 1, stars: 15, convert: 13, title: "Rose"},
	{id: 2, stars: 50, convert: 42, upgrade: 25, title: "Heart"},
	{id: 3, stars: 100, convert: 85, upgrade: 50, title: "Rocket", total: 1000},
}

func catalogByID(id int64) (catalogGift, bool) {
	i := slices.IndexFunc(giftCatalog, func(g catalogGift) bool { return g.id == id })
	if i < 0 {
		return catalogGift{}, false
	}
	return giftCatalog[i], true
}

// giftState is the star gift part of the world (the World's gifts field), made on first use.
type giftState struct {
	balance    map[int64]int64       // person -> Stars
	sold       map[int64]int32       // catalogue gift -> copies sold
	saved      map[Peer][]*savedGift // owner -> its gifts, oldest first
	unique     map[string]*uniqueGift
	forms      map[int64]*giftForm
	offers     map[offerKey]*giftOffer
	nextSaved  int64
	nextUnique int64
	nextForm   int64
	nextTx     int64 // numbers the Stars transactions of gifts
}

func (g *giftState) init() {
	if g.balance == nil {
		g.balance = make(map[int64]int64)
		g.sold = make(map[int64]int32)
		g.saved = make(map[Peer][]*savedGift)
		g.unique = make(map[string]*uniqueGift)
		g.forms = make(map[int64]*giftForm)
		g.offers = make(map[offerKey]*giftOffer)
	}
}

// savedGift is a gift somebody (owner) received.
type savedGift struct {
	id         int64 // saved_id, unique in the world
	owner      Peer
	from       int64
	nameHidden bool
	gift       catalogGift
	unique     *uniqueGift // set once upgraded
	message    *tg.TextWithEntities
	msgID      int32 // the owner's service message (a person's gifts)
	date       int32
	unsaved    bool // hidden from the profile
	converted  bool
	pinned     bool
	prepaid    bool   // the upgrade is paid for
	hash       string // lets anybody pay the upgrade (prepaid_upgrade_hash)
}

// uniqueGift is an upgraded gift, a collectible with a slug.
type uniqueGift struct {
	id, giftID int64
	title      string
	slug       string
	num        int32
	owner      Peer
	resell     int64 // asking price in Stars; 0 when not for sale
	date       int32
	initial    int64 // the Stars the original gift cost
	lastSale   int64
	lastDate   int32
}

// giftForm is an unpaid Stars form for a gift invoice.
type giftForm struct {
	user    int64
	invoice tg.InputInvoiceClass
	price   int64
}

// offerKey names a purchase offer by the owner's service message.
type offerKey struct {
	owner int64
	msgID int32
}

// giftOffer is an offer to buy a unique gift from its owner.
type giftOffer struct {
	buyer   int64
	slug    string
	price   int64
	expires int32
}

// AddGiftStars adds n Stars to the gift balance of person id (a test's funding).
func (w *World) AddGiftStars(id int64, n int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.gifts.init()
	w.gifts.balance[id] += n
}

// GiftStars returns the gift balance of person id.
func (w *World) GiftStars(id int64) int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gifts.balance[id]
}

func (g catalogGift) tg(sold int32) *tg.StarGift {
	out := &tg.StarGift{
		ID: g.id, Stars: g.stars, ConvertStars: g.convert, Title: tl.Some(g.title),
		Sticker: &tg.DocumentEmpty{ID: 7000 + g.id},
	}
	if g.upgrade > 0 {
		out.UpgradeStars = tl.Some(g.upgrade)
	}
	if g.total > 0 {
		out.Limited = true
		out.AvailabilityTotal, out.AvailabilityRemains = tl.Some(g.total), tl.Some(g.total-sold)
		// sold_out and its sale dates share a flag: the world does not keep the dates, so
		// a sold-out gift shows only availability_remains 0.
	}
	return out
}

func (u *uniqueGift) tg() *tg.StarGiftUnique {
	out := &tg.StarGiftUnique{
		ID: u.id, GiftID: u.giftID, Title: u.title, Slug: u.slug, Num: u.num, OwnerID: peerTG(u.owner),
		Attributes: giftAttributes(u.num), AvailabilityIssued: u.num, AvailabilityTotal: 1000,
	}
	if u.resell > 0 {
		out.ResellAmount = []tg.StarsAmountClass{&tg.StarsAmount{Amount: u.resell}}
	}
	return out
}

// giftAttributes are the looks of a unique gift: a backdrop chosen by its number.
func giftAttributes(num int32) []tg.StarGiftAttributeClass {
	names := []string{"Black", "Gold", "Sapphire"}
	i := int(num) % len(names)
	return []tg.StarGiftAttributeClass{&tg.StarGiftAttributeBackdrop{
		Name: names[i], BackdropID: int32(i + 1), CenterColor: 0x202020 * int32(i+1), EdgeColor: 0x101010,
		PatternColor: 0xffffff, TextColor: 0xffffff, Rarity: &tg.StarGiftAttributeRarity{Permille: 333},
	}}
}

// StarGifts answers payments.getStarGifts: the catalogue, or starGiftsNotModified for its hash.
func (w *World) StarGifts(key KeyID, hash int32) (tg.PaymentsStarGiftsClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.authorized(key); err != nil {
		return nil, err
	}
	if hash == giftCatalogHash {
		return &tg.PaymentsStarGiftsNotModified{}, nil
	}
	out := &tg.PaymentsStarGifts{Hash: giftCatalogHash, Chats: []tg.ChatClass{}, Users: []tg.UserClass{}}
	for _, g := range giftCatalog {
		out.Gifts = append(out.Gifts, g.tg(w.gifts.sold[g.id]))
	}
	return out, nil
}

// UpgradeAttributes answers payments.getStarGiftUpgradeAttributes: the looks an upgrade of
// the gift may get (STARGIFT_INVALID for a gift that cannot be upgraded).
func (w *World) UpgradeAttributes(key KeyID, giftID int64) (*tg.PaymentsStarGiftUpgradeAttributes, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.authorized(key); err != nil {
		return nil, err
	}
	g, ok := catalogByID(giftID)
	if !ok || g.upgrade == 0 {
		return nil, ErrStarGiftInvalid
	}
	out := &tg.PaymentsStarGiftUpgradeAttributes{}
	for num := range int32(3) {
		out.Attributes = append(out.Attributes, giftAttributes(num)...)
	}
	return out, nil
}

// IsGiftInvoice reports whether in is one of the star gift invoices this file answers.
func IsGiftInvoice(in tg.InputInvoiceClass) bool {
	switch in.(type) {
	case *tg.InputInvoiceStarGift, *tg.InputInvoiceStarGiftUpgrade, *tg.InputInvoiceStarGiftTransfer,
		*tg.InputInvoiceStarGiftResale, *tg.InputInvoiceStarGiftPrepaidUpgrade:
		return true
	}
	return false
}

// GiftForm answers payments.getPaymentForm for a star gift invoice: a Stars form with the
// price (checked again when paid).
func (w *World) GiftForm(key KeyID, in tg.InputInvoiceClass) (*tg.PaymentsPaymentFormStarGift, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	w.gifts.init()
	price, label, err := w.giftPrice(a, in)
	if err != nil {
		return nil, err
	}
	w.gifts.nextForm++
	id := w.gifts.nextForm
	w.gifts.forms[id] = &giftForm{user: a.id, invoice: in, price: price}
	delete(w.gifts.forms, id-maxGiftForms) // forms never paid are forgotten, oldest first
	return &tg.PaymentsPaymentFormStarGift{FormID: id, Invoice: tg.Invoice{
		Currency: "XTR", Prices: []tg.LabeledPrice{{Label: label, Amount: price}},
	}}, nil
}

// giftPrice checks a gift invoice of a and returns what it costs (under w.mu).
func (w *World) giftPrice(a *account, in tg.InputInvoiceClass) (int64, string, error) {
	switch in := in.(type) {
	case *tg.InputInvoiceStarGift:
		g, ok := catalogByID(in.GiftID)
		if !ok {
			return 0, "", ErrStarGiftInvalid
		}
		if g.total > 0 && w.gifts.sold[g.id] >= g.total {
			return 0, "", ErrStarGiftSoldOut
		}
		if _, err := w.giftRecipient(a, in.Peer); err != nil {
			return 0, "", err
		}
		if in.Message != nil && len([]rune(in.Message.Text)) > maxGiftText {
			return 0, "", rpcErr(400, "STARGIFT_MESSAGE_INVALID")
		}
		price := g.stars
		if in.IncludeUpgrade {
			if g.upgrade == 0 {
				return 0, "", ErrStarGiftInvalid
			}
			price += g.upgrade
		}
		return price, g.title, nil
	case *tg.InputInvoiceStarGiftUpgrade:
		sg, err := w.ownSavedGift(a, in.Stargift)
		if err != nil {
			return 0, "", err
		}
		if err := sg.upgradable(); err != nil {
			return 0, "", err
		}
		return sg.gift.upgrade, "upgrade", nil
	case *tg.InputInvoiceStarGiftPrepaidUpgrade:
		sg, err := w.giftByHash(a, in.Peer, in.Hash)
		if err != nil {
			return 0, "", err
		}
		return sg.gift.upgrade, "prepaid upgrade", nil
	case *tg.InputInvoiceStarGiftResale:
		u := w.gifts.unique[in.Slug]
		if u == nil {
			return 0, "", ErrStarGiftSlugInvalid
		}
		if u.resell == 0 || u.owner == UserPeer(a.id) {
			return 0, "", ErrStarGiftNotForSale
		}
		if _, err := w.giftRecipient(a, in.ToID); err != nil {
			return 0, "", err
		}
		return u.resell, u.title, nil
	case *tg.InputInvoiceStarGiftTransfer:
		return 0, "", rpcErr(400, "INVOICE_INVALID") // transfers are free here: nothing to pay
	}
	return 0, "", rpcErr(400, "INVOICE_INVALID")
}

// PayGiftForm answers payments.sendStarsForm for a gift form: the Stars are taken and the
// gift is sent, upgraded or bought. The result's updates carry the service message.
func (w *World) PayGiftForm(key KeyID, formID int64) (*tg.PaymentsPaymentResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	w.gifts.init()
	f := w.gifts.forms[formID]
	if f == nil || f.user != a.id {
		return nil, ErrFormIDInvalid
	}
	price, _, err := w.giftPrice(a, f.invoice) // the world may have changed since the form
	if err != nil {
		return nil, err
	}
	if price != f.price {
		return nil, rpcErr(400, "FORM_EXPIRED")
	}
	if w.gifts.balance[a.id] < price {
		return nil, ErrBalanceTooLow
	}
	delete(w.gifts.forms, formID)
	var u *tg.Updates
	switch in := f.invoice.(type) {
	case *tg.InputInvoiceStarGift:
		u, err = w.sendGift(a, key, in)
	case *tg.InputInvoiceStarGiftUpgrade:
		sg, _ := w.ownSavedGift(a, in.Stargift)
		u, err = w.upgradeGift(a, key, sg)
	case *tg.InputInvoiceStarGiftPrepaidUpgrade:
		sg, _ := w.giftByHash(a, in.Peer, in.Hash)
		sg.prepaid = true
		u, err = w.giftMessage(a, key, sg.owner, &tg.MessageActionStarGift{Gift: sg.gift.tg(0), PrepaidUpgrade: true, UpgradeStars: tl.Some(price)})
	case *tg.InputInvoiceStarGiftResale:
		ug := w.gifts.unique[in.Slug]
		to, _ := w.giftRecipient(a, in.ToID)
		if ug.owner.Kind == PeerUser {
			w.gifts.balance[ug.owner.ID] += price
			w.giftTx(ug.owner.ID, price, a.id, "gift sold: "+ug.slug)
		}
		ug.lastSale, ug.lastDate, ug.resell = price, w.now(), 0
		u, err = w.moveUnique(a, key, ug, to)
	}
	if err != nil {
		return nil, err
	}
	w.gifts.balance[a.id] -= price
	w.giftTx(a.id, -price, 0, "gift "+strconv.FormatInt(formID, 10))
	return &tg.PaymentsPaymentResult{Updates: u}, nil
}

// giftTx records a move of Stars for gifts in user's Stars transactions (under w.mu).
func (w *World) giftTx(user, amount, peer int64, title string) {
	w.bots.init()
	w.gifts.nextTx++
	w.bots.record(user, starsTx{
		id: "gift-" + strconv.FormatInt(w.gifts.nextTx, 10), amount: amount, date: w.now(), peer: peer, title: title,
	})
}

// giftRecipient resolves who gets a gift: a person (not a bot) or a channel (under w.mu).
func (w *World) giftRecipient(a *account, in tg.InputPeerClass) (Peer, error) {
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return Peer{}, err
	}
	switch {
	case p.Kind == PeerUser && w.users[p.ID] != nil && !w.users[p.ID].bot:
	case p.Kind == PeerChannel && w.channels[p.ID] != nil:
	default:
		return Peer{}, rpcErr(400, "PEER_ID_INVALID")
	}
	return p, nil
}

// giftMessage posts a gift service message from a to the chat with owner (a person; a channel
// gets no message here) and returns a's updates (under w.mu).
func (w *World) giftMessage(a *account, key KeyID, owner Peer, action tg.MessageActionClass) (*tg.Updates, error) {
	if owner.Kind != PeerUser {
		return &tg.Updates{Updates: []tg.UpdateClass{}, Users: []tg.UserClass{}, Chats: []tg.ChatClass{}, Date: w.now()}, nil
	}
	s, err := w.deliver(a, key, owner, content{action: action})
	if err != nil {
		return nil, err
	}
	return w.sentUpdates(a, s, 0), nil
}

// ownersCopy returns the id of the owner's copy of the message a sent as sent id (under w.mu).
func (w *World) ownersCopy(a *account, id int32, owner int64) int32 {
	for _, c := range w.copies[origin{author: a.id, id: id}] {
		if c.user == owner {
			return c.id
		}
	}
	return id
}

// ownersMessage returns the id of the owner's copy of the service message in u, a's updates
// from giftMessage; 0 for a channel owner (under w.mu).
func (w *World) ownersMessage(a *account, u *tg.Updates, owner Peer) int32 {
	if owner.Kind != PeerUser {
		return 0
	}
	for _, x := range u.Updates {
		if m, ok := x.(*tg.UpdateNewMessage); ok {
			if s, ok := m.Message.(*tg.MessageService); ok {
				return w.ownersCopy(a, s.ID, owner.ID)
			}
		}
	}
	return 0
}

// sendGift delivers a paid gift (under w.mu).
func (w *World) sendGift(a *account, key KeyID, in *tg.InputInvoiceStarGift) (*tg.Updates, error) {
	g, _ := catalogByID(in.GiftID)
	to, _ := w.giftRecipient(a, in.Peer)
	w.gifts.sold[g.id]++
	w.gifts.nextSaved++
	sg := &savedGift{
		id: w.gifts.nextSaved, owner: to, from: a.id, nameHidden: in.HideName, gift: g,
		message: in.Message, date: w.now(), prepaid: in.IncludeUpgrade,
	}
	sg.hash = fmt.Sprintf("up%d", sg.id)
	action := &tg.MessageActionStarGift{
		NameHidden: in.HideName, Gift: g.tg(w.gifts.sold[g.id]), Message: in.Message,
		ConvertStars: tl.Some(g.convert), CanUpgrade: g.upgrade > 0, FromID: &tg.PeerUser{UserID: a.id},
	}
	if to.Kind == PeerChannel {
		action.Peer, action.SavedID = peerTG(to), tl.Some(sg.id)
	}
	u, err := w.giftMessage(a, key, to, action)
	if err != nil {
		return nil, err
	}
	sg.msgID = w.ownersMessage(a, u, to)
	w.gifts.saved[to] = append(w.gifts.saved[to], sg)
	return u, nil
}

func (sg *savedGift) upgradable() error {
	switch {
	case sg.unique != nil:
		return ErrStarGiftUpgraded
	case sg.converted:
		return ErrStarGiftConverted
	case sg.gift.upgrade == 0:
		return ErrStarGiftInvalid
	}
	return nil
}

// upgradeGift turns sg into a unique gift and tells its owner (under w.mu).
func (w *World) upgradeGift(a *account, key KeyID, sg *savedGift) (*tg.Updates, error) {
	if err := sg.upgradable(); err != nil {
		return nil, err
	}
	w.gifts.nextUnique++
	num := int32(w.gifts.nextUnique)
	u := &uniqueGift{
		id: 9000 + w.gifts.nextUnique, giftID: sg.gift.id, title: sg.gift.title, num: num,
		slug: sg.gift.title + "-" + strconv.Itoa(int(num)), owner: sg.owner, date: w.now(), initial: sg.gift.stars,
	}
	w.gifts.unique[u.slug] = u
	sg.unique = u
	return w.giftMessage(a, key, UserPeer(a.id), &tg.MessageActionStarGiftUnique{
		Upgrade: true, Gift: u.tg(), Peer: peerTG(sg.owner), SavedID: tl.Some(sg.id),
	})
}

// moveUnique gives u to a new owner, moving its saved gift, and posts the service message
// from a to it (under w.mu).
func (w *World) moveUnique(a *account, key KeyID, u *uniqueGift, to Peer) (*tg.Updates, error) {
	old := w.gifts.saved[u.owner]
	i := slices.IndexFunc(old, func(sg *savedGift) bool { return sg.unique == u })
	var sg *savedGift
	if i >= 0 {
		sg = old[i]
		w.gifts.saved[u.owner] = slices.Delete(old, i, i+1)
	} else {
		sg = &savedGift{gift: catalogGift{id: u.giftID, title: u.title}, unique: u}
	}
	w.gifts.nextSaved++
	sg.id, sg.owner, sg.from, sg.date, sg.pinned, sg.unsaved, sg.msgID = w.gifts.nextSaved, to, a.id, w.now(), false, false, 0
	u.owner = to
	upd, err := w.giftMessage(a, key, to, &tg.MessageActionStarGiftUnique{Transferred: true, Gift: u.tg(), FromID: &tg.PeerUser{UserID: a.id}})
	if err != nil {
		return nil, err
	}
	sg.msgID = w.ownersMessage(a, upd, to)
	w.gifts.saved[to] = append(w.gifts.saved[to], sg)
	return upd, nil
}

// ownSavedGift finds a gift the caller (or a channel it administers) owns (under w.mu).
func (w *World) ownSavedGift(a *account, in tg.InputSavedStarGiftClass) (*savedGift, error) {
	sg, err := w.findSavedGift(a, in)
	if err != nil {
		return nil, err
	}
	if !w.manages(a.id, sg.owner) {
		return nil, ErrStarGiftOwnerInvalid
	}
	return sg, nil
}

// findSavedGift resolves an inputSavedStarGift* for a (under w.mu).
func (w *World) findSavedGift(a *account, in tg.InputSavedStarGiftClass) (*savedGift, error) {
	w.gifts.init()
	var owner Peer
	var match func(*savedGift) bool
	switch in := in.(type) {
	case *tg.InputSavedStarGiftUser:
		owner, match = UserPeer(a.id), func(sg *savedGift) bool { return sg.msgID == in.MsgID }
	case *tg.InputSavedStarGiftChat:
		p, err := w.resolvePeer(a, in.Peer)
		if err != nil {
			return nil, err
		}
		owner, match = p, func(sg *savedGift) bool { return sg.id == in.SavedID }
	case *tg.InputSavedStarGiftSlug:
		u := w.gifts.unique[in.Slug]
		if u == nil {
			return nil, ErrStarGiftSlugInvalid
		}
		owner, match = u.owner, func(sg *savedGift) bool { return sg.unique == u }
	default:
		return nil, ErrStarGiftInvalid
	}
	list := w.gifts.saved[owner]
	i := slices.IndexFunc(list, match)
	if i < 0 {
		return nil, ErrStarGiftInvalid
	}
	return list[i], nil
}

// giftByHash finds the gift of peer whose upgrade anybody may pay with hash (under w.mu).
func (w *World) giftByHash(a *account, in tg.InputPeerClass, hash string) (*savedGift, error) {
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(w.gifts.saved[p], func(sg *savedGift) bool { return sg.hash == hash })
	if i < 0 {
		return nil, ErrStarGiftInvalid
	}
	sg := w.gifts.saved[p][i]
	if sg.prepaid {
		return nil, ErrStarGiftUpgraded
	}
	if err := sg.upgradable(); err != nil {
		return nil, err
	}
	return sg, nil
}

// tgSaved renders sg for viewer; the sender's name stays hidden from all but the owner.
func (w *World) tgSaved(viewer int64, sg *savedGift, r *refs) tg.SavedStarGift {
	owner := w.manages(viewer, sg.owner)
	out := tg.SavedStarGift{
		NameHidden: sg.nameHidden, Unsaved: sg.unsaved, PinnedToTop: sg.pinned, Date: sg.date, Message: sg.message,
	}
	if sg.from != 0 && (!sg.nameHidden || owner) {
		out.FromID = &tg.PeerUser{UserID: sg.from}
		r.add(UserPeer(sg.from))
	}
	if sg.unique != nil {
		out.Gift = sg.unique.tg()
	} else {
		out.Gift = sg.gift.tg(w.gifts.sold[sg.gift.id])
		if owner {
			out.ConvertStars = tl.Some(sg.gift.convert)
			out.CanUpgrade = sg.gift.upgrade > 0
			if sg.prepaid {
				out.UpgradeStars = tl.Some(sg.gift.upgrade)
			}
		}
		if sg.gift.upgrade > 0 && !sg.prepaid {
			out.PrepaidUpgradeHash = tl.Some(sg.hash)
		}
	}
	if sg.owner.Kind == PeerUser {
		if owner {
			out.MsgID = tl.Some(sg.msgID)
		}
	} else {
		out.SavedID = tl.Some(sg.id)
	}
	return out
}

// SavedGiftsQuery is payments.getSavedStarGifts.
type SavedGiftsQuery struct {
	Peer                          tg.InputPeerClass
	ExcludeUnsaved, ExcludeSaved  bool
	ExcludeUnlimited, ExcludeUniq bool
	SortByValue                   bool
	Offset                        string
	Limit                         int32
}

// SavedGifts answers payments.getSavedStarGifts: the gifts of a person or channel, pinned first
// then newest first; others than the owner see only those shown on the profile.
func (w *World) SavedGifts(key KeyID, q SavedGiftsQuery) (*tg.PaymentsSavedStarGifts, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	p, err := w.giftRecipient(a, q.Peer)
	if err != nil {
		return nil, err
	}
	w.gifts.init()
	owner := w.manages(a.id, p)
	var list []*savedGift
	for _, sg := range slices.Backward(w.gifts.saved[p]) {
		switch {
		case sg.converted,
			sg.unsaved && (!owner || q.ExcludeUnsaved),
			!sg.unsaved && q.ExcludeSaved,
			sg.unique == nil && sg.gift.total == 0 && q.ExcludeUnlimited,
			sg.unique != nil && q.ExcludeUniq:
			continue
		}
		list = append(list, sg)
	}
	slices.SortStableFunc(list, func(x, y *savedGift) int {
		if x.pinned != y.pinned {
			return boolInt(y.pinned) - boolInt(x.pinned)
		}
		if q.SortByValue {
			return int(y.gift.stars - x.gift.stars)
		}
		return 0
	})
	page, next, err := indexPage(list, q.Offset, q.Limit)
	if err != nil {
		return nil, err
	}
	out := &tg.PaymentsSavedStarGifts{Count: int32(len(list)), Gifts: []tg.SavedStarGift{}, NextOffset: next}
	var r refs
	r.add(p)
	for _, sg := range page {
		out.Gifts = append(out.Gifts, w.tgSaved(a.id, sg, &r))
	}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// SavedGiftsByID answers payments.getSavedStarGift.
func (w *World) SavedGiftsByID(key KeyID, ins []tg.InputSavedStarGiftClass) (*tg.PaymentsSavedStarGifts, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	out := &tg.PaymentsSavedStarGifts{Gifts: []tg.SavedStarGift{}}
	var r refs
	for _, in := range ins {
		sg, err := w.findSavedGift(a, in)
		if err != nil {
			return nil, err
		}
		r.add(sg.owner)
		out.Gifts = append(out.Gifts, w.tgSaved(a.id, sg, &r))
	}
	out.Count = int32(len(out.Gifts))
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// SaveGift answers payments.saveStarGift: the owner shows a gift on its profile or hides it.
func (w *World) SaveGift(key KeyID, in tg.InputSavedStarGiftClass, unsave bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	sg, err := w.ownSavedGift(a, in)
	if err != nil {
		return err
	}
	if sg.converted {
		return ErrStarGiftConverted
	}
	sg.unsaved = unsave
	return nil
}

// ConvertGift answers payments.convertStarGift: the owner trades a gift (not unique) for its
// convert_stars, once; the gift leaves the profile.
func (w *World) ConvertGift(key KeyID, in tg.InputSavedStarGiftClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	sg, err := w.ownSavedGift(a, in)
	if err != nil {
		return err
	}
	switch {
	case sg.converted:
		return ErrStarGiftConverted
	case sg.unique != nil:
		return ErrStarGiftUpgraded
	}
	sg.converted = true
	if sg.owner.Kind == PeerUser {
		w.gifts.balance[a.id] += sg.gift.convert
		w.giftTx(a.id, sg.gift.convert, sg.from, "gift converted: "+sg.gift.title)
	}
	return nil
}

// UpgradeGift answers payments.upgradeStarGift: free when the upgrade was paid in advance,
// PAYMENT_REQUIRED otherwise (pay with inputInvoiceStarGiftUpgrade).
func (w *World) UpgradeGift(key KeyID, in tg.InputSavedStarGiftClass) (*tg.Updates, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	sg, err := w.ownSavedGift(a, in)
	if err != nil {
		return nil, err
	}
	if err := sg.upgradable(); err != nil {
		return nil, err
	}
	if !sg.prepaid {
		return nil, ErrPaymentRequired
	}
	return w.upgradeGift(a, key, sg)
}

// TransferGift answers payments.transferStarGift: the owner of a unique gift gives it to a
// person or channel (free in this world).
func (w *World) TransferGift(key KeyID, in tg.InputSavedStarGiftClass, toIn tg.InputPeerClass) (*tg.Updates, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	sg, err := w.ownSavedGift(a, in)
	if err != nil {
		return nil, err
	}
	if sg.unique == nil {
		return nil, ErrStarGiftInvalid
	}
	to, err := w.giftRecipient(a, toIn)
	if err != nil {
		return nil, err
	}
	sg.unique.resell = 0
	return w.moveUnique(a, key, sg.unique, to)
}

// SetResalePrice answers payments.updateStarGiftPrice: the owner lists a unique gift for sale
// (at least 125 Stars) or takes it off sale (0).
func (w *World) SetResalePrice(key KeyID, in tg.InputSavedStarGiftClass, amount tg.StarsAmountClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	sg, err := w.ownSavedGift(a, in)
	if err != nil {
		return err
	}
	if sg.unique == nil {
		return ErrStarGiftInvalid
	}
	sa, ok := amount.(*tg.StarsAmount)
	if !ok || (sa.Amount != 0 && sa.Amount < minResaleStars) {
		return rpcErr(400, "STARGIFT_RESELL_TOO_CHEAP")
	}
	sg.unique.resell = sa.Amount
	return nil
}

// ResaleGifts answers payments.getResaleStarGifts: the unique gifts of a catalogue gift on
// sale, cheapest first with SortByPrice (else newest first), paged by a numeric offset.
func (w *World) ResaleGifts(key KeyID, giftID int64, byPrice bool, offset string, limit int32) (*tg.PaymentsResaleStarGifts, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if _, ok := catalogByID(giftID); !ok {
		return nil, ErrStarGiftInvalid
	}
	var list []*uniqueGift
	for _, u := range w.gifts.unique {
		if u.giftID == giftID && u.resell > 0 {
			list = append(list, u)
		}
	}
	slices.SortFunc(list, func(x, y *uniqueGift) int {
		if byPrice && x.resell != y.resell {
			return int(x.resell - y.resell)
		}
		return int(y.num - x.num)
	})
	page, next, err := indexPage(list, offset, limit)
	if err != nil {
		return nil, err
	}
	out := &tg.PaymentsResaleStarGifts{Count: int32(len(list)), Gifts: []tg.StarGiftClass{}, NextOffset: next}
	var r refs
	for _, u := range page {
		out.Gifts = append(out.Gifts, u.tg())
		r.add(u.owner)
	}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// uniqueBySlug returns the unique gift slug: STARGIFT_SLUG_INVALID when there is none (under
// w.mu).
func (w *World) uniqueBySlug(slug string) (*uniqueGift, error) {
	if u := w.gifts.unique[slug]; u != nil {
		return u, nil
	}
	return nil, ErrStarGiftSlugInvalid
}

// UniqueGift answers payments.getUniqueStarGift.
func (w *World) UniqueGift(key KeyID, slug string) (*tg.PaymentsUniqueStarGift, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	u, err := w.uniqueBySlug(slug)
	if err != nil {
		return nil, err
	}
	var r refs
	r.add(u.owner)
	out := &tg.PaymentsUniqueStarGift{Gift: u.tg()}
	out.Users, out.Chats = w.render(a.id, &r)
	return out, nil
}

// UniqueGiftValue answers payments.getUniqueStarGiftValueInfo: the value in US cents (a Star
// is worth 1.5 cents here), the first sale and the last resale.
func (w *World) UniqueGiftValue(key KeyID, slug string) (*tg.PaymentsUniqueStarGiftValueInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.authorized(key); err != nil {
		return nil, err
	}
	u, err := w.uniqueBySlug(slug)
	if err != nil {
		return nil, err
	}
	value := max(u.initial, u.lastSale)
	out := &tg.PaymentsUniqueStarGiftValueInfo{
		Currency: "USD", Value: value * 3 / 2, InitialSaleDate: u.date, InitialSaleStars: u.initial,
		InitialSalePrice: u.initial * 3 / 2,
	}
	if u.lastSale > 0 {
		out.LastSaleDate, out.LastSalePrice = tl.Some(u.lastDate), tl.Some(u.lastSale*3/2)
	}
	return out, nil
}

// PinGifts answers payments.toggleStarGiftsPinnedToTop: the listed gifts of the peer (at most
// 6, each shown on the profile) are shown first; the others are unpinned.
func (w *World) PinGifts(key KeyID, in tg.InputPeerClass, gifts []tg.InputSavedStarGiftClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	p, err := w.giftRecipient(a, in)
	if err != nil {
		return err
	}
	if len(gifts) > maxPinnedGifts {
		return rpcErr(400, "PINNED_TOO_MUCH")
	}
	var pin []*savedGift
	for _, g := range gifts {
		sg, err := w.ownSavedGift(a, g)
		if err != nil {
			return err
		}
		if sg.owner != p || sg.unsaved || sg.converted {
			return ErrStarGiftInvalid
		}
		pin = append(pin, sg)
	}
	for _, sg := range w.gifts.saved[p] {
		sg.pinned = slices.Contains(pin, sg)
	}
	return nil
}

// GiftWithdrawalURL answers payments.getStarGiftWithdrawalUrl: the owner of a unique gift,
// proving its 2FA password, gets the link that exports it to the blockchain
// (PASSWORD_MISSING without a password).
func (w *World) GiftWithdrawalURL(key KeyID, in tg.InputSavedStarGiftClass, check tg.InputCheckPasswordSRPClass) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return "", err
	}
	sg, err := w.ownSavedGift(a, in)
	if err != nil {
		return "", err
	}
	if sg.unique == nil {
		return "", ErrStarGiftInvalid
	}
	if a.password == nil {
		return "", rpcErr(400, "PASSWORD_MISSING")
	}
	if err := w.checkSRP(a, check); err != nil {
		return "", err
	}
	return "https://fragment.com/gift/" + sg.unique.slug, nil
}

// SendGiftOffer answers payments.sendStarGiftOffer: the caller offers price Stars for the
// unique gift slug to its owner (a person) for duration seconds; the offer is a service
// message in their chat, resolved by the owner (ResolveGiftOffer).
func (w *World) SendGiftOffer(key KeyID, in tg.InputPeerClass, slug string, price tg.StarsAmountClass, duration int32, randomID int64) (*tg.Updates, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	p, err := w.giftRecipient(a, in)
	if err != nil {
		return nil, err
	}
	w.gifts.init()
	u, err := w.uniqueBySlug(slug)
	if err != nil {
		return nil, err
	}
	if u.owner != p || p.Kind != PeerUser || p.ID == a.id {
		return nil, ErrStarGiftOwnerInvalid
	}
	sa, ok := price.(*tg.StarsAmount)
	if !ok || sa.Amount < 1 {
		return nil, rpcErr(400, "STARS_AMOUNT_INVALID")
	}
	if duration < 1 || duration > maxGiftOfferPeriod {
		return nil, rpcErr(400, "DURATION_INVALID")
	}
	if w.gifts.balance[a.id] < sa.Amount {
		return nil, ErrBalanceTooLow
	}
	expires := w.now() + duration
	s, err := w.deliverOnce(a, key, p, content{action: &tg.MessageActionStarGiftPurchaseOffer{
		Gift: u.tg(), Price: &tg.StarsAmount{Amount: sa.Amount}, ExpiresAt: expires,
	}}, randomID)
	if err != nil {
		return nil, err
	}
	w.gifts.offers[offerKey{owner: p.ID, msgID: w.ownersCopy(a, s.id, p.ID)}] = &giftOffer{buyer: a.id, slug: slug, price: sa.Amount, expires: expires}
	return w.sentUpdates(a, s, randomID), nil
}

// ResolveGiftOffer answers payments.resolveStarGiftOffer: the owner accepts (the gift goes to
// the buyer, the Stars to the owner) or declines the offer in its message offerMsgID. The
// result carries the service message that records the answer.
func (w *World) ResolveGiftOffer(key KeyID, offerMsgID int32, decline bool) (*tg.Updates, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	w.gifts.init()
	k := offerKey{owner: a.id, msgID: offerMsgID}
	o := w.gifts.offers[k]
	if o == nil || o.expires <= w.now() {
		return nil, rpcErr(400, "STARGIFT_OFFER_INVALID")
	}
	u := w.gifts.unique[o.slug]
	if u == nil || u.owner != UserPeer(a.id) {
		return nil, ErrStarGiftOwnerInvalid
	}
	delete(w.gifts.offers, k)
	if decline {
		return w.giftMessage(a, key, UserPeer(o.buyer), &tg.MessageActionStarGiftPurchaseOffer{
			Declined: true, Gift: u.tg(), Price: &tg.StarsAmount{Amount: o.price}, ExpiresAt: o.expires,
		})
	}
	if w.gifts.balance[o.buyer] < o.price {
		return nil, ErrBalanceTooLow
	}
	w.gifts.balance[o.buyer] -= o.price
	w.gifts.balance[a.id] += o.price
	w.giftTx(o.buyer, -o.price, a.id, "gift bought: "+u.slug)
	w.giftTx(a.id, o.price, o.buyer, "gift sold: "+u.slug)
	u.lastSale, u.lastDate, u.resell = o.price, w.now(), 0
	return w.moveUnique(a, key, u, UserPeer(o.buyer))
}
