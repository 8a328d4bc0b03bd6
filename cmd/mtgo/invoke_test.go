package main

import (
	"reflect"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/tl/tgjson"
)

// TestFillRandomID checks that a random_id left out is filled with what the method's field
// holds (a long, an int, a vector of one long per forwarded message) and that the request
// then decodes; a random_id that is data (sponsored messages' bytes) is left to the caller.
func TestFillRandomID(t *testing.T) {
	tests := []struct {
		method, params string
		check          func(t *testing.T, req any)
	}{
		{"messages.sendMessage", `{"peer":{"_":"inputPeerSelf"},"message":"x"}`, func(t *testing.T, req any) {
			if r := req.(*tg.MessagesSendMessageRequest); r.RandomID == 0 {
				t.Error("random_id not filled")
			}
		}},
		{"messages.forwardMessages", `{"from_peer":{"_":"inputPeerSelf"},"id":[1,2,3],"to_peer":{"_":"inputPeerSelf"}}`, func(t *testing.T, req any) {
			r := req.(*tg.MessagesForwardMessagesRequest)
			if len(r.RandomID) != 3 || r.RandomID[0] == 0 || r.RandomID[0] == r.RandomID[1] || r.RandomID[1] == r.RandomID[2] {
				t.Errorf("random_id = %v, want 3 different values", r.RandomID)
			}
		}},
		{"messages.requestEncryption", `{"user_id":{"_":"inputUserSelf"},"g_a":""}`, func(t *testing.T, req any) {
			if r := req.(*tg.MessagesRequestEncryptionRequest); r.RandomID == 0 {
				t.Error("random_id not filled")
			}
		}},
		{"messages.sendMessage", `{"peer":{"_":"inputPeerSelf"},"message":"x","random_id":"7"}`, func(t *testing.T, req any) {
			if r := req.(*tg.MessagesSendMessageRequest); r.RandomID != 7 {
				t.Errorf("random_id = %d, want the given 7", r.RandomID)
			}
		}},
		{"messages.viewSponsoredMessage", `{"random_id":"AQI="}`, func(t *testing.T, req any) {
			if r := req.(*tg.MessagesViewSponsoredMessageRequest); !reflect.DeepEqual(r.RandomID, []byte{1, 2}) {
				t.Errorf("random_id = %v, want the given bytes", r.RandomID)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			params, err := fillRandomID(tt.method, []byte(tt.params))
			if err != nil {
				t.Fatal(err)
			}
			req, err := tgjson.Method(tt.method, params)
			if err != nil {
				t.Fatalf("%s: %v", params, err)
			}
			tt.check(t, req)
		})
	}
}

// FuzzInvokeParams feeds the invoke command's parameter path (random_id filling, then the
// JSON to TL mapping) arbitrary JSON: it fails with an error, never a panic.
func FuzzInvokeParams(f *testing.F) {
	methods := tgjson.Names(true)
	f.Add(uint16(0), []byte(`{}`))
	f.Add(uint16(1), []byte(`null`))
	for i, n := range methods {
		switch n {
		case "messages.forwardMessages":
			f.Add(uint16(i), []byte(`{"from_peer":{"_":"inputPeerSelf"},"id":[1,2],"to_peer":{"_":"inputPeerSelf"}}`))
			f.Add(uint16(i), []byte(`{"id":{"a":1}}`))
		case "messages.sendMessage":
			f.Add(uint16(i), []byte(`{"peer":{"_":"inputPeerSelf"},"message":"x","random_id":null}`))
		}
	}
	f.Fuzz(func(t *testing.T, i uint16, params []byte) {
		method := methods[int(i)%len(methods)]
		filled, err := fillRandomID(method, params)
		if err != nil {
			return
		}
		_, _ = tgjson.Method(method, filled)
	})
}
