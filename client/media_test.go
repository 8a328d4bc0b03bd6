package mtgo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// A user uploads a big document and sends it to a bot; the bot downloads it from the message,
// also after its file reference expired and the file moved to another data center.
func TestMediaUploadSendDownload(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("files_bot")
	b := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token; cfg.MaxConcurrentTransmissions = 4 })
	got := make(chan *types.Message, 2)
	b.OnMessage(func(_ *mtgo.Context, msg *types.Message) error {
		got <- msg
		return nil
	})
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	u, _ := h.loggedInUser(t, "Ann", "15550030", func(cfg *mtgo.Config) { cfg.MaxConcurrentTransmissions = 3 })
	ctx := ctxT(t)

	data := make([]byte, 10<<20+4097)
	_, _ = rand.Read(data)
	var last media.Progress
	in, err := u.Upload(ctx, bytes.NewReader(data), int64(len(data)), "big.bin", media.WithProgress(func(p media.Progress) { last = p }))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := in.(*tg.InputFileBig); !ok || last.Done != int64(len(data)) {
		t.Fatalf("upload: %#v, last progress %+v", in, last)
	}
	peer, err := u.ResolvePeer(ctx, "@files_bot")
	if err != nil {
		t.Fatal(err)
	}
	send := &tg.MessagesSendMediaRequest{
		Peer: peer, RandomID: 42, Message: "here",
		Media: &tg.InputMediaUploadedDocument{File: in, MimeType: "application/octet-stream", Attributes: []tg.DocumentAttributeClass{}},
	}
	if _, err := u.InvokeContext(ctx, send, 0, 0); err != nil {
		t.Fatal(err)
	}
	var msg *types.Message
	select {
	case msg = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the bot got no message")
	}
	var out bytes.Buffer
	if n, err := msg.Download(ctx, &out); err != nil || n != int64(len(data)) || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("download: n=%d err=%v", n, err)
	}

	// The reference expires and the file moves: the download refetches the message and
	// follows FILE_MIGRATE.
	doc := msg.RawMedia().(*tg.MessageMediaDocument).Document.(*tg.Document)
	if err := h.w.ExpireFileReference(doc.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.w.MoveFile(doc.ID, 4); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "big.bin")
	if n, err := msg.DownloadToFile(ctx, path); err != nil || n != int64(len(data)) {
		t.Fatalf("download after expiry: n=%d err=%v", n, err)
	}
	if file, _ := os.ReadFile(path); !bytes.Equal(file, data) {
		t.Fatal("file differs")
	}
	mediaDC4 := false
	for _, c := range h.f.running() {
		mediaDC4 = mediaDC4 || (c.cc.DC == 4 && c.cc.Media)
	}
	if !mediaDC4 {
		t.Fatal("no media connection to dc 4 after FILE_MIGRATE_4")
	}

	// A message without media.
	if _, err := u.SendMessage(ctx, "@files_bot", "just text"); err != nil {
		t.Fatal(err)
	}
	select {
	case msg = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the bot got no message")
	}
	if _, err := msg.Download(ctx, &out); !errors.Is(err, mtgo.ErrContextNoMedia) {
		t.Fatalf("download of a text message: %v", err)
	}
	if _, err := b.DownloadMedia(ctx, &tg.MessageMediaContact{}, &out); !errors.Is(err, mtgo.ErrNoDownloadableMedia) || !errors.Is(err, media.ErrNoDownloadableMedia) {
		t.Fatalf("contact: %v", err)
	}
}

// A file served by the CDN: the client opens a CDN session (key from help.getCdnConfig, address
// from help.getConfig) and the media module decrypts and verifies the parts.
func TestMediaDownloadThroughCDN(t *testing.T) {
	h := newHarness(t)
	pem := teletest.PublicKeyPEM(&cdnKey(t).PublicKey)
	cdn := services.EnableCDN(h.d, services.CDNOptions{DC: 203, Addr: netip.MustParseAddrPort("127.0.0.1:1203"), PublicKey: string(pem)})
	bot := h.bot("cdn_bot")
	b := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token; cfg.MaxConcurrentTransmissions = 2 })
	got := make(chan *types.Message, 1)
	b.OnMessage(func(_ *mtgo.Context, msg *types.Message) error {
		got <- msg
		return nil
	})
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	u, _ := h.loggedInUser(t, "Cid", "15550031")
	ctx := ctxT(t)
	data := make([]byte, 2<<20+77)
	_, _ = rand.Read(data)
	in, err := u.Upload(ctx, bytes.NewReader(data), int64(len(data)), "c.bin")
	if err != nil {
		t.Fatal(err)
	}
	peer, err := u.ResolvePeer(ctx, "@cdn_bot")
	if err != nil {
		t.Fatal(err)
	}
	send := &tg.MessagesSendMediaRequest{Peer: peer, RandomID: 43,
		Media: &tg.InputMediaUploadedDocument{File: in, MimeType: "application/octet-stream", Attributes: []tg.DocumentAttributeClass{}}}
	if _, err := u.InvokeContext(ctx, send, 0, 0); err != nil {
		t.Fatal(err)
	}
	var msg *types.Message
	select {
	case msg = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the bot got no message")
	}
	doc := msg.RawMedia().(*tg.MessageMediaDocument).Document.(*tg.Document)
	if err := cdn.Serve(doc.ID); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := msg.Download(ctx, &out); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("download through the cdn: %v", err)
	}
	onCDN := false
	for _, c := range h.f.running() {
		onCDN = onCDN || (c.cc.DC == 203 && c.cc.CDN)
	}
	if !onCDN {
		t.Fatal("no CDN session was opened")
	}
}

func TestUnboundMessageDownload(t *testing.T) {
	m := &types.Message{ID: 1, Media: &types.Document{}}
	if _, err := m.Download(context.Background(), &bytes.Buffer{}); !errors.Is(err, mtgo.ErrContextNoClient) {
		t.Fatalf("Download on an unbound message = %v", err)
	}
}
