package media

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func encode(t testing.TB, e tl.Encoder) []byte {
	t.Helper()
	var b tl.Buffer
	if err := e.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Buf
}

func answers(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"file": encode(t, &tg.UploadFile{Type: &tg.StorageFilePartial{}, Mtime: 5, Bytes: bytes.Repeat([]byte{1, 2, 3}, 1000)}),
		"tiny": encode(t, &tg.UploadFile{Type: &tg.StorageFileJpeg{}, Mtime: 5, Bytes: []byte{9, 8, 7}}),
		"none": encode(t, &tg.UploadFile{Type: &tg.StorageFileUnknown{}, Mtime: 5, Bytes: []byte{}}),
		"redirect": encode(t, &tg.UploadFileCdnRedirect{DCID: 203, FileToken: []byte("tok"), EncryptionKey: make([]byte, 32),
			EncryptionIv: make([]byte, 16), FileHashes: []tg.FileHash{{Offset: 0, Limit: 131072, Hash: make([]byte, 32)}}}),
		"cdn":      encode(t, &tg.UploadCdnFile{Bytes: bytes.Repeat([]byte{5}, 300)}),
		"reupload": encode(t, &tg.UploadCdnFileReuploadNeeded{RequestToken: []byte("request")}),
	}
}

// fileAnswer and cdnAnswer decode what the generated decoders decode.
func TestAnswersMatchGeneratedDecoders(t *testing.T) {
	for name, raw := range answers(t) {
		t.Run(name, func(t *testing.T) {
			var gen tl.Buffer
			gen.ResetTo(raw)
			switch name {
			case "cdn", "reupload":
				want, err := tg.DecodeUploadCdnFileClass(&gen)
				if err != nil {
					t.Fatal(err)
				}
				a := cdnAnswer{buf: make([]byte, 0, 4096)}
				var b tl.Buffer
				b.ResetTo(raw)
				if err := a.Decode(&b); err != nil || b.Len() != 0 {
					t.Fatalf("err %v, %d bytes left", err, b.Len())
				}
				switch w := want.(type) {
				case *tg.UploadCdnFile:
					if !bytes.Equal(a.data, w.Bytes) {
						t.Fatal("bytes differ")
					}
				case *tg.UploadCdnFileReuploadNeeded:
					if !bytes.Equal(a.reupload, w.RequestToken) {
						t.Fatal("token differs")
					}
				}
			default:
				want, err := tg.DecodeUploadFileClass(&gen)
				if err != nil {
					t.Fatal(err)
				}
				a := fileAnswer{buf: make([]byte, 0, 4096)}
				var b tl.Buffer
				b.ResetTo(raw)
				if err := a.Decode(&b); err != nil || b.Len() != 0 {
					t.Fatalf("err %v, %d bytes left", err, b.Len())
				}
				switch w := want.(type) {
				case *tg.UploadFile:
					if !bytes.Equal(a.data, w.Bytes) || a.redirect != nil {
						t.Fatal("bytes differ")
					}
					if len(a.data) > 0 && &a.data[0] != &a.buf[:1][0] {
						t.Fatal("answer not decoded into the buffer")
					}
				case *tg.UploadFileCdnRedirect:
					if d := cmp.Diff(w, a.redirect); d != "" {
						t.Fatal(d)
					}
				}
			}
		})
	}
}

// No strict prefix of a valid answer decodes.
func TestAnswersRejectPrefixes(t *testing.T) {
	for name, raw := range answers(t) {
		for n := range len(raw) {
			var b tl.Buffer
			b.ResetTo(raw[:n])
			var err error
			if name == "cdn" || name == "reupload" {
				err = (&cdnAnswer{buf: make([]byte, 0, 4096)}).Decode(&b)
			} else {
				err = (&fileAnswer{buf: make([]byte, 0, 4096)}).Decode(&b)
			}
			if err == nil {
				t.Fatalf("%s: prefix of %d/%d bytes decoded", name, n, len(raw))
			}
		}
	}
}

func TestAnswerLargerThanBuffer(t *testing.T) {
	raw := answers(t)["file"]
	var b tl.Buffer
	b.ResetTo(raw)
	err := (&fileAnswer{buf: make([]byte, 0, 100)}).Decode(&b)
	if !errors.Is(err, ErrChunkTooLarge) {
		t.Fatalf("err = %v", err)
	}
	b.ResetTo([]byte{0x4f, 0xca, 0x9f, 0xa9, 0xff, 0, 0, 0}) // upload.cdnFile with a 255 length byte
	if err := (&cdnAnswer{}).Decode(&b); !errors.Is(err, tl.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
}

// A Buffer that aliases long byte strings (a session's packet in memory of its own) leaves
// the chunk of upload.file where it is; a CDN chunk, decrypted in place, is still copied. A
// chunk arriving without aliasing gets a buffer of the limit on first use.
func TestAnswersAliasOnlyFileChunks(t *testing.T) {
	raw := answers(t)["file"] // 3000 bytes
	var b tl.Buffer
	b.ResetTo(raw)
	b.Alias(1024)
	a := fileAnswer{limit: 4096}
	if err := a.Decode(&b); err != nil || b.Len() != 0 {
		t.Fatalf("err %v, %d bytes left", err, b.Len())
	}
	if len(a.data) != 3000 || &a.data[0] != &raw[len(raw)-3000] || a.buf != nil {
		t.Error("the chunk is not a slice of the answer")
	}

	b.ResetTo(raw) // no aliasing
	if err := a.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if len(a.data) != 3000 || cap(a.buf) != 4096 || &a.data[0] != &a.buf[:1][0] {
		t.Errorf("copied chunk: %d bytes, buffer of %d", len(a.data), cap(a.buf))
	}

	cdn := answers(t)["cdn"] // 300 bytes
	b.ResetTo(cdn)
	b.Alias(16)
	c := cdnAnswer{limit: 512}
	if err := c.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if len(c.data) != 300 || cap(c.buf) != 512 || &c.data[0] != &c.buf[:1][0] {
		t.Error("the cdn chunk is not copied into its buffer")
	}

	b.ResetTo(raw)
	b.Alias(1024)
	if err := (&fileAnswer{limit: 2048}).Decode(&b); !errors.Is(err, ErrChunkTooLarge) {
		t.Errorf("aliased chunk over the limit: err = %v", err)
	}
}

func TestFileAnswerZeroAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	raw := answers(t)["file"]
	a := fileAnswer{buf: make([]byte, 0, 4096)}
	var b tl.Buffer
	allocs := testing.AllocsPerRun(100, func() {
		b.ResetTo(raw)
		if err := a.Decode(&b); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per decode", allocs)
	}
}

func FuzzFileAnswer(f *testing.F) {
	for _, raw := range answers(f) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var b tl.Buffer
		b.ResetTo(raw)
		a := fileAnswer{buf: make([]byte, 0, 2048)}
		if err := a.Decode(&b); err == nil && len(a.data) > 2048 {
			t.Fatal("answer larger than its buffer")
		}
		b.ResetTo(raw)
		c := cdnAnswer{buf: make([]byte, 0, 2048)}
		if err := c.Decode(&b); err == nil && len(c.data) > 2048 {
			t.Fatal("answer larger than its buffer")
		}
	})
}
