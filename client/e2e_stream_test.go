package mtgo_test

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

// TestE2EDownloadAndStream reads a 2.5 MB document back whole, to a file, as a stream of
// chunks (also a range, and a loop broken after one chunk), by the message and by its media,
// from the sender's side and the receiver's.
func TestE2EDownloadAndStream(t *testing.T) {
	alice, bob, _ := chatPair(t, "7206", 0)
	body := make([]byte, 5<<19) // 2.5 MiB: three 1 MiB chunks
	_, _ = rand.Read(body)      // random: a repetitive body would be sent gzip_packed
	sent, err := alice.SendDocument(ctxT(t), "@bob7206", types.InputFile{Reader: bytes.NewReader(body), Name: "big.bin", Size: int64(len(body))})
	if err != nil {
		t.Fatal(err)
	}
	his, err := collect(bob.GetChatHistory(ctxT(t), "@alice7206", mtgo.WithLimit(1)))
	if err != nil || len(his) != 1 {
		t.Fatalf("bob's history: %v, %v", his, err)
	}
	received := his[0]
	tests := []struct {
		name string
		c    *testClient
		m    any
	}{
		{"sender, message", alice, sent},
		{"receiver, message", bob, received},
		{"receiver, media", bob, received.Media},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.DownloadBytes(ctxT(t), tt.m)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("DownloadBytes: %d bytes, %v", len(got), err)
			}
			path := filepath.Join(t.TempDir(), "out.bin")
			if n, err := tt.c.DownloadMediaToFile(ctxT(t), tt.m, path); err != nil || n != int64(len(body)) {
				t.Fatalf("DownloadMediaToFile: %d, %v", n, err)
			}
			if onDisk, err := os.ReadFile(path); err != nil || !bytes.Equal(onDisk, body) {
				t.Fatalf("file: %d bytes, %v", len(onDisk), err)
			}
			var streamed []byte
			chunks := 0
			for p, err := range tt.c.StreamMedia(ctxT(t), tt.m) {
				if err != nil {
					t.Fatal(err)
				}
				streamed = append(streamed, p...)
				chunks++
			}
			if !bytes.Equal(streamed, body) || chunks < 3 {
				t.Fatalf("streamed %d bytes in %d chunks", len(streamed), chunks)
			}
			var part []byte
			for p, err := range tt.c.StreamMediaRange(ctxT(t), tt.m, 1<<20-5, 1<<20+7) {
				if err != nil {
					t.Fatal(err)
				}
				part = append(part, p...)
			}
			if !bytes.Equal(part, body[1<<20-5:1<<20+7]) {
				t.Fatalf("range = %q", part)
			}
			n := 0
			for _, err := range tt.c.StreamMedia(ctxT(t), tt.m) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 1 {
					break
				}
			}
		})
	}
	if _, err := alice.DownloadBytes(ctxT(t), (*types.Message)(nil)); err == nil {
		t.Fatal("DownloadBytes of a nil message: no error")
	}
}
