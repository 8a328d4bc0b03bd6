package services

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// sessionErrors turns the dispatcher's rpc errors into *rpcerr.Error, as a client
// session would, and counts the calls.
type sessionErrors struct {
	inv   tg.Invoker
	calls *atomic.Int32
}

func (s sessionErrors) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	s.calls.Add(1)
	err := s.inv.Invoke(ctx, in, out)
	var e *RPCError
	if errors.As(err, &e) {
		return rpcerr.Parse(e.Code, e.Message)
	}
	return err
}

// The media package downloads a file the CDN serves: redirect, encrypted parts, hashes from
// the master, reuploads, and a tampered block that is never written.
func TestCDNWithMediaClient(t *testing.T) {
	h, carol, dave := pair(t)
	data := pattern(3<<20 + 1234)
	in := uploadSmall(t, dave, 1, data, 512<<10)
	res, err := dave.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{
		Peer: dave.peerOf(carol), RandomID: 78, Message: "via cdn",
		Media: &tg.InputMediaUploadedDocument{File: in, MimeType: "application/x-test", Attributes: []tg.DocumentAttributeClass{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	msg := res.(*tg.Updates).Updates[1].(*tg.UpdateNewMessage).Message.(*tg.Message)
	doc := msg.Media.(*tg.MessageMediaDocument).Document.(*tg.Document)
	cdn := EnableCDN(h.d, CDNOptions{Rand: crypto.NewDeterministicReader(9), PublicKey: "-----BEGIN RSA PUBLIC KEY-----"})
	if err := cdn.Serve(doc.ID); err != nil {
		t.Fatal(err)
	}
	var master, edge atomic.Int32
	cdnConn := h.conn(cdn.DC())
	pool := media.PoolFunc(func(_ context.Context, dc int, kind media.Kind) (tg.Invoker, error) {
		if kind == media.KindCDN {
			if dc != cdn.DC() {
				t.Errorf("cdn dc %d", dc)
			}
			return sessionErrors{inv: cdnConn, calls: &edge}, nil
		}
		return sessionErrors{inv: dave.c, calls: &master}, nil
	})
	loc, err := media.MediaLocation(msg.Media)
	if err != nil {
		t.Fatal(err)
	}
	c := media.New(pool, media.Options{Workers: 3})
	var out bytes.Buffer
	if _, err := c.Download(ctx(), loc, &out); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("download via cdn: %v (equal %v)", err, bytes.Equal(out.Bytes(), data))
	}
	if edge.Load() != 4 || master.Load() < 2 {
		t.Fatalf("calls: cdn %d, master %d", edge.Load(), master.Load())
	}
	if st := cdn.Stats(); st.Parts != 4 || st.Redirects == 0 || st.Reuploads != 0 || st.ReuploadsNeeded != 0 {
		t.Fatalf("stats after one download: %+v", st)
	}

	if err := cdn.RequireReupload(doc.ID, 2); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if _, err := media.New(pool, media.Options{Workers: 1}).Download(ctx(), loc, &out); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("download with reuploads: %v", err)
	}
	if st := cdn.Stats(); st.ReuploadsNeeded != 2 || st.Reuploads == 0 || st.Parts != 8 {
		t.Fatalf("stats after the reuploads: %+v", st)
	}

	cdn.Tamper(doc.ID, 2<<20+300<<10)
	out.Reset()
	_, err = c.Download(ctx(), loc, &out)
	if !errors.Is(err, media.ErrCDNHashMismatch) || !bytes.Equal(out.Bytes(), data[:2<<20]) {
		t.Fatalf("tampered: %v, wrote %d bytes", err, out.Len())
	}

	// Without cdn_supported the master serves the file itself.
	out.Reset()
	if _, err := media.New(pool, media.Options{DisableCDN: true}).Download(ctx(), loc, &out); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("without cdn: %v", err)
	}

	// CDN methods belong to the CDN, ordinary ones to the others.
	var cf tg.UploadCdnFileClassBox
	if err := dave.c.Invoke(ctx(), &tg.UploadGetCdnFileRequest{FileToken: []byte("x"), Limit: 4096}, &cf); !errors.Is(err, ErrCDNMethodInvalid) {
		t.Fatalf("getCdnFile on the master: %v", err)
	}
	var cfg tg.CdnConfig
	if err := dave.c.Invoke(ctx(), &tg.HelpGetCdnConfigRequest{}, &cfg); err != nil || len(cfg.PublicKeys) != 1 || cfg.PublicKeys[0].DCID != 203 {
		t.Fatalf("getCdnConfig: %+v %v", cfg, err)
	}
}
