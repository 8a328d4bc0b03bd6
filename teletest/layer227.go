package teletest

import (
	"bytes"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Layer227 is the layer before Layer. Its schema is kept as data in layers/227/api.tl; a
// client announcing it is served in full: its requests are read in layer 227's forms and
// every answer and update is written in them (see to227 and upgrade227).
//
// The two layers differ in five constructors (TestLayer227Schema reads both schemas and holds
// this list to them):
//
//   - user#31774388 and channel#1c32b11c: layer 228 appended linked_community_id, under a
//     flag bit a layer 227 client does not know. The field is dropped and the id replaced.
//   - botCommand#c27ac8c7 command:string description:string: layer 228 put flags (ephemeral)
//     in front. Answers are re-encoded; bots.setBotCommands from a 227 client is rewritten.
//   - messages.searchGlobal#4bc6589a: layer 228 added an optional community under a new flag
//     bit, so the request's bytes are valid once its id is replaced.
//   - messages.chatInviteJoinResultWebView#2f51c337 carried a webview the test world never
//     builds; an answer holding one is refused with an rpc_error, never sent undecodable.
//
// Three more kept their ids and only gained flags.N?true bits, which carry no data
// (chatAdminRights and chatBannedRights: manage_linked_peers; channels.getAdminedPublicChannels:
// for_community_peer): their bytes read the same in both layers.
//
// The translation is written here rather than generated: a tlgen run over the whole layer 227
// schema would build a second 2 400-type package to use five of its types, and tlgen cannot
// yet generate a package of only the differing declarations on top of tl/tg.
const Layer227 = 227

// Constructor ids of layer 227 that differ from Layer.
const (
	user227ID         = 0x31774388 // user#31774388
	channel227ID      = 0x1c32b11c // channel#1c32b11c
	botCommand227ID   = 0xc27ac8c7 // botCommand#c27ac8c7
	searchGlobal227ID = 0x4bc6589a // messages.searchGlobal#4bc6589a
	webView227ID      = 0x2f51c337 // messages.chatInviteJoinResultWebView#2f51c337
)

// errNoLayerForm reports an answer that has no form in the client's layer.
var errNoLayerForm = errors.New("teletest: the answer has no form in the client's layer")

// served reports whether the server answers clients announcing layer (0: none announced yet,
// answered in Layer).
func served(layer int32) bool {
	switch layer {
	case 0, Layer, Layer227, Layer170:
		return true
	}
	return false
}

// layerError is the rpc_error answering every call of a client whose layer is not served:
// INPUT_LAYER_INVALID (Telegram's error for invokeWithLayer) with the layer as its argument,
// as in INPUT_LAYER_INVALID_198.
func layerError(layer int32) *services.RPCError {
	return &services.RPCError{Code: 400, Message: fmt.Sprintf("INPUT_LAYER_INVALID_%d", layer)}
}

// user227 encodes a user as user#31774388: layer 228's user without linked_community_id.
type user227 struct{ *tg.User }

func (w user227) Encode(b *tl.Buffer) error     { return patchID(b, w.trim(), user227ID) }
func (w user227) EncodeBare(b *tl.Buffer) error { return w.trim().EncodeBare(b) }

func (w user227) trim() *tg.User {
	u := *w.User
	u.LinkedCommunityID = tl.Opt[int64]{}
	return &u
}

// channel227 encodes a channel as channel#1c32b11c: layer 228's channel without
// linked_community_id.
type channel227 struct{ *tg.Channel }

func (w channel227) Encode(b *tl.Buffer) error     { return patchID(b, w.trim(), channel227ID) }
func (w channel227) EncodeBare(b *tl.Buffer) error { return w.trim().EncodeBare(b) }

func (w channel227) trim() *tg.Channel {
	c := *w.Channel
	c.LinkedCommunityID = tl.Opt[int64]{}
	return &c
}

// Types to227 looks for.
var (
	userPtrType    = reflect.TypeFor[*tg.User]()
	channelPtrType = reflect.TypeFor[*tg.Channel]()
	botCommandType = reflect.TypeFor[tg.BotCommand]()
	webViewPtrType = reflect.TypeFor[*tg.MessagesChatInviteJoinResultWebView]()
)

// to227 returns v as a layer 227 client expects it: every user, channel and bot command in
// it, however deep, encodes in layer 227's form. v itself is not modified: the objects on
// the way to a replaced one are copied, the rest is shared. An answer that has no layer 227
// form (a chat invite join result with a web view) is an error.
//
// Users and channels are held by interfaces, so they are replaced by stand-ins that encode
// the old form. Bot commands are held by value in typed slices (botInfo, updateBotCommands,
// bots.getBotCommands), where no stand-in fits: each command's text is replaced by a marker
// (a random 8-byte prefix, fresh for each answer, and the command's index), and once the
// answer is encoded every botCommand#9852d6d2 carrying a marker is rewritten to
// botCommand#c27ac8c7 with its text.
func to227(v tl.Encoder) (tl.Encoder, error) {
	r := &rewriter227{}
	holder := reflect.ValueOf(&v).Elem()
	out, changed, err := r.walk(holder)
	if err != nil {
		return nil, fmt.Errorf("%w: layer %d: %T: %w", errNoLayerForm, Layer227, v, err)
	}
	if !changed {
		return v, nil
	}
	r.v = out.Interface().(tl.Encoder)
	return r, nil
}

// rewriter227 is an answer on its way to layer 227 (see to227).
type rewriter227 struct {
	v      tl.Encoder
	prefix [8]byte  // the marker prefix of this answer, random
	cmds   []string // the texts of the marked commands, by index
}

// Encode encodes the answer and rewrites its marked bot commands.
func (r *rewriter227) Encode(b *tl.Buffer) error {
	start := len(b.Buf)
	if err := r.v.Encode(b); err != nil {
		return err
	}
	if len(r.cmds) == 0 {
		return nil
	}
	enc := append([]byte(nil), b.Buf[start:]...)
	b.Buf = b.Buf[:start]
	var head [13]byte // botCommand#9852d6d2, flags 0, a 16-byte string
	binary.LittleEndian.PutUint32(head[0:], tg.BotCommandTypeID)
	head[8] = 16
	copy(head[9:], r.prefix[:4])
	for len(enc) > 0 {
		at := bytes.Index(enc, head[:])
		if at < 0 || len(enc)-at < 28 || !bytes.Equal(enc[at+13:at+17], r.prefix[4:]) {
			if at < 0 {
				b.Buf = append(b.Buf, enc...)
				break
			}
			b.Buf = append(b.Buf, enc[:at+1]...)
			enc = enc[at+1:]
			continue
		}
		idx := binary.LittleEndian.Uint64(enc[at+17:])
		if idx >= uint64(len(r.cmds)) {
			b.Buf = append(b.Buf, enc[:at+1]...)
			enc = enc[at+1:]
			continue
		}
		b.Buf = append(b.Buf, enc[:at]...)
		b.PutID(botCommand227ID)
		b.PutString(r.cmds[idx])
		enc = enc[at+28:] // id, flags, the marker string (1+16+3 bytes)
	}
	return b.WriteErr()
}

// marker returns the text standing for command i.
func (r *rewriter227) marker(i int) string {
	var m [16]byte
	copy(m[:], r.prefix[:])
	binary.LittleEndian.PutUint64(m[8:], uint64(i))
	return string(m[:])
}

// walk returns v with the layer 227 substitutes in place, and whether anything changed.
func (r *rewriter227) walk(v reflect.Value) (reflect.Value, bool, error) {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return v, false, nil
		}
		e := v.Elem()
		switch e.Type() {
		case userPtrType:
			return reflect.ValueOf(user227{e.Interface().(*tg.User)}), true, nil
		case channelPtrType:
			return reflect.ValueOf(channel227{e.Interface().(*tg.Channel)}), true, nil
		case webViewPtrType:
			return v, false, errors.New("messages.chatInviteJoinResultWebView changed its fields in layer 228")
		}
		ne, changed, err := r.walk(e)
		if err != nil || !changed {
			return v, false, err
		}
		return ne, true, nil
	case reflect.Pointer:
		if v.IsNil() || !mayHold227(v.Type()) {
			return v, false, nil
		}
		ne, changed, err := r.walk(v.Elem())
		if err != nil || !changed {
			return v, false, err
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(ne)
		return p, true, nil
	case reflect.Struct:
		if !mayHold227(v.Type()) {
			return v, false, nil
		}
		var out reflect.Value
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			nf, changed, err := r.walk(v.Field(i))
			if err != nil {
				return v, false, err
			}
			if !changed {
				continue
			}
			if !out.IsValid() {
				out = reflect.New(v.Type()).Elem()
				out.Set(v)
			}
			out.Field(i).Set(nf)
		}
		return orSame(out, v)
	case reflect.Slice:
		if v.Len() == 0 || !mayHold227(v.Type()) {
			return v, false, nil
		}
		if v.Type().Elem() == botCommandType {
			return r.markCommands(v.Interface().([]tg.BotCommand))
		}
		var out reflect.Value
		for i := range v.Len() {
			ne, changed, err := r.walk(v.Index(i))
			if err != nil {
				return v, false, err
			}
			if !changed {
				continue
			}
			if !out.IsValid() {
				out = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
				reflect.Copy(out, v)
			}
			out.Index(i).Set(ne)
		}
		return orSame(out, v)
	}
	return v, false, nil
}

// markCommands returns a copy of cmds whose texts are markers (see to227).
func (r *rewriter227) markCommands(cmds []tg.BotCommand) (reflect.Value, bool, error) {
	if len(r.cmds) == 0 {
		if _, err := crand.Read(r.prefix[:]); err != nil {
			return reflect.Value{}, false, fmt.Errorf("marker prefix: %w", err)
		}
	}
	out := make([]tg.BotCommand, len(cmds))
	for i, c := range cmds {
		out[i] = tg.BotCommand{Command: r.marker(len(r.cmds)), Description: c.Description}
		r.cmds = append(r.cmds, c.Command)
	}
	return reflect.ValueOf(out), true, nil
}

// orSame returns out and true when it was made, else v unchanged.
func orSame(out, v reflect.Value) (reflect.Value, bool, error) {
	if out.IsValid() {
		return out, true, nil
	}
	return v, false, nil
}

// holds227 caches mayHold227 per type.
var holds227 sync.Map // reflect.Type -> bool

// mayHold227 reports whether a value of type t can contain something to227 replaces. Every
// interface may; scalars, strings and byte slices never do.
func mayHold227(t reflect.Type) bool {
	if v, ok := holds227.Load(t); ok {
		return v.(bool)
	}
	res := reachesTarget227(t, map[reflect.Type]bool{})
	holds227.Store(t, res)
	return res
}

func reachesTarget227(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false // a cycle adds no new field types
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return t.Elem() == botCommandType || reachesTarget227(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() && reachesTarget227(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// upgrade227 rewrites the layer 227 forms of the requests whose bytes differ in Layer
// (possibly inside wrappers), returning body unchanged when there is nothing to rewrite or
// it does not parse (the decoder then reports it).
func upgrade227(body []byte) []byte {
	off, ok := innerOffset(body)
	if !ok || len(body)-off < 4 {
		return body
	}
	switch binary.LittleEndian.Uint32(body[off:]) {
	case searchGlobal227ID:
		out := append([]byte(nil), body...)
		binary.LittleEndian.PutUint32(out[off:], tg.MessagesSearchGlobalRequestTypeID)
		return out
	case tg.BotsSetBotCommandsRequestTypeID:
		if out, err := upgradeSetBotCommands227(body, off); err == nil {
			return out
		}
	}
	return body
}

// upgradeSetBotCommands227 rewrites the commands of bots.setBotCommands#517165a scope lang_code
// commands:Vector<BotCommand> starting at off from botCommand#c27ac8c7 to layer 228's form.
func upgradeSetBotCommands227(body []byte, off int) ([]byte, error) {
	var b tl.Buffer
	b.ResetTo(body[off+4:])
	if _, err := tg.DecodeBotCommandScopeClass(&b); err != nil {
		return nil, err
	}
	if _, err := b.String(); err != nil {
		return nil, err
	}
	vec := off + 4 + b.Offset()
	n, err := b.VectorHeaderOf(12)
	if err != nil {
		return nil, err
	}
	var out tl.Buffer
	out.Buf = append(make([]byte, 0, len(body)+4*n), body[:vec]...)
	out.PutVectorHeader(n)
	for range n {
		if err := b.ConsumeID(botCommand227ID); err != nil {
			return nil, err
		}
		cmd, err := b.String()
		if err != nil {
			return nil, err
		}
		desc, err := b.String()
		if err != nil {
			return nil, err
		}
		if err := (&tg.BotCommand{Command: cmd, Description: desc}).Encode(&out); err != nil {
			return nil, err
		}
	}
	return append(out.Buf, b.Raw()...), nil
}

// innerOffset returns where the method inside the wrappers of a request body starts:
// invokeWithLayer, invokeWithoutUpdates, invokeAfterMsg, invokeAfterMsgs and initConnection
// are looked through. ok is false when a wrapper does not parse.
func innerOffset(body []byte) (off int, ok bool) {
	var b tl.Buffer
	for range maxWrapperDepth {
		b.ResetTo(body[off:])
		id, err := b.ID()
		if err != nil {
			return off, false
		}
		switch id {
		case tg.InvokeWithoutUpdatesRequestTypeID:
		case tg.InvokeWithLayerRequestTypeID:
			_, err = b.Int32()
		case tg.InvokeAfterMsgRequestTypeID:
			_, err = b.Int64()
		case tg.InvokeAfterMsgsRequestTypeID:
			var n int
			if n, err = b.VectorHeaderOf(8); err == nil {
				err = b.Skip(8 * n)
			}
		case tg.InitConnectionRequestTypeID:
			err = skipInitConnection(&b)
		default:
			return off, true
		}
		if err != nil {
			return off, false
		}
		off += b.Offset()
	}
	return off, true
}

// skipInitConnection reads the fields of initConnection in front of its query.
func skipInitConnection(b *tl.Buffer) error {
	flags, err := b.Uint32()
	if err != nil {
		return err
	}
	if _, err := b.Int32(); err != nil { // api_id
		return err
	}
	for range 6 { // device_model, system_version, app_version, system_lang_code, lang_pack, lang_code
		if _, err := b.String(); err != nil {
			return err
		}
	}
	if flags&(1<<0) != 0 {
		var p tg.InputClientProxy
		if err := p.Decode(b); err != nil {
			return err
		}
	}
	if flags&(1<<1) != 0 {
		if _, err := tg.DecodeJSONValueClass(b); err != nil {
			return err
		}
	}
	return nil
}

// announcedLayer returns the layer of the invokeWithLayer in front of (or among the wrappers
// of) a request body, 0 if it has none.
func announcedLayer(body []byte) int32 {
	off := 0
	for range maxWrapperDepth {
		if len(body)-off < 8 {
			return 0
		}
		switch binary.LittleEndian.Uint32(body[off:]) {
		case tg.InvokeWithLayerRequestTypeID:
			return int32(binary.LittleEndian.Uint32(body[off+4:]))
		case tg.InvokeWithoutUpdatesRequestTypeID:
			off += 4
		default:
			return 0
		}
	}
	return 0
}
