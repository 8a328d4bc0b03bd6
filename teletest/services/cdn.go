package services

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/netip"
	"sync"

	"github.com/mtgo-labs/mtgo/media/mediatest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// CDN errors.
var (
	// ErrFileTokenInvalid answers a CDN call with an unknown or expired file token.
	ErrFileTokenInvalid = &RPCError{Code: 400, Message: "FILE_TOKEN_INVALID"}
	// ErrCDNMethodInvalid answers upload.getCdnFile on an ordinary data center, or a file
	// method of the master on the CDN data center.
	ErrCDNMethodInvalid = &RPCError{Code: 400, Message: "CDN_METHOD_INVALID"}
	// ErrRequestTokenInvalid answers upload.reuploadCdnFile with a wrong request token.
	ErrRequestTokenInvalid = &RPCError{Code: 400, Message: "REQUEST_TOKEN_INVALID"}
)

// CDNOptions configure EnableCDN.
type CDNOptions struct {
	// DC is the CDN data center id (default 203).
	DC int
	// Addr is listed by help.getConfig as the CDN data center's address (cdn flag set).
	Addr netip.AddrPort
	// PublicKey is the PEM RSA key help.getCdnConfig lists for DC.
	PublicKey string
	// RedirectHashes is how many block hashes a redirect carries (default 2); the rest come
	// from upload.getCdnFileHashes, 8 at a time.
	RedirectHashes int
	// Rand supplies keys, IVs and tokens (default crypto/rand).
	Rand io.Reader
}

// CDN serves chosen stored files through a CDN data center, as Telegram does for popular
// files: upload.getFile with cdn_supported answers upload.fileCdnRedirect (key, IV, token and
// the first hashes); the CDN data center answers upload.getCdnFile with AES-256-CTR encrypted
// parts (counter = IV with its last word = offset/16); the master answers
// upload.getCdnFileHashes and upload.reuploadCdnFile. help.getConfig gains the CDN address and
// help.getCdnConfig its key. Tamper and RequireReupload script the CDN's failures. Keys,
// hashes and encryption are mediatest.CDNFile, the rules the media module's fake follows too.
type CDN struct {
	opt CDNOptions
	d   *Dispatcher

	mu      sync.Mutex
	byFile  map[int64]*cdnFile
	byToken map[string]*cdnFile
	stats   CDNStats
}

// CDNStats counts the CDN calls answered, so a test can tell that a client really went
// through the CDN.
type CDNStats struct {
	// Redirects is how many upload.getFile calls were answered upload.fileCdnRedirect.
	Redirects int
	// Parts is how many upload.getCdnFile calls were answered with encrypted bytes.
	Parts int
	// ReuploadsNeeded is how many upload.getCdnFile calls were answered
	// upload.cdnFileReuploadNeeded.
	ReuploadsNeeded int
	// Reuploads is how many upload.reuploadCdnFile calls the master accepted.
	Reuploads int
	// HashCalls is how many upload.getCdnFileHashes calls the master answered.
	HashCalls int
}

type cdnFile struct {
	*mediatest.CDNFile
	reuploads  int // getCdnFile answers still asking for a reupload
	requestTok []byte
}

// EnableCDN installs the CDN on d (as a middleware, so it sees the real method of every
// request) and returns it.
func EnableCDN(d *Dispatcher, opt CDNOptions) *CDN {
	if opt.DC == 0 {
		opt.DC = 203
	}
	if opt.RedirectHashes == 0 {
		opt.RedirectHashes = 2
	}
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	c := &CDN{opt: opt, d: d, byFile: map[int64]*cdnFile{}, byToken: map[string]*cdnFile{}}
	d.Use(c.middleware)
	return c
}

// DC returns the CDN data center id.
func (c *CDN) DC() int { return c.opt.DC }

// Stats returns the counts of CDN calls answered so far.
func (c *CDN) Stats() CDNStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Serve makes stored file id (a photo or document) go through the CDN from now on.
func (c *CDN) Serve(id int64) error {
	info, ok := c.d.World().File(id)
	if !ok {
		return fmt.Errorf("services: cdn: no file %d", id)
	}
	cf, err := mediatest.NewCDNFile(info.Data, c.opt.Rand)
	if err != nil {
		return fmt.Errorf("services: cdn: file %d: %w", id, err)
	}
	f := &cdnFile{CDNFile: cf}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.byFile[id]; old != nil {
		delete(c.byToken, string(old.Token()))
	}
	c.byFile[id] = f
	c.byToken[string(f.Token())] = f
	return nil
}

// Tamper makes the CDN serve the hash block containing offset of file id corrupted; its
// hash stays that of the good data.
func (c *CDN) Tamper(id, offset int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.byFile[id]; f != nil {
		f.Tamper(offset)
	}
}

// RequireReupload makes the next n upload.getCdnFile calls for file id answer
// upload.cdnFileReuploadNeeded.
func (c *CDN) RequireReupload(id int64, n int) error {
	tok, err := c.random(8)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.byFile[id]; f != nil {
		f.reuploads, f.requestTok = n, tok
	}
	return nil
}

func (c *CDN) random(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(c.opt.Rand, b); err != nil {
		return nil, fmt.Errorf("services: cdn: random: %w", err)
	}
	return b, nil
}

func (c *CDN) middleware(next Handler) Handler {
	return func(ctx context.Context, caller *Caller, req tl.Object) (tl.Encoder, error) {
		onCDN := caller.DC == c.opt.DC
		switch r := req.(type) {
		case *tg.UploadGetCdnFileRequest:
			if !onCDN {
				return nil, ErrCDNMethodInvalid
			}
			return c.getCdnFile(r)
		case *tg.UploadGetCdnFileHashesRequest:
			res, err := c.hashes(r.FileToken, r.Offset, 8)
			if err == nil {
				c.count(func(s *CDNStats) { s.HashCalls++ })
			}
			return res, err
		case *tg.UploadReuploadCdnFileRequest:
			return c.reupload(r)
		case *tg.HelpGetCdnConfigRequest:
			return &tg.CdnConfig{PublicKeys: []tg.CdnPublicKey{{DCID: int32(c.opt.DC), PublicKey: c.opt.PublicKey}}}, nil
		}
		if onCDN {
			switch req.(type) {
			case *tg.UploadGetFileRequest, *tg.UploadSaveFilePartRequest, *tg.UploadSaveBigFilePartRequest, *tg.UploadGetFileHashesRequest:
				return nil, ErrCDNMethodInvalid // wrappers and service calls pass on
			}
		}
		res, err := next(ctx, caller, req)
		if err != nil {
			return res, err
		}
		switch r := req.(type) {
		case *tg.UploadGetFileRequest:
			if r.CdnSupported {
				if red := c.redirect(r.Location); red != nil {
					return &tg.UploadFileClassBox{UploadFile: red}, nil
				}
			}
		case *tg.HelpGetConfigRequest:
			if cfg, ok := res.(*tg.Config); ok && c.opt.Addr.IsValid() {
				cfg.DCOptions = append(cfg.DCOptions, tg.DCOption{
					Cdn: true, ID: int32(c.opt.DC), IPAddress: c.opt.Addr.Addr().String(), Port: int32(c.opt.Addr.Port()),
				})
			}
		}
		return res, nil
	}
}

// redirect answers a getFile the world accepted (reference, access hash, data center) for a
// file served by the CDN.
func (c *CDN) redirect(loc tg.InputFileLocationClass) *tg.UploadFileCdnRedirect {
	var id int64
	switch l := loc.(type) {
	case *tg.InputDocumentFileLocation:
		id = l.ID
	case *tg.InputPhotoFileLocation:
		id = l.ID
	default:
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.byFile[id]
	if f == nil {
		return nil
	}
	c.stats.Redirects++
	return f.Redirect(c.opt.DC, c.opt.RedirectHashes)
}

func (c *CDN) hashes(token []byte, offset int64, n int) (tl.Encoder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.byToken[string(token)]
	if f == nil {
		return nil, ErrFileTokenInvalid
	}
	return &tg.FileHashVector{Elems: f.Hashes(offset, n)}, nil
}

func (c *CDN) reupload(r *tg.UploadReuploadCdnFileRequest) (tl.Encoder, error) {
	c.mu.Lock()
	f := c.byToken[string(r.FileToken)]
	if f == nil {
		c.mu.Unlock()
		return nil, ErrFileTokenInvalid
	}
	if f.requestTok == nil || !bytes.Equal(r.RequestToken, f.requestTok) {
		c.mu.Unlock()
		return nil, ErrRequestTokenInvalid
	}
	c.stats.Reuploads++
	c.mu.Unlock()
	return c.hashes(r.FileToken, 0, 8)
}

// getCdnFile applies upload.getFile's window rules and serves the encrypted part.
func (c *CDN) getCdnFile(r *tg.UploadGetCdnFileRequest) (tl.Encoder, error) {
	if err := world.CheckWindow(r.Offset, r.Limit, false); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.byToken[string(r.FileToken)]
	if f == nil {
		return nil, ErrFileTokenInvalid
	}
	if f.reuploads > 0 {
		f.reuploads--
		c.stats.ReuploadsNeeded++
		return &tg.UploadCdnFileClassBox{UploadCdnFile: &tg.UploadCdnFileReuploadNeeded{RequestToken: bytes.Clone(f.requestTok)}}, nil
	}
	enc, err := f.Part(r.Offset, r.Limit)
	if err != nil {
		return nil, err
	}
	c.stats.Parts++
	return &tg.UploadCdnFileClassBox{UploadCdnFile: &tg.UploadCdnFile{Bytes: enc}}, nil
}

// count updates the stats under the lock.
func (c *CDN) count(f func(*CDNStats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}
