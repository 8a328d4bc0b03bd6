package mtgo_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/broadcast/rtmptest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
)

// groupCallWorld is a harness with a channel owned by Ann (an admin) with Bob as a member.
func groupCallWorld(t *testing.T) (h *harness, ann, bob *testClient, chat string) {
	t.Helper()
	h = newHarness(t)
	ann, annU := h.loggedInUser(t, "Ann", "15557001")
	bob, bobU := h.loggedInUser(t, "Bob", "15557002")
	if _, err := h.w.CreateChannel(annU.ID, world.ChannelSpec{
		Title: "Live", Username: "gc_live", Megagroup: true, Members: []int64{bobU.ID},
	}); err != nil {
		t.Fatal(err)
	}
	return h, ann, bob, "@gc_live"
}

func TestE2EGroupCallLifecycle(t *testing.T) {
	_, ann, bob, chat := groupCallWorld(t)
	ctx := ctxT(t)

	if _, err := ann.GetActiveCall(ctx, chat); !errors.Is(err, mtgo.ErrNoActiveCall) {
		t.Fatalf("GetActiveCall before any call = %v, want ErrNoActiveCall", err)
	}
	if _, err := bob.CreateCall(ctx, chat); !rpcerr.IsType(err, "CHAT_ADMIN_REQUIRED") {
		t.Fatalf("a member creating a call = %v, want CHAT_ADMIN_REQUIRED", err)
	}
	call, err := ann.CreateCall(ctx, chat, mtgo.WithRTMPStream(), mtgo.WithCallTitle("Launch"))
	if err != nil {
		t.Fatal(err)
	}
	if !call.RTMPStream || call.Title != "Launch" || !call.Creator {
		t.Errorf("created call %+v", call)
	}
	if _, err := ann.CreateCall(ctx, chat); !rpcerr.IsType(err, "GROUPCALL_ALREADY_STARTED") {
		t.Fatalf("a second call = %v, want GROUPCALL_ALREADY_STARTED", err)
	}
	seen, err := bob.GetActiveCall(ctx, chat)
	if err != nil {
		t.Fatal(err)
	}
	if seen.ID != call.ID || seen.Creator {
		t.Errorf("Bob sees %+v, want call %d not created by him", seen, call.ID)
	}
	if err := bob.JoinCall(ctx, seen); err != nil {
		t.Fatal(err)
	}
	if err := ann.EditCallTitle(ctx, call, "Launch day"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for p, err := range ann.GetCallParticipants(ctx, call, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if p.User != nil {
			names = append(names, p.User.FirstName)
		}
		if !p.Muted {
			t.Errorf("a live stream's listener is not muted: %+v", p)
		}
	}
	if strings.Join(names, ",") != "Bob" {
		t.Errorf("participants %v, want [Bob]", names)
	}
	now, err := ann.GetCall(ctx, call)
	if err != nil {
		t.Fatal(err)
	}
	if now.Title != "Launch day" || now.ParticipantsCount != 1 {
		t.Errorf("call after edit and join: %+v", now)
	}
	if err := bob.LeaveCall(ctx, seen); err != nil {
		t.Fatal(err)
	}
	if err := bob.EndCall(ctx, seen); !rpcerr.IsType(err, "CHAT_ADMIN_REQUIRED") {
		t.Fatalf("a member ending the call = %v", err)
	}
	if err := ann.EndCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.GetActiveCall(ctx, chat); !errors.Is(err, mtgo.ErrNoActiveCall) {
		t.Fatalf("GetActiveCall after the end = %v", err)
	}
}

func TestE2ECallReaderReadsChunks(t *testing.T) {
	h, ann, bob, chat := groupCallWorld(t)
	ctx := ctxT(t)
	if _, err := ann.CreateCall(ctx, chat, mtgo.WithRTMPStream()); err != nil {
		t.Fatal(err)
	}
	// Ten seconds of stream exist.
	h.now.Add(int64(10 * time.Second))

	r, err := bob.NewCallReader(ctx, chat, mtgo.CallReaderFrom(0))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := r.Save(ctx, &buf, 4*time.Second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), world.CallStreamFixture()) {
		t.Errorf("4 chunks from 0 = %d bytes, want the %d-byte fixture in order", buf.Len(), len(world.CallStreamFixture()))
	}
	if got := r.Position(); got != 4*time.Second {
		t.Errorf("position %v, want 4s", got)
	}
	// The bytes are the stream's container: ffprobe decodes them.
	t.Run("ffprobe", func(t *testing.T) {
		rtmptest.Tools(t)
		path := filepath.Join(t.TempDir(), "stream.ts")
		r2, err := bob.NewCallReader(ctx, chat, mtgo.CallReaderFrom(0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r2.SaveFile(ctx, path, 4*time.Second); err != nil {
			t.Fatal(err)
		}
		if codecs, dur := rtmptest.Probe(t, path); strings.Join(codecs, ",") != "h264,aac" || dur < time.Second {
			t.Errorf("ffprobe: %v of %v, want about 2s of h264,aac", dur, codecs)
		}
	})
	// Reading at the present: the next chunk is the one of second 10.
	live, err := bob.NewCallReader(ctx, chat)
	if err != nil {
		t.Fatal(err)
	}
	if got := live.Position(); got != 10*time.Second {
		t.Errorf("live reader at %v, want 10s", got)
	}
	if err := live.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(ctx); err != nil && !rpcerr.IsType(err, "GROUPCALL_JOIN_MISSING") {
		t.Fatal(err)
	}
}

func TestE2EBroadcastStreamErrors(t *testing.T) {
	_, ann, _, chat := groupCallWorld(t)
	s, err := ann.NewBroadcastStream(chat)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctxT(t)); !errors.Is(err, mtgo.ErrNoInputSource) {
		t.Fatalf("Play without a source = %v", err)
	}
	if err := s.SetSource(mtgo.BroadcastFile("in.mp4")); err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctxT(t)); !errors.Is(err, mtgo.ErrNoRTMPURL) {
		t.Fatalf("Play without an endpoint = %v", err)
	}
	if err := s.FetchRTMPURL(ctxT(t), false); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	if err := s.Play(ctxT(t)); !errors.Is(err, mtgo.ErrFFmpegNotFound) {
		t.Fatalf("Play without ffmpeg = %v", err)
	}
	if err := s.Resume(); !errors.Is(err, mtgo.ErrNotPaused) {
		t.Fatalf("Resume = %v", err)
	}
}

// TestE2EBroadcastToRealRTMP publishes a test pattern with the URL and key the test world
// hands out to the local nginx-rtmp server and probes what it recorded.
func TestE2EBroadcastToRealRTMP(t *testing.T) {
	addr, rec := rtmptest.Server(t)
	h, ann, _, chat := groupCallWorld(t)
	h.w.SetRTMPURL("rtmp://" + addr + "/live/")
	ctx := ctxT(t)
	if _, err := ann.CreateCall(ctx, chat, mtgo.WithRTMPStream()); err != nil {
		t.Fatal(err)
	}
	src := rtmptest.Pattern(t, 2)
	s, err := ann.NewBroadcastStream(chat, &mtgo.BroadcastConfig{Source: mtgo.BroadcastFile(src), Preset: "ultrafast"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FetchRTMPURL(ctx, true); err != nil {
		t.Fatal(err)
	}
	url, err := ann.GetRTMPURL(ctx, chat, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Play(ctx); err != nil {
		t.Fatal(err)
	}
	<-s.Done()
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	codecs, dur := rtmptest.Probe(t, rtmptest.Recording(rec, url.Key))
	if strings.Join(codecs, ",") != "h264,aac" || dur < 1500*time.Millisecond {
		t.Errorf("recorded %v of %v, want about 2s of h264,aac", dur, codecs)
	}
}
