package world

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// account is a person or a bot together with its update state and message box.
type account struct {
	id        int64
	bot       bool
	firstName string
	lastName  string
	username  string
	phone     string
	token     string // bots: "ID:HASH"
	dc        int
	about     string

	password   *password // nil without 2FA
	challenges []int64   // open SRP challenges (w.srps), oldest first; see keepChallenge

	// update state (see box.go)
	pts, qts, seq, date int32
	box                 accountBox

	blocked map[int64]int32 // users this account blocked (contacts.block) -> date

	uploads pendingUploads // unfinished uploads, oldest first (media.go)

	// users, contacts, profile, privacy (contacts.go, profile.go, privacy.go)
	contacts    map[int64]contactName // people this account saved as contacts
	privacy     map[uint32][]tg.PrivacyRuleClass
	global      tg.GlobalPrivacySettings
	ttlDays     int32
	photos      []*profilePhoto // newest first
	emojiStatus tg.EmojiStatusClass
	birthday    *tg.Birthday
	personal    int64 // personal channel id, 0 without
	webAuths    []tg.WebAuthorization

	// bots: what the bot configures about itself (botsettings.go)
	botSettings *botSettings

	// presence (account.updateStatus); statusAt 0 means never reported ("recently")
	online   bool
	statusAt int32

	// bots: inline mode (BotSpec.Inline, InlinePlaceholder, InlineFeedback)
	inline            bool
	inlinePlaceholder string
	inlineFeedback    bool

	// business (business.go): premium people may connect a bot that has business mode on;
	// business is the person's connected bot, nil when none.
	premium     bool
	botBusiness bool
	business    *businessConn
	boosts      []boostSlot // premium people's boost slots (boost.go), made on first use
}

// UserSpec describes a person to create.
type UserSpec struct {
	FirstName string
	LastName  string
	Username  string // optional, unique, case-insensitive
	Phone     string // digits only, unique
	DC        int    // home data center; 0 means Config.DefaultDC
	Password  string // 2FA password; empty means none
	// Premium makes the person a Telegram Premium subscriber (needed to connect a business
	// bot: account.updateConnectedBot).
	Premium bool
}

// BotSpec describes a bot to create.
type BotSpec struct {
	FirstName string
	Username  string // required for bots; should end in "bot"
	DC        int    // home data center; 0 means Config.DefaultDC
	// Inline turns on inline mode: people may ask the bot messages.getInlineBotResults
	// (BOT_INLINE_DISABLED without it). InlinePlaceholder is the hint clients show in the
	// input field (users carry bot_inline_placeholder; "Search..." when empty).
	Inline            bool
	InlinePlaceholder string
	// InlineFeedback makes the bot receive updateBotInlineSend when a person sends one of its
	// inline results (BotFather's /setinlinefeedback).
	InlineFeedback bool
	// Business turns on business mode (BotFather's setting): premium people may connect the
	// bot to their account (BOT_BUSINESS_MISSING without it).
	Business bool
}

// User is a snapshot of an account as the test harness sees it.
type User struct {
	ID        int64
	Bot       bool
	FirstName string
	LastName  string
	Username  string
	Phone     string
	DC        int
	// Token is the bot token "ID:HASH" for auth.importBotAuthorization; empty for people.
	Token string
}

func (a *account) snapshot() User {
	return User{
		ID: a.id, Bot: a.bot, FirstName: a.firstName, LastName: a.lastName,
		Username: a.username, Phone: a.phone, DC: a.dc, Token: a.token,
	}
}

// CreateUser adds a person. The phone and username must be free.
func (w *World) CreateUser(spec UserSpec) (User, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if spec.FirstName == "" {
		return User{}, fmt.Errorf("world: create user: %w", ErrFirstNameInvalid)
	}
	if !validPhone(spec.Phone) {
		return User{}, fmt.Errorf("world: create user %q: %w", spec.Phone, ErrPhoneNumberInvalid)
	}
	if _, ok := w.byPhone[spec.Phone]; ok {
		return User{}, fmt.Errorf("world: create user %q: %w", spec.Phone, ErrPhoneNumberOccupied)
	}
	if err := w.checkUsernameFree(spec.Username); err != nil {
		return User{}, fmt.Errorf("world: create user: %w", err)
	}
	a := w.newAccount(spec.DC)
	a.firstName, a.lastName, a.phone = spec.FirstName, spec.LastName, spec.Phone
	a.premium = spec.Premium
	if spec.Password != "" {
		pw, err := w.newPassword(spec.Password)
		if err != nil {
			return User{}, err
		}
		a.password = pw
	}
	w.byPhone[a.phone] = a.id
	w.setUsername(a, spec.Username)
	return a.snapshot(), nil
}

// CreateBot adds a bot and returns it with its token.
func (w *World) CreateBot(spec BotSpec) (User, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if spec.FirstName == "" {
		return User{}, fmt.Errorf("world: create bot: %w", ErrFirstNameInvalid)
	}
	if spec.Username == "" {
		return User{}, fmt.Errorf("world: create bot: %w", ErrUsernameInvalid)
	}
	if err := w.checkUsernameFree(spec.Username); err != nil {
		return User{}, fmt.Errorf("world: create bot: %w", err)
	}
	a := w.newAccount(spec.DC)
	a.bot = true
	a.firstName = spec.FirstName
	a.inline, a.inlineFeedback = spec.Inline, spec.InlineFeedback
	a.botBusiness = spec.Business
	a.inlinePlaceholder = spec.InlinePlaceholder
	if a.inline && a.inlinePlaceholder == "" {
		a.inlinePlaceholder = "Search..."
	}
	var secret [17]byte
	if err := w.random(secret[:]); err != nil {
		return User{}, err
	}
	a.token = strconv.FormatInt(a.id, 10) + ":" + hex.EncodeToString(secret[:])
	w.setUsername(a, spec.Username)
	return a.snapshot(), nil
}

// User returns a snapshot of the account id.
func (w *World) User(id int64) (User, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.users[id]
	if a == nil {
		return User{}, false
	}
	return a.snapshot(), true
}

func (w *World) newAccount(dc int) *account {
	if dc == 0 {
		dc = w.cfg.DefaultDC
	}
	w.nextUser++
	a := &account{id: w.nextUser, dc: dc}
	w.initBox(a)
	w.users[a.id] = a
	return a
}

func validPhone(p string) bool {
	if len(p) < 5 || len(p) > 20 {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func validUsername(u string) bool {
	if len(u) < 5 || len(u) > 32 {
		return false
	}
	for i, c := range u {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case (c >= '0' && c <= '9' || c == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

func (w *World) checkUsernameFree(u string) error {
	if u == "" {
		return nil
	}
	if !validUsername(u) {
		return ErrUsernameInvalid
	}
	if _, ok := w.byUsername[strings.ToLower(u)]; ok {
		return ErrUsernameOccupied
	}
	return nil
}

func (w *World) setUsername(a *account, u string) {
	if u == "" {
		return
	}
	a.username = u
	w.byUsername[strings.ToLower(u)] = UserPeer(a.id)
}
