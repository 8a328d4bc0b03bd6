package mtgo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// maxCodeAttempts bounds how often Login asks for the code after PHONE_CODE_INVALID.
const maxCodeAttempts = 3

// loginState remembers the phone login in progress between SendCode, SignIn, CheckPassword
// and SignUp. Guarded by Client.mu.
type loginState struct {
	phone    string
	codeHash string
	terms    string
}

// SentCode describes the login code Telegram sent.
type SentCode struct {
	// PhoneCodeHash identifies the code request; SignIn and SignUp need it.
	PhoneCodeHash string
	// Info says how the code was delivered.
	Info CodeInfo
	// NextType is the TL name of the delivery ResendCode will use ("auth.codeTypeSms",
	// "auth.codeTypeCall", ...), "" when there is none.
	NextType string
}

// ErrResendCode is what a CodeFunc returns to have the code sent again by its next delivery
// type (auth.resendCode); the login then calls it again with the new delivery's CodeInfo.
var ErrResendCode = errors.New("mtgo: resend the login code")

// Login logs in with what the configuration offers: the bot token (Config.BotToken or
// SetBotToken), else Config.PhoneNumber with the Code callback (and Password for two-step
// verification, SignUp for unregistered numbers). The client must be connected. It fails with
// ErrAlreadyAuthed when logged in and ErrNoLoginMethod when nothing is configured.
func (c *Client) Login(ctx context.Context) error {
	if c.authorized() {
		return ErrAlreadyAuthed
	}
	if token := c.BotToken(); token != "" {
		return c.LoginBot(ctx, token)
	}
	if c.cfg.PhoneNumber != "" && c.cfg.Code != nil {
		return c.loginUser(ctx, c.cfg.PhoneNumber)
	}
	return ErrNoLoginMethod
}

// LoginBot logs in as the bot of token ("<id>:<secret>" from @BotFather).
func (c *Client) LoginBot(ctx context.Context, token string) error {
	if c.authorized() {
		return ErrAlreadyAuthed
	}
	id, _, ok := strings.Cut(token, ":")
	if _, err := strconv.ParseInt(id, 10, 64); !ok || err != nil {
		return ErrInvalidBotToken
	}
	var res tg.AuthAuthorizationClassBox
	err := c.invoker().Invoke(ctx, &tg.AuthImportBotAuthorizationRequest{
		APIID: int32(c.apiID), APIHash: c.apiHash, BotAuthToken: token,
	}, &res)
	if err != nil {
		return fmt.Errorf("mtgo: bot login: %w", err)
	}
	if err := c.authorize(ctx, res.AuthAuthorization); err != nil {
		return err
	}
	c.mu.Lock()
	c.botToken = token
	c.mu.Unlock()
	return nil
}

// loginUser runs the phone flow with the configured callbacks.
func (c *Client) loginUser(ctx context.Context, phone string) error {
	sent, err := c.SendCode(ctx, phone)
	if err != nil {
		if errors.Is(err, ErrAlreadyAuthed) && c.authorized() {
			return nil // the server accepted a future auth token
		}
		return err
	}
	for attempt := 1; ; attempt++ {
		code, err := c.cfg.Code(ctx, phone, sent.Info)
		if errors.Is(err, ErrResendCode) {
			if sent, err = c.ResendCode(ctx, phone, sent.PhoneCodeHash); err != nil {
				return err
			}
			attempt--
			continue
		}
		if err != nil {
			return fmt.Errorf("mtgo: login code: %w", err)
		}
		err = c.SignIn(ctx, phone, sent.PhoneCodeHash, code)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, Err2FARequired):
			return c.loginPassword(ctx)
		case errors.Is(err, ErrSignUpRequired):
			if c.cfg.SignUp == nil {
				return err
			}
			c.mu.Lock()
			terms := c.login.terms
			c.mu.Unlock()
			first, last, err := c.cfg.SignUp(ctx, terms)
			if err != nil {
				return fmt.Errorf("mtgo: sign up: %w", err)
			}
			return c.SignUp(ctx, phone, sent.PhoneCodeHash, first, last)
		case rpcerr.IsType(err, "PHONE_CODE_INVALID") && attempt < maxCodeAttempts:
			c.Log.Warn("invalid login code, asking again", "attempt", attempt)
		default:
			return err
		}
	}
}

func (c *Client) loginPassword(ctx context.Context) error {
	if c.cfg.Password == nil {
		return Err2FARequired
	}
	pw, err := c.account(ctx)
	if err != nil {
		return err
	}
	password, err := c.cfg.Password(ctx, pw.Hint.Value)
	if err != nil {
		return fmt.Errorf("mtgo: password: %w", err)
	}
	return c.checkPassword(ctx, pw, password)
}

// SendCode asks Telegram to send a login code to phone.
func (c *Client) SendCode(ctx context.Context, phone string) (*SentCode, error) {
	if c.authorized() {
		return nil, ErrAlreadyAuthed
	}
	var res tg.AuthSentCodeClassBox
	err := c.invoker().Invoke(ctx, &tg.AuthSendCodeRequest{
		PhoneNumber: phone, APIID: int32(c.apiID), APIHash: c.apiHash,
	}, &res)
	if err != nil {
		return nil, fmt.Errorf("mtgo: send code: %w", err)
	}
	return c.sentCode(ctx, phone, res.AuthSentCode, "send code")
}

// ResendCode sends the login code again by its next delivery type (SentCode.NextType).
func (c *Client) ResendCode(ctx context.Context, phone, phoneCodeHash string) (*SentCode, error) {
	var res tg.AuthSentCodeClassBox
	err := c.invoker().Invoke(ctx, &tg.AuthResendCodeRequest{PhoneNumber: phone, PhoneCodeHash: phoneCodeHash}, &res)
	if err != nil {
		return nil, fmt.Errorf("mtgo: resend code: %w", err)
	}
	return c.sentCode(ctx, phone, res.AuthSentCode, "resend code")
}

// CancelCode invalidates a login code that will not be used.
func (c *Client) CancelCode(ctx context.Context, phone, phoneCodeHash string) error {
	if err := c.boolCall(ctx, "cancel code", &tg.AuthCancelCodeRequest{PhoneNumber: phone, PhoneCodeHash: phoneCodeHash}); err != nil {
		return err
	}
	c.mu.Lock()
	c.login = loginState{}
	c.mu.Unlock()
	return nil
}

// sentCode records the code request of an auth.SentCode, or the login it already is.
func (c *Client) sentCode(ctx context.Context, phone string, sc tg.AuthSentCodeClass, what string) (*SentCode, error) {
	switch s := sc.(type) {
	case *tg.AuthSentCode:
		c.mu.Lock()
		c.login = loginState{phone: phone, codeHash: s.PhoneCodeHash}
		c.mu.Unlock()
		out := &SentCode{PhoneCodeHash: s.PhoneCodeHash, Info: codeInfo(s)}
		if s.NextType != nil {
			out.NextType = s.NextType.TypeName()
		}
		return out, nil
	case *tg.AuthSentCodeSuccess:
		if err := c.authorize(ctx, s.Authorization); err != nil {
			return nil, err
		}
		return nil, ErrAlreadyAuthed
	}
	return nil, fmt.Errorf("mtgo: %s: unsupported answer %T", what, sc)
}

func codeInfo(s *tg.AuthSentCode) CodeInfo {
	info := CodeInfo{Timeout: time.Duration(s.Timeout.Value) * time.Second}
	if s.Type != nil {
		info.Type = s.Type.TypeName()
	}
	switch t := s.Type.(type) {
	case *tg.AuthSentCodeTypeApp:
		info.Length = int(t.Length)
	case *tg.AuthSentCodeTypeSms:
		info.Length = int(t.Length)
	case *tg.AuthSentCodeTypeCall:
		info.Length = int(t.Length)
	}
	return info
}

// SignIn completes a phone login with the code. It returns Err2FARequired when the account
// has a password (call CheckPassword) and ErrSignUpRequired when the number is not registered
// (call SignUp).
func (c *Client) SignIn(ctx context.Context, phone, phoneCodeHash, code string) error {
	if c.authorized() {
		return ErrAlreadyAuthed
	}
	var res tg.AuthAuthorizationClassBox
	err := c.invoker().Invoke(ctx, &tg.AuthSignInRequest{
		PhoneNumber: phone, PhoneCodeHash: phoneCodeHash, PhoneCode: tl.Some(code),
	}, &res)
	if rpcerr.IsType(err, "SESSION_PASSWORD_NEEDED") {
		return fmt.Errorf("%w (%v)", Err2FARequired, err)
	}
	if err != nil {
		return fmt.Errorf("mtgo: sign in: %w", err)
	}
	if up, ok := res.AuthAuthorization.(*tg.AuthAuthorizationSignUpRequired); ok {
		c.mu.Lock()
		c.login = loginState{phone: phone, codeHash: phoneCodeHash}
		if up.TermsOfService != nil {
			c.login.terms = up.TermsOfService.Text
		}
		c.mu.Unlock()
		return ErrSignUpRequired
	}
	return c.authorize(ctx, res.AuthAuthorization)
}

// SignUp registers a new account for phone after SignIn returned ErrSignUpRequired.
func (c *Client) SignUp(ctx context.Context, phone, phoneCodeHash, firstName, lastName string) error {
	if c.authorized() {
		return ErrAlreadyAuthed
	}
	var res tg.AuthAuthorizationClassBox
	err := c.invoker().Invoke(ctx, &tg.AuthSignUpRequest{
		PhoneNumber: phone, PhoneCodeHash: phoneCodeHash, FirstName: firstName, LastName: lastName,
	}, &res)
	if err != nil {
		return fmt.Errorf("mtgo: sign up: %w", err)
	}
	return c.authorize(ctx, res.AuthAuthorization)
}

// CheckPassword completes a login that SignIn answered with Err2FARequired, proving the
// two-step verification password with SRP (the password never leaves the process).
func (c *Client) CheckPassword(ctx context.Context, password string) error {
	if c.authorized() {
		return ErrAlreadyAuthed
	}
	pw, err := c.account(ctx)
	if err != nil {
		return err
	}
	return c.checkPassword(ctx, pw, password)
}

func (c *Client) account(ctx context.Context) (*tg.AccountPassword, error) {
	var pw tg.AccountPassword
	if err := c.invoker().Invoke(ctx, &tg.AccountGetPasswordRequest{}, &pw); err != nil {
		return nil, fmt.Errorf("mtgo: get password parameters: %w", err)
	}
	return &pw, nil
}

func (c *Client) checkPassword(ctx context.Context, pw *tg.AccountPassword, password string) error {
	in, err := srpAnswer(pw, password) // srp.go
	if err != nil {
		return fmt.Errorf("mtgo: check password: %w", err)
	}
	var res tg.AuthAuthorizationClassBox
	if err := c.invoker().Invoke(ctx, &tg.AuthCheckPasswordRequest{Password: in}, &res); err != nil {
		return fmt.Errorf("mtgo: check password: %w", err)
	}
	return c.authorize(ctx, res.AuthAuthorization)
}

// authorize records a successful login and starts the update engine.
func (c *Client) authorize(ctx context.Context, a tg.AuthAuthorizationClass) error {
	auth, ok := a.(*tg.AuthAuthorization)
	if !ok {
		return fmt.Errorf("mtgo: login: unexpected answer %T", a)
	}
	u, ok := auth.User.(*tg.User)
	if !ok {
		return fmt.Errorf("mtgo: login: answer has no user (%T)", auth.User)
	}
	u.Self = true
	c.setAuthorized(ctx, u)
	c.mu.Lock()
	c.login = loginState{}
	c.mu.Unlock()
	c.Log.Info("logged in", "user", u.ID, "bot", u.Bot)
	c.startUpdates()
	c.waitUpdates(ctx)
	return nil
}

// LogOut ends the session on the server and clears the local data (sessions, identity, peers,
// update state). The connection stays open; a new login creates a fresh state.
func (c *Client) LogOut() error { return c.LogOutContext(context.Background()) }

// SignOut is LogOutContext under the name of the method table: it ends the session on the
// server (auth.logOut) and clears the local data.
func (c *Client) SignOut(ctx context.Context) (bool, error) {
	if err := c.LogOutContext(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// ErrInUpdateHook: LogOut was called from an OnUpdateReceived hook. The hook runs on the
// update engine's goroutine, and LogOut must wait for that engine to stop before it clears
// the storage; call it from a goroutine of the hook's own.
var ErrInUpdateHook = errors.New("mtgo: called from an OnUpdateReceived hook; call it from a goroutine of its own")

// LogOutContext is LogOut with a context. From an OnUpdateReceived hook it fails with
// ErrInUpdateHook (see there).
func (c *Client) LogOutContext(ctx context.Context) error {
	if !c.IsConnected() {
		return ErrNotConnected
	}
	// The update engine is stopped and waited for before the storage is cleared. Called from
	// a handler, the engine stops waiting for the handlers at once (as for Disconnect);
	// called from the engine's own goroutine, the wait could never end.
	cause, onEngine := stopCause()
	if onEngine {
		return fmt.Errorf("mtgo: log out: %w", ErrInUpdateHook)
	}
	var res tg.AuthLoggedOut
	if err := c.invoker().Invoke(ctx, &tg.AuthLogOutRequest{}, &res); err != nil {
		return fmt.Errorf("mtgo: log out: %w", err)
	}
	c.stopUpdatesBecause(cause, true)
	c.setAuthorized(ctx, nil)
	c.eng.CloseSessions()
	c.peers.Reset() // access hashes belong to the account
	// Under the durable queue's lock: a Reset between an Enqueue's writes would leave the
	// queue naming deleted entries.
	if err := c.views().durable.Exclusive(func() error { return c.store.Reset(ctx) }); err != nil {
		return fmt.Errorf("mtgo: log out: clear storage: %w", err)
	}
	c.mu.Lock()
	c.botToken = ""
	c.mu.Unlock()
	return nil
}
