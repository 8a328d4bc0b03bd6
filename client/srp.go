package mtgo

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/crypto/srp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrPasswordNotSet reports a method that needs the two-step verification password called by
// an account that has none.
var ErrPasswordNotSet = errors.New("mtgo: the account has no two-step verification password")

// passwordSRP proves the account's two-step verification password for a method that asks for
// it (transferring a chat's ownership, ...): it fetches the current SRP parameters
// (account.getPassword) and answers them with srpAnswer.
func (c *Client) passwordSRP(ctx context.Context, password string) (*tg.InputCheckPasswordSRP, error) {
	pw, err := c.account(ctx)
	if err != nil {
		return nil, err
	}
	return srpAnswer(pw, password)
}

// srpAnswer computes the InputCheckPasswordSRP proving password against the parameters of
// pw. The password itself never leaves the process.
func srpAnswer(pw *tg.AccountPassword, password string) (*tg.InputCheckPasswordSRP, error) {
	if pw.CurrentAlgo == nil {
		return nil, ErrPasswordNotSet
	}
	algo, ok := pw.CurrentAlgo.(*tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow)
	if !ok || !pw.SRPB.Set || !pw.SRPID.Set {
		return nil, fmt.Errorf("mtgo: password check: unsupported password algorithm %T", pw.CurrentAlgo)
	}
	ans, err := srp.Check([]byte(password), srp.Params{Salt1: algo.Salt1, Salt2: algo.Salt2, G: int(algo.G), P: algo.P}, pw.SRPB.Value, crand.Reader)
	if err != nil {
		return nil, fmt.Errorf("mtgo: password check: %w", err)
	}
	return &tg.InputCheckPasswordSRP{SRPID: pw.SRPID.Value, A: ans.A, M1: ans.M1}, nil
}
