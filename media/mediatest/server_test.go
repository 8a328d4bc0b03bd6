package mediatest

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"testing"

	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The server is driven through its invokers like a real one.
func TestUsage(t *testing.T) {
	s := New(Options{})
	ctx := context.Background()
	inv := s.Invoker(2, media.KindMedia)
	var ok tg.BoolBox
	if err := inv.Invoke(ctx, &tg.UploadSaveFilePartRequest{FileID: 1, FilePart: 0, Bytes: []byte("abc")}, &ok); err != nil || !ok.Bool {
		t.Fatalf("save: %v %v", ok.Bool, err)
	}
	sum := md5.Sum([]byte("abc"))
	data, err := s.Uploaded(&tg.InputFile{ID: 1, Parts: 1, MD5Checksum: hex.EncodeToString(sum[:])})
	if err != nil || string(data) != "abc" {
		t.Fatalf("uploaded %q %v", data, err)
	}
	f := s.AddFile(data)
	var res tg.UploadFileClassBox
	err = inv.Invoke(ctx, &tg.UploadGetFileRequest{Location: s.Location(f).Input, Offset: 0, Limit: 4096}, &res)
	if err != nil || string(res.UploadFile.(*tg.UploadFile).Bytes) != "abc" {
		t.Fatalf("getFile: %v", err)
	}
}

func rpcType(err error) string {
	if e, ok := rpcerr.As(err); ok {
		return e.Message
	}
	return "not rpc: " + errString(err)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestCheckWindow(t *testing.T) {
	tests := []struct {
		offset  int64
		limit   int32
		precise bool
		want    string
	}{
		{0, 1 << 20, false, ""},
		{1 << 20, 512 << 10, false, ""},
		{4096, 4096, false, ""},
		{0, 2 << 20, false, "LIMIT_INVALID"},
		{0, 1000, false, "LIMIT_INVALID"},
		{0, 12 << 10, false, "LIMIT_INVALID"}, // multiple of 4 KiB, does not divide 1 MiB
		{4096, 8192, false, "OFFSET_INVALID"},
		{-4096, 4096, false, "OFFSET_INVALID"},
		{1024, 3072, true, ""},
		{1<<20 - 1024, 2048, true, "OFFSET_INVALID"}, // crosses 1 MiB
		{512, 1024, true, "OFFSET_INVALID"},
	}
	for _, tt := range tests {
		err := CheckWindow(tt.offset, tt.limit, tt.precise)
		got := ""
		if err != nil {
			got = rpcType(err)
		}
		if got != tt.want {
			t.Errorf("%+v: %q", tt, got)
		}
	}
}

func TestUploadRules(t *testing.T) {
	s := New(Options{MaxParts: 10})
	ctx := context.Background()
	inv := s.Invoker(2, media.KindMedia)
	save := func(id int64, part int32, n int) error {
		var ok tg.BoolBox
		return inv.Invoke(ctx, &tg.UploadSaveFilePartRequest{FileID: id, FilePart: part, Bytes: make([]byte, n)}, &ok)
	}
	saveBig := func(id int64, part, total int32, n int) error {
		var ok tg.BoolBox
		return inv.Invoke(ctx, &tg.UploadSaveBigFilePartRequest{FileID: id, FilePart: part, FileTotalParts: total, Bytes: make([]byte, n)}, &ok)
	}
	checks := []struct {
		err  error
		want string
	}{
		{save(1, 0, 0), "FILE_PART_EMPTY"},
		{save(1, 0, 512<<10+1), "FILE_PART_TOO_BIG"},
		{save(1, 10, 5), "FILE_PART_INVALID"},
		{save(1, -1, 5), "FILE_PART_INVALID"},
		{saveBig(2, 3, 3, 1024), "FILE_PARTS_INVALID"},
		{saveBig(2, 0, 0, 1024), "FILE_PARTS_INVALID"},
		{saveBig(2, 0, -1, 1024), ""}, // streamed: total unknown yet
		{saveBig(2, 1, 2, 10), ""},
		{saveBig(2, 1, 3, 10), "FILE_PARTS_INVALID"}, // total changed
		{save(2, 2, 10), "FILE_ID_INVALID"},          // small part for a big file
		{save(3, 0, 1024), ""},
		{save(3, 0, 2048), "FILE_PART_SIZE_CHANGED"},
	}
	for i, c := range checks {
		got := ""
		if c.err != nil {
			got = rpcType(c.err)
		}
		if got != c.want {
			t.Errorf("check %d: %q, want %q", i, got, c.want)
		}
	}
	if data, err := s.Uploaded(&tg.InputFileBig{ID: 2, Parts: 2}); err != nil || len(data) != 1034 {
		t.Fatalf("big: %d %v", len(data), err)
	}
	// Missing parts, irregular sizes and bad checksums are refused.
	_ = save(4, 0, 1024)
	_ = save(4, 2, 1024)
	if _, err := s.Uploaded(&tg.InputFile{ID: 4, Parts: 3}); err == nil {
		t.Fatal("missing part accepted")
	}
	_ = save(5, 0, 1000)
	_ = save(5, 1, 10)
	if _, err := s.Uploaded(&tg.InputFile{ID: 5, Parts: 2}); rpcType(err) != "FILE_PART_SIZE_INVALID" {
		t.Fatalf("part size not a multiple of 1 KiB: %v", err)
	}
	_ = save(6, 0, 10)
	if _, err := s.Uploaded(&tg.InputFile{ID: 6, Parts: 1, MD5Checksum: "00"}); rpcType(err) != "MD5_CHECKSUM_INVALID" {
		t.Fatalf("md5: %v", err)
	}
}

func TestFaultsAndMigration(t *testing.T) {
	s := New(Options{})
	f := s.AddFile(make([]byte, 10), OnDC(4))
	ctx := context.Background()
	var res tg.UploadFileClassBox
	req := &tg.UploadGetFileRequest{Location: s.Location(f).Input, Limit: 4096}
	err := s.Invoker(2, media.KindMedia).Invoke(ctx, req, &res)
	if dc, ok := rpcerr.MigrateDC(err); !ok || dc != 4 {
		t.Fatalf("err = %v", err)
	}
	s.Fail("upload.getFile", -1, 2, RPCError(500, "X"))
	inv := s.Invoker(4, media.KindMedia)
	for i, want := range []bool{false, false, true} {
		if err := inv.Invoke(ctx, req, &res); (err == nil) != want {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if s.Calls("upload.getFile") != 4 {
		t.Fatalf("calls = %d", s.Calls("upload.getFile"))
	}
	s.ExpireReference(f.ID)
	if err := inv.Invoke(ctx, req, &res); rpcType(err) != "FILE_REFERENCE_EXPIRED" {
		t.Fatalf("expired: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := inv.Invoke(cctx, req, &res); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if err := s.Invoker(203, media.KindCDN).Invoke(ctx, req, &res); rpcType(err) != "CDN_METHOD_INVALID" {
		t.Fatalf("getFile on a cdn: %v", err)
	}
}
