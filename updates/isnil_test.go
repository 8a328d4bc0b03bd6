package updates

import (
	"os"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestIsNilEveryConstructor: isNil reads an interface's data word rather than using reflect
// (it runs once per update); this holds it to reflect's answer for every constructor of the
// schema, as the value itself, as a nil pointer of its type, and as a nil interface.
func TestIsNilEveryConstructor(t *testing.T) {
	n := 0
	eachConstructor(t, func(obj tl.Object) {
		typedNil := reflect.Zero(reflect.TypeOf(obj)).Interface()
		if isNil(obj) || !isNil(typedNil) {
			t.Errorf("%s: isNil(value) = %v, isNil(nil %T) = %v", obj.TypeName(), isNil(obj), obj, isNil(typedNil))
		}
		if u, ok := typedNil.(tg.UpdateClass); ok && !isNil(u) {
			t.Errorf("isNil(UpdateClass(nil %T)) = false", obj)
		}
		n++
	})
	var u tg.UpdateClass
	var m tg.MessageClass
	if !isNil(nil) || !isNil(u) || !isNil(m) {
		t.Error("isNil of a nil interface = false")
	}
	if n < 1000 {
		t.Fatalf("only %d constructors checked", n)
	}
}

// eachConstructor calls f with a new value of every constructor of the schema.
func eachConstructor(t *testing.T, f func(tl.Object)) {
	t.Helper()
	schema, err := os.ReadFile("../tl/schema/api.tl")
	if err != nil {
		t.Skipf("schema not at hand: %v", err)
	}
	for _, m := range regexp.MustCompile(`(?m)^[a-zA-Z_.0-9]+#([0-9a-f]{1,8}) `).FindAllSubmatch(schema, -1) {
		id, err := strconv.ParseUint(string(m[1]), 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		if obj := tg.NewObject(uint32(id)); obj != nil {
			f(obj)
		}
	}
}

// TestNilMessageInChannelUpdate: a channel message update whose message, or the message's
// channel peer, is a nil pointer (a program's container, as in TestTypedNilsSkipped) made the
// generated channel classifier panic, and the Manager's loop with it. Its channel cannot be
// told, so it is delivered as an update without a sequence, like one without a peer.
func TestNilMessageInChannelUpdate(t *testing.T) {
	ups := map[string]tg.UpdateClass{
		"nil message": &tg.UpdateEditChannelMessage{Message: (*tg.Message)(nil), Pts: 51, PtsCount: 1},
		"nil service": &tg.UpdateEditChannelMessage{Message: (*tg.MessageService)(nil), Pts: 51, PtsCount: 1},
		"nil channel": &tg.UpdateEditChannelMessage{Message: &tg.Message{ID: 1, PeerID: (*tg.PeerChannel)(nil)},
			Pts: 51, PtsCount: 1},
	}
	inputs := map[string]func(h *harness, u tg.UpdateClass){
		"container": func(h *harness, u tg.UpdateClass) { h.process(updates(0, u, msg(1, 11))) },
		"difference": func(h *harness, u tg.UpdateClass) {
			h.record(h.b.Reconnected(h.now))
			h.difference(&tg.UpdatesDifference{OtherUpdates: []tg.UpdateClass{u, msg(1, 11)},
				State: tg.UpdatesState{Pts: 11, Qts: 5, Seq: 3, Date: 100}})
		},
	}
	for in, run := range inputs {
		for name, u := range ups {
			t.Run(in+"/"+name, func(t *testing.T) {
				h := newHarness(t, Config{})
				h.start(State{Pts: 10, Qts: 5, Seq: 3, Date: 100})
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("panic: %v", r)
						}
					}()
					run(h, u)
				}()
				h.expectDelivered("updateEditChannelMessage", "msg1")
				if k, _, _, _ := classify(u); k != kindNone {
					t.Errorf("classify: kind %d, want none", k)
				}
			})
		}
	}
}

// TestNilMessageEveryUpdate: every update of the schema that carries a message, given a nil
// message or a message whose channel peer is a nil pointer, is classified without a panic, so
// a channel message update added to the schema is covered too.
func TestNilMessageEveryUpdate(t *testing.T) {
	msgs := []tg.MessageClass{(*tg.Message)(nil), (*tg.MessageService)(nil), (*tg.MessageEmpty)(nil),
		&tg.Message{PeerID: (*tg.PeerChannel)(nil)}, &tg.MessageService{PeerID: (*tg.PeerChannel)(nil)},
		&tg.MessageEmpty{PeerID: (*tg.PeerChannel)(nil)}}
	n := 0
	eachConstructor(t, func(obj tl.Object) {
		if _, ok := obj.(tg.UpdateClass); !ok {
			return
		}
		f := reflect.ValueOf(obj).Elem().FieldByName("Message")
		if !f.IsValid() || f.Type() != reflect.TypeFor[tg.MessageClass]() {
			return
		}
		n++
		for _, m := range msgs {
			f.Set(reflect.ValueOf(&m).Elem())
			for _, name := range []string{"Pts", "PtsCount"} {
				if p := reflect.ValueOf(obj).Elem().FieldByName(name); p.IsValid() && p.CanInt() {
					p.SetInt(1)
				}
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s with message %#v: panic: %v", obj.TypeName(), m, r)
					}
				}()
				classify(obj.(tg.UpdateClass))
			}()
		}
	})
	if n < 2 {
		t.Fatalf("only %d updates with a message checked", n)
	}
}
