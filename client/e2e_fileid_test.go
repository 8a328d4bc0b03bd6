package mtgo_test

import (
	"bytes"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// TestE2EFileIDs: a user sends a photo, a document, a video (with a thumbnail) and an audio
// file to a bot; the bot's messages carry typed media with their attributes, whose Bot API
// file ids download the files (and the thumbnail) and send them again (the document
// as inputMediaDocument decoded from its id), and the user receives the copies with the same
// unique file ids.
func TestE2EFileIDs(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_fileid_bot")
	inbox := make(chan *types.Message, 4)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { inbox <- m; return nil })
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Fid", Phone: "15551393"})
	copies := make(chan *types.Message, 4)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { copies <- m; return nil })

	photoData, docData := []byte("jpeg photo bytes"), bytes.Repeat([]byte("document "), 3000)
	if _, err := u.SendPhoto(ctxT(t), "@e2e_fileid_bot", types.InputFile{Reader: bytes.NewReader(photoData), Name: "p.jpg"}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.SendDocument(ctxT(t), "@e2e_fileid_bot", types.InputFile{Reader: bytes.NewReader(docData), Name: "notes.txt"},
		mtgo.WithCaption("notes")); err != nil {
		t.Fatal(err)
	}

	thumbData := []byte("thumbnail jpeg")
	if _, err := u.SendVideo(ctxT(t), "@e2e_fileid_bot", types.InputFile{Reader: bytes.NewReader(docData), Name: "clip.mp4"},
		mtgo.WithDuration(90*time.Second), mtgo.WithDimensions(640, 360), mtgo.WithSpoiler(),
		mtgo.WithThumbnail(types.InputFile{Reader: bytes.NewReader(thumbData), Name: "t.jpg"})); err != nil {
		t.Fatal(err)
	}
	if _, err := u.SendAudio(ctxT(t), "@e2e_fileid_bot", types.InputFile{Reader: bytes.NewReader(photoData), Name: "song.mp3"},
		mtgo.WithPerformer("Band"), mtgo.WithTitle("Song"), mtgo.WithDuration(3*time.Minute)); err != nil {
		t.Fatal(err)
	}

	pm := recv(t, inbox, "photo")
	photo, ok := pm.Media.(*types.Photo)
	if !ok || photo.FileID() == "" || photo.FileUniqueID() == "" {
		t.Fatalf("photo message media %T %+v", pm.Media, pm.Media)
	}
	dm := recv(t, inbox, "document")
	doc, ok := dm.Media.(*types.Document)
	if !ok || doc.FileName != "notes.txt" || doc.FileSize != int64(len(docData)) || dm.Text != "notes" {
		t.Fatalf("document message media %T %+v, text %q", dm.Media, dm.Media, dm.Text)
	}

	vm := recv(t, inbox, "video")
	video, ok := vm.Media.(*types.Video)
	if !ok || video.Duration != 90*time.Second || video.Width != 640 || video.Height != 360 || !video.HasSpoiler || video.FileName != "clip.mp4" {
		t.Fatalf("video message media %T %+v", vm.Media, vm.Media)
	}
	am := recv(t, inbox, "audio")
	audio, ok := am.Media.(*types.Audio)
	if !ok || audio.Performer != "Band" || audio.Title != "Song" || audio.Duration != 3*time.Minute {
		t.Fatalf("audio message media %T %+v", am.Media, am.Media)
	}
	if len(video.Thumbs) == 0 {
		t.Fatal("the video has no thumbnail")
	}
	var thumb bytes.Buffer
	if _, err := b.DownloadMedia(ctxT(t), &video.Thumbs[0], &thumb); err != nil || !bytes.Equal(thumb.Bytes(), thumbData) {
		t.Fatalf("video thumbnail %q: %v", thumb.String(), err)
	}

	for _, f := range []struct {
		name string
		id   string
		want []byte
	}{{"photo", photo.FileID(), photoData}, {"document", doc.FileID(), docData}, {"video", video.FileID(), docData},
		{"audio", audio.FileID(), photoData}, {"thumbnail", video.Thumbs[0].FileID(), thumbData}} {
		var buf bytes.Buffer
		if n, err := b.DownloadByFileID(ctxT(t), f.id, &buf); err != nil || n != int64(len(f.want)) || !bytes.Equal(buf.Bytes(), f.want) {
			t.Fatalf("%s by file id: n=%d err=%v", f.name, n, err)
		}
	}
	var buf bytes.Buffer
	if _, err := b.DownloadMedia(ctxT(t), photo, &buf); err != nil || !bytes.Equal(buf.Bytes(), photoData) {
		t.Fatalf("DownloadMedia of the typed photo: %v", err)
	}

	chat := dm.Chat.InputPeer()
	for _, f := range []struct {
		kind types.MediaKind
		id   string
	}{{types.KindDocument, doc.FileID()}, {types.KindPhoto, photo.FileID()}} {
		loc, err := fileid.Decode(f.id)
		if err != nil {
			t.Fatal(err)
		}
		in, err := loc.InputMedia()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.SendMedia(ctxT(t), chat, f.kind, in); err != nil {
			t.Fatalf("resend %v by file id: %v", f.kind, err)
		}
	}
	// A types.FileID is a media argument too.
	if _, err := b.SendDocument(ctxT(t), chat, types.FileID(doc.FileID())); err != nil {
		t.Fatalf("resend the document by types.FileID: %v", err)
	}
	if _, err := b.SendPhoto(ctxT(t), chat, types.FileID(photo.FileID())); err != nil {
		t.Fatalf("resend the photo by types.FileID: %v", err)
	}
	docCopy := recv(t, copies, "document copy")
	if d, ok := docCopy.Media.(*types.Document); !ok || d.FileUniqueID() != doc.FileUniqueID() || d.FileName != "notes.txt" {
		t.Fatalf("document copy media %T %+v", docCopy.Media, docCopy.Media)
	}
	photoCopy := recv(t, copies, "photo copy")
	if p, ok := photoCopy.Media.(*types.Photo); !ok || p.FileUniqueID() != photo.FileUniqueID() {
		t.Fatalf("photo copy media %T %+v", photoCopy.Media, photoCopy.Media)
	}
	for _, want := range []types.Media{doc, photo} {
		m := recv(t, copies, "typed copy")
		if m.MediaKind() != want.Kind() || types.FileOf(m.Media).FileUniqueID() != types.FileOf(want).FileUniqueID() {
			t.Fatalf("typed copy: %v, want %v with the same unique id", m.MediaKind(), want.Kind())
		}
	}
	buf.Reset()
	if _, err := b.DownloadMedia(ctxT(t), types.FileID(doc.FileID()), &buf); err != nil || !bytes.Equal(buf.Bytes(), docData) {
		t.Fatalf("DownloadMedia of a types.FileID: %v", err)
	}
	buf.Reset()
	if _, err := u.DownloadMessage(ctxT(t), docCopy, &buf); err != nil || !bytes.Equal(buf.Bytes(), docData) {
		t.Fatalf("the user's copy: %v", err)
	}
	if _, err := b.DownloadByFileID(ctxT(t), "not a file id", &buf); err == nil {
		t.Fatal("a malformed file id downloaded")
	}
}
