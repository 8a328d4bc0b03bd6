package mtgo_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2ESecretMedia: Alice sends each media kind through SendSecretFile's options (a photo
// with its thumbnail and size, videos, a video note, an animation, voice, music, a plain
// document); Bob gets each as a typed SecretFile (kind, dimensions, duration, thumbnail,
// audio details, MIME type) and decrypts the same bytes.
func TestE2ESecretMedia(t *testing.T) {
	p := newSecretPair(t, "1555208")
	thumb := &types.SecretThumb{Data: []byte("\xff\xd8\xff tiny jpeg"), Width: 90, Height: 60}
	tests := []struct {
		name, fileName string
		opts           *mtgo.SecretFileOptions
		want           types.SecretFile
	}{
		{"photo", "sunset.jpg",
			&mtgo.SecretFileOptions{Kind: types.KindPhoto, Width: 1280, Height: 853, Thumb: thumb, Caption: "sunset"},
			types.SecretFile{Kind: types.KindPhoto, Width: 1280, Height: 853, Thumb: thumb, MimeType: "image/jpeg"}},
		{"video", "clip.mp4",
			&mtgo.SecretFileOptions{Kind: types.KindVideo, Width: 640, Height: 360, Duration: 12 * time.Second, Thumb: thumb, Caption: "clip"},
			types.SecretFile{Kind: types.KindVideo, Width: 640, Height: 360, Duration: 12 * time.Second, Thumb: thumb, MimeType: "video/mp4", FileName: "clip.mp4"}},
		{"video note", "round.mp4",
			&mtgo.SecretFileOptions{Kind: types.KindVideoNote, Width: 240, Height: 240, Duration: 3 * time.Second},
			types.SecretFile{Kind: types.KindVideoNote, Width: 240, Height: 240, Duration: 3 * time.Second, MimeType: "video/mp4", FileName: "round.mp4"}},
		{"animation", "cat.mp4",
			&mtgo.SecretFileOptions{Kind: types.KindAnimation, Width: 320, Height: 240, Duration: 2 * time.Second},
			types.SecretFile{Kind: types.KindAnimation, Width: 320, Height: 240, Duration: 2 * time.Second, MimeType: "video/mp4", FileName: "cat.mp4"}},
		{"voice", "voice.ogg",
			&mtgo.SecretFileOptions{Kind: types.KindVoice, Duration: 4 * time.Second, Waveform: []byte{0, 8, 31, 4}},
			types.SecretFile{Kind: types.KindVoice, Duration: 4 * time.Second, Waveform: []byte{0, 8, 31, 4}, MimeType: "audio/ogg", FileName: "voice.ogg"}},
		{"audio", "song.flac",
			&mtgo.SecretFileOptions{Kind: types.KindAudio, MimeType: "audio/flac", Duration: 200 * time.Second, Title: "Song", Performer: "Band"},
			types.SecretFile{Kind: types.KindAudio, Duration: 200 * time.Second, Title: "Song", Performer: "Band", MimeType: "audio/flac", FileName: "song.flac"}},
		{"document with a thumbnail", "report.pdf",
			&mtgo.SecretFileOptions{MimeType: "application/pdf", Thumb: thumb},
			types.SecretFile{Kind: types.KindDocument, Thumb: thumb, MimeType: "application/pdf", FileName: "report.pdf"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := bytes.Repeat([]byte(tt.name), 100+i)
			rid, err := p.alice.SendSecretFile(ctxT(t), p.id, bytes.NewReader(data), tt.fileName, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			m := recv(t, p.bobGot, tt.name)
			if m.RandomID != rid || m.File == nil || m.Text != tt.opts.Caption {
				t.Fatalf("message %+v, want random id %d and caption %q", m, rid, tt.opts.Caption)
			}
			want := tt.want
			want.PlainSize = int64(len(data))
			ignore := cmpopts.IgnoreFields(types.SecretFile{}, "ID", "AccessHash", "DCID", "Size", "KeyFingerprint", "Key", "IV")
			if diff := cmp.Diff(want, *m.File, ignore); diff != "" {
				t.Fatalf("file (-want +got):\n%s", diff)
			}
			got, err := p.bob.DecryptSecretFile(ctxT(t), m.File)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("decrypted %d bytes, want %d", len(got), len(data))
			}
		})
	}

	// Options that cannot make valid media fail before anything is uploaded.
	bad := []struct {
		name string
		opts *mtgo.SecretFileOptions
	}{
		{"photo without a size", &mtgo.SecretFileOptions{Kind: types.KindPhoto}},
		{"negative width", &mtgo.SecretFileOptions{Kind: types.KindVideo, Width: -1, Height: 5}},
		{"negative duration", &mtgo.SecretFileOptions{Kind: types.KindVoice, Duration: -time.Second}},
		{"thumbnail too large", &mtgo.SecretFileOptions{Thumb: &types.SecretThumb{Data: make([]byte, mtgo.MaxSecretThumbSize+1), Width: 90, Height: 90}}},
		{"thumbnail without a size", &mtgo.SecretFileOptions{Thumb: &types.SecretThumb{Data: []byte{1}}}},
		{"waveform too long", &mtgo.SecretFileOptions{Kind: types.KindVoice, Waveform: make([]byte, 1<<12)}},
		{"sticker", &mtgo.SecretFileOptions{Kind: types.KindSticker}},
		{"contact", &mtgo.SecretFileOptions{Kind: types.KindContact}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.alice.SendSecretFile(ctxT(t), p.id, strings.NewReader("x"), "x", tt.opts)
			if !errors.Is(err, mtgo.ErrSecretMedia) {
				t.Fatalf("err %v, want ErrSecretMedia", err)
			}
		})
	}
}

// TestE2ESecretPlaces: Alice sends a location, a venue and a contact; Bob gets each typed
// (types.Location, types.Venue, types.Contact). Coordinates off the map and missing names
// fail before anything is sent.
func TestE2ESecretPlaces(t *testing.T) {
	p := newSecretPair(t, "1555210")
	steps := []struct {
		name string
		send func() (int64, error)
		want *types.SecretMessage
	}{
		{"location", func() (int64, error) { return p.alice.SendSecretLocation(ctxT(t), p.id, 51.5, -0.12) },
			&types.SecretMessage{Location: &types.Location{Latitude: 51.5, Longitude: -0.12}}},
		{"venue", func() (int64, error) {
			return p.alice.SendSecretVenue(ctxT(t), p.id, 48.85, 2.35, "Cafe", "1 Rue X")
		}, &types.SecretMessage{Venue: &types.Venue{Location: types.Location{Latitude: 48.85, Longitude: 2.35}, Title: "Cafe", Address: "1 Rue X"}}},
		{"contact", func() (int64, error) {
			return p.alice.SendSecretContact(ctxT(t), p.id, "+15550000", "Carol", "Doe")
		}, &types.SecretMessage{Contact: &types.Contact{PhoneNumber: "+15550000", FirstName: "Carol", LastName: "Doe"}}},
	}
	for _, s := range steps {
		rid, err := s.send()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		m := recv(t, p.bobGot, s.name)
		if m.RandomID != rid {
			t.Fatalf("%s: random id %d, want %d", s.name, m.RandomID, rid)
		}
		got := &types.SecretMessage{Location: m.Location, Venue: m.Venue, Contact: m.Contact}
		if diff := cmp.Diff(s.want, got, cmpopts.IgnoreFields(types.SecretMessage{}, "Date"), cmpopts.IgnoreUnexported(types.SecretMessage{})); diff != "" {
			t.Fatalf("%s (-want +got):\n%s", s.name, diff)
		}
	}
	bad := []struct {
		name string
		err  error
		want error
	}{
		{"latitude off the map", second(p.alice.SendSecretLocation(ctxT(t), p.id, 91, 0)), mtgo.ErrLocation},
		{"venue without a title", second(p.alice.SendSecretVenue(ctxT(t), p.id, 1, 1, "", "a")), mtgo.ErrEmptyField},
		{"contact without a phone", second(p.alice.SendSecretContact(ctxT(t), p.id, "", "a", "")), mtgo.ErrEmptyField},
	}
	for _, b := range bad {
		if !errors.Is(b.err, b.want) {
			t.Errorf("%s: %v, want %v", b.name, b.err, b.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestE2ESecretSticker: Alice sends a sticker and a GIF Telegram already holds (sent to her
// Saved Messages first) by reference (SendSecretSticker, decryptedMessageMediaExternalDocument);
// Bob gets each as SecretMessage.External typed like the original (a *types.Sticker, a
// *types.Animation with its size), the same file (a download needs a file reference, which
// the layer does not carry), and can send it on.
func TestE2ESecretSticker(t *testing.T) {
	p := newSecretPair(t, "1555212")
	webp, gif := []byte("RIFF....WEBPVP8 sticker"), []byte("\x00\x00\x00\x18ftypmp42 gif body")
	sticker, err := p.alice.SendSticker(ctxT(t), "me", types.InputFile{Reader: bytes.NewReader(webp), Name: "s.webp", Size: int64(len(webp))})
	if err != nil {
		t.Fatal(err)
	}
	anim, err := p.alice.SendAnimation(ctxT(t), "me", types.InputFile{Reader: bytes.NewReader(gif), Name: "cat.mp4", Size: int64(len(gif))},
		mtgo.WithDimensions(320, 240), mtgo.WithDuration(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		sent *types.Message
		kind types.MediaKind
	}{{"sticker", sticker, types.KindSticker}, {"gif", anim, types.KindAnimation}} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.sent.Media == nil || tt.sent.Media.Kind() != tt.kind {
				t.Fatalf("sent media %T", tt.sent.Media)
			}
			rid, err := p.alice.SendSecretSticker(ctxT(t), p.id, tt.sent.Media, &mtgo.SecretFileOptions{ReplyTo: 7})
			if err != nil {
				t.Fatal(err)
			}
			m := recv(t, p.bobGot, tt.name)
			if m.RandomID != rid || m.ReplyToRandomID != 7 || m.External == nil || m.File != nil {
				t.Fatalf("message %v", m)
			}
			ignore := cmpopts.IgnoreFields(types.Document{}, "File", "Raw")
			if diff := cmp.Diff(tt.sent.Media, m.External, ignore); diff != "" {
				t.Fatalf("external document (-sent +got):\n%s", diff)
			}
			got, want := types.DocumentOf(m.External), types.DocumentOf(tt.sent.Media)
			if got.FileUniqueID() != want.FileUniqueID() || got.FileSize != want.FileSize {
				t.Fatalf("file %s/%d, want %s/%d", got.FileUniqueID(), got.FileSize, want.FileUniqueID(), want.FileSize)
			}
			// The layer carries no file reference: a download needs a fresh one, found through
			// the sticker set only (TestE2ESecretStickerDownload), which these name none of.
			if _, err := p.bob.DownloadMedia(ctxT(t), m.External, io.Discard); !errors.Is(err, mtgo.ErrSecretMedia) {
				t.Fatalf("download without a file reference: %v, want ErrSecretMedia", err)
			}
			// What Bob got goes on by reference as well.
			if _, err := p.bob.SendSecretSticker(ctxT(t), p.id, m.External, nil); err != nil {
				t.Fatal(err)
			}
			if back := recv(t, p.aliceGot, tt.name+" back"); types.DocumentOf(back.External).ID != want.ID {
				t.Fatalf("sent back %v", back)
			}
		})
	}
	if _, err := p.alice.SendSecretSticker(ctxT(t), p.id, &types.Photo{}, nil); !errors.Is(err, mtgo.ErrSecretMedia) {
		t.Fatalf("a photo: %v, want ErrSecretMedia", err)
	}
}

// TestE2ESecretStickerDownload: a sticker from a set Telegram holds reaches Bob by reference
// with its set named by short name (Alice's copy names it by id: SendSecretSticker looks the
// name up), and Bob downloads it with DownloadSecretExternal: the layer carries no file
// reference, so the client finds the document in the set (messages.getStickerSet by short
// name) before the download, and again when a reference it had expires during it. A GIF and
// a sticker outside any set name no set: ErrSecretMedia, with nothing downloaded.
func TestE2ESecretStickerDownload(t *testing.T) {
	p := newSecretPair(t, "1555216")
	w := p.cl.World()
	data := []byte("RIFF\x00\x00\x00\x00WEBPVP8 a cat waving")
	in, doc := p.stickerSet("mtgo_cats", data)
	if _, err := p.alice.SendSecretSticker(ctxT(t), p.id, types.NewDocumentMedia(doc), nil); err != nil {
		t.Fatal(err)
	}
	m := recv(t, p.bobGot, "sticker")
	got := types.DocumentOf(m.External)
	if got == nil || got.ID != doc.ID || len(got.Raw.FileReference) != 0 {
		t.Fatalf("external %+v", m.External)
	}
	var named tg.InputStickerSetClass
	for _, a := range got.Raw.Attributes {
		if s, ok := a.(*tg.DocumentAttributeSticker); ok {
			named = s.Stickerset
		}
	}
	if diff := cmp.Diff(&tg.InputStickerSetShortName{ShortName: "mtgo_cats"}, named); diff != "" {
		t.Fatalf("set as Bob got it (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if n, err := p.bob.DownloadSecretExternal(ctxT(t), m.External, &buf); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("download: %d bytes, %v", n, err)
	}
	// The ordinary download paths take the secret message or its External as well (what a
	// Pyrogram or Telethon user writes), and find the document in its set the same way.
	for name, download := range downloadPaths(t, p.bob.Client) {
		for _, arg := range []any{m, m.External} {
			if got, err := download(arg); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%s(%T): %q, %v", name, arg, got, err)
			}
		}
	}

	// A reference Bob holds expires: the download's refresher finds the document again.
	stale := *got.Raw
	stale.FileReference = doc.FileReference
	if err := w.ExpireFileReference(doc.ID); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if _, err := p.bob.DownloadSecretExternal(ctxT(t), types.NewDocumentMedia(&stale), &buf); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("download with an expired reference: %q, %v", buf.Bytes(), err)
	}

	// A set Telegram does not know goes without a set, as the layer allows.
	unknown := *doc
	unknown.Attributes = []tg.DocumentAttributeClass{&tg.DocumentAttributeSticker{Alt: "👋", Stickerset: &tg.InputStickerSetID{ID: in.ID + 1, AccessHash: 1}}}
	if _, err := p.alice.SendSecretSticker(ctxT(t), p.id, types.NewDocumentMedia(&unknown), nil); err != nil {
		t.Fatalf("sticker of an unknown set: %v", err)
	}
	m = recv(t, p.bobGot, "sticker of an unknown set")
	if a, ok := types.DocumentOf(m.External).Raw.Attributes[0].(*tg.DocumentAttributeSticker); !ok || a.Stickerset.TypeName() != "inputStickerSetEmpty" {
		t.Fatalf("sticker of an unknown set arrived with %v", types.DocumentOf(m.External).Raw.Attributes)
	}

	// The peer names the set and the document: short names are looked up in any case, as
	// Telegram does; a name of no set, or a document its set does not hold, fails; a name
	// Telegram could not hold is refused before any lookup, and the error does not repeat it.
	long := strings.Repeat("a", 4096)
	for _, tt := range []struct {
		name string
		id   int64
		want error  // nil: downloads data
		text string // in the error
	}{
		{"MTGO_Cats", doc.ID, nil, ""},
		{"mtgo_dogs", doc.ID, nil, "STICKERSET_INVALID"},
		{"mtgo_cats", doc.ID + 1, mtgo.ErrSecretMedia, "does not hold"},
		{long, doc.ID, mtgo.ErrSecretMedia, "4096 bytes"},
		{"cats\n; other", doc.ID, mtgo.ErrSecretMedia, "invalid short name"},
	} {
		named := *doc
		named.ID = tt.id
		named.Attributes = []tg.DocumentAttributeClass{&tg.DocumentAttributeSticker{Alt: "👋", Stickerset: &tg.InputStickerSetShortName{ShortName: tt.name}}}
		if _, err := p.alice.SendSecretSticker(ctxT(t), p.id, types.NewDocumentMedia(&named), nil); err != nil {
			t.Fatalf("set %.20q: %v", tt.name, err)
		}
		m := recv(t, p.bobGot, "sticker of a named set")
		buf.Reset()
		_, err := p.bob.DownloadSecretExternal(ctxT(t), m.External, &buf)
		switch {
		case tt.want == nil && tt.text == "":
			if err != nil || !bytes.Equal(buf.Bytes(), data) {
				t.Fatalf("set %q: %q, %v", tt.name, buf.Bytes(), err)
			}
		case err == nil || tt.want != nil && !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) || buf.Len() != 0:
			t.Fatalf("set %.20q: %v, %d bytes; want %v saying %q", tt.name, err, buf.Len(), tt.want, tt.text)
		case len(tt.name) > 64 && strings.Contains(err.Error(), tt.name[:65]):
			t.Fatalf("the error repeats the peer's name: %.100s", err)
		}
	}

	// No set by short name: nothing tells where the file reference is.
	gif := []byte("\x00\x00\x00\x18ftypmp42 gif body")
	anim, err := p.alice.SendAnimation(ctxT(t), "me", types.InputFile{Reader: bytes.NewReader(gif), Name: "cat.mp4", Size: int64(len(gif))},
		mtgo.WithDimensions(320, 240), mtgo.WithDuration(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	webp := []byte("RIFF....WEBPVP8 no set")
	loose, err := p.alice.SendSticker(ctxT(t), "me", types.InputFile{Reader: bytes.NewReader(webp), Name: "s.webp", Size: int64(len(webp))})
	if err != nil {
		t.Fatal(err)
	}
	for _, sent := range []*types.Message{anim, loose} {
		if _, err := p.alice.SendSecretSticker(ctxT(t), p.id, sent.Media, nil); err != nil {
			t.Fatal(err)
		}
		m := recv(t, p.bobGot, sent.Media.Kind().String())
		buf.Reset()
		if _, err := p.bob.DownloadSecretExternal(ctxT(t), m.External, &buf); !errors.Is(err, mtgo.ErrSecretMedia) || buf.Len() != 0 {
			t.Fatalf("%v without a set: %v, %d bytes", m.External.Kind(), err, buf.Len())
		}
		for name, download := range downloadPaths(t, p.bob.Client) {
			for _, arg := range []any{m, m.External} {
				if got, err := download(arg); !errors.Is(err, mtgo.ErrSecretMedia) || len(got) != 0 {
					t.Fatalf("%s(%T) without a set: %q, %v, want ErrSecretMedia", name, arg, got, err)
				}
			}
		}
	}
	// A secret message's encrypted file is DecryptSecretFile's; one without a file has none.
	for name, download := range downloadPaths(t, p.bob.Client) {
		file := &types.SecretMessage{File: &types.SecretFile{ID: 1, AccessHash: 2, DCID: 2, Size: 10}}
		if _, err := download(file); !errors.Is(err, mtgo.ErrMediaArgument) || !strings.Contains(err.Error(), "DecryptSecretFile") {
			t.Fatalf("%s of an encrypted file: %v, want ErrMediaArgument naming DecryptSecretFile", name, err)
		}
		if _, err := download(&types.SecretMessage{Text: "hi"}); !errors.Is(err, mtgo.ErrContextNoMedia) {
			t.Fatalf("%s of a text: %v, want ErrContextNoMedia", name, err)
		}
	}
	if _, err := p.bob.DownloadSecretExternal(ctxT(t), &types.Photo{}, &buf); !errors.Is(err, mtgo.ErrSecretMedia) {
		t.Fatalf("a photo: %v, want ErrSecretMedia", err)
	}
}

// downloadPaths are the client's download methods that take a message or media, each
// returning the bytes it downloaded.
func downloadPaths(t *testing.T, c *mtgo.Client) map[string]func(any) ([]byte, error) {
	dir := t.TempDir()
	files := 0
	return map[string]func(any) ([]byte, error){
		"DownloadMedia": func(m any) ([]byte, error) {
			var buf bytes.Buffer
			_, err := c.DownloadMedia(ctxT(t), m, &buf)
			return buf.Bytes(), err
		},
		"DownloadBytes": func(m any) ([]byte, error) { return c.DownloadBytes(ctxT(t), m) },
		"DownloadMediaToFile": func(m any) ([]byte, error) {
			files++
			path := filepath.Join(dir, strconv.Itoa(files))
			if _, err := c.DownloadMediaToFile(ctxT(t), m, path); err != nil {
				return nil, err
			}
			return os.ReadFile(path)
		},
		"StreamMedia": func(m any) ([]byte, error) {
			var out []byte
			for p, err := range c.StreamMedia(ctxT(t), m) {
				if err != nil {
					return out, err
				}
				out = append(out, p...)
			}
			return out, nil
		},
	}
}
