package services

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// filler builds requests whose required fields are all set (the smallest constructor of each
// class, "Self" inputs first, every vector with one element, numbers 1), with the optional
// fields either all absent or all present: what TestZeroRequests cannot reach, since a zero
// request stops at its first nil input.
type filler struct {
	impls map[reflect.Type][]reflect.Type // interface -> constructors, preferred first
	all   []reflect.Type

	inputs map[reflect.Type]tl.Encoder // given values of input classes (a channel, say)
	ids    map[string]int64            // given values of int64 fields by name (ChatID)
}

func newFiller(t *testing.T) *filler {
	src, err := os.ReadFile("../../tl/schema/api.tl")
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	f := &filler{impls: map[reflect.Type][]reflect.Type{}}
	for _, m := range regexp.MustCompile(`(?m)^[a-zA-Z][\w.]*#([0-9a-f]+)`).FindAllStringSubmatch(string(src), -1) {
		id, _ := strconv.ParseUint(m[1], 16, 32)
		if obj := tg.NewObject(uint32(id)); obj != nil && !strings.HasSuffix(reflect.TypeOf(obj).Elem().Name(), "Request") {
			f.all = append(f.all, reflect.TypeOf(obj))
		}
	}
	return f
}

// rank orders the constructors of a class: Self inputs, then not Empty, then fewest fields.
func rank(t reflect.Type) (int, int) {
	name := t.Elem().Name()
	switch {
	case strings.Contains(name, "Self"):
		return 0, t.Elem().NumField()
	case strings.Contains(name, "Empty"):
		return 2, t.Elem().NumField()
	}
	return 1, t.Elem().NumField()
}

func (f *filler) implsOf(it reflect.Type) []reflect.Type {
	if l, ok := f.impls[it]; ok {
		return l
	}
	var l []reflect.Type
	for _, t := range f.all {
		if t.Implements(it) {
			l = append(l, t)
		}
	}
	slices.SortStableFunc(l, func(a, b reflect.Type) int {
		ra, na := rank(a)
		rb, nb := rank(b)
		if ra != rb {
			return ra - rb
		}
		return na - nb
	})
	f.impls[it] = l
	return l
}

var encoderType = reflect.TypeFor[tl.Encoder]()

// fill sets every field of the struct v points to; optional objects only with optional.
func (f *filler) fill(v reflect.Value, depth int, optional bool) {
	s := v.Elem()
	for i := range s.NumField() {
		fv := s.Field(i)
		if !fv.CanSet() {
			continue
		}
		f.value(fv, depth, optional)
		if id, ok := f.ids[s.Type().Field(i).Name]; ok && fv.Kind() == reflect.Int64 {
			fv.SetInt(id)
		}
	}
}

func (f *filler) value(fv reflect.Value, depth int, optional bool) {
	switch fv.Kind() {
	case reflect.Interface:
		if depth > 3 {
			return
		}
		if fv.Type() == encoderType {
			fv.Set(reflect.ValueOf(&tg.HelpGetConfigRequest{}))
			return
		}
		if in, ok := f.inputs[fv.Type()]; ok {
			fv.Set(reflect.ValueOf(in))
			return
		}
		if l := f.implsOf(fv.Type()); len(l) > 0 {
			nv := reflect.New(l[0].Elem())
			f.fill(nv, depth+1, optional)
			fv.Set(nv)
		}
	case reflect.Pointer:
		if depth > 3 || fv.Type().Elem().Kind() != reflect.Struct {
			return
		}
		nv := reflect.New(fv.Type().Elem())
		f.fill(nv, depth+1, optional)
		fv.Set(nv)
	case reflect.Struct:
		if strings.HasPrefix(fv.Type().Name(), "Opt[") {
			if optional {
				f.value(fv.FieldByName("Value"), depth, optional)
				fv.FieldByName("Set").SetBool(true)
			}
			return
		}
		nv := reflect.New(fv.Type())
		f.fill(nv, depth, optional)
		fv.Set(nv.Elem())
	case reflect.Slice:
		if fv.Type().Elem().Kind() == reflect.Uint8 {
			fv.SetBytes([]byte("x"))
			return
		}
		nv := reflect.MakeSlice(fv.Type(), 1, 1)
		if depth <= 2 {
			f.value(nv.Index(0), depth+1, optional)
		}
		fv.Set(nv)
	case reflect.String:
		fv.SetString("x")
	case reflect.Int32, reflect.Int64, reflect.Int:
		fv.SetInt(1)
	case reflect.Float64:
		fv.SetFloat(1)
	}
}

// dropOptional sets to nil each object field of the struct v points to whose absence still
// encodes (an optional one), at every depth.
func dropOptional(top tl.Encoder, v reflect.Value) {
	s := v.Elem()
	for i := range s.NumField() {
		fv := s.Field(i)
		if !fv.CanSet() {
			continue
		}
		switch fv.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Slice:
			if fv.IsNil() {
				continue
			}
			old := reflect.ValueOf(fv.Interface())
			fv.SetZero()
			var b tl.Buffer
			if top.Encode(&b) != nil {
				fv.Set(old)
				if old.Kind() == reflect.Pointer && old.Elem().Kind() == reflect.Struct {
					dropOptional(top, old)
				}
			}
		case reflect.Struct:
			if !strings.HasPrefix(fv.Type().Name(), "Opt[") {
				dropOptional(top, fv.Addr())
			}
		}
	}
}

// TestFilledRequests sends every registered method (but the ones that wait for a bot) with
// its required fields set, first with every optional field absent, then with every one
// present: a handler reading an absent optional object must answer, never panic.
func TestFilledRequests(t *testing.T) {
	for _, inChannel := range []bool{false, true} {
		for _, asBot := range []bool{false, true} {
			t.Run(fmt.Sprintf("channel=%v/bot=%v", inChannel, asBot), func(t *testing.T) {
				for _, id := range newHarness(t).d.Methods() {
					if Waits(id) {
						continue
					}
					for _, optional := range []bool{false, true} {
						sendFilled(t, id, inChannel, asBot, optional)
					}
				}
			})
		}
	}
}

// sendFilled sends method id, filled, to a fresh world: as a person or a bot that share a
// group, a supergroup and a private chat, each with a message; the inputs name the person's
// self or the supergroup.
func sendFilled(t *testing.T, id uint32, inChannel, asBot, optional bool) {
	h := newHarness(t)
	a := h.user("Filled", "79990009201")
	bot := h.bot("filled_bot")
	chat, err := h.w.CreateChat(a.id, "group", bot.id)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := h.w.CreateChannel(a.id, world.ChannelSpec{Title: "c", Username: "filled_chan", Megagroup: true, Members: []int64{bot.id}})
	if err != nil {
		t.Fatal(err)
	}
	peer := channelPeer(t, a, ch.ID)
	h.send(a, peer, "first")
	h.send(a, &tg.InputPeerChat{ChatID: chat.ID}, "first")
	h.send(a, a.peerOf(bot), "first")
	caller := a
	if asBot {
		caller = bot
		peer = resolveChannel(t, bot, "filled_chan")
	}
	f := filledFiller(t)
	if inChannel {
		f.inputs = map[reflect.Type]tl.Encoder{
			reflect.TypeFor[tg.InputPeerClass]():    peer,
			reflect.TypeFor[tg.InputChannelClass](): inputChannel(peer),
			reflect.TypeFor[tg.InputUserClass]():    &tg.InputUserSelf{},
		}
		f.ids = map[string]int64{"ChatID": chat.ID, "ChannelID": ch.ID}
	}
	req := tg.NewObject(id)
	f.fill(reflect.ValueOf(req), 0, optional)
	if !optional {
		dropOptional(req, reflect.ValueOf(req))
	}
	var b tl.Buffer
	if err := req.Encode(&b); err != nil {
		t.Errorf("%s: filled request does not encode: %v", req.TypeName(), err)
		return
	}
	name := fmt.Sprintf("%s/optional=%v", req.TypeName(), optional)
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s panicked: %v", name, p)
		}
	}()
	res, err := h.d.HandleBytes(ctx(), caller.c.caller, b.Buf)
	if err == nil && res == nil {
		t.Errorf("%s: nil result without error", name)
	}
	if testing.Verbose() {
		t.Logf("%s: %v", name, err)
	}
}

// filledFiller returns a filler without given inputs; the schema is read once.
var filledFiller = func() func(t *testing.T) *filler {
	var base *filler
	return func(t *testing.T) *filler {
		if base == nil {
			base = newFiller(t)
		}
		return &filler{impls: base.impls, all: base.all}
	}
}()
