package mt

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
)

// vectorsDir holds copies of /work/shared/vectors (Telegram's worked auth-key example).
const vectorsDir = "testdata/"

// readDumps parses samples_auth_key_hexdumps.txt into step number -> message bytes.
func readDumps(t *testing.T) map[string][]byte {
	t.Helper()
	f, err := os.Open(vectorsDir + "samples_auth_key_hexdumps.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	step := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			step = strings.Fields(line)[1]
		case strings.Contains(line, " | ") && step != "":
			_, hexPart, _ := strings.Cut(line, " | ")
			p, err := hex.DecodeString(strings.ReplaceAll(hexPart, " ", ""))
			if err != nil {
				t.Fatalf("step %s: %v", step, err)
			}
			out[step] = append(out[step], p...)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	p, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return p
}

func i128(t *testing.T, s string) (v tl.Int128) {
	t.Helper()
	if copy(v[:], unhex(t, s)) != len(v) {
		t.Fatalf("int128 %q: wrong length", s)
	}
	return v
}

// num parses a big-endian hex number as printed on the page (message ids, fingerprints).
func num(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return int64(v)
}

// TestAuthKeySamples decodes the six unencrypted messages of Telegram's worked auth-key example
// to the values printed on the page and re-encodes them byte for byte.
func TestAuthKeySamples(t *testing.T) {
	dumps := readDumps(t)
	raw, err := os.ReadFile(vectorsDir + "samples_auth_key.json")
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	v := map[string]map[string]any{}
	for k, msg := range all {
		if strings.HasPrefix(k, "step") {
			var sec map[string]any
			if json.Unmarshal(msg, &sec) == nil { // a few steps are plain strings
				v[k] = sec
			}
		}
	}
	s := func(step, key string) string { return v[step][key].(string) }
	nonce := i128(t, s("step1_req_pq", "nonce"))
	serverNonce := i128(t, s("step2_resPQ", "server_nonce"))

	tests := []struct {
		step, key string // dump number and JSON section holding message_id/length
		want      tl.Object
	}{
		{"1", "step1_req_pq", &ReqPqRequest{Nonce: nonce}},
		{"2", "step2_resPQ", &ResPQ{
			Nonce: nonce, ServerNonce: serverNonce,
			Pq:                          string(unhex(t, s("step2_resPQ", "pq"))),
			ServerPublicKeyFingerprints: []int64{num(t, v["step2_resPQ"]["fingerprints"].([]any)[0].(string))},
		}},
		{"4", "step4_req_DH_params", &ReqDHParamsRequest{
			Nonce: nonce, ServerNonce: serverNonce,
			P:                    string(unhex(t, s("step4_p_q_inner_data", "p"))),
			Q:                    string(unhex(t, s("step4_p_q_inner_data", "q"))),
			PublicKeyFingerprint: num(t, s("step4_req_DH_params", "public_key_fingerprint")),
			EncryptedData:        string(unhex(t, s("step4_p_q_inner_data", "rsa_encrypted_data"))),
		}},
		{"5", "step5_server_DH_params_ok", &ServerDHParamsOk{
			Nonce: nonce, ServerNonce: serverNonce,
			EncryptedAnswer: string(unhex(t, s("step5_server_DH_params_ok", "encrypted_answer"))),
		}},
		{"6", "step6_client", &SetClientDHParamsRequest{
			Nonce: nonce, ServerNonce: serverNonce,
			EncryptedData: string(unhex(t, s("step6_client", "encrypted_data"))),
		}},
		{"9", "", &DHGenOk{
			Nonce: nonce, ServerNonce: serverNonce,
			NewNonceHash1: i128(t, s("step9_dh_gen_ok", "new_nonce_hash1")),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.want.TypeName(), func(t *testing.T) {
			msg, ok := dumps[tt.step]
			if !ok {
				t.Fatalf("dump %s missing", tt.step)
			}
			if len(msg) < 20 || binary.LittleEndian.Uint64(msg) != 0 {
				t.Fatalf("not an unencrypted message: % x", msg[:min(20, len(msg))])
			}
			body := msg[20:]
			if n := binary.LittleEndian.Uint32(msg[16:]); int(n) != len(body) {
				t.Fatalf("message_length %d, body has %d bytes", n, len(body))
			}
			if tt.key != "" {
				if want := num(t, s(tt.key, "message_id")); int64(binary.LittleEndian.Uint64(msg[8:])) != want {
					t.Errorf("message_id %x, want %x", binary.LittleEndian.Uint64(msg[8:]), want)
				}
				if want := v[tt.key]["message_length"].(float64); float64(len(body)) != want {
					t.Errorf("body length %d, JSON says %v", len(body), want)
				}
			}
			var b tl.Buffer
			b.ResetTo(body)
			got, err := DecodeObject(&b)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if b.Len() != 0 {
				t.Fatalf("%d bytes left after decode", b.Len())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("decoded value (-want +got):\n%s", diff)
			}
			var out tl.Buffer
			if err := got.Encode(&out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Buf, body) {
				t.Fatalf("re-encoded bytes differ:\n got % x\nwant % x", out.Buf, body)
			}
		})
	}

	// The decrypted answer of step 5 is a server_DH_inner_data followed by padding.
	t.Run("server_DH_inner_data", func(t *testing.T) {
		sec := v["step5_server_DH_inner_data"]
		want := &ServerDHInnerData{
			Nonce: nonce, ServerNonce: serverNonce,
			G:          int32(sec["g"].(float64)),
			DHPrime:    string(unhex(t, sec["dh_prime"].(string))),
			GA:         string(unhex(t, sec["g_a"].(string))),
			ServerTime: int32(sec["server_time"].(float64)),
		}
		answer := unhex(t, s("step5_server_DH_params_ok", "answer"))
		var b tl.Buffer
		b.ResetTo(answer)
		var got ServerDHInnerData
		if err := got.Decode(&b); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, &got); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
		var out tl.Buffer
		if err := got.Encode(&out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Buf, answer[:b.Offset()]) {
			t.Fatal("re-encoded server_DH_inner_data differs")
		}
	})
}
