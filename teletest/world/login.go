package world

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/crypto/srp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The rest of the login: code deliveries (auth.resendCode, auth.cancelCode), QR login
// (auth.exportLoginToken, acceptLoginToken, importLoginToken), 2FA password management and
// recovery, the account's sessions and web sessions, and takeout sessions.

var (
	errAuthTokenInvalid    = rpcErr(400, "AUTH_TOKEN_INVALID")
	errAuthTokenExpired    = rpcErr(400, "AUTH_TOKEN_EXPIRED")
	errAuthTokenAccepted   = rpcErr(400, "AUTH_TOKEN_ALREADY_ACCEPTED")
	errSendCodeUnavailable = rpcErr(406, "SEND_CODE_UNAVAILABLE")
	errHashInvalid         = rpcErr(400, "HASH_INVALID")
	errCodeInvalid         = rpcErr(400, "CODE_INVALID")
	errPasswordRecoveryNA  = rpcErr(400, "PASSWORD_RECOVERY_NA")
	errNewSaltInvalid      = rpcErr(400, "NEW_SALT_INVALID")
	errNewSettingsInvalid  = rpcErr(400, "NEW_SETTINGS_INVALID")
	errEmailInvalid        = rpcErr(400, "EMAIL_INVALID")
	errTakeoutInvalid      = rpcErr(400, "TAKEOUT_INVALID")
	errTakeoutRequired     = rpcErr(403, "TAKEOUT_REQUIRED")
)

// loginTokenTTL is how long an exported login token may be accepted, in seconds.
const loginTokenTTL = 30

// sessionHash names the authorization of key in account.getAuthorizations.
func sessionHash(key KeyID) int64 {
	return int64(binary.LittleEndian.Uint64(key[:]) &^ (1 << 63))
}

// sentCode renders a pending code: delivered by the app, then by SMS, then by a call.
func sentCode(c *loginCode) *tg.AuthSentCode {
	n := int32(len(c.code))
	out := &tg.AuthSentCode{PhoneCodeHash: c.hash, Timeout: tl.Some[int32](60)}
	switch c.stage {
	case 0:
		out.Type, out.NextType = &tg.AuthSentCodeTypeApp{Length: n}, &tg.AuthCodeTypeSms{}
	case 1:
		out.Type, out.NextType = &tg.AuthSentCodeTypeSms{Length: n}, &tg.AuthCodeTypeCall{}
	default:
		out.Type, out.Timeout = &tg.AuthSentCodeTypeCall{Length: n}, tl.Opt[int32]{}
	}
	return out
}

func (w *World) pendingCode(phone, hash string) (*loginCode, error) {
	if hash == "" {
		return nil, ErrPhoneCodeHashEmpty
	}
	c := w.codes[phone]
	if c == nil || c.hash != hash {
		return nil, ErrPhoneCodeExpired
	}
	return c, nil
}

// ResendCode answers auth.resendCode: the same code by the next delivery type;
// SEND_CODE_UNAVAILABLE after the call.
func (w *World) ResendCode(phone, hash string) (*tg.AuthSentCode, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.pendingCode(phone, hash)
	if err != nil {
		return nil, err
	}
	if c.stage >= 2 {
		return nil, errSendCodeUnavailable
	}
	c.stage++
	return sentCode(c), nil
}

// CancelCode answers auth.cancelCode: the code can no longer be used.
func (w *World) CancelCode(phone, hash string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.pendingCode(phone, hash); err != nil {
		return err
	}
	delete(w.codes, phone)
	return nil
}

// loginToken is an exported QR login token: waiting on key, accepted by user once scanned.
type loginToken struct {
	key      KeyID
	expires  int32
	accepted int64 // 0 until auth.acceptLoginToken
	dc       int   // migrate tokens: the data center that must import it
}

// ExportLoginToken answers auth.exportLoginToken on dc. Before acceptance it returns a new
// token valid for 30 s, which replaces the key's previous one; after another session accepted the key's token it signs the key in
// (auth.loginTokenSuccess, SESSION_PASSWORD_NEEDED with 2FA), or, when the account lives
// elsewhere, answers auth.loginTokenMigrateTo with a token to import there.
func (w *World) ExportLoginToken(key KeyID, dc int) (tg.AuthLoginTokenClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	for tok, t := range w.loginTokens {
		if t.expires+loginTokenTTL <= now || t.accepted == 0 && t.key == key {
			// Forgotten a while after expiry; the key's own pending token at once, as the
			// new one replaces it (a client refreshing in a loop holds one, not one a call).
			delete(w.loginTokens, tok)
			continue
		}
		if t.key != key || t.dc != 0 || t.accepted == 0 {
			continue
		}
		delete(w.loginTokens, tok)
		a := w.users[t.accepted]
		if a == nil {
			return nil, ErrAuthKeyUnregistered
		}
		if dc != 0 && a.dc != dc {
			raw, err := w.newLoginToken(&loginToken{expires: now + loginTokenTTL, accepted: a.id, dc: a.dc})
			if err != nil {
				return nil, err
			}
			return &tg.AuthLoginTokenMigrateTo{DCID: int32(a.dc), Token: raw}, nil
		}
		return w.loginAs(key, a)
	}
	raw, err := w.newLoginToken(&loginToken{key: key, expires: now + loginTokenTTL})
	if err != nil {
		return nil, err
	}
	return &tg.AuthLoginToken{Expires: now + loginTokenTTL, Token: raw}, nil
}

func (w *World) newLoginToken(t *loginToken) ([]byte, error) {
	raw := make([]byte, 32)
	if err := w.random(raw); err != nil {
		return nil, err
	}
	if w.loginTokens == nil {
		w.loginTokens = make(map[string]*loginToken)
	}
	if len(w.loginTokens) >= maxLoginTokens {
		for tok := range w.loginTokens { // any one, as a token lost among many
			delete(w.loginTokens, tok)
			break
		}
	}
	w.loginTokens[hex.EncodeToString(raw)] = t
	return raw, nil
}

// maxLoginTokens bounds the QR login tokens alive at once, and so the pass over them each
// auth.exportLoginToken makes: the call needs no account, so clients on ever new keys could
// otherwise pile them up for the minute each lives.
const maxLoginTokens = 10000

// loginAs signs key in as a after a QR login: success, or SESSION_PASSWORD_NEEDED with the key
// waiting for the password.
func (w *World) loginAs(key KeyID, a *account) (tg.AuthLoginTokenClass, error) {
	if a.password != nil {
		w.bind(key, a.id, true)
		return nil, ErrSessionPasswordNeeded
	}
	w.bind(key, a.id, false)
	return &tg.AuthLoginTokenSuccess{Authorization: &tg.AuthAuthorization{User: w.tgUser(a.id, a)}}, nil
}

// AcceptLoginToken answers auth.acceptLoginToken: the person on key scans a QR code; the
// session that exported it gets updateLoginToken and signs in with its next
// auth.exportLoginToken.
func (w *World) AcceptLoginToken(key KeyID, token []byte) (*tg.Authorization, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	t := w.loginTokens[hex.EncodeToString(token)]
	switch {
	case t == nil || t.dc != 0:
		return nil, errAuthTokenInvalid
	case t.expires <= w.now():
		return nil, errAuthTokenExpired
	case t.accepted != 0:
		return nil, errAuthTokenAccepted
	}
	t.accepted = a.id
	for _, s := range w.subs[t.key] {
		s.enqueue(&tg.UpdateShort{Update: &tg.UpdateLoginToken{}, Date: w.now()})
	}
	return &tg.Authorization{Hash: sessionHash(t.key), DateCreated: w.now(), DateActive: w.now()}, nil
}

// ImportLoginToken answers auth.importLoginToken with the token of
// auth.loginTokenMigrateTo, on the data center it names.
func (w *World) ImportLoginToken(key KeyID, dc int, token []byte) (tg.AuthLoginTokenClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := hex.EncodeToString(token)
	t := w.loginTokens[k]
	if t == nil || t.dc == 0 || t.accepted == 0 {
		return nil, errAuthTokenInvalid
	}
	if t.expires <= w.now() {
		delete(w.loginTokens, k)
		return nil, errAuthTokenExpired
	}
	if dc != 0 && dc != t.dc {
		return nil, Migrate("USER", t.dc)
	}
	delete(w.loginTokens, k)
	a := w.users[t.accepted]
	if a == nil {
		return nil, errAuthTokenInvalid
	}
	return w.loginAs(key, a)
}

// passwordOwner returns the account on key, signed in or still owing its password, which it
// must have (PASSWORD_EMPTY).
func (w *World) passwordOwner(key KeyID) (*account, error) {
	auth := w.auths[key]
	if auth == nil || w.users[auth.user] == nil {
		return nil, ErrAuthKeyUnregistered
	}
	if w.users[auth.user].password == nil {
		return nil, ErrPasswordEmpty
	}
	return w.users[auth.user], nil
}

// checkSRP verifies an SRP answer against a's current password (inputCheckPasswordEmpty when
// it has none).
func (w *World) checkSRP(a *account, in tg.InputCheckPasswordSRPClass) error {
	if a.password == nil {
		if _, ok := in.(*tg.InputCheckPasswordEmpty); ok || in == nil {
			return nil
		}
		return ErrPasswordHashInvalid
	}
	p, ok := in.(*tg.InputCheckPasswordSRP)
	if !ok {
		return ErrPasswordHashInvalid
	}
	chk := w.srps[p.SRPID]
	if chk == nil || chk.user != a.id {
		return ErrSRPIDInvalid
	}
	delete(w.srps, p.SRPID)
	if err := chk.server.Verify(srp.Answer{A: p.A, M1: p.M1}); err != nil {
		return ErrPasswordHashInvalid
	}
	return nil
}

// newPasswordFrom applies password input settings: a new algorithm with its verifier sets the
// password, passwordKdfAlgoUnknown removes it, hint and email ride along.
func newPasswordFrom(old *password, s *tg.AccountPasswordInputSettings) (*password, error) {
	switch algo := s.NewAlgo.(type) {
	case nil:
		if old == nil {
			return nil, errNewSettingsInvalid
		}
		p := *old
		if s.Hint.Set {
			p.hint = s.Hint.Value
		}
		if s.Email.Set {
			p.email = s.Email.Value
		}
		return &p, nil
	case *tg.PasswordKdfAlgoUnknown:
		return nil, nil
	case *tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow:
		if len(algo.Salt1) < 8 || len(algo.Salt2) < 8 {
			return nil, errNewSaltInvalid
		}
		if !s.NewPasswordHash.Set || len(s.NewPasswordHash.Value) == 0 || len(s.NewPasswordHash.Value) > 256 {
			return nil, errNewSettingsInvalid
		}
		if s.Email.Set && s.Email.Value != "" && !strings.Contains(s.Email.Value, "@") {
			return nil, errEmailInvalid
		}
		email := s.Email.Value
		if !s.Email.Set && old != nil {
			email = old.email // a new password keeps the recovery email
		}
		return &password{
			params:   srp.Params{Salt1: bytes.Clone(algo.Salt1), Salt2: bytes.Clone(algo.Salt2), G: int(algo.G), P: bytes.Clone(algo.P)},
			verifier: bytes.Clone(s.NewPasswordHash.Value),
			hint:     s.Hint.Value,
			email:    email,
		}, nil
	}
	return nil, errNewSettingsInvalid
}

// UpdatePasswordSettings answers account.updatePasswordSettings: with the current password's
// SRP answer (inputCheckPasswordEmpty when there is none) the password is set, changed or
// removed. The recovery email is taken as confirmed at once.
func (w *World) UpdatePasswordSettings(key KeyID, current tg.InputCheckPasswordSRPClass, s tg.AccountPasswordInputSettings) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	if err := w.checkSRP(a, current); err != nil {
		return err
	}
	p, err := newPasswordFrom(a.password, &s)
	if err != nil {
		return err
	}
	a.password = p
	return nil
}

// GetPasswordSettings answers account.getPasswordSettings: the recovery email.
func (w *World) GetPasswordSettings(key KeyID, current tg.InputCheckPasswordSRPClass) (*tg.AccountPasswordSettings, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if err := w.checkSRP(a, current); err != nil {
		return nil, err
	}
	out := &tg.AccountPasswordSettings{}
	if a.password != nil && a.password.email != "" {
		out.Email = tl.Some(a.password.email)
	}
	return out, nil
}

// emailPattern hides most of an address the way Telegram shows it ("a***@example.com").
func emailPattern(email string) string {
	user, domain, _ := strings.Cut(email, "@")
	if user == "" {
		return "***@" + domain
	}
	return user[:1] + "***@" + domain
}

// RequestPasswordRecovery answers auth.requestPasswordRecovery: a code goes to the recovery
// email (readable with RecoveryCode); PASSWORD_RECOVERY_NA without one.
func (w *World) RequestPasswordRecovery(key KeyID) (*tg.AuthPasswordRecovery, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.passwordOwner(key)
	if err != nil {
		return nil, err
	}
	if a.password.email == "" {
		return nil, errPasswordRecoveryNA
	}
	var r [4]byte
	if err := w.random(r[:]); err != nil {
		return nil, err
	}
	a.password.recovery = fmt.Sprintf("%06d", binary.LittleEndian.Uint32(r[:])%1000000)
	return &tg.AuthPasswordRecovery{EmailPattern: emailPattern(a.password.email)}, nil
}

// RecoveryCode returns the password recovery code last mailed to the account user: the test's
// view of the mailbox.
func (w *World) RecoveryCode(user int64) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.users[user]
	if a == nil || a.password == nil || a.password.recovery == "" {
		return "", false
	}
	return a.password.recovery, true
}

// RecoverPassword answers auth.recoverPassword: the mailed code removes the password (or sets
// the new settings) and signs the key in.
func (w *World) RecoverPassword(key KeyID, code string, s *tg.AccountPasswordInputSettings) (*tg.AuthAuthorization, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.passwordOwner(key)
	if err != nil {
		return nil, err
	}
	if a.password.recovery == "" || code != a.password.recovery {
		return nil, errCodeInvalid
	}
	var p *password
	if s != nil {
		if p, err = newPasswordFrom(nil, s); err != nil {
			return nil, err
		}
	}
	a.password = p
	w.bind(key, a.id, false)
	return &tg.AuthAuthorization{User: w.tgUser(a.id, a)}, nil
}

// sessionInfo is what the network layer knows about a session's application, for
// account.getAuthorizations.
type SessionInfo struct {
	APIID         int32
	DeviceModel   string
	SystemVersion string
	AppVersion    string
}

// Authorizations answers account.getAuthorizations: the account's signed-in keys, the
// caller's first (current), then by creation. info describes the caller's application.
func (w *World) Authorizations(key KeyID, info SessionInfo) (*tg.AccountAuthorizations, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	keys := make([]KeyID, 0, len(w.userKeys[a.id]))
	for k := range w.userKeys[a.id] {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y KeyID) int {
		if x == key || y == key {
			return cmp.Compare(b2i(y == key), b2i(x == key))
		}
		if c := cmp.Compare(w.auths[x].created, w.auths[y].created); c != 0 {
			return c
		}
		return bytes.Compare(x[:], y[:])
	})
	out := &tg.AccountAuthorizations{AuthorizationTTLDays: 180, Authorizations: []tg.Authorization{}}
	for _, k := range keys {
		au := w.auths[k]
		s := tg.Authorization{
			Current: k == key, Hash: sessionHash(k), DateCreated: au.created, DateActive: au.created,
			DeviceModel: "unknown", Platform: "unknown", SystemVersion: "unknown", AppName: "unknown", AppVersion: "unknown",
			IP: "127.0.0.1", Country: "Netherlands", Region: "NH",
		}
		if k == key {
			s.Hash = 0 // the current session has no hash to reset it with
			s.DeviceModel, s.SystemVersion, s.AppVersion, s.APIID = info.DeviceModel, info.SystemVersion, info.AppVersion, info.APIID
			s.DateActive = w.now()
		}
		out.Authorizations = append(out.Authorizations, s)
	}
	return out, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ResetAuthorization answers account.resetAuthorization: the session with that hash is
// signed out (HASH_INVALID for none, or the caller's own).
func (w *World) ResetAuthorization(key KeyID, hash int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	for k := range w.userKeys[a.id] {
		if k != key && sessionHash(k) == hash {
			w.unbind(k)
			return nil
		}
	}
	return errHashInvalid
}

// ResetAuthorizations answers auth.resetAuthorizations: every other session of the account is
// signed out.
func (w *World) ResetAuthorizations(key KeyID) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	for k := range w.userKeys[a.id] {
		if k != key {
			w.unbind(k)
		}
	}
	return nil
}

// AddWebAuthorization records that user logged in to domain with the bot's login widget
// (what account.getWebAuthorizations lists), and returns the session's hash.
func (w *World) AddWebAuthorization(user, bot int64, domain string) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, b := w.users[user], w.users[bot]
	if a == nil || b == nil || !b.bot {
		return 0, fmt.Errorf("world: add web authorization: %w", ErrUserIDInvalid)
	}
	hash := w.randomInt64()
	a.webAuths = append(a.webAuths, tg.WebAuthorization{
		Hash: hash, BotID: bot, Domain: domain, Browser: "Firefox", Platform: "Linux",
		DateCreated: w.now(), DateActive: w.now(), IP: "127.0.0.1", Region: "NH",
	})
	return hash, nil
}

// WebAuthorizations answers account.getWebAuthorizations.
func (w *World) WebAuthorizations(key KeyID) (*tg.AccountWebAuthorizations, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	var r refs
	for _, s := range a.webAuths {
		r.add(UserPeer(s.BotID))
	}
	users, _ := w.render(a.id, &r)
	return &tg.AccountWebAuthorizations{Authorizations: slices.Clone(a.webAuths), Users: users}, nil
}

// ResetWebAuthorization answers account.resetWebAuthorization (hash 0: all of them, as
// account.resetWebAuthorizations).
func (w *World) ResetWebAuthorization(key KeyID, hash int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	if hash == 0 {
		a.webAuths = nil
		return nil
	}
	n := len(a.webAuths)
	a.webAuths = slices.DeleteFunc(a.webAuths, func(s tg.WebAuthorization) bool { return s.Hash == hash })
	if len(a.webAuths) == n {
		return errHashInvalid
	}
	return nil
}

// takeout is an open account.initTakeoutSession.
type takeout struct {
	user int64
	key  KeyID
}

// InitTakeout answers account.initTakeoutSession: one export session per account at a time
// (a second one replaces the first).
func (w *World) InitTakeout(key KeyID) (*tg.AccountTakeout, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if w.takeouts == nil {
		w.takeouts = make(map[int64]*takeout)
	}
	for id, t := range w.takeouts {
		if t.user == a.id {
			delete(w.takeouts, id)
		}
	}
	id := w.randomInt64()
	w.takeouts[id] = &takeout{user: a.id, key: key}
	return &tg.AccountTakeout{ID: id}, nil
}

// CheckTakeout verifies the takeout id of invokeWithTakeout for the account on key.
func (w *World) CheckTakeout(key KeyID, id int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	if t := w.takeouts[id]; t == nil || t.user != a.id {
		return errTakeoutInvalid
	}
	return nil
}

// FinishTakeout answers account.finishTakeoutSession, which must run inside
// invokeWithTakeout (id is its takeout id; 0 outside: TAKEOUT_REQUIRED).
func (w *World) FinishTakeout(key KeyID, id int64) error {
	if id == 0 {
		return errTakeoutRequired
	}
	if err := w.CheckTakeout(key, id); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.takeouts, id)
	return nil
}
