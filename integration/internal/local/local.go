// Package local holds what the programs of integration/cmd share to run clients on an
// embedded teletest cluster and print what they do.
package local

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/teletest"
)

// Config returns a client configuration for cl: in-memory session, the cluster's data
// centers and key, then edit applied (nil: none).
func Config(cl *teletest.Cluster, edit func(*mtgo.Config)) *mtgo.Config {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.DCAddrs = cl.Addrs()
	cfg.PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()}
	if edit != nil {
		edit(&cfg)
	}
	return &cfg
}

// UserLogin sets cfg up to log in as the cluster's user with phone, taking the login code
// from the cluster's world.
func UserLogin(cl *teletest.Cluster, phone string) func(*mtgo.Config) {
	return func(cfg *mtgo.Config) {
		cfg.PhoneNumber = phone
		cfg.Code = func(context.Context, string, mtgo.CodeInfo) (string, error) {
			code, ok := cl.World().AuthCode(phone)
			if !ok {
				return "", errors.New("no login code was sent")
			}
			return code, nil
		}
	}
}

// Login connects c and logs it in when its session is not, without blocking (Start would
// block until Stop).
func Login(ctx context.Context, c *mtgo.Client) error {
	if err := c.ConnectContext(ctx); err != nil {
		return err
	}
	if c.Me() != nil {
		return nil
	}
	return c.Login(ctx)
}

// Transcript prints numbered steps to Out.
type Transcript struct {
	Out io.Writer
	n   int
}

// Step prints the next step.
func (t *Transcript) Step(format string, args ...any) {
	t.n++
	fmt.Fprintf(t.Out, "%2d. %s\n", t.n, fmt.Sprintf(format, args...))
}
