package teletest

import (
	crand "crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/netip"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// DefaultCDNDC is the id of the CDN data center when CDNConfig.DC is zero (Telegram's CDN
// data centers are numbered from 201).
const DefaultCDNDC = 203

// CDNConfig adds a CDN data center to a Cluster. It behaves like Telegram's: it has its own
// RSA key (listed by help.getCdnConfig on the ordinary data centers, never used by them),
// accepts key exchanges without any authorization, and answers only upload.getCdnFile (inside
// invokeWithLayer, initConnection and the other wrappers) and ping; every other method gets
// CDN_METHOD_INVALID. help.getConfig lists its address with the cdn flag. Which files the
// master redirects to it, corrupted blocks and reupload requests are chosen through
// Cluster.CDN.
type CDNConfig struct {
	// DC is the CDN data center's id; it must not be one of the ordinary data centers.
	// Default DefaultCDNDC (203).
	DC int
	// Key is the CDN's RSA-2048 private key; it must differ from Config.Key. Nil generates one
	// at start.
	Key *rsa.PrivateKey
	// RedirectHashes is how many block hashes upload.fileCdnRedirect carries (default 2); the
	// rest come from upload.getCdnFileHashes.
	RedirectHashes int
}

// ErrCDNConfig reports an unusable CDNConfig.
var ErrCDNConfig = errors.New("teletest: invalid cdn config")

// startCDN listens for the CDN data center and installs the CDN services on the dispatcher.
func (c *Cluster) startCDN(cfg CDNConfig) error {
	if cfg.DC == 0 {
		cfg.DC = DefaultCDNDC
	}
	if cfg.DC > 0 && cfg.DC <= len(c.servers) || cfg.DC < 0 {
		return fmt.Errorf("%w: dc %d is not free (ordinary data centers 1..%d)", ErrCDNConfig, cfg.DC, len(c.servers))
	}
	key := cfg.Key
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(crand.Reader, 2048); err != nil {
			return fmt.Errorf("teletest: generate cdn rsa key: %w", err)
		}
	}
	if key.PublicKey.Equal(&c.key.PublicKey) {
		return fmt.Errorf("%w: the cdn key must differ from the main key", ErrCDNConfig)
	}
	pub, err := crypto.NewPublicKey(&key.PublicKey)
	if err != nil {
		return fmt.Errorf("teletest: cdn public key: %w", err)
	}
	s, err := newServer(c, cfg.DC, key, true)
	if err != nil {
		return err
	}
	c.cdnSrv, c.cdnPub = s, pub
	addr, err := netip.ParseAddrPort(s.Addr())
	if err != nil {
		return fmt.Errorf("teletest: cdn address %q: %w", s.Addr(), err)
	}
	c.cdn = services.EnableCDN(c.disp, services.CDNOptions{
		DC:             cfg.DC,
		Addr:           addr,
		PublicKey:      string(c.CDNPublicKeyPEM()),
		RedirectHashes: cfg.RedirectHashes,
		Rand:           c.rand,
	})
	return nil
}

// CDN returns the CDN services (Serve a file through the CDN, Tamper with a block,
// RequireReupload), nil when Config.CDN is not set.
func (c *Cluster) CDN() *services.CDN { return c.cdn }

// CDNServer returns the CDN data center, nil when Config.CDN is not set. Cluster.DC with its
// id returns it too.
func (c *Cluster) CDNServer() *Server { return c.cdnSrv }

// CDNAddr returns the TCP address of the CDN data center, empty when Config.CDN is not set.
func (c *Cluster) CDNAddr() string {
	if c.cdnSrv == nil {
		return ""
	}
	return c.cdnSrv.Addr()
}

// CDNPublicKey returns the key a client must trust for the key exchange with the CDN data
// center (the zero key when Config.CDN is not set). Clients normally learn it from
// help.getCdnConfig.
func (c *Cluster) CDNPublicKey() crypto.PublicKey { return c.cdnPub }

// CDNPublicKeyPEM returns the CDN's public key as a PEM "RSA PUBLIC KEY" block, as
// help.getCdnConfig lists it; nil when Config.CDN is not set.
func (c *Cluster) CDNPublicKeyPEM() []byte {
	if c.cdnSrv == nil {
		return nil
	}
	return PublicKeyPEM(&c.cdnSrv.key.PublicKey)
}

// cdnAllows reports whether a CDN data center answers req: upload.getCdnFile and ping, also
// inside the wrappers innerMethod looks through.
func cdnAllows(req tl.Object) bool {
	switch m, _ := innerMethod(req); m {
	case tg.UploadGetCdnFileRequestTypeID, mt.PingRequestTypeID:
		return true
	}
	return false
}
