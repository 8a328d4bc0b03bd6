// Package mediatest is an in-process fake of Telegram's file servers for testing media
// transfers: upload.saveFilePart / saveBigFilePart with the part rules, upload.getFile with the
// offset and limit rules, files stored on chosen data centers (FILE_MIGRATE_X elsewhere), CDN
// data centers serving encrypted parts with hashes (good or tampered, reupload requests,
// expiring tokens), file references that expire on demand, and scripted failures.
//
// Server.Pool implements media.Pool. Every call goes through the real TL encoders: the answer
// is encoded and decoded into the caller's result, as over a connection.
package mediatest

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Limits enforced by the server (Telegram's documented values).
const (
	MaxPartSize    = 512 << 10
	SmallFileLimit = 10 << 20
	MaxChunk       = media.MaxChunkSize
	HashBlock      = 128 << 10
	// hashesPerAnswer is how many block hashes upload.getCdnFileHashes returns at once.
	hashesPerAnswer = 8
)

// Options configures a Server.
type Options struct {
	// HomeDC is the data center that stores uploads and answers dc 0 (default 2).
	HomeDC int
	// Latency delays every call (it is a round trip), respecting the caller's context.
	Latency time.Duration
	// MaxParts is the upload part limit (default 4000).
	MaxParts int
	// RedirectHashes is how many block hashes a CDN redirect carries (default 2); the rest come
	// from upload.getCdnFileHashes.
	RedirectHashes int
	// DiscardUploads checks upload parts but does not keep their bytes (for benchmarks and
	// memory tests); Uploaded then only checks the part count.
	DiscardUploads bool
	// AliasAnswers delivers every answer as MTGo's session does: copied into memory of its
	// own and decoded with long byte strings as slices of it (tl.Buffer.Alias, 4 KiB and
	// more). Otherwise decoded values never alias the answer.
	AliasAnswers bool
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	opt Options

	mu       sync.Mutex
	files    map[int64]*File
	tokens   map[string]*File // CDN file token -> file
	uploads  map[int64]*upload
	nextID   int64
	faults   []*fault
	calls    map[string]int
	inflight int
	peak     int
	hook     func(Call)
}

// File is a stored file.
type File struct {
	ID         int64
	AccessHash int64
	DC         int
	Data       []byte

	ref      []byte
	cdnDC    int      // 0: served by its data center
	cdn      *CDNFile // the CDN's copy when cdnDC != 0
	reupload int      // CDN answers still asking for a reupload
}

// FileOption configures AddFile.
type FileOption func(*File)

// OnDC stores the file on data center dc; the others answer FILE_MIGRATE_dc.
func OnDC(dc int) FileOption { return func(f *File) { f.DC = dc } }

// ViaCDN serves the file through CDN data center dc: upload.getFile answers
// upload.fileCdnRedirect when the client supports CDNs.
func ViaCDN(dc int) FileOption { return func(f *File) { f.cdnDC = dc } }

type upload struct {
	big   bool
	total int32 // declared file_total_parts (big files), 0 until known
	parts map[int32][]byte
}

// New returns an empty server.
func New(opt Options) *Server {
	if opt.HomeDC == 0 {
		opt.HomeDC = 2
	}
	if opt.MaxParts == 0 {
		opt.MaxParts = 4000
	}
	if opt.RedirectHashes == 0 {
		opt.RedirectHashes = 2
	}
	return &Server{
		opt: opt, files: map[int64]*File{}, tokens: map[string]*File{}, uploads: map[int64]*upload{},
		calls: map[string]int{},
	}
}

// AddFile stores data (not copied) and returns the file.
func (s *Server) AddFile(data []byte, opts ...FileOption) *File {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	f := &File{ID: s.nextID, AccessHash: s.nextID*7919 + 1, DC: s.opt.HomeDC, Data: data, ref: randBytes(8)}
	for _, o := range opts {
		o(f)
	}
	if f.cdnDC != 0 {
		f.cdn, _ = NewCDNFile(data, rand.Reader) // crypto/rand never fails
		s.tokens[string(f.cdn.Token())] = f
	}
	s.files[f.ID] = f
	return f
}

// Location returns the download location of f with its current file reference.
func (s *Server) Location(f *File) media.Location {
	s.mu.Lock()
	defer s.mu.Unlock()
	return media.Location{DC: f.DC, Size: int64(len(f.Data)), Input: s.input(f)}
}

func (s *Server) input(f *File) *tg.InputDocumentFileLocation {
	return &tg.InputDocumentFileLocation{ID: f.ID, AccessHash: f.AccessHash, FileReference: bytes.Clone(f.ref)}
}

// Refresher returns a media.Refresher that answers with the current reference of the file the
// expired location names, as a client re-fetching the message would.
func (s *Server) Refresher() media.Refresher {
	return func(_ context.Context, old tg.InputFileLocationClass) (tg.InputFileLocationClass, error) {
		loc, ok := old.(*tg.InputDocumentFileLocation)
		if !ok {
			return nil, fmt.Errorf("mediatest: cannot refresh %T", old)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		f := s.files[loc.ID]
		if f == nil {
			return nil, fmt.Errorf("mediatest: no file %d", loc.ID)
		}
		return s.input(f), nil
	}
}

// ExpireReference gives file id a new file reference: requests with the old one answer
// FILE_REFERENCE_EXPIRED.
func (s *Server) ExpireReference(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[id]; f != nil {
		f.ref = randBytes(8)
	}
}

// TamperCDN makes the CDN serve the block containing offset of file id corrupted (its hash
// stays the hash of the good data).
func (s *Server) TamperCDN(id int64, offset int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[id]; f != nil && f.cdn != nil {
		f.cdn.Tamper(offset)
	}
}

// TruncateCDN makes the CDN serve file id as if it ended at offset: answers stop there, and
// those from offset on are empty. The master data center's hashes still cover the whole file.
func (s *Server) TruncateCDN(id int64, offset int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[id]; f != nil && f.cdn != nil {
		f.cdn.Truncate(offset)
	}
}

// RequireReupload makes the next n upload.getCdnFile calls for file id answer
// upload.cdnFileReuploadNeeded; upload.reuploadCdnFile accepts the request token they carry.
func (s *Server) RequireReupload(id int64, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[id]; f != nil {
		f.reupload = n
	}
}

// ExpireCDNToken invalidates the CDN token of file id: upload.getCdnFile answers
// FILE_TOKEN_INVALID and the next redirect carries a new token.
func (s *Server) ExpireCDNToken(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[id]; f != nil && f.cdn != nil {
		delete(s.tokens, string(f.cdn.Token()))
		_ = f.cdn.NewToken(rand.Reader) // crypto/rand never fails
		s.tokens[string(f.cdn.Token())] = f
	}
}

// Call describes one request, for hooks and fault matching.
type Call struct {
	DC     int
	Kind   media.Kind
	Method string // TL name, e.g. "upload.getFile"
	FileID int64  // upload file id or stored file id
	Part   int    // file_part of uploads, -1 otherwise
	Total  int32  // file_total_parts of upload.saveBigFilePart, 0 otherwise
	Offset int64  // offset of downloads, -1 otherwise
}

// OnCall sets a function run at the start of every call (before faults and latency).
func (s *Server) OnCall(fn func(Call)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = fn
}

// Calls returns how many calls of method (TL name) the server received.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// PeakInFlight returns the most calls that were being served at once.
func (s *Server) PeakInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// fault is a scripted failure.
type fault struct {
	method string
	part   int   // -1 any
	offset int64 // -1 any
	left   int   // calls still to fail, -1 forever
	err    error
}

// Fail makes the next times calls of method (TL name) for upload part part (-1: any part)
// fail with err; times < 0 fails them forever.
func (s *Server) Fail(method string, part, times int, err error) {
	s.addFault(&fault{method: method, part: part, offset: -1, left: times, err: err})
}

// FailOffset makes the next times calls of method at download offset offset fail with err;
// times < 0 fails them forever.
func (s *Server) FailOffset(method string, offset int64, times int, err error) {
	s.addFault(&fault{method: method, part: -1, offset: offset, left: times, err: err})
}

func (s *Server) addFault(f *fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// RPCError returns the error an rpc_error answer with code and message becomes.
func RPCError(code int, message string) error { return rpcerr.Parse(code, message) }

// Pool returns the server as a media.Pool.
func (s *Server) Pool() media.Pool {
	return media.PoolFunc(func(_ context.Context, dc int, kind media.Kind) (tg.Invoker, error) {
		if dc == 0 {
			dc = s.opt.HomeDC
		}
		return &invoker{s: s, dc: dc, kind: kind}, nil
	})
}

// Invoker returns the invoker of data center dc (for use without the pool).
func (s *Server) Invoker(dc int, kind media.Kind) tg.Invoker {
	return &invoker{s: s, dc: dc, kind: kind}
}

type invoker struct {
	s    *Server
	dc   int
	kind media.Kind
}

// Invoke serves one call: hook, latency, scripted faults, then the method; the answer is
// encoded and decoded into out.
func (v *invoker) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s := v.s
	c := describe(v.dc, v.kind, in)
	s.mu.Lock()
	s.calls[c.Method]++
	s.inflight++
	s.peak = max(s.peak, s.inflight)
	hook := s.hook
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
	}()
	if hook != nil {
		hook(c)
	}
	if s.opt.Latency > 0 {
		t := time.NewTimer(s.opt.Latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	if err := s.injected(c); err != nil {
		return err
	}
	res, err := s.serve(v, in)
	if err != nil {
		return err
	}
	b := encodePool.Get().(*tl.Buffer)
	defer encodePool.Put(b)
	b.Reset()
	if err := res.Encode(b); err != nil {
		return fmt.Errorf("mediatest: encode answer: %w", err)
	}
	if s.opt.AliasAnswers {
		var own tl.Buffer
		own.ResetTo(bytes.Clone(b.Buf))
		own.Alias(aliasMin)
		return out.Decode(&own)
	}
	b.ResetTo(b.Buf)
	return out.Decode(b)
}

// aliasMin is the shortest byte string AliasAnswers decodes in place (the session's).
const aliasMin = 4 << 10

// encodePool recycles answer buffers, so the server's own garbage does not hide the client's
// in memory measurements. Decoded values never alias a tl.Buffer's bytes.
var encodePool = sync.Pool{New: func() any { return new(tl.Buffer) }}

func describe(dc int, kind media.Kind, in tl.Encoder) Call {
	c := Call{DC: dc, Kind: kind, Part: -1, Offset: -1}
	if o, ok := in.(tl.Object); ok {
		c.Method = o.TypeName()
	}
	switch r := in.(type) {
	case *tg.UploadSaveFilePartRequest:
		c.FileID, c.Part = r.FileID, int(r.FilePart)
	case *tg.UploadSaveBigFilePartRequest:
		c.FileID, c.Part, c.Total = r.FileID, int(r.FilePart), r.FileTotalParts
	case *tg.UploadGetFileRequest:
		c.Offset = r.Offset
		if l, ok := r.Location.(*tg.InputDocumentFileLocation); ok {
			c.FileID = l.ID
		}
	case *tg.UploadGetCdnFileRequest:
		c.Offset = r.Offset
	case *tg.UploadGetCdnFileHashesRequest:
		c.Offset = r.Offset
	}
	return c
}

func (s *Server) injected(c Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.left == 0 || (f.method != "" && f.method != c.Method) ||
			(f.part >= 0 && f.part != c.Part) || (f.offset >= 0 && f.offset != c.Offset) {
			continue
		}
		if f.left > 0 {
			f.left--
		}
		return f.err
	}
	return nil
}

var (
	errPartInvalid     = RPCError(400, "FILE_PART_INVALID")
	errPartEmpty       = RPCError(400, "FILE_PART_EMPTY")
	errPartTooBig      = RPCError(400, "FILE_PART_TOO_BIG")
	errPartsInvalid    = RPCError(400, "FILE_PARTS_INVALID")
	errPartSizeInvalid = RPCError(400, "FILE_PART_SIZE_INVALID")
	errPartSizeChanged = RPCError(400, "FILE_PART_SIZE_CHANGED")
	errFileIDInvalid   = RPCError(400, "FILE_ID_INVALID")
	errMD5Invalid      = RPCError(400, "MD5_CHECKSUM_INVALID")
	errLimitInvalid    = RPCError(400, "LIMIT_INVALID")
	errOffsetInvalid   = RPCError(400, "OFFSET_INVALID")
	errLocationInvalid = RPCError(400, "LOCATION_INVALID")
	errRefExpired      = RPCError(400, "FILE_REFERENCE_EXPIRED")
	errTokenInvalid    = RPCError(400, "FILE_TOKEN_INVALID")
	errCDNMethod       = RPCError(400, "CDN_METHOD_INVALID")
	errMethodInvalid   = RPCError(400, "METHOD_INVALID")
)

func (s *Server) serve(v *invoker, in tl.Encoder) (tl.Encoder, error) {
	if v.kind == media.KindCDN {
		if r, ok := in.(*tg.UploadGetCdnFileRequest); ok {
			return s.getCdnFile(r)
		}
		return nil, errCDNMethod
	}
	switch r := in.(type) {
	case *tg.UploadSaveFilePartRequest:
		return s.savePart(r.FileID, r.FilePart, 0, false, r.Bytes)
	case *tg.UploadSaveBigFilePartRequest:
		return s.savePart(r.FileID, r.FilePart, r.FileTotalParts, true, r.Bytes)
	case *tg.UploadGetFileRequest:
		return s.getFile(v.dc, r)
	case *tg.UploadGetCdnFileHashesRequest:
		return s.cdnHashes(r.FileToken, r.Offset)
	case *tg.UploadReuploadCdnFileRequest:
		return s.reuploadCdnFile(r)
	case *tg.UploadGetCdnFileRequest:
		return nil, errCDNMethod
	}
	return nil, errMethodInvalid
}

func (s *Server) savePart(id int64, part, total int32, big bool, data []byte) (tl.Encoder, error) {
	switch {
	case part < 0 || int(part) >= s.opt.MaxParts:
		return nil, errPartInvalid
	case len(data) == 0:
		return nil, errPartEmpty
	case len(data) > MaxPartSize:
		return nil, errPartTooBig
	case big && (total == 0 || total < -1 || int(total) > s.opt.MaxParts || (total > 0 && part >= total)):
		return nil, errPartsInvalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	up := s.uploads[id]
	if up == nil {
		up = &upload{big: big, parts: map[int32][]byte{}}
		s.uploads[id] = up
	}
	if up.big != big {
		return nil, errFileIDInvalid
	}
	if big && total > 0 {
		if up.total > 0 && up.total != total {
			return nil, errPartsInvalid
		}
		up.total = total
	}
	if prev, ok := up.parts[part]; ok && !s.opt.DiscardUploads && len(prev) != len(data) {
		return nil, errPartSizeChanged
	}
	if s.opt.DiscardUploads {
		up.parts[part] = nil
	} else {
		up.parts[part] = bytes.Clone(data)
	}
	return &tg.BoolBox{Bool: true}, nil
}

// Uploaded assembles the file in (as messages.sendMedia would), checking that every part is
// there, that all parts but the last share one size that is a multiple of 1 KiB dividing
// 512 KiB, the 10 MiB limit of small files and their md5.
func (s *Server) Uploaded(in tg.InputFileClass) ([]byte, error) {
	var id int64
	var parts int32
	var sum string
	big := false
	switch in := in.(type) {
	case *tg.InputFile:
		id, parts, sum = in.ID, in.Parts, in.MD5Checksum
	case *tg.InputFileBig:
		id, parts, big = in.ID, in.Parts, true
	default:
		return nil, fmt.Errorf("mediatest: input file %T", in)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	up := s.uploads[id]
	if up == nil || up.big != big {
		return nil, errFileIDInvalid
	}
	if parts <= 0 || int(parts) > s.opt.MaxParts || (big && up.total != parts) || len(up.parts) != int(parts) {
		return nil, errPartsInvalid
	}
	if s.opt.DiscardUploads {
		return nil, nil
	}
	var out []byte
	size := 0
	for i := range parts {
		p, ok := up.parts[i]
		if !ok {
			return nil, RPCError(400, fmt.Sprintf("FILE_PART_%d_MISSING", i))
		}
		switch {
		case i == 0:
			size = len(p)
			if parts > 1 && (size%1024 != 0 || MaxPartSize%size != 0) {
				return nil, errPartSizeInvalid
			}
		case i < parts-1 && len(p) != size, i == parts-1 && len(p) > size:
			return nil, errPartSizeInvalid
		}
		out = append(out, p...)
	}
	if !big && len(out) > SmallFileLimit {
		return nil, errPartsInvalid
	}
	if !big {
		got := md5.Sum(out)
		if hex.EncodeToString(got[:]) != sum {
			return nil, errMD5Invalid
		}
	}
	return out, nil
}

// CheckWindow applies upload.getFile's window rules (media.CheckChunk) and returns the
// rpc_error Telegram answers a refused window with: LIMIT_INVALID or OFFSET_INVALID.
func CheckWindow(offset int64, limit int32, precise bool) error {
	switch err := media.CheckChunk(offset, limit, precise); {
	case errors.Is(err, media.ErrLimitInvalid):
		return errLimitInvalid
	case err != nil:
		return errOffsetInvalid
	}
	return nil
}

func (s *Server) getFile(dc int, r *tg.UploadGetFileRequest) (tl.Encoder, error) {
	loc, ok := r.Location.(*tg.InputDocumentFileLocation)
	if !ok {
		return nil, errLocationInvalid
	}
	if err := CheckWindow(r.Offset, r.Limit, r.Precise); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[loc.ID]
	if f == nil || f.AccessHash != loc.AccessHash {
		return nil, errLocationInvalid
	}
	if f.DC != dc {
		return nil, RPCError(303, fmt.Sprintf("FILE_MIGRATE_%d", f.DC))
	}
	if !bytes.Equal(f.ref, loc.FileReference) {
		return nil, errRefExpired
	}
	if f.cdn != nil && r.CdnSupported {
		return &tg.UploadFileClassBox{UploadFile: f.cdn.Redirect(f.cdnDC, s.opt.RedirectHashes)}, nil
	}
	return &tg.UploadFileClassBox{UploadFile: &tg.UploadFile{
		Type: &tg.StorageFilePartial{}, Mtime: 1, Bytes: window(f.Data, r.Offset, r.Limit),
	}}, nil
}

func window(data []byte, offset int64, limit int32) []byte {
	if offset >= int64(len(data)) {
		return []byte{}
	}
	return data[offset:min(int64(len(data)), offset+int64(limit))]
}

func (s *Server) getCdnFile(r *tg.UploadGetCdnFileRequest) (tl.Encoder, error) {
	if err := CheckWindow(r.Offset, r.Limit, false); err != nil {
		return nil, err
	}
	s.mu.Lock()
	f := s.tokens[string(r.FileToken)]
	if f == nil {
		s.mu.Unlock()
		return nil, errTokenInvalid
	}
	if f.reupload > 0 {
		f.reupload--
		s.mu.Unlock()
		return &tg.UploadCdnFileClassBox{UploadCdnFile: &tg.UploadCdnFileReuploadNeeded{RequestToken: reuploadToken(f)}}, nil
	}
	enc, err := f.cdn.Part(r.Offset, r.Limit)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return &tg.UploadCdnFileClassBox{UploadCdnFile: &tg.UploadCdnFile{Bytes: enc}}, nil
}

func (s *Server) cdnHashes(token []byte, offset int64) (tl.Encoder, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.tokens[string(token)]
	if f == nil {
		return nil, errTokenInvalid
	}
	return &tg.FileHashVector{Elems: f.cdn.Hashes(offset, hashesPerAnswer)}, nil
}

func (s *Server) reuploadCdnFile(r *tg.UploadReuploadCdnFileRequest) (tl.Encoder, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.tokens[string(r.FileToken)]
	if f == nil {
		return nil, errTokenInvalid
	}
	if !bytes.Equal(r.RequestToken, reuploadToken(f)) {
		return nil, RPCError(400, "REQUEST_TOKEN_INVALID")
	}
	return &tg.FileHashVector{Elems: f.cdn.Hashes(0, hashesPerAnswer)}, nil
}

// reuploadToken is the request token of upload.cdnFileReuploadNeeded for f.
func reuploadToken(f *File) []byte { return append([]byte("re:"), f.cdn.Token()...) }

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return b
}
