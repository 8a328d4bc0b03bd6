package mtgo_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretDownloaded is what an OnSecretMessage handler downloaded of one message: through the
// Context (Context.Download) and through the message's own methods.
type secretDownloaded struct {
	text                  string
	viaCtx, viaMsg, bytes []byte
	ctxErr, msgErr, bErr  error
	file                  []byte // what DownloadToFile left at its path
	fileErr               error
	progress              int64 // the last bytes done WithProgress reported to Context.Download
}

// TestE2ESecretContextDownload: inside an OnSecretMessage handler, Context.Download and the
// message's Download, DownloadBytes and DownloadToFile (what a Pyrogram or Telethon user writes:
// message.download()) fetch both kinds of received secret media: a sticker sent by reference
// (found through its set) and an encrypted file (downloaded and decrypted); a text message
// has no media (ErrContextNoMedia), and a message nobody bound has no client.
func TestE2ESecretContextDownload(t *testing.T) {
	p := newSecretPair(t, "1555221")
	got := make(chan secretDownloaded, 8)
	dir := t.TempDir()
	p.bob.AddHandler(mtgo.NewSecretMessageHandler(func(ctx *mtgo.Context, m *types.SecretMessage) error {
		if m.Service != nil {
			return nil
		}
		var d secretDownloaded
		var a, b bytes.Buffer
		d.text = m.Text
		var done atomic.Int64
		_, d.ctxErr = ctx.Download(&a, media.WithProgress(func(p media.Progress) { done.Store(p.Done) }))
		d.progress = done.Load()
		_, d.msgErr = m.Download(ctx, &b)
		d.bytes, d.bErr = m.DownloadBytes(ctx)
		d.viaCtx, d.viaMsg = a.Bytes(), b.Bytes()
		path := filepath.Join(dir, strconv.FormatInt(m.RandomID, 10))
		if _, d.fileErr = m.DownloadToFile(ctx, path); d.fileErr == nil {
			d.file, d.fileErr = os.ReadFile(path)
		}
		got <- d
		return nil
	}), 1)

	sticker := []byte("RIFF\x00\x00\x00\x00WEBPVP8 a dog waving")
	_, doc := p.stickerSet("mtgo_dogs", sticker)
	file := bytes.Repeat([]byte("a secret report "), 300)
	sends := []struct {
		name string
		send func() error
		want []byte
		err  error
	}{
		{"sticker", func() error {
			_, err := p.alice.SendSecretSticker(ctxT(t), p.id, types.NewDocumentMedia(doc), &mtgo.SecretFileOptions{Caption: "sticker"})
			return err
		}, sticker, nil},
		{"encrypted file", func() error {
			_, err := p.alice.SendSecretFile(ctxT(t), p.id, bytes.NewReader(file), "report.txt", &mtgo.SecretFileOptions{Caption: "encrypted file"})
			return err
		}, file, nil},
		{"text", func() error {
			_, err := p.alice.SendSecretMessage(ctxT(t), p.id, "text")
			return err
		}, nil, mtgo.ErrContextNoMedia},
	}
	for _, s := range sends {
		if err := s.send(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		d := recv(t, got, s.name)
		if d.text != s.name {
			t.Fatalf("%s: handler got %q", s.name, d.text)
		}
		for _, r := range []struct {
			via  string
			data []byte
			err  error
		}{{"Context.Download", d.viaCtx, d.ctxErr}, {"SecretMessage.Download", d.viaMsg, d.msgErr}, {"SecretMessage.DownloadBytes", d.bytes, d.bErr}, {"SecretMessage.DownloadToFile", d.file, d.fileErr}} {
			if !errors.Is(r.err, s.err) || (r.err == nil) != (s.err == nil) || !bytes.Equal(r.data, s.want) {
				t.Errorf("%s through %s: %d bytes (%q), %v; want %d bytes, %v", s.name, r.via, len(r.data), trim(r.data), r.err, len(s.want), s.err)
			}
		}
		if s.want != nil && d.progress < int64(len(s.want)) { // an encrypted file is downloaded padded
			t.Errorf("%s: Context.Download's progress reported %d bytes, want %d", s.name, d.progress, len(s.want))
		}
	}

	// A message nobody delivered is bound to no client.
	var m types.SecretMessage
	if _, err := m.DownloadBytes(ctxT(t)); !errors.Is(err, types.ErrContextNoClient) {
		t.Fatalf("unbound message: %v, want ErrContextNoClient", err)
	}
}

// trim is the start of data, for failure messages.
func trim(data []byte) []byte { return data[:min(len(data), 32)] }

// stickerSet adds a set named shortName holding one sticker of data to the world, and
// returns it and the sticker's document as Alice gets it (messages.getStickerSet).
func (p *secretPair) stickerSet(shortName string, data []byte) (tg.InputStickerSetID, *tg.Document) {
	p.t.Helper()
	in, ids, err := p.cl.World().AddStickerSet(world.StickerSetSpec{ShortName: shortName, Title: shortName, Stickers: []world.StickerSpec{{Alt: "👋", Data: data}}})
	if err != nil {
		p.t.Fatal(err)
	}
	res, err := p.alice.Raw().MessagesGetStickerSet(ctxT(p.t), &tg.MessagesGetStickerSetRequest{Stickerset: &in})
	if err != nil {
		p.t.Fatal(err)
	}
	doc := res.(*tg.MessagesStickerSet).Documents[0].(*tg.Document)
	if doc.ID != ids[0] {
		p.t.Fatalf("set document %d, want %d", doc.ID, ids[0])
	}
	return in, doc
}
