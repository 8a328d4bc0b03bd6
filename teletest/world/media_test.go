package world

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// uploadDoc finishes upload id (parts parts) as a document and returns its stored bytes.
func uploadDoc(w *World, key KeyID, id int64, parts int32) ([]byte, error) {
	m, err := w.UploadMedia(key, &tg.InputMediaUploadedDocument{File: &tg.InputFileBig{ID: id, Parts: parts, Name: "f"}})
	if err != nil {
		return nil, err
	}
	f, _ := w.File(m.(*tg.MessageMediaDocument).Document.(*tg.Document).ID)
	return f.Data, nil
}

func TestUnfinishedUploadsBounded(t *testing.T) {
	const kib = 1024
	w := newWorld(t, Config{MaxUploadBytes: 2 * kib})
	a, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	b, _ := w.CreateUser(UserSpec{FirstName: "B", Phone: "70000000002"})
	ka, kb := KeyID{1}, KeyID{2}
	_ = w.Authorize(ka, a.ID)
	_ = w.Authorize(kb, b.ID)
	part := func(fill byte) []byte { return bytes.Repeat([]byte{fill}, kib) }
	save := func(key KeyID, id int64, n, total int32, fill byte) {
		t.Helper()
		if err := w.SaveBigFilePart(key, id, n, total, part(fill)); err != nil {
			t.Fatalf("save file %d part %d: %v", id, n, err)
		}
	}

	save(ka, 1, 0, 2, 'a') // oldest, forgotten below
	save(kb, 1, 0, 2, 'x') // another account: its own budget
	save(ka, 2, 0, 2, 'b')
	save(ka, 2, 0, 2, 'b') // a repeated part replaces, it does not add up
	if held := w.uploadBytes[a.ID]; held != 2*kib {
		t.Fatalf("A holds %d bytes, want %d", held, 2*kib)
	}
	save(ka, 2, 1, 2, 'c') // 3 KiB held by A: upload 1 goes
	if _, err := uploadDoc(w, ka, 1, 2); !errors.Is(err, ErrFileIDInvalid) {
		t.Fatalf("forgotten upload: err = %v, want FILE_ID_INVALID", err)
	}
	got, err := uploadDoc(w, ka, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append(part('b'), part('c')...), got); diff != "" {
		t.Fatalf("kept upload (-want +got):\n%s", diff)
	}

	// An upload larger than the cap on its own is never cut.
	for n := range int32(3) {
		save(ka, 3, n, 3, 'd'+byte(n))
	}
	if got, err := uploadDoc(w, ka, 3, 3); err != nil || len(got) != 3*kib {
		t.Fatalf("upload over the cap alone: %d bytes, %v", len(got), err)
	}
	save(kb, 1, 1, 2, 'y')
	if _, err := uploadDoc(w, kb, 1, 2); err != nil {
		t.Fatalf("other account's upload: %v", err)
	}
	if diff := cmp.Diff(map[int64]int{}, w.uploadBytes); diff != "" {
		t.Fatalf("bytes held after every upload finished (-want +got):\n%s", diff)
	}
}

// Parts of a few bytes count as minPartCost each: a client saving one byte under each of
// thousands of file ids holds no more uploads than the cap allows, and the oldest go first.
func TestTinyUploadPartsBounded(t *testing.T) {
	const limit = 64 << 10
	w := newWorld(t, Config{MaxUploadBytes: limit})
	a, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	ka := KeyID{1}
	_ = w.Authorize(ka, a.ID)
	const n = 10000
	for id := range int64(n) {
		if err := w.SaveFilePart(ka, id, 0, []byte{byte(id)}); err != nil {
			t.Fatalf("save file %d: %v", id, err)
		}
	}
	if got, most := len(w.uploads), limit/minPartCost; got > most {
		t.Fatalf("%d unfinished uploads of one byte kept, want at most %d", got, most)
	}
	if got := len(w.users[a.ID].uploads.order); got > 2*limit/minPartCost+16 {
		t.Fatalf("upload list holds %d entries", got)
	}
	if _, err := w.UploadMedia(ka, &tg.InputMediaUploadedDocument{File: &tg.InputFile{ID: 0, Parts: 1, Name: "f"}}); !errors.Is(err, ErrFileIDInvalid) {
		t.Fatalf("oldest upload: err = %v, want FILE_ID_INVALID", err)
	}
	m, err := w.UploadMedia(ka, &tg.InputMediaUploadedDocument{File: &tg.InputFile{ID: n - 1, Parts: 1, Name: "f"}})
	if err != nil {
		t.Fatalf("newest upload: %v", err)
	}
	f, _ := w.File(m.(*tg.MessageMediaDocument).Document.(*tg.Document).ID)
	if !bytes.Equal(f.Data, []byte{byte((n - 1) % 256)}) {
		t.Fatalf("newest upload holds %v", f.Data)
	}
}

// Finished uploads leave nothing behind in the account's list, and a file id used again
// after its upload finished counts as new when the oldest is chosen.
func TestUploadListFollowsFinishedUploads(t *testing.T) {
	const kib = 1024
	w := newWorld(t, Config{MaxUploadBytes: 2 * kib})
	a, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	ka := KeyID{1}
	_ = w.Authorize(ka, a.ID)
	part := bytes.Repeat([]byte{'p'}, kib)
	save := func(id int64) {
		t.Helper()
		if err := w.SaveFilePart(ka, id, 0, part); err != nil {
			t.Fatalf("save file %d: %v", id, err)
		}
	}
	finish := func(id int64) {
		t.Helper()
		if _, err := w.UploadMedia(ka, &tg.InputMediaUploadedDocument{File: &tg.InputFile{ID: id, Parts: 1, Name: "f"}}); err != nil {
			t.Fatalf("finish file %d: %v", id, err)
		}
	}
	for id := range int64(1000) {
		save(id)
		finish(id)
	}
	if got := len(w.users[a.ID].uploads.order); got > 16 {
		t.Fatalf("upload list holds %d entries after every upload finished", got)
	}
	save(1) // old, under an id of a finished upload
	save(2)
	finish(1)
	save(1) // file id 1 again: now the newest
	save(3) // over the cap: 2 is the oldest
	if _, err := w.UploadMedia(ka, &tg.InputMediaUploadedDocument{File: &tg.InputFile{ID: 2, Parts: 1, Name: "f"}}); !errors.Is(err, ErrFileIDInvalid) {
		t.Fatalf("oldest upload 2: err = %v, want FILE_ID_INVALID", err)
	}
	finish(1)
	finish(3)
}

// GetFile answers windows of the stored bytes without copying them, and the answer never
// reaches past its window even when appended to.
func TestGetFileWindow(t *testing.T) {
	w := newWorld(t, Config{})
	a, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	ka := KeyID{1}
	_ = w.Authorize(ka, a.ID)
	data := make([]byte, 10000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if err := w.SaveBigFilePart(ka, 9, 0, 1, bytes.Clone(data)); err != nil {
		t.Fatal(err)
	}
	m, err := w.UploadMedia(ka, &tg.InputMediaUploadedDocument{File: &tg.InputFileBig{ID: 9, Parts: 1, Name: "f"}})
	if err != nil {
		t.Fatal(err)
	}
	doc := m.(*tg.MessageMediaDocument).Document.(*tg.Document)
	loc := &tg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference}
	for _, off := range []int64{0, 4096, 8192, 12288} {
		f, err := w.GetFile(ka, 0, loc, off, 4096, false)
		if err != nil {
			t.Fatal(err)
		}
		want := data[min(off, int64(len(data))):min(off+4096, int64(len(data)))]
		if diff := cmp.Diff(want, f.Bytes, cmp.Comparer(bytes.Equal)); diff != "" {
			t.Fatalf("offset %d (-want +got):\n%s", off, diff)
		}
		_ = append(f.Bytes, 0xff)
	}
	if f, _ := w.File(doc.ID); !bytes.Equal(f.Data, data) {
		t.Fatal("stored file changed by appending to an answer")
	}
}
