package world

import (
	"slices"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Privacy: account.getPrivacy/setPrivacy keep an ordered rule list per key; the world
// enforces the last-seen key (statusTimestamp) when it renders a person for someone else,
// and hides the status of people who blocked the viewer, as Telegram does.

var (
	errPrivacyKeyInvalid   = rpcErr(400, "PRIVACY_KEY_INVALID")
	errPrivacyValueInvalid = rpcErr(400, "PRIVACY_VALUE_INVALID")
	errPrivacyTooLong      = rpcErr(400, "PRIVACY_TOO_LONG")
	errTTLDaysInvalid      = rpcErr(400, "TTL_DAYS_UNKNOWN")
)

// maxPrivacyRules bounds the rules of one key, and maxPrivacyIDs the ids of one rule.
const (
	maxPrivacyRules = 16
	maxPrivacyIDs   = 1000
)

// privacyKeyOf maps an input privacy key to the constructor id of its output form, which
// keys the rules in the account.
func privacyKeyOf(in tg.InputPrivacyKeyClass) (tg.PrivacyKeyClass, error) {
	switch in.(type) {
	case *tg.InputPrivacyKeyStatusTimestamp:
		return &tg.PrivacyKeyStatusTimestamp{}, nil
	case *tg.InputPrivacyKeyChatInvite:
		return &tg.PrivacyKeyChatInvite{}, nil
	case *tg.InputPrivacyKeyPhoneCall:
		return &tg.PrivacyKeyPhoneCall{}, nil
	case *tg.InputPrivacyKeyForwards:
		return &tg.PrivacyKeyForwards{}, nil
	case *tg.InputPrivacyKeyProfilePhoto:
		return &tg.PrivacyKeyProfilePhoto{}, nil
	case *tg.InputPrivacyKeyPhoneNumber:
		return &tg.PrivacyKeyPhoneNumber{}, nil
	case *tg.InputPrivacyKeyAddedByPhone:
		return &tg.PrivacyKeyAddedByPhone{}, nil
	case *tg.InputPrivacyKeyVoiceMessages:
		return &tg.PrivacyKeyVoiceMessages{}, nil
	case *tg.InputPrivacyKeyAbout:
		return &tg.PrivacyKeyAbout{}, nil
	case *tg.InputPrivacyKeyBirthday:
		return &tg.PrivacyKeyBirthday{}, nil
	case *tg.InputPrivacyKeyStarGiftsAutoSave:
		return &tg.PrivacyKeyStarGiftsAutoSave{}, nil
	case *tg.InputPrivacyKeyNoPaidMessages:
		return &tg.PrivacyKeyNoPaidMessages{}, nil
	case *tg.InputPrivacyKeySavedMusic:
		return &tg.PrivacyKeySavedMusic{}, nil
	}
	return nil, errPrivacyKeyInvalid
}

// privacyRule turns one input rule into its stored form; users must be known to a.
func (w *World) privacyRule(a *account, in tg.InputPrivacyRuleClass) (tg.PrivacyRuleClass, error) {
	users := func(list []tg.InputUserClass) ([]int64, error) {
		if len(list) > maxPrivacyIDs {
			return nil, errPrivacyTooLong
		}
		ids := make([]int64, 0, len(list))
		for _, iu := range list {
			u, err := w.resolveUser(a, iu)
			if err != nil {
				return nil, err
			}
			ids = append(ids, u.id)
		}
		return ids, nil
	}
	chats := func(list []int64) ([]int64, error) {
		if len(list) > maxPrivacyIDs {
			return nil, errPrivacyTooLong
		}
		for _, id := range list {
			if w.chats[id] == nil && w.channels[id] == nil {
				return nil, ErrPeerIDInvalid
			}
		}
		return slices.Clone(list), nil
	}
	switch r := in.(type) {
	case *tg.InputPrivacyValueAllowAll:
		return &tg.PrivacyValueAllowAll{}, nil
	case *tg.InputPrivacyValueDisallowAll:
		return &tg.PrivacyValueDisallowAll{}, nil
	case *tg.InputPrivacyValueAllowContacts:
		return &tg.PrivacyValueAllowContacts{}, nil
	case *tg.InputPrivacyValueDisallowContacts:
		return &tg.PrivacyValueDisallowContacts{}, nil
	case *tg.InputPrivacyValueAllowCloseFriends:
		return &tg.PrivacyValueAllowCloseFriends{}, nil
	case *tg.InputPrivacyValueAllowPremium:
		return &tg.PrivacyValueAllowPremium{}, nil
	case *tg.InputPrivacyValueAllowBots:
		return &tg.PrivacyValueAllowBots{}, nil
	case *tg.InputPrivacyValueDisallowBots:
		return &tg.PrivacyValueDisallowBots{}, nil
	case *tg.InputPrivacyValueAllowUsers:
		ids, err := users(r.Users)
		return &tg.PrivacyValueAllowUsers{Users: ids}, err
	case *tg.InputPrivacyValueDisallowUsers:
		ids, err := users(r.Users)
		return &tg.PrivacyValueDisallowUsers{Users: ids}, err
	case *tg.InputPrivacyValueAllowChatParticipants:
		ids, err := chats(r.Chats)
		return &tg.PrivacyValueAllowChatParticipants{Chats: ids}, err
	case *tg.InputPrivacyValueDisallowChatParticipants:
		ids, err := chats(r.Chats)
		return &tg.PrivacyValueDisallowChatParticipants{Chats: ids}, err
	}
	return nil, errPrivacyValueInvalid
}

// privacyRules renders the rules of key with the users and chats they name.
func (w *World) privacyRules(a *account, key tg.PrivacyKeyClass) *tg.AccountPrivacyRules {
	rules, ok := a.privacy[key.TypeID()]
	if !ok {
		rules = defaultRules(key)
	}
	var r refs
	for _, rule := range rules {
		switch v := rule.(type) {
		case *tg.PrivacyValueAllowUsers:
			for _, id := range v.Users {
				r.add(UserPeer(id))
			}
		case *tg.PrivacyValueDisallowUsers:
			for _, id := range v.Users {
				r.add(UserPeer(id))
			}
		case *tg.PrivacyValueAllowChatParticipants:
			w.addChatRefs(&r, v.Chats)
		case *tg.PrivacyValueDisallowChatParticipants:
			w.addChatRefs(&r, v.Chats)
		}
	}
	users, chats := w.render(a.id, &r)
	return &tg.AccountPrivacyRules{Rules: slices.Clone(rules), Chats: chats, Users: users}
}

func (w *World) addChatRefs(r *refs, ids []int64) {
	for _, id := range ids {
		if w.channels[id] != nil {
			r.add(Peer{Kind: PeerChannel, ID: id})
		} else {
			r.add(Peer{Kind: PeerChat, ID: id})
		}
	}
}

// GetPrivacy answers account.getPrivacy.
func (w *World) GetPrivacy(key KeyID, in tg.InputPrivacyKeyClass) (*tg.AccountPrivacyRules, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, k, err := w.privacyOf(key, in)
	if err != nil {
		return nil, err
	}
	return w.privacyRules(a, k), nil
}

// privacyOf returns the person on key and the privacy key named by in (under w.mu).
func (w *World) privacyOf(key KeyID, in tg.InputPrivacyKeyClass) (*account, tg.PrivacyKeyClass, error) {
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, nil, err
	}
	k, err := privacyKeyOf(in)
	if err != nil {
		return nil, nil, err
	}
	return a, k, nil
}

// SetPrivacy answers account.setPrivacy: the rules replace those of the key, and the
// account's other sessions get updatePrivacy.
func (w *World) SetPrivacy(key KeyID, in tg.InputPrivacyKeyClass, rules []tg.InputPrivacyRuleClass) (*tg.AccountPrivacyRules, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, k, err := w.privacyOf(key, in)
	if err != nil {
		return nil, err
	}
	if len(rules) > maxPrivacyRules {
		return nil, errPrivacyTooLong
	}
	out := make([]tg.PrivacyRuleClass, 0, len(rules))
	for _, in := range rules {
		r, err := w.privacyRule(a, in)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if a.privacy == nil {
		a.privacy = make(map[uint32][]tg.PrivacyRuleClass)
	}
	a.privacy[k.TypeID()] = out
	if len(out) == 0 {
		delete(a.privacy, k.TypeID()) // back to the default
	}
	res := w.privacyRules(a, k)
	w.push(a.id, key, &tg.UpdateShort{Update: &tg.UpdatePrivacy{Key: k, Rules: res.Rules}, Date: w.now()})
	return res, nil
}

// defaultRules is what a key means before account.setPrivacy (or after setting no rules):
// everybody, except the phone number, which only contacts see.
func defaultRules(key tg.PrivacyKeyClass) []tg.PrivacyRuleClass {
	if _, ok := key.(*tg.PrivacyKeyPhoneNumber); ok {
		return []tg.PrivacyRuleClass{&tg.PrivacyValueAllowContacts{}, &tg.PrivacyValueDisallowAll{}}
	}
	return []tg.PrivacyRuleClass{&tg.PrivacyValueAllowAll{}}
}

// allows reports whether owner's rules for key let viewer see it. Rules are read in order and
// the first one that names the viewer decides; none deciding means nobody. A key never set
// (or set to no rules) has its defaultRules.
func (w *World) allows(owner, viewer *account, key tg.PrivacyKeyClass) bool {
	if owner.id == viewer.id {
		return true
	}
	rules, ok := owner.privacy[key.TypeID()]
	if !ok {
		rules = defaultRules(key)
	}
	inChats := func(ids []int64) bool {
		for _, id := range ids {
			if c := w.chats[id]; c != nil {
				if _, ok := c.members[viewer.id]; ok {
					return true
				}
			}
			if ch := w.channels[id]; ch != nil && ch.members[viewer.id] != nil {
				return true
			}
		}
		return false
	}
	_, contact := owner.contacts[viewer.id]
	for _, rule := range rules {
		switch r := rule.(type) {
		case *tg.PrivacyValueAllowAll:
			return true
		case *tg.PrivacyValueDisallowAll:
			return false
		case *tg.PrivacyValueAllowContacts:
			if contact {
				return true
			}
		case *tg.PrivacyValueDisallowContacts:
			if contact {
				return false
			}
		case *tg.PrivacyValueAllowUsers:
			if slices.Contains(r.Users, viewer.id) {
				return true
			}
		case *tg.PrivacyValueDisallowUsers:
			if slices.Contains(r.Users, viewer.id) {
				return false
			}
		case *tg.PrivacyValueAllowChatParticipants:
			if inChats(r.Chats) {
				return true
			}
		case *tg.PrivacyValueDisallowChatParticipants:
			if inChats(r.Chats) {
				return false
			}
		case *tg.PrivacyValueAllowPremium:
			if viewer.premium {
				return true
			}
		case *tg.PrivacyValueAllowBots:
			if viewer.bot {
				return true
			}
		case *tg.PrivacyValueDisallowBots:
			if viewer.bot {
				return false
			}
		}
	}
	return false
}

// decorateUser adds to u what depends on the viewer's relation to a: the contact flags, the
// profile photo and emoji status, and the presence as a's privacy and blocks allow.
func (w *World) decorateUser(viewerID int64, a *account, u *tg.User) {
	viewer := w.users[viewerID]
	if viewer == nil {
		return
	}
	if _, ok := viewer.contacts[a.id]; ok {
		u.Contact = true
		_, u.MutualContact = a.contacts[viewer.id]
	}
	if c, ok := a.contacts[viewer.id]; viewer.id != a.id && a.phone != "" && (ok && c.shared || w.allows(a, viewer, &tg.PrivacyKeyPhoneNumber{})) {
		u.Phone = tl.Some(a.phone)
	}
	if a.emojiStatus != nil {
		u.EmojiStatus = a.emojiStatus
	}
	_, blocked := a.blocked[viewer.id]
	if len(a.photos) > 0 && !blocked && w.allows(a, viewer, &tg.PrivacyKeyProfilePhoto{}) {
		p := a.photos[0]
		u.Photo = &tg.UserProfilePhoto{PhotoID: p.file.id, DCID: int32(p.file.dc), HasVideo: p.video}
	}
	if a.bot || viewer.id == a.id {
		return
	}
	switch {
	case blocked:
		u.Status = &tg.UserStatusEmpty{}
	case !w.statusVisible(a, viewer):
		u.Status = &tg.UserStatusRecently{ByMe: false}
	}
}

// statusVisible reports whether viewer may see a's presence: a did not block viewer and its
// last-seen privacy lets viewer see it. Status pushes go only to those.
func (w *World) statusVisible(a, viewer *account) bool {
	_, blocked := a.blocked[viewer.id]
	return !blocked && w.allows(a, viewer, &tg.PrivacyKeyStatusTimestamp{})
}

// GetGlobalPrivacySettings answers account.getGlobalPrivacySettings.
func (w *World) GetGlobalPrivacySettings(key KeyID) (*tg.GlobalPrivacySettings, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	g := a.global
	return &g, nil
}

// SetGlobalPrivacySettings answers account.setGlobalPrivacySettings; only premium people may
// require premium from non-contacts (PREMIUM_ACCOUNT_REQUIRED).
func (w *World) SetGlobalPrivacySettings(key KeyID, s tg.GlobalPrivacySettings) (*tg.GlobalPrivacySettings, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if s.NewNoncontactPeersRequirePremium && !a.premium {
		return nil, rpcErr(403, "PREMIUM_ACCOUNT_REQUIRED")
	}
	a.global = s
	g := a.global
	return &g, nil
}

// defaultTTLDays is the account self-destruction period before account.setAccountTTL.
const defaultTTLDays = 365

// GetAccountTTL answers account.getAccountTTL.
func (w *World) GetAccountTTL(key KeyID) (*tg.AccountDaysTTL, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	days := a.ttlDays
	if days == 0 {
		days = defaultTTLDays
	}
	return &tg.AccountDaysTTL{Days: days}, nil
}

// SetAccountTTL answers account.setAccountTTL: 30 to 730 days.
func (w *World) SetAccountTTL(key KeyID, days int32) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	if days < 30 || days > 730 {
		return errTTLDaysInvalid
	}
	a.ttlDays = days
	return nil
}
