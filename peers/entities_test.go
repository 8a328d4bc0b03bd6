package peers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// schemaTypeIDs returns every constructor id constant declared in tl/tg's sources.
func schemaTypeIDs(t *testing.T) map[string]uint32 {
	t.Helper()
	dir := filepath.Join("..", "tl", "tg")
	files, err := filepath.Glob(filepath.Join(dir, "*_gen.go"))
	if err != nil || len(files) == 0 {
		t.Skipf("tl/tg sources not found next to peers/ (%v)", err)
	}
	ids := make(map[string]uint32)
	fset := token.NewFileSet()
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasSuffix(n.Name, "TypeID") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						continue
					}
					v, err := strconv.ParseUint(lit.Value, 0, 32)
					if err != nil {
						continue
					}
					ids[strings.TrimSuffix(n.Name, "TypeID")] = uint32(v)
				}
			}
		}
	}
	return ids
}

var (
	userClassType  = reflect.TypeFor[tg.UserClass]()
	chatClassType  = reflect.TypeFor[tg.ChatClass]()
	userSliceType  = reflect.TypeFor[[]tg.UserClass]()
	chatSliceType  = reflect.TypeFor[[]tg.ChatClass]()
	entitiesIgnore = map[string]bool{
		// A web page block naming a channel: it arrives nested inside pages, never as a
		// result or update of its own.
		"PageBlockChannel": true,
	}
)

// TestEntitiesCoversSchema builds every constructor of the schema, fills each users/chats list
// and single user/chat field it has with a marker, and checks Entities returns the markers.
// Reflection is used here only, to enumerate the schema; Entities itself is a type switch.
func TestEntitiesCoversSchema(t *testing.T) {
	ids := schemaTypeIDs(t)
	checked := 0
	for name, id := range ids {
		obj := tg.NewObject(id)
		if obj == nil || entitiesIgnore[name] {
			continue
		}
		v := reflect.ValueOf(obj).Elem()
		if v.Kind() != reflect.Struct {
			continue
		}
		var wantUsers, wantChats int
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Type() {
			case userSliceType:
				f.Set(reflect.ValueOf([]tg.UserClass{&tg.User{ID: 1}, &tg.User{ID: 2}}))
				wantUsers += 2
			case chatSliceType:
				f.Set(reflect.ValueOf([]tg.ChatClass{&tg.Chat{ID: 1}}))
				wantChats++
			case userClassType:
				f.Set(reflect.ValueOf(tg.UserClass(&tg.User{ID: 3})))
				wantUsers++
			case chatClassType:
				f.Set(reflect.ValueOf(tg.ChatClass(&tg.Chat{ID: 3})))
				wantChats++
			}
		}
		if wantUsers == 0 && wantChats == 0 {
			continue
		}
		checked++
		users, chats := Entities(obj)
		if len(users) != wantUsers || len(chats) != wantChats {
			t.Errorf("Entities(*tg.%s) = %d users, %d chats; want %d, %d (add it to the type switch)",
				name, len(users), len(chats), wantUsers, wantChats)
		}
	}
	if checked < 100 {
		t.Errorf("only %d schema types carry users or chats; the schema scan is broken", checked)
	}
}

func TestEntitiesWrappers(t *testing.T) {
	u := &tg.User{ID: 1}
	c := &tg.Channel{ID: 2}
	tests := []struct {
		name      string
		obj       any
		wantUsers []tg.UserClass
		wantChats []tg.ChatClass
	}{
		{"nil", nil, nil, nil},
		{"typed nil", (*tg.Updates)(nil), nil, nil},
		{"typed nil box", (*tg.UpdatesClassBox)(nil), nil, nil},
		{"user", u, []tg.UserClass{u}, nil},
		{"channel", c, nil, []tg.ChatClass{c}},
		{"user slice", []tg.UserClass{u}, []tg.UserClass{u}, nil},
		{"chat slice", []tg.ChatClass{c}, nil, []tg.ChatClass{c}},
		{"vector", &tg.UserClassVector{Elems: []tg.UserClass{u}}, []tg.UserClass{u}, nil},
		{"user box", &tg.UserClassBox{User: u}, []tg.UserClass{u}, nil},
		{"chat box", &tg.ChatClassBox{Chat: c}, nil, []tg.ChatClass{c}},
		{"messages box", &tg.MessagesMessagesClassBox{MessagesMessages: &tg.MessagesChannelMessages{Users: []tg.UserClass{u}, Chats: []tg.ChatClass{c}}}, []tg.UserClass{u}, []tg.ChatClass{c}},
		{"difference box", &tg.UpdatesDifferenceClassBox{UpdatesDifference: &tg.UpdatesDifferenceSlice{Users: []tg.UserClass{u}}}, []tg.UserClass{u}, nil},
		{"invite", &tg.ChatInvite{Participants: []tg.UserClass{u}}, []tg.UserClass{u}, nil},
		{"something else", &tg.UpdateShort{}, nil, nil},
	}
	for _, tt := range tests {
		users, chats := Entities(tt.obj)
		if diff := cmp.Diff(tt.wantUsers, users); diff != "" {
			t.Errorf("%s users (-want +got):\n%s", tt.name, diff)
		}
		if diff := cmp.Diff(tt.wantChats, chats); diff != "" {
			t.Errorf("%s chats (-want +got):\n%s", tt.name, diff)
		}
	}
}
