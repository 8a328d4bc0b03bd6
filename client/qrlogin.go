package mtgo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// QR login: the client exports a login token, shows it as a QR code of a tg://login URL, and
// an app already logged in to the account scans it (auth.acceptLoginToken). The server then
// pushes updateLoginToken and the next export signs the client in, possibly on another data
// center (auth.loginTokenMigrateTo, then auth.importLoginToken there).

// QRLoginToken is an exported login token.
type QRLoginToken struct {
	// Token is the token's bytes, for AcceptLoginToken.
	Token []byte
	// Expires is when the token stops being valid by the server's clock; LoginQR exports a
	// new one then.
	Expires time.Time
}

// URL returns the tg://login URL to encode in the QR code.
func (t *QRLoginToken) URL() string {
	return "tg://login?token=" + base64.RawURLEncoding.EncodeToString(t.Token)
}

func (t QRLoginToken) printable() redact.Fields {
	return redact.Of("mtgo.QRLoginToken", slog.String("Token", redact.Bytes(t.Token)), slog.Time("Expires", t.Expires))
}

// String prints t by its expiry, without the token.
func (t QRLoginToken) String() string { return t.printable().String() }

// Format implements fmt.Formatter so that no verb prints the token.
func (t QRLoginToken) Format(s fmt.State, verb rune) { t.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the token.
func (t QRLoginToken) LogValue() slog.Value { return t.printable().LogValue() }

// MarshalJSON implements json.Marshaler without the token, for a token in a logged struct.
func (t QRLoginToken) MarshalJSON() ([]byte, error) { return t.printable().MarshalJSON() }

// QRFunc shows a login token to the user (as a QR code of its URL); LoginQR calls it again
// with each new token. Return an error to abort the login.
type QRFunc func(ctx context.Context, token *QRLoginToken) error

// ParseQRLoginURL returns the token of a tg://login URL.
func ParseQRLoginURL(url string) ([]byte, error) {
	const prefix = "tg://login?token="
	if len(url) <= len(prefix) || url[:len(prefix)] != prefix {
		return nil, fmt.Errorf("mtgo: %q is not a tg://login URL", url)
	}
	tok, err := base64.RawURLEncoding.Strict().DecodeString(url[len(prefix):])
	if err != nil {
		return nil, fmt.Errorf("mtgo: login URL token: %w", err)
	}
	return tok, nil
}

// qrWatchers holds, per client in a QR login, the channel updateLoginToken signals.
var qrWatchers sync.Map // *Client -> chan struct{}

// noticeLoginToken signals a QR login waiting for the token's acceptance.
func (c *Client) noticeLoginToken(u tg.UpdatesClass) {
	s, ok := u.(*tg.UpdateShort)
	if !ok {
		return
	}
	if _, ok := s.Update.(*tg.UpdateLoginToken); !ok {
		return
	}
	if ch, ok := qrWatchers.Load(c); ok {
		select {
		case ch.(chan struct{}) <- struct{}{}:
		default:
		}
	}
}

// GetQRCodeLoginToken exports a login token to show (auth.exportLoginToken). When the
// previous token was accepted meanwhile it logs in instead and returns ErrAlreadyAuthed.
func (c *Client) GetQRCodeLoginToken(ctx context.Context) (*QRLoginToken, error) {
	if c.authorized() {
		return nil, ErrAlreadyAuthed
	}
	res, err := c.api().AuthExportLoginToken(ctx, &tg.AuthExportLoginTokenRequest{APIID: int32(c.apiID), APIHash: c.apiHash})
	if err != nil {
		return nil, fmt.Errorf("mtgo: export login token: %w", err)
	}
	t, err := c.loginTokenAnswer(ctx, res)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, ErrAlreadyAuthed
	}
	return t, nil
}

// loginTokenAnswer handles an answer of auth.exportLoginToken or auth.importLoginToken: a
// token to show, or a login (then nil), following a migration to another data center.
func (c *Client) loginTokenAnswer(ctx context.Context, res tg.AuthLoginTokenClass) (*QRLoginToken, error) {
	for range 2 { // at most one migration
		switch r := res.(type) {
		case *tg.AuthLoginToken:
			return &QRLoginToken{Token: r.Token, Expires: time.Unix(int64(r.Expires), 0)}, nil
		case *tg.AuthLoginTokenSuccess:
			return nil, c.authorize(ctx, r.Authorization)
		case *tg.AuthLoginTokenMigrateTo:
			if err := c.eng.MigrateHome(ctx, int(r.DCID)); err != nil {
				return nil, fmt.Errorf("mtgo: QR login: move to dc %d: %w", r.DCID, err)
			}
			next, err := c.api().AuthImportLoginToken(ctx, &tg.AuthImportLoginTokenRequest{Token: r.Token})
			if err != nil {
				return nil, fmt.Errorf("mtgo: import login token: %w", err)
			}
			res = next
		default:
			return nil, fmt.Errorf("mtgo: QR login: unexpected answer %T", res)
		}
	}
	return nil, errors.New("mtgo: QR login: migrated more than once")
}

// CheckQRCodeLoginToken imports a token of auth.loginTokenMigrateTo on the current data
// center (LoginQR does this by itself).
func (c *Client) CheckQRCodeLoginToken(ctx context.Context, token []byte) error {
	res, err := c.api().AuthImportLoginToken(ctx, &tg.AuthImportLoginTokenRequest{Token: token})
	if err == nil {
		_, err = c.loginTokenAnswer(ctx, res)
	}
	return c.passwordIfNeeded(ctx, err)
}

// passwordIfNeeded completes a login that asks for the 2FA password with Config.Password.
func (c *Client) passwordIfNeeded(ctx context.Context, err error) error {
	if rpcerr.IsType(err, "SESSION_PASSWORD_NEEDED") {
		return c.loginPassword(ctx)
	}
	return err
}

// LoginQR logs in by QR code: show is called with each token to display (a
// TerminalPrompt's QR draws it), and the call returns once an app logged in to the account
// accepted it, asking Config.Password for the 2FA password when the account has one.
func (c *Client) LoginQR(ctx context.Context, show QRFunc) error {
	if c.authorized() {
		return ErrAlreadyAuthed
	}
	accepted := make(chan struct{}, 1)
	qrWatchers.Store(c, accepted)
	defer qrWatchers.Delete(c)
	for {
		t, err := c.GetQRCodeLoginToken(ctx)
		switch {
		case errors.Is(err, ErrAlreadyAuthed) && c.authorized():
			return nil
		case err != nil:
			return c.passwordIfNeeded(ctx, err)
		}
		if err := show(ctx, t); err != nil {
			return fmt.Errorf("mtgo: QR login: show token: %w", err)
		}
		expired := time.NewTimer(c.untilServerTime(t.Expires))
		select {
		case <-accepted:
		case <-expired.C: // export a fresh token
		case <-ctx.Done():
			expired.Stop()
			return ctx.Err()
		}
		expired.Stop()
	}
}

// minTokenWait bounds how often LoginQR exports a token when the clocks disagree.
const minTokenWait = time.Second

// untilServerTime is how long until the server's clock shows t (at least minTokenWait).
func (c *Client) untilServerTime(t time.Time) time.Duration {
	return max(t.Sub(time.Unix(int64(c.ServerTime()), 0)), minTokenWait)
}

// AcceptLoginToken logs the device that shows token in to this account (what scanning its
// QR code does in Telegram's apps), and returns the new session.
func (c *Client) AcceptLoginToken(ctx context.Context, token []byte) (*types.Session, error) {
	res, err := result(c.api().AuthAcceptLoginToken(ctx, &tg.AuthAcceptLoginTokenRequest{Token: token}))("accept login token")
	if err != nil {
		return nil, err
	}
	s := types.NewActiveSessions(&tg.AccountAuthorizations{Authorizations: []tg.Authorization{*res}}).Sessions[0]
	return &s, nil
}
