package services

import (
	"errors"
	"net/netip"
	"strconv"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestWebFileDC: help.getConfig names one data center for web files (the world's default DC
// when the cluster has it, else its lowest), and upload.getWebFile elsewhere answers
// FILE_MIGRATE_X with it.
func TestWebFileDC(t *testing.T) {
	tests := []struct {
		name    string
		dcs     []int
		caller  int
		webfile int
	}{
		{"default DC present", []int{1, 2, 3}, 3, 2},
		{"default DC is the caller's", []int{1, 2, 3}, 2, 2},
		{"no default DC: the lowest", []int{3, 4, 5}, 5, 3},
		{"no list: the caller's", nil, 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			var opts []DCOption
			for i, id := range tt.dcs {
				opts = append(opts, DCOption{ID: id, Addr: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(4000+i))})
			}
			h.d.SetDCs(opts)
			api := tg.NewClient(h.conn(tt.caller))
			cfg, err := api.HelpGetConfig(ctx(), &tg.HelpGetConfigRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.WebfileDCID != int32(tt.webfile) {
				t.Errorf("webfile_dc_id = %d, want %d", cfg.WebfileDCID, tt.webfile)
			}
			_, err = api.UploadGetWebFile(ctx(), &tg.UploadGetWebFileRequest{
				Location: &tg.InputWebFileLocation{URL: "https://example.com/x", AccessHash: 1}, Limit: 4096})
			var e *RPCError
			switch {
			case tt.caller != tt.webfile:
				if !errors.As(err, &e) || e.Message != "FILE_MIGRATE_"+strconv.Itoa(tt.webfile) {
					t.Errorf("getWebFile on DC %d = %v, want FILE_MIGRATE_%d", tt.caller, err, tt.webfile)
				}
			case errors.As(err, &e) && e.Code == 303:
				t.Errorf("getWebFile on the web file DC = %v, want it answered there", err)
			}
		})
	}
}
