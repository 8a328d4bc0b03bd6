package tg

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEntitiesCoversSchema reads api.tl, and for every declaration with User or Chat fields
// (lists or single) builds the object, fills each such field with markers and checks Entities
// returns them all. Reflection is used here only, to fill fields; Entities is a type switch.
func TestEntitiesCoversSchema(t *testing.T) {
	var (
		userClass = reflect.TypeFor[UserClass]()
		chatClass = reflect.TypeFor[ChatClass]()
		userSlice = reflect.TypeFor[[]UserClass]()
		chatSlice = reflect.TypeFor[[]ChatClass]()
	)
	checked := 0
	for _, d := range apiSchema(t) {
		if d.result == "User" || d.result == "Chat" {
			continue // the users and chats themselves: TestEntitiesWrappers
		}
		fields := 0
		for _, p := range d.params {
			switch paramType(p) {
			case "User", "Chat", "Vector<User>", "Vector<Chat>":
				fields++
			}
		}
		if fields == 0 {
			continue
		}
		checked++
		obj := NewObject(d.id)
		v := reflect.ValueOf(obj).Elem()
		var wantUsers, wantChats, filled int
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Type() {
			case userSlice:
				f.Set(reflect.ValueOf([]UserClass{&User{ID: 1}, &User{ID: 2}}))
				wantUsers += 2
			case chatSlice:
				f.Set(reflect.ValueOf([]ChatClass{&Chat{ID: 1}}))
				wantChats++
			case userClass:
				f.Set(reflect.ValueOf(UserClass(&User{ID: 3})))
				wantUsers++
			case chatClass:
				f.Set(reflect.ValueOf(ChatClass(&Chat{ID: 3})))
				wantChats++
			default:
				continue
			}
			filled++
		}
		if filled != fields {
			t.Errorf("%s: the schema has %d user/chat fields, the Go type %T %d", d.name, fields, obj, filled)
		}
		users, chats := Entities(obj)
		if len(users) != wantUsers || len(chats) != wantChats {
			t.Errorf("Entities(%T) = %d users, %d chats; want %d, %d", obj, len(users), len(chats), wantUsers, wantChats)
		}
		if users, chats := Entities(reflect.Zero(reflect.TypeOf(obj)).Interface()); users != nil || chats != nil {
			t.Errorf("Entities(nil %T) = %v, %v", obj, users, chats)
		}
	}
	if checked < 100 {
		t.Errorf("only %d schema declarations carry users or chats; the schema scan is broken", checked)
	}
}

func TestEntitiesWrappers(t *testing.T) {
	u := &User{ID: 1}
	c := &Channel{ID: 2}
	tests := []struct {
		name      string
		obj       any
		wantUsers []UserClass
		wantChats []ChatClass
	}{
		{"nil", nil, nil, nil},
		{"typed nil", (*Updates)(nil), nil, nil},
		{"typed nil box", (*UpdatesClassBox)(nil), nil, nil},
		{"user", u, []UserClass{u}, nil},
		{"empty user", &UserEmpty{ID: 4}, []UserClass{&UserEmpty{ID: 4}}, nil},
		{"channel", c, nil, []ChatClass{c}},
		{"forbidden chat", &ChatForbidden{ID: 5}, nil, []ChatClass{&ChatForbidden{ID: 5}}},
		{"user slice", []UserClass{u}, []UserClass{u}, nil},
		{"chat slice", []ChatClass{c}, nil, []ChatClass{c}},
		{"vector", &UserClassVector{Elems: []UserClass{u}}, []UserClass{u}, nil},
		{"user box", &UserClassBox{User: u}, []UserClass{u}, nil},
		{"chat box", &ChatClassBox{Chat: c}, nil, []ChatClass{c}},
		{"messages box", &MessagesMessagesClassBox{MessagesMessages: &MessagesChannelMessages{Users: []UserClass{u}, Chats: []ChatClass{c}}}, []UserClass{u}, []ChatClass{c}},
		{"difference box", &UpdatesDifferenceClassBox{UpdatesDifference: &UpdatesDifferenceSlice{Users: []UserClass{u}}}, []UserClass{u}, nil},
		{"authorization", &AuthAuthorization{User: u}, []UserClass{u}, nil},
		{"authorization without user", &AuthAuthorization{}, nil, nil},
		{"invite already", &ChatInviteAlready{Chat: c}, nil, []ChatClass{c}},
		{"invite", &ChatInvite{Participants: []UserClass{u}}, []UserClass{u}, nil},
		{"something else", &UpdateShort{}, nil, nil},
		{"no entities vector", &IntVector{Elems: []int32{1}}, nil, nil},
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

// TestEntitiesAllocFree: the common case, a result with users and chats lists, returns them
// as they are.
func TestEntitiesAllocFree(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are inflated under -race")
	}
	obj := &MessagesMessages{Users: []UserClass{&User{ID: 1}}, Chats: []ChatClass{&Chat{ID: 2}}}
	if n := testing.AllocsPerRun(100, func() { Entities(obj) }); n != 0 {
		t.Fatalf("Entities allocated %v times", n)
	}
}
