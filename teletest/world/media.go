package world

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"

	mtmedia "github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Upload limits from Telegram's file upload documentation.
const (
	// MaxPartSize is the largest upload part (512 KiB).
	MaxPartSize = 512 << 10
	// MaxSmallFileSize is the largest file upload.saveFilePart may carry (10 MiB); larger
	// files use upload.saveBigFilePart.
	MaxSmallFileSize = 10 << 20
	// MaxParts is the most parts a file may have.
	MaxParts = 4000
	// MaxChunk is the download window: upload.getFile never crosses a 1 MiB boundary and
	// never asks for more.
	MaxChunk = 1 << 20
)

// file is a stored photo or document.
type file struct {
	id         int64
	accessHash int64
	ref        []byte // file_reference; replaced by ExpireFileReference
	dc         int
	date       int32
	data       []byte
	photo      bool
	mime       string
	attrs      []tg.DocumentAttributeClass
	thumb      []byte // a document's JPEG preview (inputMediaUploadedDocument.thumb); nil for none
}

// media is a message or story attachment referring to a stored file.
type media struct {
	file *file
	poll *poll // messages.sendMedia with inputMediaPoll only (see poll.go)
	// invoice: messages.sendMedia with inputMediaInvoice, bots only (see payment.go)
	invoice *invoice
	// place, contact and dice are the media without a file (see sendmedia.go).
	place   *place
	contact *tg.MessageMediaContact
	dice    *tg.MessageMediaDice
	story   *tg.MessageMediaStory   // a forwarded story (stories.go)
	game    *tg.MessageMediaGame    // a bot's game (games.go)
	paid    *paidMedia              // paid media (paidmedia.go)
	web     *tg.MessageMediaWebPage // a link preview asked for with inputMediaWebPage (webpage.go)
	// spoiler hides a photo or video until tapped; ttl makes it self-destruct (seconds).
	spoiler bool
	ttl     int32
}

// upload collects the parts of one file id.
type upload struct {
	parts map[int32][]byte
	big   bool
	total int32  // declared part count (big files)
	seq   uint64 // creation order, oldest forgotten first
	bytes int    // sum of the parts' lengths
}

type uploadKey struct {
	user int64
	id   int64
}

// FileInfo is a snapshot of a stored file for tests.
type FileInfo struct {
	ID    int64
	DC    int
	Size  int
	Photo bool
	Mime  string
	Data  []byte
}

func checkPart(part int32, data []byte) error {
	if part < 0 || part >= MaxParts {
		return ErrFilePartInvalid
	}
	if len(data) == 0 {
		return ErrFilePartEmpty
	}
	if len(data) > MaxPartSize {
		return ErrFilePartTooBig
	}
	return nil
}

// SaveFilePart answers upload.saveFilePart. The world keeps data as the part: the caller must
// not modify it afterwards (a decoded request's bytes are already a private copy).
func (w *World) SaveFilePart(key KeyID, fileID int64, part int32, data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	if err := checkPart(part, data); err != nil {
		return err
	}
	up := w.uploadFor(a, fileID)
	if up.big {
		return ErrFileIDInvalid
	}
	w.putPart(a, up, part, data)
	return nil
}

// SaveBigFilePart answers upload.saveBigFilePart. A total of -1 marks a stream of unknown
// length: every part but the last carries -1 and the last one the real part count, as
// Telegram accepts from clients that upload while reading. Like SaveFilePart it keeps data.
func (w *World) SaveBigFilePart(key KeyID, fileID int64, part, total int32, data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	streaming := total == -1
	if !streaming && (total <= 0 || total > MaxParts || part >= total) {
		return ErrFilePartsInvalid
	}
	if err := checkPart(part, data); err != nil {
		return err
	}
	up := w.uploadFor(a, fileID)
	if len(up.parts) > 0 && !up.big {
		return ErrFileIDInvalid
	}
	if !streaming {
		if up.total != 0 && up.total != total {
			return ErrFilePartsInvalid
		}
		up.total = total
	}
	up.big = true
	w.putPart(a, up, part, data)
	return nil
}

func (w *World) uploadFor(a *account, id int64) *upload {
	k := uploadKey{user: a.id, id: id}
	up := w.uploads[k]
	if up == nil {
		w.nextUpload++
		up = &upload{parts: make(map[int32][]byte), seq: w.nextUpload}
		w.uploads[k] = up
		a.uploads.order = append(a.uploads.order, uploadRef{id: id, seq: up.seq})
		a.uploads.live++
	}
	return up
}

// minPartCost is what a part counts against Config.MaxUploadBytes at least: a part of a few
// bytes still costs its map entry, its slice header and its upload, so a client saving one
// byte under each of millions of file ids holds no more memory than the cap says.
const minPartCost = 1 << 10

// partCost is what part p counts against Config.MaxUploadBytes (nothing for no part).
func partCost(p []byte) int {
	if p == nil {
		return 0
	}
	return max(len(p), minPartCost)
}

// pendingUploads lists an account's unfinished uploads oldest first, so the oldest is found
// without a pass over every upload of the world. An entry whose upload was finished or
// forgotten (its file id perhaps reused since, under a newer seq) is skipped and dropped
// when met.
type pendingUploads struct {
	order []uploadRef
	live  int // entries of order that are still unfinished uploads
}

// uploadRef names one upload of the account: its file id and creation order.
type uploadRef struct {
	id  int64
	seq uint64
}

// current reports whether r still names an unfinished upload of user, and returns it.
func (w *World) current(user int64, r uploadRef) (*upload, bool) {
	up := w.uploads[uploadKey{user: user, id: r.id}]
	return up, up != nil && up.seq == r.seq
}

// putPart stores one part of a's upload up (a repeated part replaces the earlier one) and
// forgets a's oldest other unfinished uploads while they hold more than
// Config.MaxUploadBytes. A part up to minPartCost is copied: the decoded request's short
// byte strings share an arena chunk with its other values, which a kept part would pin.
func (w *World) putPart(a *account, up *upload, part int32, data []byte) {
	if len(data) <= minPartCost {
		data = bytes.Clone(data)
	}
	grow := partCost(data) - partCost(up.parts[part])
	up.parts[part] = data
	up.bytes += grow
	w.uploadBytes[a.id] += grow
	for w.uploadBytes[a.id] > w.cfg.MaxUploadBytes {
		if !w.dropOldest(a, up) {
			return // the upload being written is alone over the cap: it stays
		}
	}
}

// dropOldest forgets a's oldest unfinished upload other than keep; false when there is none.
// Entries it passes are dropped from the list (keep's moves up), so the work is amortised
// O(1) per upload.
func (w *World) dropOldest(a *account, keep *upload) bool {
	q := &a.uploads
	kept := -1
	for i, r := range q.order {
		up, ok := w.current(a.id, r)
		switch {
		case !ok:
			continue
		case up == keep:
			kept = i
			continue
		}
		if kept >= 0 {
			q.order[i] = q.order[kept]
			q.order = q.order[i:]
		} else {
			q.order = q.order[i+1:]
		}
		w.dropUpload(uploadKey{user: a.id, id: r.id})
		return true
	}
	if kept >= 0 {
		q.order[0] = q.order[kept]
		q.order = q.order[:1]
	} else {
		q.order = q.order[:0]
	}
	return false
}

// dropUpload forgets an unfinished upload (finished or abandoned).
func (w *World) dropUpload(k uploadKey) {
	up := w.uploads[k]
	if up == nil {
		return
	}
	delete(w.uploads, k)
	if w.uploadBytes[k.user] -= up.bytes; w.uploadBytes[k.user] <= 0 {
		delete(w.uploadBytes, k.user)
	}
	a := w.users[k.user]
	if a == nil {
		return
	}
	q := &a.uploads
	q.live--
	if len(q.order) > 2*q.live+16 {
		// Mostly finished uploads: keep the list as long as the live ones.
		live := q.order[:0]
		for _, r := range q.order {
			if _, ok := w.current(k.user, r); ok {
				live = append(live, r)
			}
		}
		clear(q.order[len(live):])
		q.order = live
	}
}

// assemble joins the parts of an inputFile/inputFileBig, checking that every part is there,
// that all parts but the last have one size that divides 512 KiB and is a multiple of 1 KiB,
// and the md5 when given.
func (w *World) assemble(a *account, in tg.InputFileClass) ([]byte, string, error) {
	var id int64
	var parts int32
	var name, sum string
	big := false
	switch in := in.(type) {
	case *tg.InputFile:
		id, parts, name, sum = in.ID, in.Parts, in.Name, in.MD5Checksum
	case *tg.InputFileBig:
		id, parts, name, big = in.ID, in.Parts, in.Name, true
	default:
		return nil, "", ErrMediaInvalid
	}
	k := uploadKey{user: a.id, id: id}
	up := w.uploads[k]
	if up == nil || up.big != big {
		return nil, "", ErrFileIDInvalid
	}
	if parts <= 0 || parts > MaxParts || (big && parts != up.total) {
		return nil, "", ErrFilePartsInvalid
	}
	var size, total int
	for i := range parts {
		p, ok := up.parts[i]
		if !ok {
			return nil, "", FilePartMissing(int(i))
		}
		if i == 0 {
			size = len(p)
			if parts > 1 && (size%1024 != 0 || MaxPartSize%size != 0) {
				return nil, "", ErrFilePartSizeInvalid
			}
		} else if i < parts-1 && len(p) != size || i == parts-1 && len(p) > size {
			return nil, "", ErrFilePartSizeInvalid
		}
		total += len(p)
	}
	if !big && total > MaxSmallFileSize {
		return nil, "", rpcErr(400, "FILE_PARTS_INVALID")
	}
	data := make([]byte, 0, total)
	for i := range parts {
		data = append(data, up.parts[i]...)
	}
	if sum != "" {
		got := md5.Sum(data)
		if hex.EncodeToString(got[:]) != sum {
			return nil, "", ErrMD5ChecksumInvalid
		}
	}
	w.dropUpload(k)
	return data, name, nil
}

// newFile stores data as a photo or document on dc.
func (w *World) newFile(dc int, data []byte, photo bool, mime string, attrs []tg.DocumentAttributeClass) (*file, error) {
	if dc == 0 {
		dc = w.cfg.DefaultDC
	}
	ref := make([]byte, 16)
	if err := w.random(ref); err != nil {
		return nil, err
	}
	w.nextFile++
	f := &file{
		id: w.nextFile, accessHash: w.randomInt64(), ref: ref, dc: dc, date: w.now(),
		data: data, photo: photo, mime: mime, attrs: attrs,
	}
	w.files[f.id] = f
	return f, nil
}

// inputMedia turns an InputMedia into stored media: uploaded photos and documents are
// assembled and stored; references to existing ones are checked (access hash and file
// reference, FILE_REFERENCE_EXPIRED after ExpireFileReference).
func (w *World) inputMedia(a *account, in tg.InputMediaClass) (*media, error) {
	switch in := in.(type) {
	case *tg.InputMediaUploadedPhoto:
		data, _, err := w.assemble(a, in.File)
		if err != nil {
			return nil, err
		}
		f, err := w.newFile(a.dc, data, true, "image/jpeg", nil)
		if err != nil {
			return nil, err
		}
		return &media{file: f, spoiler: in.Spoiler, ttl: in.TTLSeconds.Value}, nil
	case *tg.InputMediaUploadedDocument:
		data, name, err := w.assemble(a, in.File)
		if err != nil {
			return nil, err
		}
		attrs := in.Attributes
		if !hasFilename(attrs) && name != "" {
			attrs = append(attrs, &tg.DocumentAttributeFilename{FileName: name})
		}
		mime := in.MimeType
		if mime == "" {
			mime = "application/octet-stream"
		}
		var thumb []byte
		if in.Thumb != nil {
			if thumb, _, err = w.assemble(a, in.Thumb); err != nil {
				return nil, err
			}
		}
		f, err := w.newFile(a.dc, data, false, mime, attrs)
		if err != nil {
			return nil, err
		}
		f.thumb = thumb
		return &media{file: f, spoiler: in.Spoiler, ttl: in.TTLSeconds.Value}, nil
	case *tg.InputMediaPhoto:
		ip, ok := in.ID.(*tg.InputPhoto)
		if !ok {
			return nil, ErrMediaEmpty
		}
		f, err := w.lookupFile(ip.ID, ip.AccessHash, ip.FileReference, true)
		if err != nil {
			return nil, err
		}
		return &media{file: f, spoiler: in.Spoiler, ttl: in.TTLSeconds.Value}, nil
	case *tg.InputMediaDocument:
		id, ok := in.ID.(*tg.InputDocument)
		if !ok {
			return nil, ErrMediaEmpty
		}
		f, err := w.lookupFile(id.ID, id.AccessHash, id.FileReference, false)
		if err != nil {
			return nil, err
		}
		return &media{file: f, spoiler: in.Spoiler, ttl: in.TTLSeconds.Value}, nil
	case *tg.InputMediaEmpty:
		return nil, ErrMediaEmpty
	}
	return w.otherMedia(a, in)
}

func hasFilename(attrs []tg.DocumentAttributeClass) bool {
	for _, at := range attrs {
		if _, ok := at.(*tg.DocumentAttributeFilename); ok {
			return true
		}
	}
	return false
}

func (w *World) lookupFile(id, hash int64, ref []byte, photo bool) (*file, error) {
	f := w.files[id]
	if f == nil || f.accessHash != hash || f.photo != photo {
		return nil, ErrMediaInvalid
	}
	if !bytes.Equal(f.ref, ref) {
		return nil, ErrFileReferenceExpired
	}
	return f, nil
}

// tgMedia renders stored media.
func (w *World) tgMedia(viewer int64, m *media) tg.MessageMediaClass {
	if m.paid != nil {
		return w.paidMediaTG(viewer, m.paid)
	}
	if m.poll != nil {
		return &tg.MessageMediaPoll{Poll: m.poll.tg(), Results: m.poll.results(viewer)}
	}
	if m.invoice != nil {
		return w.invoiceTG(viewer, m.invoice) // webfile.go
	}
	if r := m.renderOther(); r != nil {
		return r
	}
	f := m.file
	var ttl tl.Opt[int32]
	if m.ttl != 0 {
		ttl = tl.Some(m.ttl)
	}
	if f.photo {
		return &tg.MessageMediaPhoto{Photo: f.tgPhoto(), Spoiler: m.spoiler, TTLSeconds: ttl}
	}
	return &tg.MessageMediaDocument{Document: f.tgDocument(), Spoiler: m.spoiler, TTLSeconds: ttl}
}

func (f *file) tgPhoto() *tg.Photo {
	return &tg.Photo{
		ID: f.id, AccessHash: f.accessHash, FileReference: bytes.Clone(f.ref), Date: f.date,
		Sizes: []tg.PhotoSizeClass{&tg.PhotoSize{Type: "x", W: 800, H: 600, Size: int32(len(f.data))}},
		DCID:  int32(f.dc),
	}
}

// thumbSize is the size type of a document's thumbnail.
const thumbSize = "m"

// thumbFile returns f's thumbnail of size as a file to read; LOCATION_INVALID when it has none.
func (f *file) thumbFile(size string) (*file, error) {
	if f.thumb == nil || size != thumbSize {
		return nil, ErrLocationInvalid
	}
	t := *f
	t.data, t.thumb = f.thumb, nil
	return &t, nil
}

func (f *file) tgDocument() *tg.Document {
	attrs := f.attrs
	if attrs == nil {
		attrs = []tg.DocumentAttributeClass{}
	}
	d := &tg.Document{
		ID: f.id, AccessHash: f.accessHash, FileReference: bytes.Clone(f.ref), Date: f.date,
		MimeType: f.mime, Size: int64(len(f.data)), DCID: int32(f.dc), Attributes: attrs,
	}
	if f.thumb != nil {
		d.Thumbs = []tg.PhotoSizeClass{&tg.PhotoSize{Type: thumbSize, W: 320, H: 320, Size: int32(len(f.thumb))}}
	}
	return d
}

// UploadMedia answers messages.uploadMedia: stores the media without sending it.
func (w *World) UploadMedia(key KeyID, in tg.InputMediaClass) (tg.MessageMediaClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	m, err := w.inputMedia(a, in)
	if err != nil {
		return nil, err
	}
	return w.tgMedia(a.id, m), nil
}

// GetFile answers upload.getFile with Telegram's checks: for a normal request limit is a
// multiple of 4 KiB dividing 1 MiB and offset a multiple of limit; with precise, limit and
// offset are multiples of 1 KiB, limit at most 1 MiB, and the window must not cross a 1 MiB
// boundary. A file stored on another DC answers FILE_MIGRATE_X. The answer's bytes share the
// stored file's memory (stored files never change, and the answer is only encoded): callers
// must not modify them.
func (w *World) GetFile(key KeyID, dc int, loc tg.InputFileLocationClass, offset int64, limit int32, precise bool) (*tg.UploadFile, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.authorized(key); err != nil {
		return nil, err
	}
	var f *file
	var err error
	switch loc := loc.(type) {
	case *tg.InputDocumentFileLocation:
		f, err = w.locate(loc.ID, loc.AccessHash, loc.FileReference, false)
		if err == nil && loc.ThumbSize != "" {
			f, err = f.thumbFile(loc.ThumbSize)
		}
	case *tg.InputPhotoFileLocation:
		f, err = w.locate(loc.ID, loc.AccessHash, loc.FileReference, true)
	case *tg.InputGroupCallStream:
		return w.streamChunk(key, dc, loc) // groupcall.go
	case *tg.InputEncryptedFileLocation:
		f, err = w.encryptedFileAt(loc.ID, loc.AccessHash) // secret.go
	default:
		return nil, ErrLocationInvalid
	}
	if err != nil {
		return nil, err
	}
	if dc != 0 && f.dc != dc {
		return nil, Migrate("FILE", f.dc)
	}
	if err := CheckWindow(offset, limit, precise); err != nil {
		return nil, err
	}
	var chunk []byte
	if offset < int64(len(f.data)) {
		end := min(int64(len(f.data)), offset+int64(limit))
		chunk = f.data[offset:end:end]
	} else {
		chunk = []byte{}
	}
	var typ tg.StorageFileTypeClass = &tg.StorageFilePartial{}
	if f.photo {
		typ = &tg.StorageFileJpeg{}
	}
	return &tg.UploadFile{Type: typ, Mtime: f.date, Bytes: chunk}, nil
}

// CheckWindow applies the window rules of upload.getFile and upload.getCdnFile, kept once in
// media.CheckChunk of the media module, and returns the rpc_error Telegram answers a refused
// window with: ErrLimitInvalid or ErrOffsetInvalid.
func CheckWindow(offset int64, limit int32, precise bool) error {
	switch err := mtmedia.CheckChunk(offset, limit, precise); {
	case errors.Is(err, mtmedia.ErrLimitInvalid):
		return ErrLimitInvalid
	case err != nil:
		return ErrOffsetInvalid
	}
	return nil
}

func (w *World) locate(id, hash int64, ref []byte, photo bool) (*file, error) {
	f := w.files[id]
	if f == nil || f.accessHash != hash || f.photo != photo {
		return nil, ErrLocationInvalid
	}
	if !bytes.Equal(f.ref, ref) {
		return nil, ErrFileReferenceExpired
	}
	return f, nil
}

// File returns a snapshot of stored file id.
func (w *World) File(id int64) (FileInfo, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.files[id]
	if f == nil {
		return FileInfo{}, false
	}
	return FileInfo{ID: f.id, DC: f.dc, Size: len(f.data), Photo: f.photo, Mime: f.mime, Data: bytes.Clone(f.data)}, true
}

// ExpireFileReference replaces the file_reference of file id, so requests carrying the old
// one answer FILE_REFERENCE_EXPIRED until the client refetches the message.
func (w *World) ExpireFileReference(id int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.files[id]
	if f == nil {
		return fmt.Errorf("world: expire file reference: %w", ErrFileIDInvalid)
	}
	ref := make([]byte, 16)
	if err := w.random(ref); err != nil {
		return err
	}
	f.ref = ref
	return nil
}

// MoveFile stores file id on dc, so upload.getFile elsewhere answers FILE_MIGRATE_X.
func (w *World) MoveFile(id int64, dc int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.files[id]
	if f == nil {
		return fmt.Errorf("world: move file: %w", ErrFileIDInvalid)
	}
	f.dc = dc
	return nil
}
