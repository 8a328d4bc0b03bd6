package world

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/srp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// authorization binds an auth key to an account. pending means the key passed auth.signIn
// but still owes the 2FA password (SESSION_PASSWORD_NEEDED).
type authorization struct {
	user    int64
	pending bool
	hash    int64 // names the session in account.getAuthorizations
	created int32
}

// loginCode is an auth.sendCode in flight.
type loginCode struct {
	hash  string
	code  string
	stage int // deliveries so far: app, then SMS, then a call (auth.resendCode)
}

// password is an account's 2FA state: the SRP parameters and the verifier v = g^x.
type password struct {
	params   srp.Params
	verifier []byte
	hint     string
	email    string // recovery email; "" without
	recovery string // code sent to the email by auth.requestPasswordRecovery
}

// srpCheck is one account.getPassword challenge waiting for auth.checkPassword.
type srpCheck struct {
	user   int64
	server *srp.Server
}

// exported is an auth.exportAuthorization waiting for auth.importAuthorization on dc.
type exported struct {
	dc    int
	bytes []byte
}

// srpG is the generator Telegram uses for 2FA.
const srpG = 3

func (w *World) newPassword(pass string) (*password, error) {
	salt1 := make([]byte, 40)
	salt2 := make([]byte, 16)
	if err := w.random(salt1); err != nil {
		return nil, err
	}
	if err := w.random(salt2); err != nil {
		return nil, err
	}
	par := srp.Params{Salt1: salt1, Salt2: salt2, G: srpG, P: crypto.KnownDHPrime.FillBytes(make([]byte, 256))}
	v, err := srp.Verifier([]byte(pass), par)
	if err != nil {
		return nil, fmt.Errorf("world: password verifier: %w", err)
	}
	return &password{params: par, verifier: v}, nil
}

// bind authorizes key as user (pending: still waiting for the 2FA password).
func (w *World) bind(key KeyID, user int64, pending bool) {
	if old := w.auths[key]; old != nil && old.user != user {
		w.unbind(key)
	}
	w.auths[key] = &authorization{user: user, pending: pending, hash: sessionHash(key), created: w.now()}
	if pending {
		return
	}
	if w.userKeys[user] == nil {
		w.userKeys[user] = make(map[KeyID]struct{})
	}
	w.userKeys[user][key] = struct{}{}
}

func (w *World) unbind(key KeyID) {
	a := w.auths[key]
	if a == nil {
		return
	}
	delete(w.auths, key)
	w.moves.forgetKey(key)
	if keys := w.userKeys[a.user]; keys != nil {
		delete(keys, key)
		if len(keys) == 0 {
			delete(w.userKeys, a.user)
		}
	}
}

// ForgetKeys ends the authorizations of keys a data center no longer holds (it forgot them,
// Config.MaxAuthKeys of the network layer), with what the world kept for them: a client
// coming back with one is unknown and signs in again on a new key.
func (w *World) ForgetKeys(keys []KeyID) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, k := range keys {
		w.unbind(k)
	}
}

// authorized returns the account signed in on key, or AUTH_KEY_UNREGISTERED (also while the
// 2FA password is still owed, as Telegram does).
func (w *World) authorized(key KeyID) (*account, error) {
	a := w.auths[key]
	if a == nil || a.pending {
		return nil, ErrAuthKeyUnregistered
	}
	u := w.users[a.user]
	if u == nil {
		return nil, ErrAuthKeyUnregistered
	}
	return u, nil
}

// authorizedUser is authorized for methods bots may not call: BOT_METHOD_INVALID for a bot
// (under w.mu).
func (w *World) authorizedUser(key KeyID) (*account, error) {
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if a.bot {
		return nil, ErrBotMethodInvalid
	}
	return a, nil
}

// authorizedPeer returns the account on key and the chat it names with in (under w.mu).
func (w *World) authorizedPeer(key KeyID, in tg.InputPeerClass) (*account, Peer, error) {
	a, err := w.authorized(key)
	if err != nil {
		return nil, Peer{}, err
	}
	p, err := w.resolvePeer(a, in)
	if err != nil {
		return nil, Peer{}, err
	}
	return a, p, nil
}

// authorizedChannel returns the account on key and the channel it names with in (under
// w.mu).
func (w *World) authorizedChannel(key KeyID, in tg.InputChannelClass) (*account, *channel, error) {
	a, err := w.authorized(key)
	if err != nil {
		return nil, nil, err
	}
	ch, err := w.resolveChannel(a, in)
	if err != nil {
		return nil, nil, err
	}
	return a, ch, nil
}

// readableChannel is authorizedChannel for reading: CHANNEL_PRIVATE when the account may
// not read the channel (not a member of a private one, or banned from viewing).
func (w *World) readableChannel(key KeyID, in tg.InputChannelClass) (*account, *channel, error) {
	a, ch, err := w.authorizedChannel(key, in)
	if err != nil {
		return nil, nil, err
	}
	if !ch.canRead(a.id, w.now()) {
		return nil, nil, ErrChannelPrivate
	}
	return a, ch, nil
}

// Authorized returns the id of the account signed in on key, or AUTH_KEY_UNREGISTERED.
func (w *World) Authorized(key KeyID) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return 0, err
	}
	return a.id, nil
}

// Authorize binds key to user directly, as if the client had logged in. Test harnesses use it
// to skip the login dance.
func (w *World) Authorize(key KeyID, user int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.users[user] == nil {
		return fmt.Errorf("world: authorize: %w", ErrUserIDInvalid)
	}
	w.bind(key, user, false)
	return nil
}

// migrateTo reports the *_MIGRATE_X error when an account lives on another DC than the one
// the request reached. dc 0 means "any".
func migrateTo(kind string, home, dc int) error {
	if dc != 0 && home != dc {
		return Migrate(kind, home)
	}
	return nil
}

// ImportBotAuthorization signs key in as the bot whose token is "ID:HASH". A bot living on
// another DC answers USER_MIGRATE_X.
func (w *World) ImportBotAuthorization(key KeyID, dc int, token string) (*tg.AuthAuthorization, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	idPart, _, ok := strings.Cut(token, ":")
	if !ok {
		return nil, ErrAccessTokenInvalid
	}
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil {
		return nil, ErrAccessTokenInvalid
	}
	a := w.users[id]
	if a == nil || !a.bot || a.token != token {
		return nil, ErrAccessTokenInvalid
	}
	if err := migrateTo("USER", a.dc, dc); err != nil {
		return nil, err
	}
	w.bind(key, a.id, false)
	return &tg.AuthAuthorization{User: w.tgUser(a.id, a)}, nil
}

// SendCode starts a phone login and returns auth.sentCode. The code itself is readable with
// AuthCode (it would arrive by SMS). An existing account on another DC answers
// PHONE_MIGRATE_X.
func (w *World) SendCode(dc int, phone string) (*tg.AuthSentCode, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !validPhone(phone) {
		return nil, ErrPhoneNumberInvalid
	}
	home := w.cfg.DefaultDC
	if id, ok := w.byPhone[phone]; ok {
		home = w.users[id].dc
	}
	if err := migrateTo("PHONE", home, dc); err != nil {
		return nil, err
	}
	var r [8]byte
	if err := w.random(r[:]); err != nil {
		return nil, err
	}
	n := (uint32(r[0]) | uint32(r[1])<<8 | uint32(r[2])<<16) % 100000
	code := fmt.Sprintf("%05d", n)
	hash := fmt.Sprintf("%x", r[3:])
	if _, ok := w.codes[phone]; !ok && len(w.codes) >= maxPendingCodes {
		for p := range w.codes { // any one: a code never used, as one lost among many
			delete(w.codes, p)
			break
		}
	}
	w.codes[phone] = &loginCode{hash: hash, code: code}
	return sentCode(w.codes[phone]), nil
}

// maxPendingCodes bounds the login codes sent and not used yet: auth.sendCode needs no
// account, so a client asking for codes to ever new numbers would otherwise grow the world
// without end. Beyond it a pending code is forgotten (PHONE_CODE_EXPIRED when used).
const maxPendingCodes = 10000

// AuthCode returns the login code last sent to phone: the test's view of the SMS.
func (w *World) AuthCode(phone string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.codes[phone]
	if c == nil {
		return "", false
	}
	return c.code, true
}

func (w *World) checkCode(phone, hash, code string) error {
	if hash == "" {
		return ErrPhoneCodeHashEmpty
	}
	if code == "" {
		return ErrPhoneCodeEmpty
	}
	c := w.codes[phone]
	if c == nil || c.hash != hash {
		return ErrPhoneCodeExpired
	}
	if c.code != code {
		return ErrPhoneCodeInvalid
	}
	return nil
}

// SignIn completes a phone login. It returns auth.authorization, or
// auth.authorizationSignUpRequired for an unknown phone, or SESSION_PASSWORD_NEEDED when the
// account has 2FA (the key then waits for CheckPassword).
func (w *World) SignIn(key KeyID, dc int, phone, hash, code string) (tg.AuthAuthorizationClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.checkCode(phone, hash, code); err != nil {
		return nil, err
	}
	id, ok := w.byPhone[phone]
	if !ok {
		return &tg.AuthAuthorizationSignUpRequired{}, nil
	}
	a := w.users[id]
	if err := migrateTo("PHONE", a.dc, dc); err != nil {
		return nil, err
	}
	delete(w.codes, phone)
	if a.password != nil {
		w.bind(key, a.id, true)
		return nil, ErrSessionPasswordNeeded
	}
	w.bind(key, a.id, false)
	return &tg.AuthAuthorization{User: w.tgUser(a.id, a)}, nil
}

// SignUp creates the account for a phone that SignIn did not know and signs key in.
func (w *World) SignUp(key KeyID, dc int, phone, hash, firstName, lastName string) (*tg.AuthAuthorization, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.codes[phone]
	if hash == "" {
		return nil, ErrPhoneCodeHashEmpty
	}
	if c == nil || c.hash != hash {
		return nil, ErrPhoneCodeExpired
	}
	if _, ok := w.byPhone[phone]; ok {
		return nil, ErrPhoneNumberOccupied
	}
	if firstName == "" {
		return nil, ErrFirstNameInvalid
	}
	a := w.newAccount(dc)
	a.firstName, a.lastName, a.phone = firstName, lastName, phone
	w.byPhone[phone] = a.id
	delete(w.codes, phone)
	w.bind(key, a.id, false)
	return &tg.AuthAuthorization{User: w.tgUser(a.id, a)}, nil
}

// maxChallenges is how many SRP challenges of one account stay open: a newer one forgets the
// oldest (SRP_ID_INVALID from then on), so a client calling account.getPassword in a loop
// does not pile them up.
const maxChallenges = 4

// keepChallenge records srpID as a's newest open challenge and forgets the oldest beyond
// maxChallenges (under w.mu).
func (w *World) keepChallenge(a *account, srpID int64) {
	a.challenges = append(a.challenges, srpID)
	if len(a.challenges) > maxChallenges {
		delete(w.srps, a.challenges[0])
		a.challenges = append(a.challenges[:0], a.challenges[1:]...)
	}
}

// PasswordChallenge answers account.getPassword for the account on key (signed in, or
// waiting for its password): a fresh SRP challenge when the account has a password.
func (w *World) PasswordChallenge(key KeyID) (*tg.AccountPassword, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	auth := w.auths[key]
	if auth == nil {
		return nil, ErrAuthKeyUnregistered
	}
	a := w.users[auth.user]
	newSalt := make([]byte, 8)
	secureSalt := make([]byte, 8)
	secureRandom := make([]byte, 32)
	for _, p := range [][]byte{newSalt, secureSalt, secureRandom} {
		if err := w.random(p); err != nil {
			return nil, err
		}
	}
	prime := crypto.KnownDHPrime.FillBytes(make([]byte, 256))
	out := &tg.AccountPassword{
		NewAlgo: &tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow{
			Salt1: newSalt, Salt2: newSalt, G: srpG, P: prime,
		},
		NewSecureAlgo: &tg.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000{Salt: secureSalt},
		SecureRandom:  secureRandom,
	}
	if a.password == nil {
		return out, nil
	}
	server, err := srp.NewServer(a.password.params, a.password.verifier, w.cfg.Rand)
	if err != nil {
		return nil, fmt.Errorf("world: srp challenge: %w", err)
	}
	srpID := w.randomInt64()
	w.srps[srpID] = &srpCheck{user: a.id, server: server}
	w.keepChallenge(a, srpID)
	par := a.password.params
	out.HasPassword = true
	out.HasRecovery = a.password.email != ""
	if a.password.hint != "" {
		out.Hint = tl.Some(a.password.hint)
	}
	out.CurrentAlgo = &tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow{
		Salt1: par.Salt1, Salt2: par.Salt2, G: int32(par.G), P: par.P,
	}
	out.SRPB = tl.Some(server.B())
	out.SRPID = tl.Some(srpID)
	return out, nil
}

// CheckPassword completes a 2FA login with the client's SRP answer.
func (w *World) CheckPassword(key KeyID, srpID int64, A, M1 []byte) (*tg.AuthAuthorization, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	auth := w.auths[key]
	if auth == nil {
		return nil, ErrAuthKeyUnregistered
	}
	a := w.users[auth.user]
	if a.password == nil {
		return nil, ErrPasswordEmpty
	}
	chk := w.srps[srpID]
	if chk == nil || chk.user != a.id {
		return nil, ErrSRPIDInvalid
	}
	delete(w.srps, srpID) // one attempt per challenge, as Telegram
	if err := chk.server.Verify(srp.Answer{A: A, M1: M1}); err != nil {
		return nil, ErrPasswordHashInvalid
	}
	w.bind(key, a.id, false)
	return &tg.AuthAuthorization{User: w.tgUser(a.id, a)}, nil
}

// LogOut ends the authorization of key.
func (w *World) LogOut(key KeyID) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.auths[key] == nil {
		return ErrAuthKeyUnregistered
	}
	w.unbind(key)
	return nil
}

// ExportAuthorization prepares a login of key's account on another DC
// (auth.exportAuthorization).
func (w *World) ExportAuthorization(key KeyID, fromDC, toDC int) (*tg.AuthExportedAuthorization, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if toDC <= 0 || toDC == fromDC {
		return nil, ErrDCIDInvalid
	}
	p := make([]byte, 32)
	if err := w.random(p); err != nil {
		return nil, err
	}
	w.exports[a.id] = &exported{dc: toDC, bytes: p}
	return &tg.AuthExportedAuthorization{ID: a.id, Bytes: bytes.Clone(p)}, nil
}

// ImportAuthorization signs key in on dc with bytes from ExportAuthorization.
func (w *World) ImportAuthorization(key KeyID, dc int, user int64, p []byte) (*tg.AuthAuthorization, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ex := w.exports[user]
	if ex == nil || !bytes.Equal(ex.bytes, p) || (dc != 0 && ex.dc != dc) {
		return nil, ErrAuthBytesInvalid
	}
	delete(w.exports, user)
	a := w.users[user]
	w.bind(key, a.id, false)
	return &tg.AuthAuthorization{User: w.tgUser(a.id, a)}, nil
}
