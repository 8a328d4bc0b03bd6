package world

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Boost errors, as Telegram names them.
var (
	ErrBoostPeerInvalid = rpcErr(400, "BOOST_PEER_INVALID")
	ErrSlotsEmpty       = rpcErr(400, "SLOTS_EMPTY")
)

const (
	// BoostSlots is how many boosts a premium person holds.
	BoostSlots = 4
	// BoostPeriod is how long an applied boost lasts, in seconds.
	BoostPeriod = 30 * 86400
)

// boostLevels are the boost counts at which a channel reaches levels 1, 2, ...
var boostLevels = []int32{1, 3, 7, 12, 18, 25, 33, 42, 52, 63}

// boostSlot is one of a premium person's boosts; channel 0 means the slot is free.
type boostSlot struct {
	channel       int64
	date, expires int32
}

// slots returns a's boost slots, made free on first use (under w.mu).
func (a *account) slots() []boostSlot {
	if a.boosts == nil {
		a.boosts = make([]boostSlot, BoostSlots)
	}
	return a.boosts
}

// boostID names the boost in slot (1-based) of user.
func boostID(user int64, slot int) string { return fmt.Sprintf("%d:%d", user, slot) }

// ApplyBoost answers premium.applyBoost: the premium person on key spends the given slots
// (1-based; none means the first free slot, else the first) on a channel or supergroup.
// The channel's admin bots get updateBotChatBoost (the boost with its booster, their next
// qts). The result is premium.myBoosts. PREMIUM_ACCOUNT_REQUIRED (not premium),
// BOT_METHOD_INVALID, BOOST_PEER_INVALID (not a channel), SLOTS_EMPTY (a slot out of range).
func (w *World) ApplyBoost(key KeyID, slots []int32, in tg.InputPeerClass) (*tg.PremiumMyBoosts, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.premiumUser(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return nil, err
	}
	ch, err := w.boostedChannel(p)
	if err != nil {
		return nil, err
	}
	own := a.slots()
	if len(slots) == 0 {
		i := slices.IndexFunc(own, func(s boostSlot) bool { return s.channel == 0 })
		slots = []int32{int32(max(i, 0)) + 1}
	}
	for _, s := range slots {
		if s < 1 || int(s) > len(own) {
			return nil, ErrSlotsEmpty
		}
	}
	now := w.now()
	for _, s := range slots {
		own[s-1] = boostSlot{channel: ch.id, date: now, expires: now + BoostPeriod}
		w.boostApplied(ch, a.id, int(s), own[s-1])
	}
	return w.myBoosts(a), nil
}

// premiumUser is authorizedUser for premium people only: PREMIUM_ACCOUNT_REQUIRED for others
// (under w.mu).
func (w *World) premiumUser(key KeyID) (*account, error) {
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if !a.premium {
		return nil, ErrPremiumAccountRequired
	}
	return a, nil
}

// authorizedBoostChannel returns the account on key and the channel in names (under w.mu).
func (w *World) authorizedBoostChannel(key KeyID, in tg.InputPeerClass) (*account, *channel, error) {
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, nil, err
	}
	ch, err := w.boostedChannel(p)
	if err != nil {
		return nil, nil, err
	}
	return a, ch, nil
}

// boostedChannel returns the channel p names: BOOST_PEER_INVALID when it names no channel
// (under w.mu).
func (w *World) boostedChannel(p Peer) (*channel, error) {
	ch := w.channels[p.ID]
	if p.Kind != PeerChannel || ch == nil {
		return nil, ErrBoostPeerInvalid
	}
	return ch, nil
}

// boostApplied tells ch's admin bots of the boost in slot of user (under w.mu).
func (w *World) boostApplied(ch *channel, user int64, slot int, s boostSlot) {
	for _, uid := range ch.sortedMembers() {
		bot := w.users[uid]
		if bot == nil || !bot.bot || !ch.isAdmin(uid) {
			continue
		}
		var r refs
		r.add(ChannelPeer(ch.id))
		r.add(UserPeer(user))
		u := w.appendNumbered(&bot.box.qlog, &bot.qts, 1, s.date, func(qts int32) tg.UpdateClass {
			return &tg.UpdateBotChatBoost{
				Peer: &tg.PeerChannel{ChannelID: ch.id},
				Boost: tg.Boost{
					ID: boostID(user, slot), UserID: tl.Some(user), Date: s.date, Expires: s.expires,
				},
				Qts: qts,
			}
		}, r.order)
		w.push(uid, KeyID{}, w.longUpdates(uid, []tg.UpdateClass{u}, &r, s.date))
	}
}

// myBoosts renders a's slots as premium.myBoosts (under w.mu).
func (w *World) myBoosts(a *account) *tg.PremiumMyBoosts {
	out := &tg.PremiumMyBoosts{MyBoosts: []tg.MyBoost{}}
	var r refs
	for i, s := range a.slots() {
		b := tg.MyBoost{Slot: int32(i + 1)}
		if s.channel != 0 {
			b.Peer, b.Date, b.Expires = &tg.PeerChannel{ChannelID: s.channel}, s.date, s.expires
			r.add(ChannelPeer(s.channel))
		}
		out.MyBoosts = append(out.MyBoosts, b)
	}
	out.Users, out.Chats = w.render(a.id, &r)
	return out
}

// MyBoosts answers premium.getMyBoosts: the person's slots (none unless premium).
func (w *World) MyBoosts(key KeyID) (*tg.PremiumMyBoosts, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if !a.premium {
		return &tg.PremiumMyBoosts{MyBoosts: []tg.MyBoost{}, Chats: []tg.ChatClass{}, Users: []tg.UserClass{}}, nil
	}
	return w.myBoosts(a), nil
}

// BoostsStatus answers premium.getBoostsStatus: the channel's boost count and level, and
// which slots of the caller boost it. BOOST_PEER_INVALID for a peer that is not a channel.
func (w *World) BoostsStatus(key KeyID, in tg.InputPeerClass) (*tg.PremiumBoostsStatus, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.authorizedBoostChannel(key, in)
	if err != nil {
		return nil, err
	}
	var count int32
	for _, u := range w.users {
		for _, s := range u.boosts {
			if s.channel == ch.id {
				count++
			}
		}
	}
	out := &tg.PremiumBoostsStatus{Boosts: count, BoostURL: "https://t.me/boost/c" + fmt.Sprint(ch.id)}
	if ch.username != "" {
		out.BoostURL = "https://t.me/boost/" + ch.username
	}
	for i, s := range a.boosts {
		if s.channel == ch.id {
			out.MyBoost = true
			out.MyBoostSlots = append(out.MyBoostSlots, int32(i+1))
		}
	}
	for _, need := range boostLevels {
		if count < need {
			out.NextLevelBoosts = tl.Some(need)
			break
		}
		out.Level++
		out.CurrentLevelBoosts = need
	}
	return out, nil
}

// BoostsList answers premium.getBoostsList for an admin of the channel: its boosts, newest
// first (ties by id), paged by a numeric offset. There are no gifted boosts in this world, so
// gifts lists none. CHAT_ADMIN_REQUIRED for others.
func (w *World) BoostsList(key KeyID, in tg.InputPeerClass, gifts bool, offset string, limit int32) (*tg.PremiumBoostsList, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, ch, err := w.authorizedBoostChannel(key, in)
	if err != nil {
		return nil, err
	}
	if !ch.isAdmin(a.id) {
		return nil, ErrChatAdminRequired
	}
	var list []tg.Boost
	if !gifts {
		for id, u := range w.users {
			for i, s := range u.boosts {
				if s.channel == ch.id {
					list = append(list, tg.Boost{ID: boostID(id, i+1), UserID: tl.Some(id), Date: s.date, Expires: s.expires})
				}
			}
		}
	}
	slices.SortFunc(list, func(x, y tg.Boost) int {
		if x.Date != y.Date {
			return int(y.Date - x.Date)
		}
		return strings.Compare(x.ID, y.ID)
	})
	page, next, err := indexPage(list, offset, limit)
	if err != nil {
		return nil, err
	}
	out := &tg.PremiumBoostsList{Count: int32(len(list)), Boosts: append([]tg.Boost{}, page...), NextOffset: next}
	var r refs
	for _, b := range page {
		r.add(UserPeer(b.UserID.Value))
	}
	out.Users, _ = w.render(a.id, &r)
	return out, nil
}
