package mtgo

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// lastSecret is the last message p's handlers got.
func (p *secretParty) lastSecret(t *testing.T) *types.SecretMessage {
	t.Helper()
	evs := p.events()
	if len(evs) == 0 {
		t.Fatal("no message")
	}
	m, ok := evs[len(evs)-1].(*types.SecretMessage)
	if !ok {
		t.Fatalf("last event %T", evs[len(evs)-1])
	}
	return m
}

// TestSecretPeerLayer: the peer speaks layer 101 and tells it on accepting; this side then
// writes in 101 (and on its notifyLayer, or any message it writes, the same): entities 101
// lacks are left out, a document goes as layer 46's decryptedMessageMediaDocument46 (size:int;
// one past int32 fails with ErrSecretLayer and sends nothing), a photo goes. A message written before the peer knew ours (at a lower layer) does not lower
// it; a peer older than secretchat.MinLayer gets nothing.
func TestSecretPeerLayer(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	a, b := r.parties[0], r.parties[1]
	b.m.layer = 101
	id := r.open(t)

	if c, _ := a.m.get(ctx, id); c.Layer != 101 {
		t.Fatalf("chat layer %d after the peer's announcement, want 101", c.Layer)
	}
	if _, err := a.m.sendText(ctx, id, 1, "hello"); err != nil {
		t.Fatal(err)
	}
	if got := b.lastSecret(t).Layer.Layer; got != 101 {
		t.Fatalf("first message written in layer %d, want 101", got)
	}
	if err := b.m.notifyLayer(ctx, id); err != nil {
		t.Fatal(err)
	}
	if m := a.lastSecret(t); m.Layer.Layer != 101 || m.Service == nil || m.Service.Layer != 101 {
		t.Fatalf("peer's notification %v in layer %d", m.Service, m.Layer.Layer)
	}
	if c, _ := a.m.get(ctx, id); c.Layer != 101 {
		t.Fatalf("chat layer %d, want 101", c.Layer)
	}

	ents := []e2e.MessageEntityClass{&e2e.MessageEntityBold{Length: 1}, &e2e.MessageEntityUnderline{Length: 2}, &e2e.MessageEntitySpoiler{Length: 3}}
	if _, err := a.m.send(ctx, id, 2, &e2e.DecryptedMessage{RandomID: 2, Message: "styled", Entities: ents}, nil); err != nil {
		t.Fatal(err)
	}
	m := b.lastSecret(t)
	want := []tg.MessageEntityClass{&tg.MessageEntityBold{Length: 1}, &tg.MessageEntityUnderline{Length: 2}}
	if diff := cmp.Diff(want, m.Entities); diff != "" || m.Layer.Layer != 101 {
		t.Fatalf("layer %d, entities (-want +got):\n%s", m.Layer.Layer, diff)
	}

	calls := len(r.calls)
	huge := &e2e.DecryptedMessage{RandomID: 3, Media: &e2e.DecryptedMessageMediaDocument{MimeType: "text/plain", Size: math.MaxInt32 + 1, Key: make([]byte, 32), Iv: make([]byte, 32)}}
	if err := a.m.fits(ctx, id, huge); !errors.Is(err, ErrSecretLayer) {
		t.Fatalf("document past int32 check: %v, want ErrSecretLayer", err)
	}
	if _, err := a.m.send(ctx, id, 3, huge, &tg.InputEncryptedFileUploaded{ID: 1, Parts: 1}); !errors.Is(err, ErrSecretLayer) {
		t.Fatalf("document past int32: %v, want ErrSecretLayer", err)
	}
	if len(r.calls) != calls {
		t.Fatalf("the refused document made calls: %v", r.calls[calls:])
	}
	doc := &e2e.DecryptedMessage{RandomID: 3, Media: &e2e.DecryptedMessageMediaDocument{MimeType: "text/plain", Size: 32, Key: make([]byte, 32), Iv: make([]byte, 32),
		Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: "a.txt"}}}}
	if err := a.m.fits(ctx, id, doc); err != nil {
		t.Fatalf("document check: %v", err)
	}
	if _, err := a.m.send(ctx, id, 3, doc, &tg.InputEncryptedFileUploaded{ID: 1, Parts: 1}); err != nil {
		t.Fatalf("document: %v", err)
	}
	m = b.lastSecret(t)
	if _, old := m.Media.(*e2e.DecryptedMessageMediaDocument46); !old || m.File == nil || m.File.Kind != types.KindDocument ||
		m.File.PlainSize != 32 || m.File.FileName != "a.txt" || m.File.MimeType != "text/plain" {
		t.Fatalf("document to layer 101: %T, %+v", m.Media, m.File)
	}
	photo := &e2e.DecryptedMessage{RandomID: 4, Media: &e2e.DecryptedMessageMediaPhoto{W: 1, H: 1, Size: 1, Key: make([]byte, 32), Iv: make([]byte, 32)}}
	if _, err := a.m.send(ctx, id, 4, photo, &tg.InputEncryptedFileUploaded{ID: 1, Parts: 1}); err != nil {
		t.Fatal(err)
	}
	if m := b.lastSecret(t); m.RandomID != 4 || m.File == nil || m.File.Kind != types.KindPhoto {
		t.Fatalf("photo %v", m)
	}

	// A notification of a lower layer (a peer that wrote before it knew ours) keeps the
	// highest one shown.
	b.m.layer = 46
	if err := b.m.notifyLayer(ctx, id); !errors.Is(err, ErrSecretLayer) {
		t.Fatalf("a party at layer 46 wrote: %v", err)
	}
	b.m.layer = 101
	if _, err := b.m.send(ctx, id, 5, &e2e.DecryptedMessageService{RandomID: 5, Action: &e2e.DecryptedMessageActionNotifyLayer{Layer: 80}}, nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := a.m.get(ctx, id); c.Layer != 101 {
		t.Fatalf("chat layer %d after a lower notification, want 101", c.Layer)
	}

	// A peer older than MinLayer can read nothing this side writes.
	a.m.mu.Lock()
	a.m.chats[id].layer = 46
	a.m.mu.Unlock()
	if _, err := a.m.sendText(ctx, id, 6, "unreadable"); !errors.Is(err, ErrSecretLayer) {
		t.Fatalf("text to layer 46: %v, want ErrSecretLayer", err)
	}
}

// TestSecretLayerAnnounce: each side tells its layer as soon as the key is made
// (core.telegram.org/api/end-to-end, "Updating to new layers"): the responder when it accepts,
// the originator from a job the ready chat starts, or before its first message when that job
// has not run. Until a side knows the peer's layer it writes in secretchat.MinLayer, so a
// spoiler is left out; once told, it writes in the lower of the two layers.
func TestSecretLayerAnnounce(t *testing.T) {
	ctx := context.Background()
	spoiler := func(rid int64) *e2e.DecryptedMessage {
		return &e2e.DecryptedMessage{RandomID: rid, Message: "psst", Entities: []e2e.MessageEntityClass{&e2e.MessageEntitySpoiler{Length: 4}}}
	}
	layerOf := func(p *secretParty, id int32) int32 {
		t.Helper()
		c, ok := p.m.get(ctx, id)
		if !ok {
			t.Fatalf("no chat %d", id)
		}
		return c.Layer
	}

	t.Run("ready job", func(t *testing.T) {
		r := newSecretRelay(t)
		a, b := r.parties[0], r.parties[1]
		id := r.openQuiet(t)
		if m := a.lastSecret(t); m.Service == nil || m.Service.Layer != secretchat.Layer || m.Layer.Layer != secretchat.MinLayer {
			t.Fatalf("responder's announcement %+v in layer %d", m.Service, m.Layer.Layer)
		}
		if got := layerOf(a, id); got != secretchat.Layer {
			t.Fatalf("originator knows layer %d, want %d", got, secretchat.Layer)
		}
		if got := layerOf(b, id); got != 0 {
			t.Fatalf("responder knows layer %d before the originator said", got)
		}
		if _, err := b.m.send(ctx, id, 1, spoiler(1), nil); err != nil {
			t.Fatal(err)
		}
		if m := a.lastSecret(t); m.Layer.Layer != secretchat.MinLayer || len(m.Entities) != 0 {
			t.Fatalf("before the originator's layer: layer %d, entities %v", m.Layer.Layer, m.Entities)
		}
		r.runJobs()
		if got := layerOf(b, id); got != secretchat.Layer {
			t.Fatalf("after the ready job the responder knows layer %d", got)
		}
		if _, err := b.m.send(ctx, id, 2, spoiler(2), nil); err != nil {
			t.Fatal(err)
		}
		if m := a.lastSecret(t); m.Layer.Layer != secretchat.Layer || len(m.Entities) != 1 {
			t.Fatalf("after: layer %d, entities %v", m.Layer.Layer, m.Entities)
		}
	})

	t.Run("first message", func(t *testing.T) {
		r := newSecretRelay(t)
		a, b := r.parties[0], r.parties[1]
		id := r.openQuiet(t)
		before := len(b.events())
		if _, err := a.m.send(ctx, id, 1, spoiler(1), nil); err != nil {
			t.Fatal(err)
		}
		evs := b.events()[before:]
		if len(evs) != 2 {
			t.Fatalf("responder got %d events, want the announcement and the message", len(evs))
		}
		if m := evs[0].(*types.SecretMessage); m.Service == nil || m.Service.Layer != secretchat.Layer {
			t.Fatalf("first event %+v, want the originator's layer", m)
		}
		if m := evs[1].(*types.SecretMessage); m.RandomID != 1 || m.Layer.Layer != secretchat.Layer || len(m.Entities) != 1 {
			t.Fatalf("message %d in layer %d, entities %v", m.RandomID, m.Layer.Layer, m.Entities)
		}
		r.runJobs() // the ready job finds the layer told: nothing more
		if got := len(b.events()) - before; got != 2 {
			t.Fatalf("responder got %d events after the ready job, want 2", got)
		}
	})
}

// TestSecretNoticeWithFirstMessage: the notice a send owes is sealed with the message, under
// one lock, and goes first. A notice whose send fails does not hold the message back (the
// peer asks for the missing notice when the message shows the gap, and before this change
// the send failed), and it is owed again until one goes out.
func TestSecretNoticeWithFirstMessage(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	a, b := r.parties[0], r.parties[1]
	id := r.openQuiet(t)
	before := len(b.events())
	r.failService = 1
	if _, err := a.m.sendText(ctx, id, 1, "hi"); err != nil {
		t.Fatalf("send whose notice failed: %v", err)
	}
	a.m.mu.Lock()
	owes := a.m.chats[id].owesNotice()
	a.m.mu.Unlock()
	if !owes {
		t.Fatal("a notice that failed to go out is not owed again")
	}
	r.runJobs() // the peer's resend request, and the originator's ready job
	var texts []string
	notices := 0
	for _, ev := range b.events()[before:] {
		m := ev.(*types.SecretMessage)
		switch {
		case m.Service != nil && m.Service.Kind == types.SecretActionLayer:
			notices++
		case m.Service == nil:
			texts = append(texts, m.Text)
		}
	}
	if diff := cmp.Diff([]string{"hi"}, texts); diff != "" || notices == 0 {
		t.Fatalf("responder got %d notices, texts (-want +got):\n%s", notices, diff)
	}
	if c, _ := b.m.get(ctx, id); c.Layer != secretchat.Layer {
		t.Fatalf("responder knows layer %d, want %d", c.Layer, secretchat.Layer)
	}
	a.m.mu.Lock()
	owes = a.m.chats[id].owesNotice()
	a.m.mu.Unlock()
	if owes {
		t.Fatal("notice still owed after one went out")
	}
}

// TestSecretOldPeerWarnsOnce: a peer that announced a layer older than secretchat.MinLayer
// can read nothing this side writes. The checks at Connect and on the hourly timer
// (checkChats) skip its chat and warn once per chat, not at every check: before, each check
// tried the owed layer notice again (a warning an hour) and started a re-keying exchange whose
// request could not be sealed, leaving it requested with nothing sent.
func TestSecretOldPeerWarnsOnce(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.openIdle(t)
	a := r.parties[0]
	a.m.mu.Lock()
	a.m.chats[id].layer = 46
	a.m.chats[id].told = false // the notice is owed, and the key is due a week on
	a.m.mu.Unlock()
	a.m.now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
	a.log.Reset()
	calls := len(r.calls)
	for range 3 {
		a.m.checkChats(ctx)
		r.runJobs()
	}
	if got := strings.Count(a.log.String(), "level=WARN"); got != 1 || !strings.Contains(a.log.String(), "layer=46") {
		t.Fatalf("%d warnings over three checks, want one naming the layer:\n%s", got, a.log.String())
	}
	if len(r.calls) != calls {
		t.Fatalf("the checks made calls: %v", r.calls[calls:])
	}
	if st := a.keyState(t, id); st.Phase != secretchat.PhaseIdle {
		t.Fatalf("re-keying state after the checks: %+v", st)
	}
	if err := a.m.rekey(ctx, id); !errors.Is(err, ErrSecretLayer) {
		t.Fatalf("re-keying with a layer-46 peer: %v, want ErrSecretLayer", err)
	}
	if st := a.keyState(t, id); st.Phase != secretchat.PhaseIdle {
		t.Fatalf("re-keying state after the refused start: %+v", st)
	}
}
