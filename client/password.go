package mtgo

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/crypto/srp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Two-step verification: setting, changing and removing the cloud password, its hint, and
// recovery through the recovery email. The password is proved and set with SRP (srp.go);
// it never leaves the process.

// ErrPasswordAlreadySet reports EnableCloudPassword on an account that has a password
// (ChangeCloudPassword changes it).
var ErrPasswordAlreadySet = errors.New("mtgo: the account already has a two-step verification password")

// newPasswordSettings derives the settings that set password, on the server's new
// algorithm with 32 random bytes added to its first salt, as Telegram asks.
func newPasswordSettings(pw *tg.AccountPassword, password, hint, email string) (tg.AccountPasswordInputSettings, error) {
	algo, ok := pw.NewAlgo.(*tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow)
	if !ok {
		return tg.AccountPasswordInputSettings{}, fmt.Errorf("mtgo: new password: unsupported algorithm %T", pw.NewAlgo)
	}
	if password == "" {
		return tg.AccountPasswordInputSettings{}, errors.New("mtgo: new password: empty password")
	}
	salt := make([]byte, len(algo.Salt1)+32)
	copy(salt, algo.Salt1)
	if _, err := crand.Read(salt[len(algo.Salt1):]); err != nil {
		return tg.AccountPasswordInputSettings{}, fmt.Errorf("mtgo: new password: %w", err)
	}
	next := &tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow{
		Salt1: salt, Salt2: bytes.Clone(algo.Salt2), G: algo.G, P: bytes.Clone(algo.P),
	}
	v, err := srp.Verifier([]byte(password), srp.Params{Salt1: next.Salt1, Salt2: next.Salt2, G: int(next.G), P: next.P})
	if err != nil {
		return tg.AccountPasswordInputSettings{}, fmt.Errorf("mtgo: new password: %w", err)
	}
	s := tg.AccountPasswordInputSettings{NewAlgo: next, NewPasswordHash: tl.Some(v), Hint: tl.Some(hint)}
	if email != "" {
		s.Email = tl.Some(email)
	}
	return s, nil
}

// updatePassword proves current ("" when the account has none) and applies the settings
// built from the server's parameters.
func (c *Client) updatePassword(ctx context.Context, what, current string, settings func(*tg.AccountPassword) (tg.AccountPasswordInputSettings, error)) error {
	pw, err := c.account(ctx)
	if err != nil {
		return err
	}
	var check tg.InputCheckPasswordSRPClass = &tg.InputCheckPasswordEmpty{}
	if pw.HasPassword {
		if check, err = srpAnswer(pw, current); err != nil {
			return fmt.Errorf("mtgo: %s: %w", what, err)
		}
	}
	s, err := settings(pw)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, what, &tg.AccountUpdatePasswordSettingsRequest{Password: check, NewSettings: s})
}

// EnableCloudPassword sets the account's two-step verification password, with a hint and a
// recovery email (both optional). ErrPasswordAlreadySet when it has one.
func (c *Client) EnableCloudPassword(ctx context.Context, password, hint, email string) error {
	return c.updatePassword(ctx, "enable cloud password", "", func(pw *tg.AccountPassword) (tg.AccountPasswordInputSettings, error) {
		if pw.HasPassword {
			return tg.AccountPasswordInputSettings{}, ErrPasswordAlreadySet
		}
		return newPasswordSettings(pw, password, hint, email)
	})
}

// ChangeCloudPassword replaces the password currentPassword with newPassword and its hint.
func (c *Client) ChangeCloudPassword(ctx context.Context, currentPassword, newPassword, newHint string) error {
	return c.updatePassword(ctx, "change cloud password", currentPassword, func(pw *tg.AccountPassword) (tg.AccountPasswordInputSettings, error) {
		if !pw.HasPassword {
			return tg.AccountPasswordInputSettings{}, ErrPasswordNotSet
		}
		return newPasswordSettings(pw, newPassword, newHint, "")
	})
}

// RemoveCloudPassword turns two-step verification off, proving the current password.
func (c *Client) RemoveCloudPassword(ctx context.Context, password string) error {
	return c.updatePassword(ctx, "remove cloud password", password, func(pw *tg.AccountPassword) (tg.AccountPasswordInputSettings, error) {
		if !pw.HasPassword {
			return tg.AccountPasswordInputSettings{}, ErrPasswordNotSet
		}
		return tg.AccountPasswordInputSettings{
			NewAlgo: &tg.PasswordKdfAlgoUnknown{}, NewPasswordHash: tl.Some([]byte{}), Hint: tl.Some(""),
		}, nil
	})
}

// GetPasswordHint returns the hint of the account's password ("" without one).
// It also works during a login that asked for the password.
func (c *Client) GetPasswordHint(ctx context.Context) (string, error) {
	pw, err := c.account(ctx)
	if err != nil {
		return "", err
	}
	if !pw.HasPassword {
		return "", ErrPasswordNotSet
	}
	return pw.Hint.Value, nil
}

// RequestPasswordRecovery mails a recovery code to the password's recovery email and
// returns the address's pattern ("a***@example.com"). Also during a login that asked for the
// password.
func (c *Client) RequestPasswordRecovery(ctx context.Context) (string, error) {
	res, err := result(c.api().AuthRequestPasswordRecovery(ctx, &tg.AuthRequestPasswordRecoveryRequest{}))("request password recovery")
	if err != nil {
		return "", err
	}
	return res.EmailPattern, nil
}

// RecoverPassword removes the password with the mailed recovery code. During a login that
// asked for the password it completes the login.
func (c *Client) RecoverPassword(ctx context.Context, code string) error {
	var res tg.AuthAuthorizationClassBox
	if err := c.invoker().Invoke(ctx, &tg.AuthRecoverPasswordRequest{Code: code}, &res); err != nil {
		return fmt.Errorf("mtgo: recover password: %w", err)
	}
	if c.authorized() {
		return nil
	}
	return c.authorize(ctx, res.AuthAuthorization)
}
