package services

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// uploadSmall uploads data with upload.saveFilePart in parts of partSize and returns the
// inputFile.
func uploadSmall(t *testing.T, a *account, id int64, data []byte, partSize int) *tg.InputFile {
	t.Helper()
	n := 0
	for off := 0; off < len(data); off += partSize {
		end := min(off+partSize, len(data))
		ok, err := a.api.UploadSaveFilePart(ctx(), &tg.UploadSaveFilePartRequest{FileID: id, FilePart: int32(n), Bytes: data[off:end]})
		if err != nil || !ok {
			t.Fatalf("part %d: %v %v", n, ok, err)
		}
		n++
	}
	sum := md5.Sum(data)
	return &tg.InputFile{ID: id, Parts: int32(n), Name: "f.bin", MD5Checksum: hex.EncodeToString(sum[:])}
}

func pattern(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7 + i>>8)
	}
	return p
}

func TestUploadSendDownload(t *testing.T) {
	h, carol, dave := pair(t)
	data := pattern(3<<20 + 1234) // crosses several MiB boundaries
	in := uploadSmall(t, dave, 1, data, 512<<10)
	res, err := dave.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{
		Peer: dave.peerOf(carol), RandomID: 77, Message: "a file",
		Media: &tg.InputMediaUploadedDocument{File: in, MimeType: "application/x-test", Attributes: []tg.DocumentAttributeClass{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Media never travels in short updates.
	m := res.(*tg.Updates).Updates[1].(*tg.UpdateNewMessage).Message.(*tg.Message)
	doc := m.Media.(*tg.MessageMediaDocument).Document.(*tg.Document)
	if doc.Size != int64(len(data)) || doc.MimeType != "application/x-test" || doc.DCID != 2 {
		t.Fatalf("document %+v", doc)
	}
	if diff := cmp.Diff([]tg.DocumentAttributeClass{&tg.DocumentAttributeFilename{FileName: "f.bin"}}, doc.Attributes); diff != "" {
		t.Fatal(diff)
	}
	pushed := carol.updates()
	if _, ok := pushed[len(pushed)-1].(*tg.Updates); !ok {
		t.Fatalf("carol got %T for a media message", pushed[len(pushed)-1])
	}

	// Download it back in 1 MiB windows.
	loc := &tg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference}
	var got []byte
	for off := int64(0); ; off += 1 << 20 {
		f, err := carol.api.UploadGetFile(ctx(), &tg.UploadGetFileRequest{Location: loc, Offset: off, Limit: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		b := f.(*tg.UploadFile).Bytes
		got = append(got, b...)
		if len(b) < 1<<20 {
			break
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("downloaded %d bytes, differ from the %d uploaded", len(got), len(data))
	}

	// Window rules.
	tests := []struct {
		name    string
		offset  int64
		limit   int32
		precise bool
		want    *RPCError
	}{
		{"limit zero", 0, 0, false, world.ErrLimitInvalid},
		{"limit above 1 MiB", 0, 2 << 20, false, world.ErrLimitInvalid},
		{"limit not 4 KiB multiple", 0, 6000, false, world.ErrLimitInvalid},
		{"limit not dividing 1 MiB", 0, 12 << 10, false, world.ErrLimitInvalid},
		{"offset not 4 KiB multiple", 1024, 4096, false, world.ErrOffsetInvalid},
		{"offset not multiple of limit", 4096, 8192, false, world.ErrOffsetInvalid},
		{"negative offset", -4096, 4096, false, world.ErrOffsetInvalid},
		{"ok 4 KiB", 4096, 4096, false, nil},
		{"precise 1 KiB", 1024, 1024, true, nil},
		{"precise crossing 1 MiB", 1<<20 - 1024, 2048, true, world.ErrOffsetInvalid},
		{"precise limit not 1 KiB multiple", 0, 1000, true, world.ErrLimitInvalid},
		{"past the end", 8 << 20, 4096, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := carol.api.UploadGetFile(ctx(), &tg.UploadGetFileRequest{Location: loc, Offset: tt.offset, Limit: tt.limit, Precise: tt.precise})
			if tt.want != nil {
				wantRPC(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b := f.(*tg.UploadFile).Bytes
			wantLen := max(0, min(int(tt.limit), len(data)-int(tt.offset)))
			if len(b) != wantLen || (wantLen > 0 && !bytes.Equal(b, data[tt.offset:tt.offset+int64(wantLen)])) {
				t.Fatalf("got %d bytes, want %d", len(b), wantLen)
			}
		})
	}

	// Expired file reference, then FILE_MIGRATE.
	if err := h.w.ExpireFileReference(doc.ID); err != nil {
		t.Fatal(err)
	}
	_, err = carol.api.UploadGetFile(ctx(), &tg.UploadGetFileRequest{Location: loc, Limit: 4096})
	wantRPC(t, err, world.ErrFileReferenceExpired)
	hist, _ := carol.api.MessagesGetHistory(ctx(), &tg.MessagesGetHistoryRequest{Peer: carol.peerOf(dave), Limit: 1})
	fresh := hist.(*tg.MessagesMessagesSlice).Messages[0].(*tg.Message).Media.(*tg.MessageMediaDocument).Document.(*tg.Document)
	loc.FileReference = fresh.FileReference
	if _, err := carol.api.UploadGetFile(ctx(), &tg.UploadGetFileRequest{Location: loc, Limit: 4096}); err != nil {
		t.Fatal(err)
	}
	if err := h.w.MoveFile(doc.ID, 4); err != nil {
		t.Fatal(err)
	}
	_, err = carol.api.UploadGetFile(ctx(), &tg.UploadGetFileRequest{Location: loc, Limit: 4096})
	wantRPC(t, err, world.Migrate("FILE", 4))
}

func TestUploadErrors(t *testing.T) {
	_, _, dave := pair(t)
	part := func(id int64, n int32, b []byte) error {
		_, err := dave.api.UploadSaveFilePart(ctx(), &tg.UploadSaveFilePartRequest{FileID: id, FilePart: n, Bytes: b})
		return err
	}
	big := func(id int64, n, total int32, b []byte) error {
		_, err := dave.api.UploadSaveBigFilePart(ctx(), &tg.UploadSaveBigFilePartRequest{FileID: id, FilePart: n, FileTotalParts: total, Bytes: b})
		return err
	}
	wantRPC(t, part(1, 0, nil), world.ErrFilePartEmpty)
	wantRPC(t, part(1, -1, []byte{1}), world.ErrFilePartInvalid)
	wantRPC(t, part(1, 0, make([]byte, 512<<10+1)), world.ErrFilePartTooBig)
	wantRPC(t, big(2, 3, 3, []byte{1}), world.ErrFilePartsInvalid)
	wantRPC(t, big(2, 0, 0, []byte{1}), world.ErrFilePartsInvalid)
	if err := big(2, 0, 2, make([]byte, 1024)); err != nil {
		t.Fatal(err)
	}
	wantRPC(t, big(2, 1, 3, []byte{1}), world.ErrFilePartsInvalid)
	wantRPC(t, big(2, 0, -2, []byte{1}), world.ErrFilePartsInvalid)

	upload := func(in tg.InputFileClass) error {
		_, err := dave.api.MessagesUploadMedia(ctx(), &tg.MessagesUploadMediaRequest{Peer: &tg.InputPeerSelf{}, Media: &tg.InputMediaUploadedDocument{File: in, MimeType: "x/y", Attributes: []tg.DocumentAttributeClass{}}})
		return err
	}
	// Missing part of a big file.
	wantRPC(t, upload(&tg.InputFileBig{ID: 2, Parts: 2, Name: "b"}), world.FilePartMissing(1))
	// Unknown file id.
	wantRPC(t, upload(&tg.InputFile{ID: 99, Parts: 1}), world.ErrFileIDInvalid)
	// Bad md5.
	if err := part(3, 0, []byte("abc")); err != nil {
		t.Fatal(err)
	}
	wantRPC(t, upload(&tg.InputFile{ID: 3, Parts: 1, MD5Checksum: "00"}), world.ErrMD5ChecksumInvalid)
	// Parts of uneven size.
	if err := part(4, 0, make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	if err := part(4, 1, make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	wantRPC(t, upload(&tg.InputFile{ID: 4, Parts: 2}), world.ErrFilePartSizeInvalid)
	// uploadMedia returns the stored media, reusable with inputMediaDocument.
	if err := part(5, 0, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	mm, err := dave.api.MessagesUploadMedia(ctx(), &tg.MessagesUploadMediaRequest{Peer: &tg.InputPeerSelf{}, Media: &tg.InputMediaUploadedPhoto{File: &tg.InputFile{ID: 5, Parts: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	ph := mm.(*tg.MessageMediaPhoto).Photo.(*tg.Photo)
	_, err = dave.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: &tg.InputPeerSelf{}, RandomID: 5,
		Media: &tg.InputMediaPhoto{ID: &tg.InputPhoto{ID: ph.ID, AccessHash: ph.AccessHash, FileReference: ph.FileReference}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dave.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: &tg.InputPeerSelf{}, RandomID: 6,
		Media: &tg.InputMediaPhoto{ID: &tg.InputPhoto{ID: ph.ID, AccessHash: ph.AccessHash, FileReference: []byte("old")}}})
	wantRPC(t, err, world.ErrFileReferenceExpired)
}

// TestStreamedBigUpload covers uploads of unknown length: every part but the last says
// file_total_parts = -1 and the last gives the count, which must then match inputFileBig.
func TestStreamedBigUpload(t *testing.T) {
	_, _, dave := pair(t)
	big := func(n, total int32, b []byte) error {
		_, err := dave.api.UploadSaveBigFilePart(ctx(), &tg.UploadSaveBigFilePartRequest{FileID: 7, FilePart: n, FileTotalParts: total, Bytes: b})
		return err
	}
	for n := range int32(2) {
		if err := big(n, -1, bytes.Repeat([]byte{byte(n)}, 1024)); err != nil {
			t.Fatalf("part %d of unknown total: %v", n, err)
		}
	}
	if err := big(2, 3, []byte{2}); err != nil {
		t.Fatalf("last part: %v", err)
	}
	wantRPC(t, big(3, 5, []byte{3}), world.ErrFilePartsInvalid) // count changed after it was given
	mm, err := dave.api.MessagesUploadMedia(ctx(), &tg.MessagesUploadMediaRequest{Peer: &tg.InputPeerSelf{},
		Media: &tg.InputMediaUploadedDocument{File: &tg.InputFileBig{ID: 7, Parts: 3, Name: "s"}, MimeType: "x/y", Attributes: []tg.DocumentAttributeClass{}}})
	if err != nil {
		t.Fatalf("uploadMedia of a streamed file: %v", err)
	}
	doc := mm.(*tg.MessageMediaDocument).Document.(*tg.Document)
	if doc.Size != 2*1024+1 {
		t.Errorf("size = %d, want %d", doc.Size, 2*1024+1)
	}
}

func TestStoriesAndRTMP(t *testing.T) {
	h, carol, dave := pair(t)
	if _, err := dave.api.UploadSaveFilePart(ctx(), &tg.UploadSaveFilePartRequest{FileID: 9, Bytes: []byte("jpeg")}); err != nil {
		t.Fatal(err)
	}
	res, err := dave.api.StoriesSendStory(ctx(), &tg.StoriesSendStoryRequest{
		Peer: &tg.InputPeerSelf{}, Media: &tg.InputMediaUploadedPhoto{File: &tg.InputFile{ID: 9, Parts: 1}},
		Caption: someStr("day one"), PrivacyRules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowAll{}}, RandomID: 31,
	})
	if err != nil {
		t.Fatal(err)
	}
	ups := res.(*tg.Updates).Updates
	if diff := cmp.Diff(&tg.UpdateStoryID{ID: 1, RandomID: 31}, ups[0]); diff != "" {
		t.Fatal(diff)
	}
	item := ups[1].(*tg.UpdateStory).Story.(*tg.StoryItem)
	if !item.Public || !item.Out || item.Caption.Value != "day one" || item.ExpireDate-item.Date != 86400 {
		t.Fatalf("story %+v", item)
	}
	_, err = dave.api.StoriesSendStory(ctx(), &tg.StoriesSendStoryRequest{Peer: &tg.InputPeerSelf{}, Media: &tg.InputMediaUploadedPhoto{File: &tg.InputFile{ID: 9, Parts: 1}}, Period: someI32(100)})
	wantRPC(t, err, &RPCError{Code: 400, Message: "STORY_PERIOD_INVALID"})
	_, err = dave.api.StoriesSendStory(ctx(), &tg.StoriesSendStoryRequest{Peer: dave.peerOf(carol), Media: &tg.InputMediaEmpty{}})
	wantRPC(t, err, world.ErrPeerIDInvalid)

	if _, err := dave.api.StoriesEditStory(ctx(), &tg.StoriesEditStoryRequest{Peer: &tg.InputPeerSelf{}, ID: 1, Caption: someStr("edited"), Entities: []tg.MessageEntityClass{}}); err != nil {
		t.Fatal(err)
	}
	_, err = dave.api.StoriesEditStory(ctx(), &tg.StoriesEditStoryRequest{Peer: &tg.InputPeerSelf{}, ID: 5, Caption: someStr("x"), Entities: []tg.MessageEntityClass{}})
	wantRPC(t, err, world.ErrStoryIDInvalid)

	// Carol reads Dave's story by id.
	st, err := carol.api.StoriesGetStoriesByID(ctx(), &tg.StoriesGetStoriesByIDRequest{Peer: carol.peerOf(dave), ID: []int32{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Count != 1 || st.Stories[0].(*tg.StoryItem).Caption.Value != "edited" || st.Stories[0].(*tg.StoryItem).Out {
		t.Fatalf("stories %+v", st)
	}
	gone, err := dave.api.StoriesDeleteStories(ctx(), &tg.StoriesDeleteStoriesRequest{Peer: &tg.InputPeerSelf{}, ID: []int32{1, 7}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int32{1}, gone); diff != "" {
		t.Fatal(diff)
	}

	// RTMP: stable key until revoked; only for peers one may stream into.
	k1, err := dave.api.PhoneGetGroupCallStreamRTMPURL(ctx(), &tg.PhoneGetGroupCallStreamRTMPURLRequest{Peer: &tg.InputPeerSelf{}})
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := dave.api.PhoneGetGroupCallStreamRTMPURL(ctx(), &tg.PhoneGetGroupCallStreamRTMPURLRequest{Peer: &tg.InputPeerSelf{}})
	k3, _ := dave.api.PhoneGetGroupCallStreamRTMPURL(ctx(), &tg.PhoneGetGroupCallStreamRTMPURLRequest{Peer: &tg.InputPeerSelf{}, Revoke: true})
	if k1.Key != k2.Key || k1.Key == k3.Key || k1.URL == "" {
		t.Fatalf("keys %q %q %q", k1.Key, k2.Key, k3.Key)
	}
	_, err = dave.api.PhoneGetGroupCallStreamRTMPURL(ctx(), &tg.PhoneGetGroupCallStreamRTMPURLRequest{Peer: dave.peerOf(carol)})
	wantRPC(t, err, world.ErrPeerIDInvalid)
	_ = h
}
