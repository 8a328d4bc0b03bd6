package mtgo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"testing"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Media over the real stack: session run loop, key exchange, obfuscated transport on loopback
// TCP, against the integration server's cluster.

// e2eUpload uploads data and stores it with messages.uploadMedia, returning its location.
func e2eUpload(t testing.TB, c *testClient, data []byte, workers int) media.Location {
	t.Helper()
	ctx := context.Background()
	in, err := c.Media().Upload(ctx, bytes.NewReader(data), int64(len(data)), "e2e.bin", media.WithWorkers(workers))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.InvokeContext(ctx, &tg.MessagesUploadMediaRequest{
		Peer:  &tg.InputPeerSelf{},
		Media: &tg.InputMediaUploadedDocument{File: in, MimeType: "application/octet-stream", Attributes: []tg.DocumentAttributeClass{}},
	}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := media.MediaLocation(res.(tg.MessageMediaClass))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestE2EMediaRoundTrip(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Mia", Phone: "15551090"})
	data := make([]byte, 10<<20+3333)
	_, _ = rand.Read(data)
	loc := e2eUpload(t, c, data, 4)
	h := sha256.New()
	if n, err := c.Media().Download(context.Background(), loc, h, media.WithWorkers(4)); err != nil || n != int64(len(data)) {
		t.Fatalf("download: n=%d err=%v", n, err)
	}
	if want := sha256.Sum256(data); !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatal("sha256 differs")
	}
}

// BenchmarkE2EMedia moves 64 MiB over loopback TCP through the whole client, with 1, 4 and 8
// parts in flight.
func BenchmarkE2EMedia(b *testing.B) {
	const size = 64 << 20
	cl, err := teletest.Start(teletest.Config{Key: sharedKey(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	c, _ := e2eUser(b, cl, world.UserSpec{FirstName: "Ben", Phone: "15551091"})
	data := make([]byte, size)
	_, _ = rand.Read(data)
	loc := e2eUpload(b, c, data, 8)
	for _, workers := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("download/workers=%d", workers), func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if _, err := c.Media().Download(context.Background(), loc, io.Discard, media.WithWorkers(workers)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("upload/workers=%d", workers), func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if _, err := c.Media().Upload(context.Background(), bytes.NewReader(data), size, "b.bin", media.WithWorkers(workers)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
