package media_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/mediatest"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Upload reads a file in parts and sends them in parallel; the result names the uploaded file
// in messages.sendMedia. mediatest's in-memory server stands in for Telegram: in a program the
// Pool is the client's (mtgo.Client.Media() does all of this).
func ExampleClient_Upload() {
	server := mediatest.New(mediatest.Options{})
	c := media.New(server.Pool(), media.Options{PartSize: 64 << 10})

	data := bytes.Repeat([]byte("0123456789abcdef"), 20_000) // 320 000 bytes
	in, err := c.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), "notes.txt")
	if err != nil {
		panic(err)
	}
	f := in.(*tg.InputFile) // files up to 10 MiB; bigger ones give *tg.InputFileBig
	fmt.Println(f.Name, "in", f.Parts, "parts, md5", f.MD5Checksum)

	got, err := server.Uploaded(in)
	if err != nil {
		panic(err)
	}
	fmt.Println("server has the same bytes:", bytes.Equal(got, data))

	// Output:
	// notes.txt in 5 parts, md5 b5a90c82c5a24e7877223ab18fb6ceb2
	// server has the same bytes: true
}

// Download fetches a file in parallel chunks and writes them in order. The file lives on
// DC 4: the first request to the home DC answers FILE_MIGRATE_4 and the transfer moves there.
func ExampleClient_Download() {
	server := mediatest.New(mediatest.Options{})
	data := bytes.Repeat([]byte("media!"), 500_000) // 3 000 000 bytes
	file := server.AddFile(data, mediatest.OnDC(4))

	// A program gets the location from a message: media.MediaLocation(msg.Media).
	loc := server.Location(file)
	loc.DC = 0 // as if the DC were unknown

	var last media.Progress
	c := media.New(server.Pool(), media.Options{})
	var out bytes.Buffer
	n, err := c.Download(context.Background(), loc, &out,
		media.WithProgress(func(p media.Progress) { last = p }))
	if err != nil {
		panic(err)
	}
	fmt.Println("downloaded", n, "bytes, same:", bytes.Equal(out.Bytes(), data))
	fmt.Println("last progress:", last.Done, "of", last.Total)

	// Output:
	// downloaded 3000000 bytes, same: true
	// last progress: 3000000 of 3000000
}
