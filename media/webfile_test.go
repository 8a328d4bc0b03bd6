package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// webServer is a fake web file data center: one file per URL, upload.getFile's window rules,
// answers encoded and decoded as over a socket, and hooks to misbehave.
type webServer struct {
	mu      sync.Mutex
	files   map[string]webContent
	dcs     map[int]int // calls per data center
	fail    int         // the next fail calls answer failErr
	failErr error
	// answer may rewrite an answer before it is sent (offset of the request).
	answer func(offset int32, a *tg.UploadWebFile)
}

type webContent struct {
	data []byte
	mime string
}

func newWebServer() *webServer {
	return &webServer{files: map[string]webContent{}, dcs: map[int]int{}}
}

func (s *webServer) pool() Pool {
	return PoolFunc(func(_ context.Context, dc int, kind Kind) (tg.Invoker, error) {
		if kind != KindMedia {
			return nil, fmt.Errorf("kind %v", kind)
		}
		return webInvoker{s: s, dc: dc}, nil
	})
}

type webInvoker struct {
	s  *webServer
	dc int
}

func (v webInvoker) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, ok := in.(*tg.UploadGetWebFileRequest)
	if !ok {
		return rpcerr.Parse(400, "METHOD_NOT_IMPLEMENTED")
	}
	s := v.s
	s.mu.Lock()
	s.dcs[v.dc]++
	if s.fail > 0 {
		s.fail--
		err := s.failErr
		s.mu.Unlock()
		return err
	}
	hook := s.answer
	loc, _ := r.Location.(*tg.InputWebFileLocation)
	var f webContent
	var found bool
	if loc != nil {
		f, found = s.files[loc.URL]
	}
	s.mu.Unlock()
	if !found || loc.AccessHash != 42 {
		return rpcerr.Parse(400, "LOCATION_INVALID")
	}
	if err := CheckChunk(int64(r.Offset), r.Limit, false); err != nil {
		if errors.Is(err, ErrLimitInvalid) {
			return rpcerr.Parse(400, "LIMIT_INVALID")
		}
		return rpcerr.Parse(400, "OFFSET_INVALID")
	}
	chunk := []byte{}
	if int(r.Offset) < len(f.data) {
		chunk = f.data[r.Offset:min(len(f.data), int(r.Offset)+int(r.Limit))]
	}
	a := &tg.UploadWebFile{Size: int32(len(f.data)), MimeType: f.mime, FileType: &tg.StorageFilePng{}, Mtime: 7, Bytes: chunk}
	if hook != nil {
		hook(r.Offset, a)
	}
	var b tl.Buffer
	if err := a.Encode(&b); err != nil {
		return err
	}
	b.ResetTo(b.Buf)
	return out.Decode(&b)
}

func pattern(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7 + i>>8)
	}
	return p
}

func webLoc(url string) Location {
	return Location{Web: &tg.InputWebFileLocation{URL: url, AccessHash: 42}}
}

func TestDownloadWeb(t *testing.T) {
	tests := []struct {
		name   string
		size   int
		chunk  int
		known  bool // the location carries the size
		wantDC int
		loc    func(Location) Location
	}{
		{name: "empty", size: 0, chunk: 4096},
		{name: "one byte", size: 1, chunk: 4096, known: true},
		{name: "exact chunks", size: 3 * 4096, chunk: 4096},
		{name: "three and a bit chunks", size: 3*4096 + 5, chunk: 4096, known: true},
		{name: "over 1 MiB", size: 1<<20 + 1, chunk: 0},
		{name: "on its own dc", size: 100, chunk: 4096, wantDC: 5, loc: func(l Location) Location { l.DC = 5; return l }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newWebServer()
			data := pattern(tt.size)
			srv.files["https://example.com/f"] = webContent{data: data, mime: "image/png"}
			c := New(srv.pool(), Options{Workers: 3, ChunkSize: tt.chunk, WebFileDC: 4, DisableCDN: true})
			loc := webLoc("https://example.com/f")
			if tt.known {
				loc.Size = int64(tt.size)
			}
			if tt.loc != nil {
				loc = tt.loc(loc)
			}
			var progress []int64
			var out bytes.Buffer
			info, err := c.DownloadWeb(context.Background(), loc, &out, WithProgress(func(p Progress) { progress = append(progress, p.Done) }))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), data) {
				t.Fatalf("downloaded %d bytes, differ from the %d served", out.Len(), len(data))
			}
			want := WebFile{Written: int64(tt.size), Size: int64(tt.size), MimeType: "image/png", Type: &tg.StorageFilePng{}, Mtime: time.Unix(7, 0)}
			if diff := cmp.Diff(want, info); diff != "" {
				t.Fatalf("info (-want +got):\n%s", diff)
			}
			if tt.size > 0 && (len(progress) == 0 || progress[len(progress)-1] != int64(tt.size)) {
				t.Fatalf("progress %v", progress)
			}
			dc := tt.wantDC
			if dc == 0 {
				dc = 4
			}
			if len(srv.dcs) != 1 || srv.dcs[dc] == 0 {
				t.Fatalf("calls per dc %v, want only dc %d", srv.dcs, dc)
			}
		})
	}
}

func TestDownloadWebFailures(t *testing.T) {
	const url = "https://example.com/f"
	tests := []struct {
		name  string
		setup func(s *webServer, loc *Location)
		is    error  // errors.Is target
		rpc   string // or the rpc error type
	}{
		{name: "unknown URL", setup: func(_ *webServer, loc *Location) { *loc = webLoc("https://example.com/none") }, rpc: "LOCATION_INVALID"},
		{name: "bad access hash", setup: func(_ *webServer, loc *Location) {
			loc.Web = &tg.InputWebFileLocation{URL: url, AccessHash: 1}
		}, rpc: "LOCATION_INVALID"},
		{name: "size differs from the document's", setup: func(_ *webServer, loc *Location) { loc.Size = 9000 }, is: ErrSizeMismatch},
		{name: "short chunk", setup: func(s *webServer, _ *Location) {
			s.answer = func(off int32, a *tg.UploadWebFile) {
				if off == 4096 {
					a.Bytes = a.Bytes[:100]
				}
			}
		}, is: ErrSizeMismatch},
		{name: "type changes", setup: func(s *webServer, _ *Location) {
			s.answer = func(off int32, a *tg.UploadWebFile) {
				if off == 8192 {
					a.MimeType = "text/html"
				}
			}
		}, is: ErrWebFileChanged},
		{name: "size changes", setup: func(s *webServer, _ *Location) {
			s.answer = func(off int32, a *tg.UploadWebFile) {
				if off == 8192 {
					a.Size++
				}
			}
		}, is: ErrWebFileChanged},
		{name: "not a web location", setup: func(_ *webServer, loc *Location) { *loc = Location{} }, is: ErrMediaNil},
		{name: "fails for good", setup: func(s *webServer, _ *Location) {
			s.fail, s.failErr = 100, rpcerr.Parse(500, "INTERNAL")
		}, rpc: "INTERNAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newWebServer()
			srv.files[url] = webContent{data: pattern(10000), mime: "image/png"}
			loc := webLoc(url)
			tt.setup(srv, &loc)
			c := New(srv.pool(), Options{Workers: 1, ChunkSize: 4096, DisableCDN: true, Retries: 2, RetryDelay: time.Nanosecond})
			_, err := c.DownloadWeb(context.Background(), loc, &bytes.Buffer{})
			switch {
			case err == nil:
				t.Fatal("no error")
			case tt.is != nil && !errors.Is(err, tt.is):
				t.Fatalf("error %v, want %v", err, tt.is)
			case tt.rpc != "" && !rpcerr.IsType(err, tt.rpc):
				t.Fatalf("error %v, want %s", err, tt.rpc)
			}
		})
	}
}

// A transient failure repeats the chunk; Range and DownloadToFile take web locations too.
func TestWebFileEveryPath(t *testing.T) {
	const url = "https://example.com/f"
	srv := newWebServer()
	data := pattern(20000)
	srv.files[url] = webContent{data: data, mime: "application/pdf"}
	srv.fail, srv.failErr = 2, rpcerr.Parse(500, "INTERNAL")
	c := New(srv.pool(), Options{Workers: 2, ChunkSize: 4096, DisableCDN: true, RetryDelay: time.Nanosecond})
	var out bytes.Buffer
	if _, err := c.Download(context.Background(), webLoc(url), &out); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("Download: %v, %d bytes", err, out.Len())
	}
	var got []byte
	for p, err := range c.Range(context.Background(), webLoc(url), 5000, 13000) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p...)
	}
	if !bytes.Equal(got, data[5000:13000]) {
		t.Fatalf("Range: %d bytes", len(got))
	}
	path := t.TempDir() + "/f.pdf"
	if n, err := c.DownloadToFile(context.Background(), webLoc(url), path); err != nil || n != int64(len(data)) {
		t.Fatalf("DownloadToFile: %d, %v", n, err)
	}
}

func TestWebLocation(t *testing.T) {
	tests := []struct {
		name string
		in   tg.WebDocumentClass
		want Location
		err  error
	}{
		{"web document", &tg.WebDocument{URL: "https://a/b", AccessHash: 5, Size: 10, MimeType: "image/png"},
			Location{Web: &tg.InputWebFileLocation{URL: "https://a/b", AccessHash: 5}, Size: 10}, nil},
		{"no proxy", &tg.WebDocumentNoProxy{URL: "https://a/b"}, Location{}, ErrNoDownloadableMedia},
		{"nil", nil, Location{}, ErrMediaNil},
		{"typed nil", (*tg.WebDocument)(nil), Location{}, ErrMediaNil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WebLocation(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestMapLocation(t *testing.T) {
	p := &tg.GeoPoint{Lat: 52.37, Long: 4.89, AccessHash: 77}
	tests := []struct {
		name              string
		p                 tg.GeoPointClass
		w, h, zoom, scale int
		ok                bool
	}{
		{"smallest", p, 16, 16, 13, 1, true},
		{"largest", p, 1024, 1024, 20, 3, true},
		{"too narrow", p, 15, 100, 15, 1, false},
		{"too tall", p, 100, 1025, 15, 1, false},
		{"zoom 12", p, 100, 100, 12, 1, false},
		{"zoom 21", p, 100, 100, 21, 1, false},
		{"scale 0", p, 100, 100, 15, 0, false},
		{"scale 4", p, 100, 100, 15, 4, false},
		{"empty point", &tg.GeoPointEmpty{}, 100, 100, 15, 1, false},
		{"off the globe", &tg.GeoPoint{Lat: 91}, 100, 100, 15, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MapLocation(tt.p, tt.w, tt.h, tt.zoom, tt.scale)
			if !tt.ok {
				if !errors.Is(err, ErrMapInvalid) {
					t.Fatalf("error %v, want ErrMapInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := &tg.InputWebFileGeoPointLocation{GeoPoint: &tg.InputGeoPoint{Lat: 52.37, Long: 4.89}, AccessHash: 77,
				W: int32(tt.w), H: int32(tt.h), Zoom: int32(tt.zoom), Scale: int32(tt.scale)}
			if diff := cmp.Diff(Location{Web: want}, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func webAnswers(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"chunk": encode(t, &tg.UploadWebFile{Size: 9000, MimeType: "image/jpeg", FileType: &tg.StorageFileJpeg{}, Mtime: 3, Bytes: bytes.Repeat([]byte{4}, 3000)}),
		"empty": encode(t, &tg.UploadWebFile{Size: 0, MimeType: "", FileType: &tg.StorageFileUnknown{}, Bytes: []byte{}}),
	}
}

// webAnswer decodes what the generated decoder decodes, aliased or copied.
func TestWebAnswerMatchesGeneratedDecoder(t *testing.T) {
	for name, raw := range webAnswers(t) {
		t.Run(name, func(t *testing.T) {
			var gen tl.Buffer
			gen.ResetTo(raw)
			want := new(tg.UploadWebFile)
			if err := want.Decode(&gen); err != nil {
				t.Fatal(err)
			}
			for _, alias := range []bool{false, true} {
				var b tl.Buffer
				b.ResetTo(raw)
				if alias {
					b.Alias(1024)
				}
				a := webAnswer{limit: 4096}
				if err := a.Decode(&b); err != nil || b.Len() != 0 {
					t.Fatalf("err %v, %d bytes left", err, b.Len())
				}
				got := &tg.UploadWebFile{Size: a.size, MimeType: a.mime, FileType: a.typ, Mtime: a.mtime, Bytes: a.data}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("alias %v (-generated +ours):\n%s", alias, diff)
				}
			}
		})
	}
	var b tl.Buffer
	b.ResetTo(webAnswers(t)["chunk"])
	if err := (&webAnswer{limit: 2048}).Decode(&b); !errors.Is(err, ErrChunkTooLarge) {
		t.Fatalf("chunk over the limit: %v", err)
	}
	b.ResetTo(answers(t)["file"])
	if err := (&webAnswer{limit: 4096}).Decode(&b); err == nil {
		t.Fatal("upload.file decoded as upload.webFile")
	}
	raw := webAnswers(t)["chunk"]
	for n := range len(raw) - 1 {
		b.ResetTo(raw[:n])
		if err := (&webAnswer{limit: 4096}).Decode(&b); err == nil {
			t.Fatalf("a %d-byte prefix decoded", n)
		}
	}
}

func FuzzWebAnswer(f *testing.F) {
	for _, raw := range webAnswers(f) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var b tl.Buffer
		b.ResetTo(raw)
		a := webAnswer{buf: make([]byte, 0, 2048)}
		if err := a.Decode(&b); err == nil && (len(a.data) > 2048 || a.size < 0) {
			t.Fatalf("accepted %d bytes, size %d", len(a.data), a.size)
		}
	})
}
